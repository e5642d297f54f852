"""One gradient-boosted model across all series of what follows a demand history's present state.

Intermittent parts are born, sell for a while and stop selling. A local method (Croston, IMAPA, a
window average) sees one series and keeps forecasting its past rate after the part has stopped
selling; a model that has seen thousands of parts can learn how a history's state at the origin (how
long since the last demand, how often it sold lately against before, how old the part is, what the
smoothing methods make of it) predicts the next months. ``LifecycleBoosting`` is that model: each
training row is one series, one origin inside its history and one step ahead; its features read only
the values before the origin, its target is the demand at that step (Tweedie loss: counts with many
zeros). Rows are not weighted by the series' scale: weighting them toward the many small series
lowers the squared scaled error by forecasting less demand than there is, which a stocking forecast
must not. The forecast takes the end of each series as the origin. It suits short series (monthly,
a few years) where the lags and weekly windows of :class:`~optiops.forecast.boosting.GlobalBoosting`
do not fit.

Only the data given to ``fit`` trains it (every origin of it with a step after it), so refitted at a
backtest origin it reads nothing after that origin: it is backtested like the kernel methods.
"""

from __future__ import annotations

import numpy as np

from optiops._logging import logger
from optiops.forecast.base import Backtest, Forecaster, ForecastError, Panel
from optiops.forecast.boosting import boosting_available
from optiops.forecast.models import IMAPA, SES, TSB
from optiops.model.demand import segment_index

WINDOWS = (3, 6, 12, 24)  # steps of the recent windows whose demand counts and means are features


class LifecycleBoosting(Forecaster):
    """Direct multi-step LightGBM forecaster from each series' state at the origin, fitted on all series.

    Features per (series, origin, step): steps since the last demand and since the first; the number
    of steps with demand and the mean demand over the last 3, 6, 12 and 24 steps; the mean over the
    whole history; the last non-zero size; the mean non-zero size; the steps with demand in the last
    ``season_length`` minus those in the ``season_length`` before; the levels of TSB, SES and IMAPA
    fitted on the history before the origin; and the step ahead.

    Parameters
    ----------
    horizon
        The longest step it forecasts (and trains on).
    season_length
        Steps of a year (12 for monthly data), for the trend of the demand count.
    min_origin
        Fewest observations before an origin for it to train.
    origin_step
        Every ``origin_step``-th origin trains (counted back from each series' end), to bound the rows.
    rounds, learning_rate, num_leaves, min_data_in_leaf
        LightGBM boosting rounds, shrinkage, tree size and leaf size.
    seed
        Seed of LightGBM's row and feature sampling (the fit is deterministic given it).
    intervals
        Backtest for interval bounds (refits the model at every origin); None: point forecasts only.

    Attributes
    ----------
    booster_
        The fitted ``lightgbm.Booster``.
    fallback_
        Without LightGBM, the IMAPA model that forecasts instead (with a warning); None otherwise.
    """

    alias = "LifecycleBoosting"

    def __init__(
        self,
        horizon: int = 12,
        season_length: int = 12,
        min_origin: int = 3,
        origin_step: int = 2,
        rounds: int = 200,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_data_in_leaf: int = 200,
        seed: int = 1,
        intervals: Backtest | None = None,
    ) -> None:
        self.horizon = horizon
        self.season_length = season_length
        self.min_origin = min_origin
        self.origin_step = origin_step
        self.rounds = rounds
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_data_in_leaf = min_data_in_leaf
        self.seed = seed
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        self.fallback_: IMAPA | None = None
        if not boosting_available():
            logger.warning("LifecycleBoosting needs LightGBM (pip install 'optiops[boosting]'); forecasting with IMAPA")
            self.fallback_ = IMAPA().fit(panel)
            return
        import lightgbm as lgb

        values, offsets = panel
        series, origin, step = training_rows(np.diff(offsets), self.horizon, self.min_origin, self.origin_step)
        if series.size == 0:
            raise ForecastError(f"LifecycleBoosting: no series has {self.min_origin + 1} observations to train on")
        features = self._features(panel, series, origin, step)
        target = values[offsets[series] + origin + step - 1]
        params = {
            "objective": "tweedie", "tweedie_variance_power": 1.1, "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves, "min_data_in_leaf": self.min_data_in_leaf, "feature_fraction": 0.8,
            "bagging_fraction": 0.8, "bagging_freq": 1, "num_threads": 1, "verbose": -1, "seed": self.seed,
            "deterministic": True,
        }  # fmt: skip
        data = lgb.Dataset(features, target)
        self.booster_ = lgb.train(params, data, num_boost_round=self.rounds)
        self.panel_ = panel

    def _predict_mean(self, h: int) -> np.ndarray:
        if h > self.horizon:
            raise ForecastError(f"LifecycleBoosting was fitted for a horizon of {self.horizon}, asked for {h}")
        if self.fallback_ is not None:
            return np.asarray(self.fallback_.predict(h)["mean"]).reshape(-1, h)
        n = self.panel_.offsets.shape[0] - 1
        series = np.repeat(np.arange(n), h)
        origin = np.diff(self.panel_.offsets)[series]
        step = np.tile(np.arange(1, h + 1), n)
        mean = np.asarray(self.booster_.predict(self._features(self.panel_, series, origin, step)))
        return np.maximum(mean.reshape(n, h), 0.0)

    def _features(self, panel: Panel, series: np.ndarray, origin: np.ndarray, step: np.ndarray) -> np.ndarray:
        values, offsets = panel
        state = origin_features(values, offsets, series, origin, self.season_length)
        return np.column_stack([state, local_levels(values, offsets, series, origin), step])


def training_rows(
    lengths: np.ndarray, horizon: int, min_origin: int, origin_step: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(series, origin, step)`` of every training row: origins from ``length - 1`` down to ``min_origin``,
    ``origin_step`` apart, each with the steps up to ``horizon`` that the series holds after it."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for length in np.unique(lengths):
        members = np.flatnonzero(lengths == length)
        origins = np.arange(int(length) - 1, min_origin - 1, -origin_step)
        for s in range(1, horizon + 1):
            usable = origins[origins + s <= length]
            if usable.size:
                parts.append((np.repeat(members, usable.size), np.tile(usable, members.size),
                              np.full(members.size * usable.size, s)))  # fmt: skip
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    series, origin, step = (np.concatenate(p).astype(np.int64) for p in zip(*parts, strict=True))
    return series, origin, step


def origin_features(
    values: np.ndarray, offsets: np.ndarray, series: np.ndarray, origin: np.ndarray, season_length: int
) -> np.ndarray:
    """The state of each series before ``origin`` (its first ``origin`` values), one row per pair.

    Columns: steps since the last demand, since the first (NaN without any), then per window of
    :data:`WINDOWS` the steps with demand and the mean, the mean of the whole history, the last
    non-zero size, the mean non-zero size, and the change in the count of steps with demand from the
    ``season_length`` before to the last ``season_length`` (NaN when shorter than two of them). Only
    ``values[offsets[i] : offsets[i] + origin]`` of series ``i`` is read.
    """
    start = offsets[series]
    end = start + origin  # exclusive
    cum = np.concatenate([[0.0], np.cumsum(values)])
    sold = values > 0
    cum_sold = np.concatenate([[0], np.cumsum(sold)])
    last = np.maximum.accumulate(np.where(sold, np.arange(values.shape[0]), -1))  # last demand at or before
    last_before = np.where(origin > 0, last[np.maximum(end - 1, 0)], -1)
    last_before = np.where(last_before >= start, last_before, -1)
    first = _first_demand(sold, start, end)
    columns: list[np.ndarray] = [
        np.where(last_before >= 0, end - 1 - last_before, np.nan),
        np.where(first >= 0, end - first, np.nan),
    ]
    for window in WINDOWS:
        lo = np.maximum(end - window, start)
        columns.append((cum_sold[end] - cum_sold[lo]).astype(np.float64))
        columns.append((cum[end] - cum[lo]) / np.maximum(end - lo, 1))
    total, n_sold = cum[end] - cum[start], cum_sold[end] - cum_sold[start]
    columns.append(total / np.maximum(origin, 1))
    columns.append(np.where(last_before >= 0, values[np.maximum(last_before, 0)], np.nan))
    columns.append(np.where(n_sold > 0, total / np.maximum(n_sold, 1), np.nan))
    m = season_length
    recent = cum_sold[end] - cum_sold[np.maximum(end - m, start)]
    before = cum_sold[np.maximum(end - m, start)] - cum_sold[np.maximum(end - 2 * m, start)]
    columns.append(np.where(origin >= 2 * m, recent - before, np.nan).astype(np.float64))
    return np.column_stack(columns)


def local_levels(values: np.ndarray, offsets: np.ndarray, series: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """Levels of TSB, SES and IMAPA fitted on each series' first ``origin`` values, one row per pair."""
    models = (TSB(), SES(), IMAPA())
    out = np.full((series.shape[0], len(models)), np.nan)
    for o in np.unique(origin):
        rows = np.flatnonzero(origin == o)
        idx, inverse = np.unique(series[rows], return_inverse=True)
        flat, cut_offsets = segment_index(offsets[idx], np.full(idx.shape[0], o))
        cut = Panel(values[flat], cut_offsets)
        for k, model in enumerate(models):
            out[rows, k] = model.fit(cut).level_[inverse]
    return out


def _first_demand(sold: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Index of the first demand in ``[start, end)`` per pair, -1 when there is none."""
    positions = np.flatnonzero(sold)
    if positions.size == 0:
        return np.full(start.shape[0], -1)
    k = np.minimum(np.searchsorted(positions, start), positions.size - 1)
    found = positions[k]
    return np.where((found >= start) & (found < end), found, -1)
