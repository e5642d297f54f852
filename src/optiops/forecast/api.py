"""One-shot forecasting of a whole demand history into a long-format table, fanned out in chunks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from optiops.forecast.auto import AutoForecaster
from optiops.forecast.base import Backtest, Panel
from optiops.forecast.registry import make_model, season_length_of
from optiops.model.demand import DemandHistory, segment_index
from optiops.parallel import ExecutorKind, make_executor


def forecast_chunk(
    model: str, season_length: int, backtest: Backtest | None, panel: Panel, h: int, levels: list[float]
) -> dict[str, np.ndarray]:
    """Fit one model on a chunk of series and predict (runs in a worker); adds ``"model"`` per series."""
    fitted = make_model(model, season_length, backtest).fit(panel)
    out = fitted.predict(h, level=levels)
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
        Series per task; default all series in one task.

    Returns
    -------
    pandas.DataFrame
        ``unique_id, ds, model, forecast, lo-<c>, hi-<c>, ...``, one row per series and step.
    """
    levels = [float(c) for c in levels]
    season = season_length_of(history.freq)
    bt = backtest or Backtest(h=h)
    n = history.n_series
    size = chunk_size or max(n, 1)
    parts = []
    with make_executor(executor, workers) as pool:
        futures = []
        for start in range(0, n, size):
            idx = np.arange(start, min(n, start + size))
            flat, offsets = segment_index(history.offsets[idx], history.lengths[idx])
            panel = Panel(history.values[flat], offsets)
            futures.append(pool.submit(forecast_chunk, model, season, bt, panel, h, levels))
        parts = [f.result() for f in futures]
    return _long_frame(history, h, parts)


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
