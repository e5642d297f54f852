"""ETS through statsmodels (``ETSModel``), one fit per series and configuration, chosen by AICc.

Configurations (Hyndman et al. 2008 notation): A,N,N; A,Ad,N (damped trend); and, when the series
holds at least two seasons plus ``MIN_EXTRA`` steps, A,N,A and A,Ad,A. Only additive errors: demand
has zeros, which multiplicative errors cannot model. Intervals come from the model (analytic for
additive errors), clipped at zero, unless ``intervals=Backtest(...)`` asks for backtest intervals.
A series that is constant (e.g. all zero) or on which every configuration fails gets its last value.

Slow next to the kernels (tens of milliseconds per fit): fan out through :mod:`optiops.parallel`
for many series; ``auto`` does not include it by default.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from optiops._logging import logger
from optiops.forecast.base import Backtest, Forecaster, Panel
from optiops.forecast.intervals import normal_bounds

MIN_EXTRA = 3


class AutoETS(Forecaster):
    """Exponential smoothing state space model with the configuration of least AICc, per series.

    Parameters
    ----------
    season_length
        Steps per season; 1 disables the seasonal configurations.
    damped
        Also try the damped-trend configurations.
    intervals
        Backtest settings for intervals from backtest errors; None uses the model's own intervals.

    Attributes
    ----------
    config_
        Chosen configuration per series, e.g. ``"A,Ad,N"``, or ``"constant"``.
    """

    alias = "ETS"

    def __init__(self, season_length: int = 1, damped: bool = True, intervals: Backtest | None = None) -> None:
        self.season_length = season_length
        self.damped = damped
        self.intervals = intervals

    def _configs(self, n: int) -> list[dict[str, Any]]:
        trends: list[dict[str, Any]] = [{"trend": None}]
        if self.damped:
            trends.append({"trend": "add", "damped_trend": True})
        configs = list(trends)
        m = self.season_length
        if m > 1 and n >= 2 * m + MIN_EXTRA:
            configs += [{**t, "seasonal": "add", "seasonal_periods": m} for t in trends]
        return configs

    def _fit_panel(self, panel: Panel) -> None:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        self.fits_: list[Any] = []
        self.config_ = np.empty(panel.offsets.shape[0] - 1, dtype=object)
        self.last_ = panel.values[panel.offsets[1:] - 1].copy()
        for i in range(panel.offsets.shape[0] - 1):
            y = panel.values[panel.offsets[i] : panel.offsets[i + 1]]
            best, best_aicc, name = None, np.inf, "constant"
            if np.ptp(y) > 0:
                series = pd.Series(y)  # statsmodels' prediction needs an index
                for cfg in self._configs(y.shape[0]):
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")  # convergence chatter on short series
                            res = ETSModel(series, error="add", **cfg).fit(disp=False)
                    except (ValueError, np.linalg.LinAlgError) as exc:
                        logger.debug("ETS %s failed on series %d: %s", cfg, i, exc)
                        continue
                    if np.isfinite(res.aicc) and res.aicc < best_aicc:
                        best, best_aicc, name = res, res.aicc, _config_name(cfg)
            self.fits_.append(best)
            self.config_[i] = name

    def _predict_mean(self, h: int) -> np.ndarray:
        mean = np.repeat(self.last_[:, None], h, axis=1)
        for i, res in enumerate(self.fits_):
            if res is not None:
                mean[i] = np.maximum(np.asarray(res.forecast(h), dtype=np.float64), 0.0)  # demand is never negative
        return mean

    def _predict_intervals(self, mean: np.ndarray, levels: list[float]) -> dict[str, np.ndarray]:
        if self.intervals is not None:
            return super()._predict_intervals(mean, levels)
        h = mean.shape[1]
        sd = np.zeros_like(mean)
        for i, res in enumerate(self.fits_):
            if res is not None:
                n = res.nobs
                sd[i] = np.sqrt(np.asarray(res.get_prediction(start=n, end=n + h - 1).forecast_variance, dtype=float))
        return normal_bounds(mean, sd, levels)


def _config_name(cfg: dict[str, Any]) -> str:
    trend = "N" if cfg.get("trend") is None else ("Ad" if cfg.get("damped_trend") else "A")
    return f"A,{trend},{'A' if cfg.get('seasonal') else 'N'}"
