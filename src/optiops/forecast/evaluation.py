"""Hold-out evaluation: fit on all but the last ``h`` steps, score the last ``h``, per model and class.

One table row per model x group, the groups being all series and each Syntetos-Boylan class
(computed on the training part). Means over series skip series whose scale is zero or undefined.
``pinball`` is the pinball loss of the interval bounds (read as quantiles ``(1 -+ c)/2``), scaled
by the naive scale and averaged over the levels; ``coverage-<c>`` is the share of held-out steps
inside the ``c`` % interval.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from optiops.forecast import metrics as M
from optiops.forecast.base import Backtest
from optiops.forecast.classify import CLASSES, syntetos_boylan
from optiops.forecast.intervals import level_keys
from optiops.forecast.registry import make_model, season_length_of
from optiops.model.demand import DemandHistory

DEFAULT_MODELS = ("naive", "seasonal_naive", "moving_average", "croston", "sba", "tsb", "adida", "imapa", "ses", "auto")


def _mean(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else float("nan")


def score(
    model: str,
    train: DemandHistory,
    test: np.ndarray,
    prediction: dict[str, np.ndarray],
    levels: Sequence[float] = (),
    seconds: float = float("nan"),
) -> list[dict[str, Any]]:
    """Metric rows (all series, then each demand class present) of one model's hold-out forecasts.

    Parameters
    ----------
    model
        Name written in the ``model`` column.
    train, test
        The training history and the held-out actuals ``(n_series, h)``.
    prediction
        ``"mean"`` and, for each level, ``"lo-<c>"``/``"hi-<c>"`` arrays ``(n_series, h)``.
    levels
        Interval levels in percent to score.
    seconds
        Time to fit and predict, for the throughput column.
    """
    scale = M.naive_scale(train.values, train.offsets)
    scale_sq = M.squared_naive_scale(train.values, train.offsets)
    mean = prediction["mean"]
    per_series: dict[str, np.ndarray] = {
        "mase": M.mase(test, mean, scale),
        "rmsse": M.rmsse(test, mean, scale_sq),
        "bias": M.bias(test, mean),
    }
    pinballs = []
    for c in levels:
        lo, hi = (prediction[k] for k in level_keys(c))
        per_series[f"coverage-{c:g}"] = M.coverage(test, lo, hi)
        pinballs.append(M.interval_pinball(test, lo, hi, c))
    with np.errstate(invalid="ignore", divide="ignore"):
        pin = (
            np.mean(pinballs, axis=0) / np.where(scale > 0, scale, np.nan) if pinballs else np.full(len(scale), np.nan)
        )
    per_series["pinball"] = pin
    labels = syntetos_boylan(train.values, train.offsets).label
    rows = []
    for group in ("all", *CLASSES):
        members = np.ones(len(labels), bool) if group == "all" else labels == group
        if not members.any():
            continue
        row: dict[str, Any] = {"model": model, "group": group, "n_series": int(members.sum())}
        row.update({k: _mean(v[members]) for k, v in per_series.items()})
        if levels:
            row.update(integer_calibration(test[members], {k: v[members] for k, v in prediction.items()}, levels))
        row["wape"] = M.wape_total(test[members], mean[members])
        row["seconds"] = seconds
        row["series_per_s"] = train.n_series / seconds if seconds > 0 else float("nan")
        rows.append(row)
    return rows


def quantile_levels(levels: Sequence[float]) -> list[tuple[float, str]]:
    """The quantiles an interval set gives, lowest first: ``(probability, key)`` with keys ``lo-<c>``/``hi-<c>``."""
    pairs = [((1 - c / 100) / 2, level_keys(c)[0]) for c in levels] + [
        ((1 + c / 100) / 2, level_keys(c)[1]) for c in levels
    ]
    return sorted(pairs)


def integer_calibration(
    test: np.ndarray, prediction: dict[str, np.ndarray], levels: Sequence[float], tolerance: float = 0.02
) -> dict[str, Any]:
    """Calibration of the interval bounds read as quantiles, in the form that suits integer demand.

    A quantile ``q`` at probability ``t`` of a count is calibrated when ``share(y < q) <= t`` and
    ``share(y <= q) >= t``: on integers no ``q`` need have ``share(y <= q) == t`` exactly, but one
    that is calibrated lies on the step of the distribution that crosses ``t``. Shares are pooled over
    every series and held-out step (values marked missing left out).

    Returns
    -------
    dict
        ``below-<t>`` and ``at_or_below-<t>`` per quantile, and ``calibrated``: every quantile within
        ``tolerance`` (``share(y < q) <= t + tolerance`` and ``share(y <= q) >= t - tolerance``).
    """
    seen = np.isfinite(test)
    out: dict[str, Any] = {}
    ok = True
    for t, key in quantile_levels(levels):
        q = prediction[key]
        below = float(np.mean((test < q)[seen])) if seen.any() else float("nan")
        at_or_below = float(np.mean((test <= q)[seen])) if seen.any() else float("nan")
        out[f"below-{t:g}"], out[f"at_or_below-{t:g}"] = below, at_or_below
        ok = ok and below <= t + tolerance and at_or_below >= t - tolerance
    out["calibrated"] = ok
    return out


def coverage_floor(train: DemandHistory, test: np.ndarray, levels: Sequence[float]) -> list[dict[str, Any]]:
    """Reference rows: the least mean coverage that intervals containing zero can reach on ``test``.

    On integer demand an interval that contains zero covers at least the series' share of zeros, so
    no such interval covers less than ``max(zero share, c)``. Its mean over the series (each given
    exactly ``c`` where zeros are rarer, which integer data need not allow) is a floor under the
    coverage of any sensible intervals. It reads the hold-out, so it is a yardstick, not a model.
    """
    zero_share = np.mean(test == 0, axis=1)
    labels = syntetos_boylan(train.values, train.offsets).label
    rows = []
    for group in ("all", *CLASSES):
        members = np.ones(len(labels), bool) if group == "all" else labels == group
        if members.any():
            row: dict[str, Any] = {"model": "zero-share floor (reference)", "group": group,
                                   "n_series": int(members.sum())}  # fmt: skip
            row.update({f"coverage-{c:g}": float(np.mean(np.maximum(zero_share[members], c / 100))) for c in levels})
            rows.append(row)
    return rows


def evaluate_models(
    history: DemandHistory,
    h: int,
    models: Sequence[str] = DEFAULT_MODELS,
    levels: Sequence[float] = (80, 95),
    backtest: Backtest | None = None,
    season_length: int | None = None,
) -> pd.DataFrame:
    """Hold out the last ``h`` steps of every series and score each model on them.

    Parameters
    ----------
    history
        Demand history; every series needs more than ``h`` observations.
    h
        Held-out steps.
    models
        Names from :data:`optiops.forecast.registry.MODEL_NAMES`.
    levels
        Interval levels in percent.
    backtest
        Origins for backtest intervals and ``auto``'s choice (within the training part); default
        ``Backtest(h=h)``.
    season_length
        Default: from the calendar (12 for monthly data).

    Returns
    -------
    pandas.DataFrame
        One row per model x group: ``model, group, n_series, mase, rmsse, bias, coverage-<c>...,
        pinball, wape, seconds, series_per_s``.
    """
    train, test = history.split(h)
    m = season_length or season_length_of(history.freq)
    rows: list[dict[str, Any]] = []
    for name in models:
        model = make_model(name, m, backtest or Backtest(h=h))
        t0 = time.perf_counter()
        prediction = model.fit(train).predict(h, level=list(levels))
        rows += score(name, train, test, prediction, levels, time.perf_counter() - t0)
    return pd.DataFrame(rows)
