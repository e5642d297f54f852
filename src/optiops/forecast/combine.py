"""The losses ``auto`` can choose by, and the combination of candidates it fits for squared error.

``rmsse`` rewards the mean: ``auto`` then forecasts a weighted sum of its candidates, the weights
(non-negative) fitted per Syntetos-Boylan class by least squares on the backtest, each series'
errors divided by its RMSSE scale so that every series counts alike (stacking; Wolpert 1992). With
``unbiased`` the weights also make the class's backtest forecasts sum to its backtest demand: left
free, least squares shrinks sparse series' forecasts toward zero, which lowers their squared error
but forecasts less demand than there is, the wrong way round for stocking.
``mase`` rewards the median and ``pinball`` the quantiles: those choose one candidate per series.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy.optimize import nnls

from optiops.forecast.intervals import error_quantiles

Metric = Literal["rmsse", "mase", "pinball"]
METRICS: tuple[str, ...] = ("rmsse", "mase", "pinball")
MIN_GROUP = 20  # series a class needs to get weights of its own (else those of all series)
PINBALL_PROBS = np.array([0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975])


def combination_weights(
    forecasts: np.ndarray,
    actuals: np.ndarray,
    scale_sq: np.ndarray,
    labels: np.ndarray,
    unbiased: bool = True,
) -> np.ndarray:
    """Non-negative combination weights per series (those of its class), by backtest scaled squared error.

    Parameters
    ----------
    forecasts
        Backtest forecasts of every candidate, ``(n_series, n_candidates, n_windows, h)``.
    actuals
        Backtest actuals, ``(n_series, n_windows, h)`` (NaN: not scored).
    scale_sq
        RMSSE scale per series (:func:`~optiops.forecast.metrics.squared_naive_scale`).
    labels
        Group (demand class) per series.
    unbiased
        Make each group's backtest forecasts sum to its backtest actuals.

    Returns
    -------
    numpy.ndarray
        ``(n_series, n_candidates)``; rows of series that no group could fit are zero.
    """
    n, k = forecasts.shape[:2]
    flat = forecasts.reshape(n, k, -1)
    y = actuals.reshape(n, -1)
    seen = np.isfinite(y) & np.all(np.isfinite(flat), axis=1)  # steps every candidate forecast
    usable = np.isfinite(scale_sq) & (scale_sq > 0) & seen.any(axis=1)
    X = np.where(seen[:, None, :], flat, 0.0)
    y = np.where(seen, y, 0.0)
    root = np.sqrt(np.where(usable, scale_sq, 1.0))
    scaled = X / root[:, None, None]
    # per series: the normal equations' parts; a group's are their sums
    parts = (
        np.matmul(scaled, scaled.transpose(0, 2, 1)),  # (n, k, k)
        np.einsum("nki,ni->nk", scaled, y / root[:, None]),  # (n, k)
        X.sum(axis=2),  # (n, k) forecast totals
        y.sum(axis=1),  # (n,) demand totals
    )
    everyone = _fit_weights(tuple(p[usable].sum(axis=0) for p in parts), unbiased) if usable.any() else None
    weights = np.zeros((n, k))
    for label in np.unique(labels):
        members = labels == label
        fit = members & usable
        if fit.sum() >= MIN_GROUP:
            w: np.ndarray | None = _fit_weights(tuple(p[fit].sum(axis=0) for p in parts), unbiased)
        else:
            w = everyone
        if w is not None:
            weights[members] = w
    return weights


def _fit_weights(parts: tuple[np.ndarray, ...], unbiased: bool) -> np.ndarray:
    """Non-negative least-squares weights of one group from its normal equations ``A'A``, ``A'b`` and
    its forecast and demand totals.

    ``unbiased`` adds a term far heavier than the rest that holds ``total . w = demand`` (to about 1e-6
    relative). NNLS runs on ``||R w - R^-T A'b||`` with ``R'R = A'A`` (plus a tiny ridge).
    """
    gram, cross, total, demand = parts
    k = gram.shape[0]
    if unbiased and demand > 0:
        weight = 1e6 * max(float(np.trace(gram)), 1.0) / max(float(total @ total), 1e-12)
        gram = gram + weight * np.outer(total, total)
        cross = cross + weight * total * demand
    root_gram = np.linalg.cholesky(gram + 1e-10 * max(float(np.trace(gram)), 1.0) * np.eye(k)).T
    w, _ = nnls(root_gram, np.linalg.solve(root_gram.T, cross), maxiter=50 * k)
    return np.asarray(w)


def pinball_scores(forecasts: np.ndarray, actuals: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Backtest pinball loss per series and candidate of ``forecast + error quantile`` at :data:`PINBALL_PROBS`.

    Parameters
    ----------
    forecasts
        ``(n_series, n_candidates, n_windows, h)``.
    actuals
        ``(n_series, n_windows, h)``.
    scale
        Naive scale per series (for the pooled quantiles of series with few errors).

    Returns
    -------
    numpy.ndarray
        ``(n_series, n_candidates)``, mean over the probabilities, origins and steps; ``inf`` where a
        candidate has no finite backtest forecast.
    """
    n, k = forecasts.shape[:2]
    out = np.full((n, k), np.inf)
    for j in range(k):
        errors = actuals - forecasts[:, j]
        q = error_quantiles(errors, PINBALL_PROBS, scale)  # (n, probs)
        diff = errors.reshape(n, -1)[:, None, :] - q[:, :, None]
        loss = np.maximum(PINBALL_PROBS[None, :, None] * diff, (PINBALL_PROBS[None, :, None] - 1.0) * diff)
        seen = np.isfinite(diff)
        count = seen.sum(axis=(1, 2))
        total = np.where(seen, loss, 0.0).sum(axis=(1, 2))
        out[:, j] = np.where(count > 0, total / np.maximum(count, 1), np.inf)
    return out
