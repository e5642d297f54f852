"""SARIMAX through statsmodels: regression on known-future regressors with ARIMA errors, order by AIC.

For each series, every candidate order in ``orders`` is fitted with ``statsmodels``' ``SARIMAX``
(exact likelihood, stationarity and invertibility enforced, the error variance concentrated out),
each once without and, when the series holds at least two seasons plus ``MIN_EXTRA`` steps, once
with a seasonal AR(1) term of period ``season_length``; the fit of least AIC is kept. Orders without
differencing get a constant. Regressors enter as ``y_t = x_t' beta + u_t`` with ``u_t`` the ARIMA
process, so ``beta`` is the effect of one unit of a regressor (the promotion uplift of a 0/1 flag).
A regressor that is constant over a series' history, or moves exactly with the regressors before it
(a promotion flag that is on exactly when the price is cut), says nothing about its own effect and is
left out for that series (its future values are then ignored): list regressors most trusted first.

Intervals are the model's (Gaussian, from the state-space forecast variance), clipped at zero, as is
the mean. A series that is constant, shorter than ``MIN_OBS`` or on which every candidate fails gets
its last value, with random-walk intervals ``sigma sqrt(step)`` from its one-step differences.

Slow (about a tenth of a second per candidate fit; see docs/forecast.md for measured throughput):
fan out through :mod:`optiops.parallel` (``forecast_frame(..., executor="process")``) for many series.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, ClassVar, NamedTuple, Self

import numpy as np
from threadpoolctl import threadpool_limits

from optiops._logging import logger
from optiops.forecast.base import Forecaster, YInput
from optiops.forecast.intervals import normal_bounds
from optiops.forecast.regressors import future_regressors, past_regressors

Order = tuple[int, int, int]
DEFAULT_ORDERS: tuple[Order, ...] = ((0, 1, 1), (1, 0, 0), (1, 1, 1))
MIN_OBS = 8
MIN_EXTRA = 3


class SeriesFit(NamedTuple):
    """The chosen fit of one series: statsmodels results (None for the fallback) and its regressor columns."""

    result: Any
    columns: np.ndarray
    name: str


class AutoSARIMAX(Forecaster):
    """SARIMAX with exogenous regressors, the order of least AIC chosen per series.

    Parameters
    ----------
    season_length
        Period of the seasonal AR term (7 for daily data); 1 disables the seasonal candidates.
    orders
        Candidate ``(p, d, q)`` orders.
    max_iter
        Iterations of the likelihood optimiser per candidate.

    Attributes
    ----------
    order_
        Chosen model per series, e.g. ``"(1,0,0)x(1,0,0,7)"``, or ``"fallback"``.
    coef_
        Regressor coefficients per series, ``(n_series, k)``; NaN where a regressor was left out.
    """

    alias = "SARIMAX"
    uses_regressors: ClassVar[bool] = True
    intervals = None  # always the model's own intervals

    def __init__(self, season_length: int = 1, orders: tuple[Order, ...] = DEFAULT_ORDERS, max_iter: int = 50) -> None:
        self.season_length = season_length
        self.orders = orders
        self.max_iter = max_iter

    def fit(self, y: YInput, X: np.ndarray | None = None) -> Self:
        """Fit every series of ``y`` with its regressors ``X`` (one row per observation, or None).

        Parameters
        ----------
        y
            One series (1-D array) or many (:class:`~optiops.model.demand.DemandHistory` or :class:`Panel`).
        X
            Regressors aligned with the flat values of ``y``, ``(n_values, k)``; 1-D for one regressor of one series.

        Returns
        -------
        AutoSARIMAX
            ``self``, fitted.
        """
        panel = self._begin_fit(y)
        x = past_regressors(X, panel, self.single_)
        k = 0 if x is None else x.shape[1]
        self.n_regressors_ = k
        self.fits_: list[SeriesFit] = []
        self.sigma_ = np.zeros(self.n_series_)
        self.last_ = panel.values[panel.offsets[1:] - 1].copy()
        import statsmodels.tsa.statespace.sarimax  # noqa: F401  (loads scipy's BLAS before it is pinned)

        with threadpool_limits(limits=1, user_api="blas"):  # tiny Kalman products: extra threads only cost
            for i in range(self.n_series_):
                lo, hi = int(panel.offsets[i]), int(panel.offsets[i + 1])
                series = panel.values[lo:hi]
                self.sigma_[i] = float(np.std(np.diff(series))) if series.shape[0] > 1 else 0.0
                self.fits_.append(self._fit_series(series, None if x is None else x[lo:hi], i))
        self.order_ = np.array([f.name for f in self.fits_], dtype=object)
        self.coef_ = _coefficients(self.fits_, k)
        return self

    def predict(self, h: int, X: np.ndarray | None = None, level: Sequence[float] | None = None) -> dict[str, Any]:
        """Forecast ``h`` steps with the future regressors ``X`` (``h`` rows per series).

        Parameters
        ----------
        h
            Steps ahead.
        X
            Future regressors, ``(n_series * h, k)`` or ``(n_series, h, k)``; ``(h, k)`` or ``(h,)`` for one
            series. Required when the model was fitted with regressors.
        level
            Interval levels in percent.

        Returns
        -------
        dict
            ``"mean"`` and ``"lo-<level>"``/``"hi-<level>"``, clipped at zero.
        """
        levels = self._begin_predict(h, level)
        future = future_regressors(X, self.n_series_, h, self.n_regressors_, self.single_)
        mean = np.repeat(self.last_[:, None], h, axis=1)
        sd = self.sigma_[:, None] * np.sqrt(np.arange(1, h + 1))[None, :]  # random walk, for the fallback
        with threadpool_limits(limits=1, user_api="blas"):  # tiny Kalman products: extra threads only cost
            for i, fit in enumerate(self.fits_):
                if fit.result is not None:
                    exog = future[i][:, fit.columns] if future is not None and fit.columns.size else None
                    pred = fit.result.get_forecast(steps=h, exog=exog)
                    mean[i] = np.asarray(pred.predicted_mean, dtype=np.float64)
                    sd[i] = np.sqrt(np.maximum(np.asarray(pred.var_pred_mean, dtype=np.float64), 0.0))
        mean = np.maximum(mean, 0.0)  # demand is never negative
        out: dict[str, Any] = {"mean": mean, **normal_bounds(mean, sd, levels)}
        return self._shaped(out)

    def candidates(self, n: int) -> list[tuple[Order, tuple[int, int, int, int]]]:
        """``(order, seasonal_order)`` pairs tried on a series of ``n`` observations."""
        m = self.season_length
        seasonal = [(0, 0, 0, 0)] + ([(1, 0, 0, m)] if m > 1 and n >= 2 * m + MIN_EXTRA else [])
        return [(tuple(order), s) for s in seasonal for order in self.orders]  # type: ignore[misc]

    def _fit_series(self, y: np.ndarray, x: np.ndarray | None, i: int) -> SeriesFit:
        """The candidate of least AIC on one series, or the fallback."""
        columns = identifiable_columns(x) if x is not None else np.zeros(0, dtype=np.int64)
        if y.shape[0] < MIN_OBS or np.ptp(y) == 0:
            return SeriesFit(None, columns, "fallback")
        exog = x[:, columns] if x is not None and columns.size else None
        best = SeriesFit(None, columns, "fallback")
        best_aic = np.inf
        for order, seasonal in self.candidates(y.shape[0]):
            result = self._fit_candidate(y, exog, order, seasonal, i)
            if result is not None and np.isfinite(result.aic) and result.aic < best_aic:
                best, best_aic = SeriesFit(result, columns, _order_name(order, seasonal)), float(result.aic)
        return best

    def _fit_candidate(
        self, y: np.ndarray, exog: np.ndarray | None, order: Order, seasonal: tuple[int, int, int, int], i: int
    ) -> Any:
        """One statsmodels fit, or None when it fails."""
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        trend = "c" if order[1] == 0 else "n"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence chatter on short or flat series
                model = SARIMAX(y, exog=exog, order=order, seasonal_order=seasonal, trend=trend, concentrate_scale=True)
                result = model.fit(disp=False, maxiter=self.max_iter)
        except (ValueError, np.linalg.LinAlgError, IndexError) as exc:
            logger.debug("SARIMAX %s failed on series %d: %s", _order_name(order, seasonal), i, exc)
            return None
        if not np.all(np.isfinite(result.params)):
            return None
        return result


def _coefficients(fits: list[SeriesFit], k: int) -> np.ndarray:
    """Regressor coefficients per series, NaN where a regressor was left out or the series fell back."""
    coef = np.full((len(fits), k), np.nan)
    for i, fit in enumerate(fits):
        if fit.result is not None and fit.columns.size:
            start = int(fit.result.model.k_trend)  # statsmodels orders the parameters trend, exog, AR, MA
            params = np.asarray(fit.result.params, dtype=np.float64)
            coef[i, fit.columns] = params[start : start + fit.columns.size]
    return coef


def identifiable_columns(x: np.ndarray) -> np.ndarray:
    """Columns of ``x`` whose effect the history can tell apart: each adds rank to a constant and those before.

    A constant column, or one that always moves with earlier ones (a promotion flag that is on exactly
    when the price is cut), has no estimable effect of its own and is left out.
    """
    kept: list[int] = []
    basis = np.ones((x.shape[0], 1))
    for j in range(x.shape[1]):
        trial = np.column_stack([basis, x[:, j]])
        if np.linalg.matrix_rank(trial) > basis.shape[1]:
            kept.append(j)
            basis = trial
    return np.asarray(kept, dtype=np.int64)


def _order_name(order: Order, seasonal: tuple[int, int, int, int]) -> str:
    text = "({},{},{})".format(*order)
    return text + ("x({},{},{},{})".format(*seasonal) if seasonal[3] > 1 else "")
