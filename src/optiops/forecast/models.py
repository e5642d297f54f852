"""Baselines, intermittent-demand methods and simple exponential smoothing.

Each model fits every series of a panel in one call: the baselines with numpy, the others through
the numba kernels of :mod:`optiops.kernels.intermittent` (whose docstring states the exact rules).
Pass ``intervals=Backtest(...)`` to get prediction intervals from rolling-origin backtest errors.
"""

from __future__ import annotations

import numpy as np

from optiops.forecast.base import Backtest, FlatForecaster, Forecaster, Panel
from optiops.kernels import intermittent as K

SES_ALPHAS: tuple[float, ...] = tuple(np.round(np.arange(0.05, 1.0001, 0.05), 2).tolist())
# Intermittent demand is best smoothed slowly; statsforecast bounds ADIDA's alpha to [0.1, 0.3] too.
ADIDA_ALPHAS: tuple[float, ...] = tuple(np.round(np.arange(0.1, 0.3001, 0.02), 2).tolist())


def _grid(alphas: tuple[float, ...]) -> np.ndarray:
    grid = np.asarray(alphas, dtype=np.float64)
    if grid.ndim != 1 or grid.size == 0 or np.any((grid <= 0.0) | (grid > 1.0)):
        raise ValueError(f"alphas must be a non-empty grid of values in (0, 1], got {alphas}")
    return grid


def _last_values(panel: Panel) -> np.ndarray:
    return panel.values[panel.offsets[1:] - 1]


class Naive(FlatForecaster):
    """The last observation, repeated.

    Parameters
    ----------
    intervals
        Backtest settings for prediction intervals, or None for point forecasts only.
    """

    alias = "Naive"

    def __init__(self, intervals: Backtest | None = None) -> None:
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        self.level_ = _last_values(panel).copy()


class SeasonalNaive(Forecaster):
    """The last season, repeated; series shorter than one season get the naive forecast.

    Parameters
    ----------
    season_length
        Steps per season (12 for monthly data, 7 for daily, 24 for hourly).
    intervals
        Backtest settings for prediction intervals.
    """

    alias = "SeasonalNaive"

    def __init__(self, season_length: int = 12, intervals: Backtest | None = None) -> None:
        self.season_length = season_length
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        m = self.season_length
        if m < 1:
            raise ValueError(f"season_length must be at least 1, got {m}")
        ends = panel.offsets[1:]
        index = ends[:, None] - m + np.arange(m)[None, :]
        short = (ends - panel.offsets[:-1]) < m
        index[short] = ends[short, None] - 1
        self.season_ = panel.values[index]

    def _predict_mean(self, h: int) -> np.ndarray:
        return self.season_[:, np.arange(h) % self.season_length]


class MovingAverage(FlatForecaster):
    """Mean of the last ``window`` observations (of all of them in shorter series).

    Parameters
    ----------
    window
        Number of most recent observations averaged.
    intervals
        Backtest settings for prediction intervals.
    """

    alias = "MovingAverage"

    def __init__(self, window: int = 6, intervals: Backtest | None = None) -> None:
        self.window = window
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        if self.window < 1:
            raise ValueError(f"window must be at least 1, got {self.window}")
        cum = np.concatenate([[0.0], np.cumsum(panel.values)])
        ends = panel.offsets[1:]
        starts = np.maximum(panel.offsets[:-1], ends - self.window)
        self.level_ = (cum[ends] - cum[starts]) / (ends - starts)


class Croston(FlatForecaster):
    """Croston's method (1972): smoothed demand size over smoothed interval between demands.

    Parameters
    ----------
    alpha
        Smoothing constant of both sizes and intervals.
    intervals
        Backtest settings for prediction intervals.
    """

    alias = "Croston"
    debiased = False

    def __init__(self, alpha: float = 0.1, intervals: Backtest | None = None) -> None:
        self.alpha = alpha
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        if not 0.0 < self.alpha <= 1.0:
            raise ValueError(f"alpha must be in (0, 1], got {self.alpha}")
        debias = 1.0 - self.alpha / 2.0 if self.debiased else 1.0
        self.level_ = K.croston_levels(panel.values, panel.offsets, self.alpha, debias)


class SBA(Croston):
    """Syntetos-Boylan approximation (2005): Croston times ``1 - alpha/2``, removing its bias.

    Parameters
    ----------
    alpha
        Smoothing constant of both sizes and intervals.
    intervals
        Backtest settings for prediction intervals.
    """

    alias = "SBA"
    debiased = True


class TSB(FlatForecaster):
    """Teunter-Syntetos-Babai (2011): smoothed demand probability times smoothed demand size.

    The probability is updated every period, so the forecast decays towards zero while a part
    sells nothing (obsolescence), unlike Croston's.

    Parameters
    ----------
    alpha_d
        Smoothing constant of the demand probability.
    alpha_p
        Smoothing constant of the demand size.
    intervals
        Backtest settings for prediction intervals.
    """

    alias = "TSB"

    def __init__(self, alpha_d: float = 0.1, alpha_p: float = 0.1, intervals: Backtest | None = None) -> None:
        self.alpha_d = alpha_d
        self.alpha_p = alpha_p
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        self.level_ = K.tsb_levels(panel.values, panel.offsets, self.alpha_d, self.alpha_p)


class ADIDA(FlatForecaster):
    """Aggregate-disaggregate intermittent demand approach (Nikolopoulos et al. 2011).

    Parameters
    ----------
    alphas
        Grid of SES constants for the aggregated series; the one with least in-sample SSE is used.
    intervals
        Backtest settings for prediction intervals.
    """

    alias = "ADIDA"

    def __init__(self, alphas: tuple[float, ...] = ADIDA_ALPHAS, intervals: Backtest | None = None) -> None:
        self.alphas = alphas
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        self.level_ = K.adida_levels(panel.values, panel.offsets, _grid(self.alphas))


class SES(FlatForecaster):
    """Simple exponential smoothing with alpha chosen per series by in-sample SSE over a grid.

    Parameters
    ----------
    alphas
        Grid of smoothing constants.
    intervals
        Backtest settings for prediction intervals.

    Attributes
    ----------
    alpha_
        The constant chosen for each series.
    """

    alias = "SES"

    def __init__(self, alphas: tuple[float, ...] = SES_ALPHAS, intervals: Backtest | None = None) -> None:
        self.alphas = alphas
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        self.level_, self.alpha_ = K.ses_levels(panel.values, panel.offsets, _grid(self.alphas))
