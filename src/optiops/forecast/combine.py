"""The losses ``auto`` can choose by, and the combinations of candidates it fits for them.

``stocking`` (the default) wants the mean: ``auto`` forecasts a weighted sum of its candidates, the
weights (non-negative) fitted per Syntetos-Boylan class by least squares on the backtest, each
series' errors divided by its RMSSE scale so that every series counts alike (stacking; Wolpert
1992), and held so that the class's backtest forecasts sum to its backtest demand. ``rmsse`` fits
the weights to the backtest RMSSE itself (the mean over series of each one's root), without that
hold: on sparse series the RMSSE is least for forecasts shrunk toward zero, so this scores better
and forecasts less demand than there is, the wrong way round for stocking.
``mase`` rewards the median and ``pinball`` the quantiles: those choose one candidate per series.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy.optimize import nnls

from optiops.forecast.intervals import error_quantiles

Metric = Literal["stocking", "rmsse", "mase", "pinball"]
METRICS: tuple[str, ...] = ("stocking", "rmsse", "mase", "pinball")
MIN_GROUP = 20  # series a class needs to get weights of its own (else those of all series)
PINBALL_PROBS = np.array([0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975])


def combination_weights(
    forecasts: np.ndarray,
    actuals: np.ndarray,
    scale_sq: np.ndarray,
    labels: np.ndarray,
    objective: Literal["stocking", "rmsse"] = "stocking",
) -> np.ndarray:
    """Non-negative combination weights per series (those of its class), fitted on the backtest.

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
    objective
        ``"stocking"``: least scaled squared error, each group's backtest forecasts summing to its
        backtest actuals; ``"rmsse"``: least mean RMSSE over the group's series.

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

    def fit(members: np.ndarray) -> np.ndarray:
        if objective == "rmsse":
            return _rmsse_weights(X[members], y[members], seen[members].sum(axis=1), scale_sq[members])
        return _fit_weights(tuple(p[members].sum(axis=0) for p in parts))

    everyone = fit(usable) if usable.any() else None
    weights = np.zeros((n, k))
    for label in np.unique(labels):
        members = labels == label
        fit_rows = members & usable
        if fit_rows.sum() >= MIN_GROUP:
            w: np.ndarray | None = fit(fit_rows)
        else:
            w = everyone
        if w is not None:
            weights[members] = w
    return weights


def _fit_weights(parts: tuple[np.ndarray, ...]) -> np.ndarray:
    """Non-negative least-squares weights of one group, from its normal equations ``A'A``, ``A'b`` and its
    forecast and demand totals: least ``w'A'Aw - 2 w'A'b`` with ``totals . w = demand`` (SLSQP; NNLS on the
    Cholesky factor when the group had no demand)."""
    gram, cross, total, demand = parts
    k = gram.shape[0]
    norm = max(float(np.trace(gram)), 1e-12)
    gram, cross = gram / norm + 1e-12 * np.eye(k), cross / norm
    if demand <= 0 or not np.any(total > 0):
        root_gram = np.linalg.cholesky(gram).T
        w, _ = nnls(root_gram, np.linalg.solve(root_gram.T, cross), maxiter=50 * k)
        return np.asarray(w)
    from scipy.optimize import minimize

    share = total / demand  # the hold as share . w = 1, on the scale of the weights
    start = np.full(k, 1.0 / max(float(share.sum()), 1e-12))
    result = minimize(
        lambda w: (float(w @ gram @ w - 2.0 * cross @ w), 2.0 * (gram @ w - cross)),
        start,
        jac=True,
        method="SLSQP",
        bounds=[(0.0, None)] * k,
        constraints=[{"type": "eq", "fun": lambda w: share @ w - 1.0, "jac": lambda w: share}],
        options={"ftol": 1e-12, "maxiter": 500},
    )
    return np.maximum(np.asarray(result.x), 0.0)


def _rmsse_weights(X: np.ndarray, y: np.ndarray, count: np.ndarray, scale_sq: np.ndarray) -> np.ndarray:
    """Non-negative weights of least mean RMSSE, ``mean_i sqrt(sum_t (y - X w)^2 / (count_i scale_i))`` (L-BFGS-B)."""
    from scipy.optimize import minimize

    k = X.shape[1]
    denominator = np.maximum(count, 1) * scale_sq

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        residual = y - np.einsum("nki,k->ni", X, w)
        root = np.sqrt((residual**2).sum(axis=1) / denominator + 1e-12)
        slope = -residual / (denominator * root * root.shape[0])[:, None]
        return float(root.mean()), np.einsum("ni,nki->k", slope, X)

    result = minimize(loss, np.full(k, 1.0 / k), jac=True, method="L-BFGS-B", bounds=[(0.0, None)] * k)
    return np.asarray(result.x)


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
