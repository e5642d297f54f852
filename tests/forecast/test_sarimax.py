"""SARIMAX with regressors: effect recovery, model intervals, order choice, fallbacks, misuse."""

from __future__ import annotations

import numpy as np
import pytest

from optiops.forecast import AutoSARIMAX, ForecastError, Naive, Panel
from optiops.forecast.sarimax import identifiable_columns

UPLIFT = 8.0


def promoted_series(n: int, effect: float = UPLIFT, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """AR(1) demand around 20 plus ``effect`` on promotion days (about one day in five)."""
    rng = np.random.default_rng(seed)
    promo = (rng.random(n) < 0.2).astype(float)
    noise = np.zeros(n)
    for t in range(1, n):
        noise[t] = 0.5 * noise[t - 1] + rng.normal(0.0, 1.5)
    return 20.0 + effect * promo + noise, promo


def test_recovers_promotion_uplift() -> None:
    """Forecasts with the promotion on exceed those with it off by about the true uplift."""
    y, promo = promoted_series(100)
    model = AutoSARIMAX().fit(y, promo)
    on, off = model.predict(7, np.ones(7))["mean"], model.predict(7, np.zeros(7))["mean"]
    np.testing.assert_allclose(on - off, UPLIFT, atol=1.0)
    assert abs(model.coef_[0, 0] - UPLIFT) < 1.0


def test_intervals_widen_with_the_horizon() -> None:
    """Model intervals never narrow with the step and are wider at the end than at the start."""
    y, promo = promoted_series(80, seed=1)
    pred = AutoSARIMAX(orders=((0, 1, 1),)).fit(y, promo).predict(10, np.zeros(10), level=[80, 95])
    width80, width95 = pred["hi-80"] - pred["lo-80"], pred["hi-95"] - pred["lo-95"]
    assert np.all(np.diff(width80) >= -1e-9) and width80[-1] > width80[0]
    assert np.all(width95 >= width80) and np.all(pred["lo-95"] >= 0)


def test_many_series_get_their_own_effects() -> None:
    """Series of one panel are fitted separately: each gets its own uplift."""
    (y0, p0), (y1, p1) = promoted_series(90, 4.0, seed=2), promoted_series(90, 12.0, seed=3)
    panel = Panel(np.concatenate([y0, y1]), np.array([0, 90, 180]))
    model = AutoSARIMAX(orders=((1, 0, 0),)).fit(panel, np.concatenate([p0, p1])[:, None])
    np.testing.assert_allclose(model.coef_[:, 0], [4.0, 12.0], atol=1.0)
    pred = model.predict(3, np.ones((2, 3, 1)), level=[80])
    assert pred["mean"].shape == (2, 3) and pred["hi-80"].shape == (2, 3)


def test_weekly_seasonal_term_is_chosen_on_weekly_data() -> None:
    """On daily data with a strong weekday pattern the seasonal candidate wins by AIC."""
    rng = np.random.default_rng(4)
    week = np.tile([10.0, 10.0, 10.0, 10.0, 14.0, 25.0, 30.0], 8)
    model = AutoSARIMAX(season_length=7, orders=((1, 0, 0),)).fit(week + rng.normal(0.0, 1.0, week.size))
    assert model.order_[0] == "(1,0,0)x(1,0,0,7)"


def test_short_or_constant_series_fall_back_to_random_walk() -> None:
    """Series too short to fit, or constant, get their last value with widening (or zero) intervals."""
    panel = Panel(np.array([3.0, 5.0, 4.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]), np.array([0, 3, 12]))
    pred = AutoSARIMAX().fit(panel).predict(3, level=[80])
    assert list(AutoSARIMAX().fit(panel).order_) == ["fallback", "fallback"]
    np.testing.assert_array_equal(pred["mean"], [[4.0] * 3, [2.0] * 3])
    width = pred["hi-80"][0] - pred["lo-80"][0]
    assert width[2] > width[0] > 0 and np.all(pred["hi-80"][1] == 2.0)


def test_collinear_and_constant_regressors_are_left_out() -> None:
    """A constant column, and a flag that moves exactly with the price, add no identifiable effect."""
    price = np.array([1.0, 1.0, 0.8, 1.0, 0.8, 1.0])
    x = np.column_stack([price, np.ones(6), (price < 1).astype(float), np.arange(6.0)])
    np.testing.assert_array_equal(identifiable_columns(x), [0, 3])


def test_regressors_must_match_the_fit() -> None:
    """predict needs future X when fitted with X, refuses it otherwise; other models refuse X."""
    y, promo = promoted_series(40, seed=5)
    with pytest.raises(ForecastError, match="needs their future values"):
        AutoSARIMAX(orders=((1, 0, 0),)).fit(y, promo).predict(3)
    with pytest.raises(ForecastError, match="without regressors"):
        AutoSARIMAX(orders=((1, 0, 0),)).fit(y).predict(3, np.ones(3))
    with pytest.raises(ForecastError, match="does not take regressors"):
        Naive().fit(y, promo)
