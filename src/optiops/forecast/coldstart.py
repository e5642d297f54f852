"""Cold start: a short series borrows its seasonal shape from the pooled series and shrinks its level.

A series with fewer than ``min_length`` observations (default ``max(2 * season_length, 8)``) has too
little history for its own seasonal pattern. Its forecast is

    level_i x profile[phase]

where ``profile`` is the seasonal shape of the summed demand of the *donor* series (those at least
``min_length`` long) over their last ``max_seasons`` seasons, normalised to mean one (a top-down
profile: volume-weighted, so the noisy tail of intermittent series does not dominate it; flat when
there is no donor or ``season_length`` is 1), and ``level_i`` is the series' own deseasonalised level
shrunk toward the pooled level by its length (a credibility weight, Bühlmann 1967):

    own_i   = sum(y_i) / sum(profile[phases of y_i])
    level_i = (n_i own_i + prior x pooled) / (n_i + prior)

``pooled`` is the mean of the deseasonalised levels of all series of the panel. Pass the series of one
group (category) to pool within that group (:func:`~optiops.forecast.api.forecast_frame` does so for
a history with a ``group`` column). Phases count back from the end of each series, so all series of
the panel must end on the same date, as :func:`~optiops.io.demand.read_demand` lays them out.
"""

from __future__ import annotations

import numpy as np

from optiops.forecast.base import Backtest, Forecaster, Panel

MIN_LENGTH = 8


class ColdStart(Forecaster):
    """Pooled seasonal profile times a shrunk own level (for short series; every series is forecast).

    Parameters
    ----------
    season_length
        Steps per season (7 for daily data); 1 gives a flat profile.
    min_length
        Series shorter than this are cold (not donors); default ``max(2 * season_length, 8)``.
    prior
        Weight of the pooled level, in observations.
    max_seasons
        Seasons at the end of each donor that make the profile.
    intervals
        Backtest settings for prediction intervals.

    Attributes
    ----------
    profile_
        Pooled seasonal profile (mean one), phase 0 is the first step after the end.
    level_
        Shrunk deseasonalised level per series.
    short_
        Whether each series is shorter than ``min_length``.
    """

    alias = "ColdStart"

    def __init__(
        self,
        season_length: int = 1,
        min_length: int | None = None,
        prior: float = 7.0,
        max_seasons: int = 8,
        intervals: Backtest | None = None,
    ) -> None:
        self.season_length = season_length
        self.min_length = min_length
        self.prior = prior
        self.max_seasons = max_seasons
        self.intervals = intervals

    def threshold(self) -> int:
        """Series shorter than this many observations are cold."""
        return self.min_length if self.min_length is not None else max(2 * self.season_length, MIN_LENGTH)

    def _fit_panel(self, panel: Panel) -> None:
        if self.season_length < 1 or self.prior < 0 or self.max_seasons < 1:
            raise ValueError("ColdStart needs season_length >= 1, prior >= 0 and max_seasons >= 1")
        lengths = np.diff(panel.offsets)
        self.short_ = lengths < self.threshold()
        phase = _phases(panel.offsets, self.season_length)
        self.profile_ = self._pooled_profile(panel, phase, ~self.short_)
        weight = np.bincount(_series_of(panel.offsets), weights=self.profile_[phase], minlength=lengths.shape[0])
        total = np.add.reduceat(panel.values, panel.offsets[:-1])
        own = np.where(weight > 0, total / np.where(weight > 0, weight, 1.0), total / lengths)
        pooled = float(own.mean())
        self.level_ = (lengths * own + self.prior * pooled) / (lengths + self.prior)

    def _pooled_profile(self, panel: Panel, phase: np.ndarray, donors: np.ndarray) -> np.ndarray:
        """Mean-one seasonal shape of the summed recent demand of the donors (flat without any)."""
        m = self.season_length
        series = _series_of(panel.offsets)
        back = panel.offsets[1:][series] - np.arange(panel.values.shape[0])  # 1 for the last observation
        keep = donors[series] & (back <= m * self.max_seasons)
        sums = np.bincount(phase[keep], weights=panel.values[keep], minlength=m)
        if m == 1 or sums.sum() <= 0:
            return np.ones(m)
        counts = np.bincount(phase[keep], minlength=m)
        per_step = sums / np.maximum(counts, 1)
        return per_step / per_step.mean()

    def _predict_mean(self, h: int) -> np.ndarray:
        return self.level_[:, None] * self.profile_[np.arange(h) % self.season_length][None, :]


def _series_of(offsets: np.ndarray) -> np.ndarray:
    """Series index of every flat position."""
    return np.repeat(np.arange(offsets.shape[0] - 1), np.diff(offsets))


def _phases(offsets: np.ndarray, m: int) -> np.ndarray:
    """Season phase of every flat position, counted back from each series' end (the next step is 0)."""
    back = offsets[1:][_series_of(offsets)] - np.arange(offsets[-1])  # 1 for the last observation
    return (-back) % m
