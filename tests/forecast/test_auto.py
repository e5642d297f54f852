"""``auto`` choosing one candidate (metric="mase"): per series or per class by backtest, naive fallback."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from tests.forecast.cases import history_of, poisson_panel

from optiops.forecast import AutoForecaster, Backtest, ColdStart, Forecaster, MovingAverage, Naive, Panel, SeasonalNaive
from optiops.forecast.classify import syntetos_boylan

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
    auto = AutoForecaster(
        metric="mase", models=(Naive(), SeasonalNaive(4), MovingAverage(12)), backtest=Backtest(h=4, n_windows=6)
    )
    auto.fit(history_of(SEASONAL, STEADY))
    assert list(auto.chosen_) == ["SeasonalNaive", "MovingAverage"]
    np.testing.assert_array_equal(auto.predict(4)["mean"][0], [0, 10, 0, 30])


def test_failing_candidate_falls_back_to_naive(caplog: pytest.LogCaptureFixture) -> None:
    """When the only candidate fails, every series gets the naive forecast and a warning is logged."""
    with caplog.at_level(logging.WARNING, logger="optiops"):
        auto = AutoForecaster(metric="mase", models=(Broken(),), backtest=Backtest(h=2, n_windows=2)).fit(
            history_of(STEADY)
        )
    assert list(auto.chosen_) == ["Naive"] and auto.predict(2)["mean"].tolist() == [[STEADY[-1]] * 2]
    assert "Broken failed" in caplog.text


class Picky(MovingAverage):
    """A moving average that cannot fit a history holding the value 777."""

    alias = "Picky"

    def _fit_panel(self, panel: Panel) -> None:
        if np.any(panel.values == 777.0):
            raise RuntimeError("777")
        super()._fit_panel(panel)


def test_one_series_failing_the_refit_does_not_send_the_others_to_naive(caplog: pytest.LogCaptureFixture) -> None:
    """The 777 lies after every backtest origin's training data, so only the refit on all of it fails."""
    bad = [*STEADY[:-1], 777.0]
    with caplog.at_level(logging.WARNING, logger="optiops"):
        auto = AutoForecaster(metric="mase", models=(Picky(6),), backtest=Backtest(h=2, n_windows=2)).fit(
            history_of(STEADY, bad)
        )
    assert list(auto.chosen_) == ["Picky", "Naive"]
    mean = auto.predict(2)["mean"]
    assert mean[0].tolist() == pytest.approx([np.mean(STEADY[-6:])] * 2) and mean[1].tolist() == [777.0, 777.0]
    assert "Picky failed on 1 of its 2 series" in caplog.text


def test_short_series_fall_back_to_naive() -> None:
    """A series too short for any backtest origin gets the naive forecast."""
    auto = AutoForecaster(metric="mase", backtest=Backtest(h=4, n_windows=3)).fit(history_of(SEASONAL, [1.0, 2.0]))
    assert auto.chosen_[1] == "Naive" and auto.predict(1)["mean"][1, 0] == 2.0


def test_class_selection_uses_one_model_per_class() -> None:
    """With select='class' every series of one demand class uses the same candidate."""
    auto = AutoForecaster(metric="mase", select="class", backtest=Backtest(h=6, n_windows=4)).fit(
        poisson_panel(30, 36, 0.3)
    )
    assert len(set(auto.chosen_)) == 1


def test_auto_intervals_come_from_the_chosen_backtest() -> None:
    """auto returns finite, ordered bounds at every requested level without extra settings."""
    pred = (
        AutoForecaster(metric="mase", backtest=Backtest(h=6, n_windows=6))
        .fit(poisson_panel(10, 36, 2.0))
        .predict(6, level=[80])
    )
    assert np.all(np.isfinite(pred["hi-80"])) and np.all(pred["lo-80"] <= pred["hi-80"])


def test_unknown_selection_mode_raises() -> None:
    """select must be 'series' or 'class'."""
    with pytest.raises(ValueError, match="select"):
        AutoForecaster(metric="mase", select="global").fit(STEADY)  # type: ignore[arg-type]


def test_shrinkage_ends_are_the_series_and_the_class_choice() -> None:
    """shrinkage 0 picks each series' own best backtest; 1 picks its class's best, like select='class'."""
    panel, bt = poisson_panel(30, 36, 0.3), Backtest(h=6, n_windows=4)
    own = AutoForecaster(metric="mase", backtest=bt, shrinkage=0.0).fit(panel)
    mae = own.scores_ * own.scale_[:, None]
    np.testing.assert_array_equal(own.choice_, np.argmin(np.where(np.isfinite(mae), mae, np.inf), axis=1))
    by_class = AutoForecaster(metric="mase", backtest=bt, select="class").fit(panel)
    np.testing.assert_array_equal(
        AutoForecaster(metric="mase", backtest=bt, shrinkage=1.0).fit(panel).choice_, by_class.choice_
    )
    assert len(set(own.chosen_)) > 1  # the ends differ on this panel, so the two checks are not the same check


def test_shrinkage_in_between_overrules_a_small_own_lead() -> None:
    """Each series' choice minimises (1 - w) own + w class mean; a few series move to the class's best."""
    panel, bt, w = poisson_panel(30, 36, 0.3), Backtest(h=6, n_windows=4), 0.5
    auto = AutoForecaster(metric="mase", backtest=bt, shrinkage=w).fit(panel)
    own = AutoForecaster(metric="mase", backtest=bt, shrinkage=0.0).fit(panel)
    scores = auto.scores_
    assert len(set(syntetos_boylan(panel.values, panel.offsets).label)) == 1  # so one class mean
    finite = np.all(np.isfinite(scores), axis=1)
    mixed = (1 - w) * scores[finite] + w * scores[finite].mean(axis=0)
    chosen = mixed[np.arange(mixed.shape[0]), auto.choice_[finite]]
    np.testing.assert_allclose(chosen, mixed.min(axis=1))
    assert np.any(auto.choice_ != own.choice_)


def test_shrinkage_outside_the_unit_interval_raises() -> None:
    """shrinkage is a weight in [0, 1]."""
    with pytest.raises(ValueError, match="shrinkage"):
        AutoForecaster(metric="mase", shrinkage=1.5).fit(STEADY)


def test_bounds_come_from_each_series_own_best_candidate() -> None:
    """With shrinkage the point forecast may follow the class, but the bounds stay those of the
    series' own backtest winner: equal to the bounds of the unshrunk choice."""
    panel, bt = poisson_panel(30, 36, 0.3), Backtest(h=6, n_windows=4)
    shrunk = AutoForecaster(metric="mase", backtest=bt, shrinkage=0.5).fit(panel)
    own = AutoForecaster(metric="mase", backtest=bt, shrinkage=0.0).fit(panel)
    assert np.any(shrunk.choice_ != own.choice_)
    np.testing.assert_array_equal(shrunk.interval_choice_, own.choice_)
    a, b = shrunk.predict(6, level=[80, 95]), own.predict(6, level=[80, 95])
    for key in ("lo-80", "hi-80", "lo-95", "hi-95"):
        np.testing.assert_allclose(a[key], b[key])
    moved = shrunk.choice_ != own.choice_
    assert not np.allclose(a["mean"][moved], b["mean"][moved])


def test_edge_series_with_shrinkage_one_a_failing_candidate_and_cold_start() -> None:
    """A constant series (zero naive scale), a short series and a candidate that always fails:
    the failed candidate is never chosen, the short series is cold start in both choices, and
    every forecast and bound is finite."""
    rng = np.random.default_rng(5)
    series = [[4.0] * 30, [3.0, 0.0, 5.0], *(rng.poisson(2.0, 30).astype(float).tolist() for _ in range(4))]
    auto = AutoForecaster(metric="mase", models=(Naive(), Broken(), MovingAverage(6)),
                          backtest=Backtest(h=4, n_windows=4), shrinkage=1.0, cold_start=ColdStart(4))  # fmt: skip
    pred = auto.fit(history_of(*series)).predict(4, level=[80])
    assert "Broken" not in set(auto.chosen_) and 1 not in set(auto.interval_choice_.tolist())
    assert auto.choice_[1] == auto.interval_choice_[1] == -2
    assert all(np.all(np.isfinite(pred[k])) for k in ("mean", "lo-80", "hi-80"))
    np.testing.assert_allclose(pred["mean"][0], 4.0)
