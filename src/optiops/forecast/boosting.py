"""One gradient-boosted model across all series (LightGBM; the optional extra ``optiops[boosting]``).

The M5 winners learned one model over every series from lags, calendar and price (Makridakis et al.
2022). This is the direct form: every lag is at least the horizon, so one model forecasts all ``h``
steps from what is known at the origin, without feeding forecasts back in. Features per series and
step: lags ``h, h + m, ..., h + 5 m`` (and a year back on daily data), means of the windows of
``m, 4 m, 8 m, 16 m, 52 m`` steps that end ``h`` steps back, the phase in the season (counted from
the end, so the series of a panel must end on the same date), the series (categorical), and the
regressors given as ``X`` (known ahead: price, events, SNAP days, calendar). The loss is Tweedie, as in
most M5 solutions: counts with many zeros. Rows before a series' first demand do not train.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Self

import numpy as np

from optiops.forecast.base import Forecaster, ForecastError, Panel, YInput, as_panel
from optiops.forecast.regressors import future_regressors, past_regressors


def boosting_available() -> bool:
    """Whether LightGBM is installed."""
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        return False
    return True


class GlobalBoosting(Forecaster):
    """Direct multi-step LightGBM forecaster fitted on all series at once.

    Parameters
    ----------
    horizon
        The longest step it will forecast; every lag is at least this.
    season_length
        Steps per season (7 for daily data).
    history
        Most recent steps of each series that train the model.
    rounds, learning_rate, num_leaves
        LightGBM boosting rounds, shrinkage and tree size.
    seed
        Seed of LightGBM's row and feature sampling.

    Attributes
    ----------
    booster_
        The fitted ``lightgbm.Booster``.
    """

    alias = "GlobalBoosting"
    uses_regressors: ClassVar[bool] = True
    intervals = None  # point forecasts only

    def __init__(
        self,
        horizon: int = 28,
        season_length: int = 7,
        history: int = 730,
        rounds: int = 400,
        learning_rate: float = 0.05,
        num_leaves: int = 63,
        seed: int = 1,
    ) -> None:
        self.horizon = horizon
        self.season_length = season_length
        self.history = history
        self.rounds = rounds
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.seed = seed

    def _lags(self) -> list[int]:
        m = self.season_length
        lags = [self.horizon + i * m for i in range(6)]
        return lags + ([52 * m] if m == 7 and 52 * m > lags[-1] else [])

    def _windows(self) -> list[int]:
        return [self.season_length * k for k in (1, 4, 8, 16, 52)]

    def fit(self, y: YInput, X: np.ndarray | None = None) -> Self:
        """Fit one model on every series of ``y`` with its regressors ``X`` (one row per observation, or None)."""
        if not boosting_available():
            raise ForecastError("GlobalBoosting needs LightGBM: pip install 'optiops[boosting]'")
        import lightgbm as lgb

        panel = self._begin_fit(y)
        x = past_regressors(X, panel, self.single_)
        self.n_regressors_ = 0 if x is None else x.shape[1]
        self.panel_ = panel
        lengths = np.diff(panel.offsets)
        first = _first_demand(panel.values, panel.offsets)
        rows = [np.arange(max(first[i], lengths[i] - self.history), lengths[i]) for i in range(self.n_series_)]
        series = np.concatenate([np.full(r.shape[0], i) for i, r in enumerate(rows)]).astype(np.int64)
        positions = np.concatenate(rows).astype(np.int64)
        features = self._features(series, positions, x[panel.offsets[series] + positions] if x is not None else None)
        target = panel.values[panel.offsets[series] + positions]
        params = {
            "objective": "tweedie", "tweedie_variance_power": 1.1, "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves, "min_data_in_leaf": 50, "feature_fraction": 0.8, "bagging_fraction": 0.8,
            "bagging_freq": 1, "num_threads": 1, "verbose": -1, "seed": self.seed,
        }  # fmt: skip
        data = lgb.Dataset(features, target, categorical_feature=[0], free_raw_data=True)
        self.booster_ = lgb.train(params, data, num_boost_round=self.rounds)
        return self

    def predict(self, h: int, X: np.ndarray | None = None, level: Sequence[float] | None = None) -> dict[str, Any]:
        """Forecast ``h <= horizon`` steps with the future regressors ``X`` (``h`` rows per series)."""
        levels = self._begin_predict(h, level)
        if levels:
            raise ForecastError("GlobalBoosting gives point forecasts only")
        if h > self.horizon:
            raise ForecastError(f"GlobalBoosting was fitted for a horizon of {self.horizon}, asked for {h}")
        future = future_regressors(X, self.n_series_, h, self.n_regressors_, self.single_)
        rows = None if future is None else future.reshape(-1, future.shape[-1])
        return self._shaped({"mean": self._forecast(self.panel_, h, rows)})

    def forecast_from(self, y: YInput, h: int) -> np.ndarray:
        """Forecast ``h`` steps after the end of every series of ``y`` with the booster as fitted (no refit).

        ``y`` holds the fitted series in the same order, each cut at a later origin: this is how a
        backtest uses one fit for many origins, the features read only the data before each origin.
        Without regressors only. Returns ``(n_series, h)``.
        """
        if not hasattr(self, "booster_"):
            raise ForecastError(f"{self.alias}: call fit before forecast_from")
        if self.n_regressors_:
            raise ForecastError(f"{self.alias}: forecast_from takes no regressors; this model was fitted with some")
        if h > self.horizon:
            raise ForecastError(f"GlobalBoosting was fitted for a horizon of {self.horizon}, asked for {h}")
        panel, _ = as_panel(y)
        if panel.offsets.shape[0] - 1 != self.n_series_:
            raise ForecastError(f"{self.alias}: fitted on {self.n_series_} series, given {panel.offsets.shape[0] - 1}")
        return self._forecast(panel, h, None)

    def _forecast(self, panel: Panel, h: int, regressors: np.ndarray | None) -> np.ndarray:
        """Forecasts ``(n_series, h)`` after the end of ``panel``'s series (the fitted ones), clipped at zero."""
        n = panel.offsets.shape[0] - 1
        lengths = np.diff(panel.offsets)
        series = np.repeat(np.arange(n), h)
        positions = (lengths[:, None] + np.arange(h)[None, :]).reshape(-1)
        mean = np.asarray(self.booster_.predict(self._features(series, positions, regressors, panel))).reshape(n, h)
        return np.maximum(mean, 0.0)

    def _features(
        self, series: np.ndarray, positions: np.ndarray, regressors: np.ndarray | None, panel: Panel | None = None
    ) -> np.ndarray:
        """Feature rows for (series, position) pairs of ``panel`` (default: the fitted one); positions at or
        past a series' end are the future."""
        values, offsets = self.panel_ if panel is None else panel
        lengths = np.diff(offsets)
        cum = np.concatenate([[0.0], np.cumsum(values)])
        start = offsets[series]
        columns = [series.astype(np.float64)]
        for lag in self._lags():
            back = positions - lag
            inside = (back >= 0) & (back < lengths[series])
            columns.append(np.where(inside, values[start + np.clip(back, 0, None)], np.nan))
        end = np.minimum(positions - self.horizon + 1, lengths[series])  # windows end h steps back
        for window in self._windows():
            lo = np.maximum(end - window, 0)
            count = end - lo
            total = cum[start + np.maximum(end, 0)] - cum[start + lo]
            columns.append(np.where(count > 0, total / np.maximum(count, 1), np.nan))
        columns.append(((positions - lengths[series]) % self.season_length).astype(np.float64))
        matrix = np.stack(columns, axis=1)
        return matrix if regressors is None else np.hstack([matrix, regressors])

    def _fit_panel(self, panel: Any) -> None:  # fit is overridden
        raise NotImplementedError

    def _predict_mean(self, h: int) -> np.ndarray:  # predict is overridden
        raise NotImplementedError


def global_ensemble(horizon: int = 28, season_length: int = 7) -> tuple[GlobalBoosting, ...]:
    """Three global models that differ in what they learn from, for ``auto`` to combine (as the M5
    winners averaged several): two years of history with 63 leaves, one year with 63 leaves, two
    years with 31 leaves, each with its own seed. A model fitted on a shorter window follows recent
    changes more closely, a smaller tree generalises more: their errors differ, and the combination
    weights them on the backtest."""
    return (
        GlobalBoosting(horizon, season_length),
        GlobalBoosting(horizon, season_length, history=365, seed=4),
        GlobalBoosting(horizon, season_length, num_leaves=31, seed=5),
    )


def _first_demand(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Position of each series' first non-zero value (its length when it has none)."""
    lengths = np.diff(offsets)
    out = lengths.copy()
    nonzero = np.flatnonzero(values > 0)
    series = np.searchsorted(offsets, nonzero, side="right") - 1
    first = np.full(lengths.shape[0], -1)
    order = np.unique(series, return_index=True)
    first[order[0]] = nonzero[order[1]] - offsets[order[0]]
    return np.where(first >= 0, first, out)
