"""Rolling-origin backtest and the prediction intervals built from its errors."""

from __future__ import annotations

import numpy as np
from tests.forecast.cases import history_of, poisson_panel

from optiops.forecast import SES, Backtest, Naive, cross_validate
from optiops.forecast.intervals import empirical_bounds


def test_backtest_origins_count_back_from_the_end() -> None:
    """Naive at two origins one step apart forecasts the last value before each origin."""
    result = cross_validate(Naive(), history_of([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), Backtest(h=2, n_windows=2))
    np.testing.assert_array_equal(result.forecasts[0], [[3, 3], [4, 4]])
    np.testing.assert_array_equal(result.actuals[0], [[4, 5], [5, 6]])


def test_backtest_skips_origins_without_enough_history() -> None:
    """A series shorter than h + min_train has no window (NaN), the longer one has both."""
    result = cross_validate(Naive(), history_of([1.0] * 8, [1.0] * 5), Backtest(h=2, n_windows=2, min_train=3))
    assert np.all(np.isfinite(result.forecasts[0]))
    assert np.isnan(result.forecasts[1, 0]).all() and np.isfinite(result.forecasts[1, 1]).all()


def test_failing_model_leaves_nan_not_an_exception() -> None:
    """A model that raises at an origin leaves NaN there and the backtest goes on."""
    result = cross_validate(SES(alphas=(2.0,)), history_of([1.0] * 8), Backtest(h=2, n_windows=2))
    assert np.isnan(result.forecasts).all()


def test_intervals_are_nested_and_non_negative() -> None:
    """95 % intervals contain the 80 % ones and no bound is negative."""
    pred = SES(intervals=Backtest(h=6, n_windows=8)).fit(poisson_panel(20, 40, 0.5)).predict(6, level=[80, 95])
    assert np.all(pred["lo-95"] <= pred["lo-80"]) and np.all(pred["hi-80"] <= pred["hi-95"])
    assert all(np.all(pred[k] >= 0) for k in ("lo-80", "hi-80", "lo-95", "hi-95"))


def test_mostly_zero_series_get_zero_lower_bound() -> None:
    """When zero demand is common, the interval starts at zero and still ends at the (1 + c)/2 quantile."""
    errors = np.arange(-10.0, 10.0)[None, None, :]  # 20 errors
    actuals = np.where(np.arange(20) < 6, 0.0, 1.0)[None, None, :]  # 30 % zeros >= 10 % tail
    bounds = empirical_bounds(np.full((1, 1), 5.0), errors, actuals, np.ones(1), [80])
    assert bounds["lo-80"][0, 0] == 0.0
    assert bounds["hi-80"][0, 0] == 5.0 + np.quantile(np.arange(-10.0, 10.0), 0.9)


def test_central_interval_without_zeros() -> None:
    """Without zero demand the interval is forecast + the (1 -+ c)/2 error quantiles."""
    errors = np.arange(-10.0, 10.0)[None, None, :]
    bounds = empirical_bounds(np.full((1, 1), 50.0), errors, np.ones((1, 1, 20)), np.ones(1), [80])
    assert bounds["lo-80"][0, 0] == 50.0 + np.quantile(errors, 0.1)
    assert bounds["hi-80"][0, 0] == 50.0 + np.quantile(errors, 0.9)


def test_cold_start_series_borrow_pooled_errors() -> None:
    """A series too short for any origin still gets finite bounds, scaled by its own naive error."""
    rng = np.random.default_rng(0)
    history = history_of(*[rng.poisson(3.0, 30).astype(float).tolist() for _ in range(10)], [2.0, 4.0, 2.0])
    pred = Naive(intervals=Backtest(h=4, n_windows=6)).fit(history).predict(4, level=[90])
    assert np.all(np.isfinite(pred["hi-90"][-1])) and pred["hi-90"][-1, 0] > pred["mean"][-1, 0]


def test_coverage_near_nominal_on_stationary_demand() -> None:
    """On stationary Poisson demand, held-out coverage is within 6 points of 80 % and 95 %."""
    train, test = poisson_panel(200, 48, 4.0, seed=1).split(12)
    pred = SES(intervals=Backtest(h=12, n_windows=12)).fit(train).predict(12, level=[80, 95])
    for c in (80, 95):
        inside = np.mean((test >= pred[f"lo-{c}"]) & (test <= pred[f"hi-{c}"]))
        assert abs(inside - c / 100) < 0.06, (c, inside)


def test_mostly_zero_demand_interval_covers_the_zeros() -> None:
    """With 90 % zeros the 80 % interval starts at zero and covers every zero (over-covers)."""
    rng = np.random.default_rng(3)
    y = (rng.random((100, 48)) < 0.1).astype(float)
    train, test = history_of(*y[:, :36].tolist()), y[:, 36:]
    pred = SES(intervals=Backtest(h=12, n_windows=12)).fit(train).predict(12, level=[80])
    assert np.all(pred["lo-80"] == 0.0)
    inside = (test >= pred["lo-80"]) & (test <= pred["hi-80"])
    assert np.mean(inside) >= np.mean(test == 0) - 0.02


def test_upper_bound_is_a_calibrated_quantile_on_mostly_zero_demand() -> None:
    """With half the days zero, share(y <= hi-c) on stationary held-out demand reaches (1 + c)/2, not c."""
    rng = np.random.default_rng(5)
    y = rng.poisson(2.0, (300, 60)) * (rng.random((300, 60)) < 0.5)
    train, test = history_of(*y[:, :48].astype(float).tolist()), y[:, 48:]
    pred = SES(intervals=Backtest(h=12, n_windows=12)).fit(train).predict(12, level=[50, 80])
    for c in (50, 80):
        t = (1 + c / 100) / 2
        assert np.mean(test <= pred[f"hi-{c}"]) >= t - 0.03 and np.mean(test < pred[f"hi-{c}"]) <= t + 0.03, c
