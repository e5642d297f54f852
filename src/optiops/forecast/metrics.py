"""Forecast accuracy metrics, vectorised over all series: one value per series (row).

Actuals and forecasts are ``(n_series, h)`` arrays. Scaled metrics divide by a per-series scale
from the training data (Hyndman & Koehler 2006): the mean absolute one-step naive error for MASE,
its squared counterpart for RMSSE. A series whose training data is constant has scale 0; its
scaled metrics are NaN and aggregates skip them (the benchmark reports how many were skipped).
Actuals marked missing (NaN) are left out of every metric: of the means, sums and scales.
"""

from __future__ import annotations

import numpy as np


def _diff_sums(values: np.ndarray, offsets: np.ndarray, power: int) -> tuple[np.ndarray, np.ndarray]:
    """Per series: sum of |one-step differences|**power and their count (pairs with a value marked missing,
    NaN, left out)."""
    diffs = np.abs(np.diff(values)) ** power
    seen = np.isfinite(diffs)
    cum = np.concatenate([[0.0], np.cumsum(np.where(seen, diffs, 0.0))])
    n = np.concatenate([[0], np.cumsum(seen)])
    lo, hi = offsets[:-1], np.maximum(offsets[1:] - 1, offsets[:-1])
    return cum[hi] - cum[lo], n[hi] - n[lo]


def _row_mean(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean over the last axis of ``x`` where the actual ``y`` is not marked missing (NaN); NaN for none.

    A NaN in ``x`` where ``y`` is known (a failed forecast) still makes the mean NaN.
    """
    known = ~np.isnan(np.broadcast_to(y, np.shape(x)))
    count = known.sum(axis=-1)
    return np.where(count > 0, np.where(known, x, 0.0).sum(axis=-1) / np.maximum(count, 1), np.nan)


def naive_scale(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Mean absolute one-step naive error of every series (NaN for single-observation series).

    Parameters
    ----------
    values, offsets
        Flat layout of the training series.

    Returns
    -------
    numpy.ndarray
        One scale per series.
    """
    total, count = _diff_sums(values, offsets, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def squared_naive_scale(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Mean squared one-step naive error of every series (the RMSSE scale)."""
    total, count = _diff_sums(values, offsets, 2)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _scaled(numerator: np.ndarray, scale: np.ndarray) -> np.ndarray:
    scale = np.asarray(scale, dtype=np.float64)
    ok = np.isfinite(scale) & (scale > 0)
    return np.where(ok, numerator / np.where(ok, scale, 1.0), np.nan)


def mase(y: np.ndarray, yhat: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Mean absolute scaled error per series.

    Parameters
    ----------
    y, yhat
        Actuals and forecasts, ``(n_series, h)``.
    scale
        :func:`naive_scale` of the training data, ``(n_series,)``.
    """
    return _scaled(_row_mean(np.abs(y - yhat), y), scale)


def rmsse(y: np.ndarray, yhat: np.ndarray, scale_sq: np.ndarray) -> np.ndarray:
    """Root mean squared scaled error per series (``scale_sq`` from :func:`squared_naive_scale`)."""
    return np.sqrt(_scaled(_row_mean((y - yhat) ** 2, y), scale_sq))


def wape(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """Weighted absolute percentage error per series: sum |y - yhat| / sum y (NaN when sum y is 0)."""
    known = ~np.isnan(y)
    return _scaled(np.where(known, np.abs(y - yhat), 0.0).sum(axis=-1), np.where(known, np.abs(y), 0.0).sum(axis=-1))


def wape_total(y: np.ndarray, yhat: np.ndarray) -> float:
    """WAPE over all series and steps together (the volume-weighted aggregate)."""
    known = ~np.isnan(y)
    total = float(np.abs(y[known]).sum())
    return float(np.abs(y - yhat)[known].sum() / total) if total > 0 else float("nan")


def bias(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """Mean forecast error per series, ``mean(yhat - y)``: positive means over-forecasting."""
    return _row_mean(yhat - y, y)


def pinball(y: np.ndarray, q: np.ndarray, tau: float) -> np.ndarray:
    """Mean pinball (quantile) loss per series of the quantile forecast ``q`` at probability ``tau``.

    Parameters
    ----------
    y, q
        Actuals and quantile forecasts, ``(n_series, h)``.
    tau
        Probability of the quantile, in (0, 1).
    """
    diff = y - q
    return _row_mean(np.maximum(tau * diff, (tau - 1.0) * diff), y)


def interval_pinball(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: float) -> np.ndarray:
    """Mean pinball loss of an interval's two bounds, read as quantiles ``(1 -+ level/100) / 2``."""
    tau_lo = (1.0 - level / 100.0) / 2.0
    return 0.5 * (pinball(y, lo, tau_lo) + pinball(y, hi, 1.0 - tau_lo))


def coverage(y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Share of steps per series whose actual lies within ``[lo, hi]``."""
    return _row_mean(((y >= lo) & (y <= hi)).astype(np.float64), y)
