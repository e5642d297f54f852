"""Prediction intervals from rolling-origin backtest errors (empirical quantiles), clipped at zero.

For each series, the signed errors ``y - forecast`` of every backtest origin and every step up to
the backtest horizon are pooled, and the interval at level ``c`` is
``forecast + [q_{(1-c)/2}, q_{(1+c)/2}]`` of that pool, the quantile levels widened for the few
distinct time points behind the pool (split-conformal finite-sample correction; without it 12
overlapping 12-step windows, 23 time points, cover 74 % at a nominal 80 %). Signed quantiles keep
the asymmetry of demand. Pooling the steps assumes errors that do not grow much with the step, which holds for the
flat forecasts of the intermittent and smoothing methods; it gives enough samples for the 95 % tail
from a short history.

Zero demand: when at least ``(1-c)/2`` of the backtest actuals are zero, the ``(1-c)/2`` quantile
of the demand is zero, so the lower bound is zero; the upper bound stays ``forecast + q_{(1+c)/2}``.
Each bound is a quantile of the demand (read as one by the integer calibration of
:func:`optiops.forecast.evaluation.integer_calibration`), so on such series the interval covers
more than ``c``: it holds the zeros and the same upper tail as a central interval.

Series with fewer than ``MIN_SAMPLES`` errors borrow the pooled errors of all series, scaled by their
own naive scale (cold start), and the pooled share of zeros.
"""

from __future__ import annotations

import numpy as np

MIN_SAMPLES = 10


def level_keys(level: float) -> tuple[str, str]:
    """``("lo-80", "hi-80")`` for 80; ``("lo-97.5", "hi-97.5")`` for 97.5."""
    return f"lo-{level:g}", f"hi-{level:g}"


def _pooled(flat: np.ndarray, donors: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Errors of the donor series divided by their scale, all in one 1-D array."""
    ok = donors & np.isfinite(scale) & (scale > 0)
    pool = flat[ok] / scale[ok, None]
    return pool[np.isfinite(pool)]


def error_quantiles(errors: np.ndarray, probs: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``(n_series, len(probs))`` quantiles of each series' pooled errors, with the cold-start fallback."""
    flat = errors.reshape(errors.shape[0], -1)
    enough = np.sum(np.isfinite(flat), axis=1) >= MIN_SAMPLES
    out = np.zeros((flat.shape[0], probs.shape[0]))
    full = enough & np.all(np.isfinite(flat), axis=1)
    if np.any(full):  # one vectorised sort for the rows without gaps (nanquantile goes row by row)
        out[full] = np.quantile(flat[full], probs, axis=1).T
    gaps = enough & ~full
    if np.any(gaps):
        out[gaps] = np.nanquantile(flat[gaps], probs, axis=1).T
    if not np.all(enough):
        pool = _pooled(flat, enough, scale)
        pooled = np.quantile(pool, probs) if pool.size else np.zeros(probs.shape[0])
        few = ~enough
        out[few] = pooled[None, :] * np.where(np.isfinite(scale[few]), scale[few], 0.0)[:, None]
    return out


def zero_share(actuals: np.ndarray) -> np.ndarray:
    """Share of zero actuals per series over the backtest; the pooled share for too few samples."""
    flat = actuals.reshape(actuals.shape[0], -1)
    seen = np.isfinite(flat)
    count = seen.sum(axis=1)
    zeros = np.sum(seen & (flat == 0), axis=1)
    pooled = zeros.sum() / count.sum() if count.sum() else 0.0
    return np.where(count >= MIN_SAMPLES, zeros / np.maximum(count, 1), pooled)


def finite_sample_probs(probs: np.ndarray, n: int | None) -> np.ndarray:
    """Quantile probabilities whose interpolated sample quantiles cover ``probs`` of a new draw.

    With ``n`` exchangeable samples, the ``r``-th smallest is below a new draw with probability
    ``r / (n + 1)`` (the argument of split conformal prediction); numpy's default interpolation puts
    probability ``p`` at rank ``1 + p (n - 1)``, so ``p`` becomes ``(p (n + 1) - 1) / (n - 1)``.
    """
    if n is None or n < 2:
        return probs
    return np.clip((probs * (n + 1) - 1) / (n - 1), 0.0, 1.0)


def empirical_bounds(
    mean: np.ndarray,
    errors: np.ndarray,
    actuals: np.ndarray,
    scale: np.ndarray,
    levels: list[float],
    n_effective: int | None = None,
) -> dict[str, np.ndarray]:
    """Interval bounds around ``mean`` from backtest errors.

    Parameters
    ----------
    mean
        Point forecasts, ``(n_series, h)``.
    errors, actuals
        Backtest errors ``actual - forecast`` and actuals, ``(n_series, n_windows, h_backtest)``, NaN
        where an origin did not fit a series.
    scale
        Per-series naive scale, for the pooled fallback.
    levels
        Levels in percent.
    n_effective
        Number of distinct time points behind each series' errors (overlapping backtest windows
        share actuals): with it, quantile levels get the finite-sample correction of
        :func:`finite_sample_probs`; None uses the levels as they are.

    Returns
    -------
    dict
        ``"lo-<level>"`` and ``"hi-<level>"`` arrays like ``mean``, clipped at zero.
    """
    tails = np.array([(1 - c / 100) / 2 for c in levels])
    probs = np.concatenate([tails, 1 - tails])
    q = error_quantiles(errors, finite_sample_probs(probs, n_effective), scale)
    at_zero = zero_share(actuals)[:, None] >= tails[None, :]
    k = len(levels)
    out = {}
    for j, c in enumerate(levels):
        lo_key, hi_key = level_keys(c)
        lo = np.where(at_zero[:, j], -np.inf, q[:, j])
        hi = q[:, k + j]
        out[lo_key] = np.maximum(mean + lo[:, None], 0.0)
        out[hi_key] = np.maximum(mean + hi[:, None], 0.0)
    return out


def normal_bounds(mean: np.ndarray, sd: np.ndarray, levels: list[float]) -> dict[str, np.ndarray]:
    """Gaussian interval bounds ``mean -+ z sd`` at each level, clipped at zero (a model's own intervals).

    Parameters
    ----------
    mean, sd
        Point forecasts and forecast standard deviations, ``(n_series, h)``.
    levels
        Levels in percent.

    Returns
    -------
    dict
        ``"lo-<level>"`` and ``"hi-<level>"`` arrays like ``mean``.
    """
    from scipy.stats import norm

    out = {}
    for c in levels:
        z = float(norm.ppf(0.5 + c / 200.0))
        lo_key, hi_key = level_keys(c)
        out[lo_key] = np.maximum(mean - z * sd, 0.0)
        out[hi_key] = np.maximum(mean + z * sd, 0.0)
    return out
