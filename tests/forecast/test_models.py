"""Baselines, intermittent methods and SES: hand-computed forecasts and the estimator contract."""

from __future__ import annotations

import numpy as np
import pytest
from tests.forecast.cases import history_of

from optiops.forecast import (
    ADIDA,
    SBA,
    SES,
    TSB,
    Croston,
    ForecastError,
    MovingAverage,
    Naive,
    SeasonalNaive,
)

Y = [0.0, 3.0, 0.0, 0.0, 6.0]


def test_croston_hand_computed() -> None:
    """Croston on 0,3,0,0,6 (alpha 0.1): size 3 -> 3.3, interval 2 -> 2.1, forecast 3.3/2.1."""
    assert Croston(alpha=0.1).fit(Y).predict(3)["mean"] == pytest.approx([3.3 / 2.1] * 3)


def test_sba_is_debiased_croston() -> None:
    """SBA equals Croston times 1 - alpha/2."""
    assert SBA(alpha=0.2).fit(Y).predict(1)["mean"][0] == pytest.approx(
        0.9 * Croston(alpha=0.2).fit(Y).predict(1)["mean"][0]
    )


def test_tsb_hand_computed() -> None:
    """TSB on 0,3,0,0,6 (alpha_d 0.1, alpha_p 0.2): probability 0.1729 times size 3.6."""
    assert TSB(alpha_d=0.1, alpha_p=0.2).fit(Y).predict(1)["mean"][0] == pytest.approx(0.1729 * 3.6)


def test_adida_hand_computed() -> None:
    """ADIDA on 0,3,0,0,6: mean interval 2.5 -> buckets of 3, one bucket summing 6, forecast 2 per period."""
    assert ADIDA().fit(Y).predict(2)["mean"] == pytest.approx([2.0, 2.0])


def test_ses_hand_computed() -> None:
    """SES with alpha 0.5 on 1,2,3: level 1 -> 1.5 -> 2.25."""
    model = SES(alphas=(0.5,)).fit([1.0, 2.0, 3.0])
    assert model.predict(1)["mean"][0] == pytest.approx(2.25) and model.alpha_[0] == 0.5


def test_ses_chooses_alpha_by_in_sample_sse() -> None:
    """On a steady trend the least-SSE alpha of the grid is 1 (the last value)."""
    model = SES(alphas=(0.1, 0.5, 1.0)).fit([1.0, 2.0, 3.0, 4.0, 5.0])
    assert model.alpha_[0] == 1.0 and model.predict(1)["mean"][0] == 5.0


def test_naive_and_moving_average() -> None:
    """Naive repeats the last value; a moving average of window 2 averages the last two."""
    y = [1.0, 2.0, 3.0, 5.0]
    assert list(Naive().fit(y).predict(2)["mean"]) == [5.0, 5.0]
    assert list(MovingAverage(window=2).fit(y).predict(2)["mean"]) == [4.0, 4.0]
    assert MovingAverage(window=10).fit(y).predict(1)["mean"][0] == pytest.approx(2.75)


def test_seasonal_naive_repeats_last_season() -> None:
    """Seasonal naive repeats the last season; a series shorter than a season gets naive."""
    history = history_of([1.0, 2.0, 3.0, 4.0, 5.0], [7.0, 8.0])
    mean = SeasonalNaive(season_length=3).fit(history).predict(4)["mean"]
    np.testing.assert_array_equal(mean, [[3, 4, 5, 3], [8, 8, 8, 8]])


def test_panel_fit_equals_one_series_fits() -> None:
    """Fitting many series in one call gives each series' own forecast."""
    series = [[0.0, 2.0, 0.0, 1.0, 0.0, 4.0], [5.0, 6.0, 4.0], [0.0, 0.0, 0.0, 3.0]]
    for model in (Croston(), SBA(), TSB(), ADIDA(), SES(), MovingAverage(3), Naive()):
        many = model.clone().fit(history_of(*series)).predict(2)["mean"]
        one = np.array([model.clone().fit(s).predict(2)["mean"] for s in series])
        np.testing.assert_allclose(many, one, err_msg=model.alias)


def test_all_zero_series_forecasts_zero() -> None:
    """Without any demand every intermittent model forecasts zero."""
    for model in (Croston(), SBA(), TSB(), ADIDA(), SES()):
        assert model.fit([0.0] * 6).predict(2)["mean"].tolist() == [0.0, 0.0]


def test_predict_before_fit_raises() -> None:
    """predict on an unfitted model is a ForecastError."""
    with pytest.raises(ForecastError, match="call fit before predict"):
        Croston().predict(3)


def test_levels_without_intervals_raise() -> None:
    """Asking for levels from a model built without intervals is a ForecastError."""
    with pytest.raises(ForecastError, match="intervals=Backtest"):
        Naive().fit(Y).predict(2, level=[80])


def test_regressors_are_refused() -> None:
    """These models take no regressors: passing X is a ForecastError."""
    with pytest.raises(ForecastError, match="regressors"):
        SES().fit(Y, X=np.ones((5, 1)))


def test_init_only_stores_parameters_and_clone_copies_them() -> None:
    """get_params returns the constructor arguments and clone is unfitted with the same ones."""
    model = TSB(alpha_d=0.3, alpha_p=0.2).fit(Y)
    copy = model.clone()
    assert copy.get_params() == {"alpha_d": 0.3, "alpha_p": 0.2, "intervals": None}
    assert not hasattr(copy, "level_") and hasattr(model, "level_")


def test_bad_parameters_raise() -> None:
    """Out-of-range smoothing constants or windows are rejected at fit."""
    for model in (Croston(alpha=0.0), MovingAverage(window=0), SES(alphas=()), SeasonalNaive(season_length=0)):
        with pytest.raises(ValueError):
            model.fit(Y)
