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


class IMAPA(FlatForecaster):
    """Intermittent multiple aggregation prediction algorithm (Petropoulos & Kourentzes 2015).

    ADIDA at every bucket size from 1 to the mean demand interval, averaged: no single aggregation
    level has to be right.

    Parameters
    ----------
    alphas
        Grid of SES constants for each aggregated series (least in-sample SSE).
    intervals
        Backtest settings for prediction intervals.
    """

    alias = "IMAPA"

    def __init__(self, alphas: tuple[float, ...] = ADIDA_ALPHAS, intervals: Backtest | None = None) -> None:
        self.alphas = alphas
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        self.level_ = K.imapa_levels(panel.values, panel.offsets, _grid(self.alphas))


class Profiled(Forecaster):
    """A flat forecaster times a seasonal profile: half the series' own shape, half the pooled one.

    The profile is the mean demand per phase of the last ``seasons`` seasons over the overall mean,
    ``own_weight`` of the series' own and the rest of the volume-weighted pooled shape of all series
    (one series' weekday means are noisy; the pooled shape is not, but is nobody's exactly). Phases
    count back from the end of each series, so the series of a panel must end on the same date.

    Parameters
    ----------
    base
        The flat forecaster whose level is shaped (unfitted).
    season_length
        Steps per season (7 for daily data).
    seasons
        Seasons at the end of each series behind the profile.
    own_weight
        Weight of the series' own profile, in [0, 1].
    intervals
        Backtest settings for prediction intervals.
    """

    alias = "Profiled"

    def __init__(
        self,
        base: FlatForecaster,
        season_length: int = 7,
        seasons: int = 104,
        own_weight: float = 0.5,
        intervals: Backtest | None = None,
    ) -> None:
        self.base = base
        self.season_length = season_length
        self.seasons = seasons
        self.own_weight = own_weight
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        m = self.season_length
        if m < 1 or self.seasons < 1 or not 0.0 <= self.own_weight <= 1.0:
            raise ValueError(f"Profiled needs season_length, seasons >= 1 and own_weight in [0, 1], got {self}")
        self.level_ = self.base.point_clone().fit(panel).predict(1)["mean"][:, 0]
        ends, lengths = panel.offsets[1:], np.diff(panel.offsets)
        window = np.minimum(lengths, m * self.seasons)
        sums = np.zeros((lengths.shape[0], m))
        counts = np.zeros((lengths.shape[0], m))
        for k in range(m):  # phase k: k steps before a season boundary counted from the end
            for back in range(k + 1, int(window.max()) + 1, m):
                inside = back <= window
                sums[inside, k] += panel.values[ends[inside] - back]
                counts[inside, k] += 1
        per_phase = sums / np.maximum(counts, 1)
        overall = per_phase.mean(axis=1, keepdims=True)
        own = np.where(overall > 0, per_phase / np.where(overall > 0, overall, 1.0), 1.0)
        pooled_total = per_phase.sum(axis=0)
        pooled = pooled_total / pooled_total.mean() if pooled_total.mean() > 0 else np.ones(m)
        self.profile_ = self.own_weight * own + (1.0 - self.own_weight) * pooled[None, :]

    def _predict_mean(self, h: int) -> np.ndarray:
        m = self.season_length
        # step j after the end sits (j + 1) steps after the last observation: phase m - 1 - (j mod m)
        phases = (m - 1 - np.arange(h) % m) % m
        return self.level_[:, None] * self.profile_[:, phases]
