"""``auto``: per-series choice by backtest, per-class choice, fallback to naive."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from tests.forecast.cases import history_of, poisson_panel

from optiops.forecast import AutoForecaster, Backtest, Forecaster, MovingAverage, Naive, Panel, SeasonalNaive

SEASONAL = [0.0, 10.0, 0.0, 30.0] * 6
STEADY = (5.0 + np.random.default_rng(3).normal(0.0, 1.0, 24)).round(2).tolist()  # level plus noise


class Broken(Forecaster):
    """A candidate that always fails."""

    alias = "Broken"

    def __init__(self, intervals: Backtest | None = None) -> None:
        self.intervals = intervals

    def _fit_panel(self, panel: Panel) -> None:
        raise RuntimeError("boom")


def test_each_series_gets_its_best_candidate() -> None:
    """A seasonal series picks seasonal naive; a noisy level picks the moving average."""
    auto = AutoForecaster(models=(Naive(), SeasonalNaive(4), MovingAverage(12)), backtest=Backtest(h=4, n_windows=6))
    auto.fit(history_of(SEASONAL, STEADY))
    assert list(auto.chosen_) == ["SeasonalNaive", "MovingAverage"]
    np.testing.assert_array_equal(auto.predict(4)["mean"][0], [0, 10, 0, 30])


def test_failing_candidate_falls_back_to_naive(caplog: pytest.LogCaptureFixture) -> None:
    """When the only candidate fails, every series gets the naive forecast and a warning is logged."""
    with caplog.at_level(logging.WARNING, logger="optiops"):
        auto = AutoForecaster(models=(Broken(),), backtest=Backtest(h=2, n_windows=2)).fit(history_of(STEADY))
    assert list(auto.chosen_) == ["Naive"] and auto.predict(2)["mean"].tolist() == [[STEADY[-1]] * 2]
    assert "Broken failed" in caplog.text


def test_short_series_fall_back_to_naive() -> None:
    """A series too short for any backtest origin gets the naive forecast."""
    auto = AutoForecaster(backtest=Backtest(h=4, n_windows=3)).fit(history_of(SEASONAL, [1.0, 2.0]))
    assert auto.chosen_[1] == "Naive" and auto.predict(1)["mean"][1, 0] == 2.0


def test_class_selection_uses_one_model_per_class() -> None:
    """With select='class' every series of one demand class uses the same candidate."""
    auto = AutoForecaster(select="class", backtest=Backtest(h=6, n_windows=4)).fit(poisson_panel(30, 36, 0.3))
    assert len(set(auto.chosen_)) == 1


def test_auto_intervals_come_from_the_chosen_backtest() -> None:
    """auto returns finite, ordered bounds at every requested level without extra settings."""
    pred = AutoForecaster(backtest=Backtest(h=6, n_windows=6)).fit(poisson_panel(10, 36, 2.0)).predict(6, level=[80])
    assert np.all(np.isfinite(pred["hi-80"])) and np.all(pred["lo-80"] <= pred["hi-80"])


def test_unknown_selection_mode_raises() -> None:
    """select must be 'series' or 'class'."""
    with pytest.raises(ValueError, match="select"):
        AutoForecaster(select="global").fit(STEADY)  # type: ignore[arg-type]
