"""Cold start: short series borrow the pooled seasonal shape and a level shrunk toward the pool."""

from __future__ import annotations

import numpy as np
import pandas as pd

from optiops.forecast import AutoForecaster, Backtest, ColdStart, forecast_frame, make_model
from optiops.model.demand import DemandHistory

WEEK = [10.0, 10.0, 10.0, 10.0, 20.0, 30.0, 10.0]  # daily demand, a weekend peak


def weekly(scale: float, weeks: int = 6) -> list[float]:
    return [scale * v for v in WEEK * weeks]


def ending_together(*series: list[float]) -> DemandHistory:
    """Daily series that all end on 2024-02-11 (a Sunday), as read_demand lays out a file."""
    lengths = np.array([len(s) for s in series])
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    values = np.array([v for s in series for v in s], dtype=np.float64)
    first = (lengths.max() - lengths).astype(np.int64)
    ids = tuple(f"s{i}" for i in range(len(series)))
    return DemandHistory(
        ids, values, offsets, first, pd.Timestamp("2024-02-11") - pd.Timedelta(days=int(lengths.max()) - 1), "D"
    )


def test_three_observation_series_gets_the_pooled_weekly_shape() -> None:
    """In auto, a 3-day series forecasts the weekly shape of the long series, not a flat naive."""
    history = ending_together(weekly(1.0), weekly(2.0), [4.0, 6.0, 5.0])
    auto = make_model("auto", season_length=7, backtest=Backtest(h=7, n_windows=3))
    assert isinstance(auto, AutoForecaster)
    mean = auto.fit(history).predict(7)["mean"]
    assert auto.chosen_[2] == "ColdStart"
    shape = np.array(WEEK) / np.mean(WEEK)
    np.testing.assert_allclose(mean[2] / mean[2].mean(), shape, rtol=1e-9)
    assert np.ptp(mean[2]) > 0  # naive would be flat at 5


def test_level_is_own_level_shrunk_toward_the_pool() -> None:
    """Without a prior the level is the series' deseasonalised mean; a prior pulls it toward the pool."""
    history = ending_together(weekly(1.0), weekly(3.0), [7.0, 7.0, 7.0])
    shape = np.array(WEEK) / np.mean(WEEK)
    own = 21.0 / shape[[4, 5, 6]].sum()  # the short series' last three days are phases 4, 5, 6
    alone = ColdStart(season_length=7, prior=0.0).fit(history)
    np.testing.assert_allclose(alone.level_[2], own)
    pooled = ColdStart(season_length=7, prior=7.0).fit(history)
    pool = np.mean([np.mean(WEEK), 3 * np.mean(WEEK), own])
    np.testing.assert_allclose(pooled.level_[2], (3 * own + 7 * pool) / 10)


def test_without_donors_the_profile_is_flat() -> None:
    """When every series is short there is no shape to borrow: the forecast is a flat level."""
    fitted = ColdStart(season_length=7).fit(ending_together([1.0, 2.0], [3.0, 5.0, 4.0]))
    np.testing.assert_array_equal(fitted.profile_, np.ones(7))


def test_groups_lend_their_own_shape() -> None:
    """With groups, a short series borrows the profile of its group, not of all series."""
    other = [30.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0] * 6  # a Monday peak
    history = ending_together(weekly(1.0), other, [5.0, 5.0, 5.0], [5.0, 5.0, 5.0])
    frame = forecast_frame(
        history, 7, model="cold_start", levels=(80,), groups=np.array(["a", "b", "a", "b"]), backtest=Backtest(7, 3)
    )
    mean = frame.forecast.to_numpy().reshape(4, 7)
    assert list(frame.unique_id.unique()) == ["s0", "s1", "s2", "s3"]
    assert pd.Timestamp(frame.ds.iloc[0]) == pd.Timestamp("2024-02-12")
    assert np.argmax(mean[2]) == np.argmax(mean[0]) == 5 and np.argmax(mean[3]) == np.argmax(mean[1]) == 0
