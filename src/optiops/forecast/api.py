"""One-shot forecasting of a whole demand history into a long-format table, fanned out in chunks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError
from optiops.forecast.auto import AutoForecaster
from optiops.forecast.base import Backtest, Panel
from optiops.forecast.registry import make_model, season_length_of
from optiops.forecast.regressors import Regressors
from optiops.model.demand import DemandHistory, segment_index
from optiops.parallel import ExecutorKind, make_executor


def forecast_chunk(
    model: str,
    season_length: int,
    backtest: Backtest | None,
    panel: Panel,
    h: int,
    levels: list[float],
    regressors: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Fit one model on a chunk of series and predict (runs in a worker); adds ``"model"`` per series.

    ``regressors`` is ``(past, future)`` for the chunk; models without ``uses_regressors`` ignore it.
    """
    fitted = make_model(model, season_length, backtest)
    if regressors is not None and fitted.uses_regressors:
        out = fitted.fit(panel, regressors[0]).predict(h, X=regressors[1], level=levels)
    else:
        out = fitted.fit(panel).predict(h, level=levels)
    n = panel.offsets.shape[0] - 1
    out["model"] = fitted.chosen_ if isinstance(fitted, AutoForecaster) else np.full(n, fitted.alias, dtype=object)
    return out


def forecast_frame(
    history: DemandHistory,
    h: int,
    model: str = "auto",
    levels: Sequence[float] = (80, 95),
    backtest: Backtest | None = None,
    executor: ExecutorKind = "inline",
    workers: int | None = None,
    chunk_size: int | None = None,
    regressors: Regressors | None = None,
    groups: np.ndarray | None = None,
) -> pd.DataFrame:
    """Forecast every series ``h`` steps ahead.

    Parameters
    ----------
    history
        Demand history (from :func:`optiops.io.demand.read_demand`).
    h
        Steps ahead.
    model
        A name from :data:`optiops.forecast.registry.MODEL_NAMES`.
    levels
        Interval levels in percent.
    backtest
        Origins for backtest intervals and ``auto``'s choice; default ``Backtest(h=h)``.
    executor, workers
        Where the chunks run (see :func:`optiops.parallel.make_executor`).
    chunk_size
        Series per task; default all series (of a group) in one task.
    regressors
        Past and future regressors (``future`` with ``h`` rows per series), for models that take them
        (``sarimax``); the others ignore them.
    groups
        A group label per series (e.g. the category): chunks never mix groups, so what a model pools
        over series (the cold-start profile of ``auto``) is pooled within a group.

    Returns
    -------
    pandas.DataFrame
        ``unique_id, ds, model, forecast, lo-<c>, hi-<c>, ...``, one row per series and step, in the
        order of ``history``.
    """
    levels = [float(c) for c in levels]
    season = season_length_of(history.freq)
    bt = backtest or Backtest(h=h)
    _check_inputs(history, h, regressors, groups)
    chunks = _chunks(history.n_series, chunk_size, groups)
    with make_executor(executor, workers) as pool:
        futures = []
        for idx in chunks:
            flat, offsets = segment_index(history.offsets[idx], history.lengths[idx])
            panel = Panel(history.values[flat], offsets)  # missing values (NaN): each model fills and skips them
            x = regressors.take(history.offsets, idx, h) if regressors is not None else None
            futures.append(pool.submit(forecast_chunk, model, season, bt, panel, h, levels, x))
        parts = [f.result() for f in futures]
    return _long_frame(history, h, _in_history_order(chunks, parts, history.n_series))


def _check_inputs(history: DemandHistory, h: int, regressors: Regressors | None, groups: np.ndarray | None) -> None:
    """Regressors and groups must match the history's layout."""
    n, size = history.n_series, history.values.shape[0]
    if regressors is not None and (regressors.past.shape[0] != size or regressors.future.shape[0] != n * h):
        raise InstanceError(
            f"regressors need {size} past rows and {n * h} future rows (h={h} per series), got "
            f"{regressors.past.shape[0]} and {regressors.future.shape[0]}",
            history.source,
        )
    if groups is not None and np.asarray(groups).shape != (n,):
        raise InstanceError(f"groups need one label per series ({n}), got shape {np.asarray(groups).shape}")


def _chunks(n: int, size: int | None, groups: np.ndarray | None) -> list[np.ndarray]:
    """Series positions per task: groups kept apart, at most ``size`` series each."""
    labels = np.zeros(n, dtype=np.int64) if groups is None else np.unique(np.asarray(groups), return_inverse=True)[1]
    chunks = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        step = size or max(members.size, 1)
        chunks += [members[start : start + step] for start in range(0, members.size, step)]
    return chunks


def _in_history_order(chunks: list[np.ndarray], parts: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The chunk outputs as one part with its rows in the order of the history."""
    if not parts:
        return []
    order = np.concatenate(chunks)
    joined = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    out = {}
    for key, value in joined.items():
        placed = np.empty_like(value)
        placed[order] = value
        out[key] = placed
    return [out]


def _long_frame(history: DemandHistory, h: int, parts: list[dict[str, Any]]) -> pd.DataFrame:
    """Stack chunk outputs into the long ``forecast.csv`` layout."""
    joined = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {"mean": np.zeros((0, h))}
    n = history.n_series
    frame = {
        "unique_id": np.repeat(np.asarray(history.ids, dtype=object), h),
        "ds": history.future_dates(h).reshape(-1),
        "model": np.repeat(joined.get("model", np.full(n, "", dtype=object)), h),
        "forecast": joined["mean"].reshape(-1),
    }
    for key, value in joined.items():
        if key.startswith(("lo-", "hi-")):
            frame[key] = value.reshape(-1)
    return pd.DataFrame(frame)


def forecast_csv(frame: pd.DataFrame) -> str:
    """The ``forecast.csv`` text of a :func:`forecast_frame` result (ISO dates, 6 decimals)."""
    ds = pd.to_datetime(frame["ds"])
    fmt = "%Y-%m-%d" if bool((ds == ds.dt.normalize()).all()) else "%Y-%m-%dT%H:%M:%S"
    return frame.to_csv(index=False, float_format="%.6f", date_format=fmt)
