"""LifecycleBoosting: the features read only the past, the backtest has no look-ahead, it learns decay,
it is deterministic, and it falls back to IMAPA without LightGBM."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from tests.forecast.cases import history_of

from optiops.forecast import lifecycle
from optiops.forecast.auto import AutoForecaster
from optiops.forecast.backtest import cross_validate
from optiops.forecast.base import Backtest, ForecastError, Panel
from optiops.forecast.lifecycle import LifecycleBoosting, origin_features, training_rows
from optiops.forecast.models import IMAPA, MovingAverage, Naive

H = 6


def dying_parts(n: int = 300, length: int = 36, seed: int = 0) -> np.ndarray:
    """Poisson parts at rate 1; half stop selling at a random month (and stay dead), the rest live on."""
    rng = np.random.default_rng(seed)
    y = rng.poisson(1.0, (n, length)).astype(float)
    death = rng.integers(length // 3, length + H, n)
    dies = np.arange(n) % 2 == 0
    for i in np.flatnonzero(dies):
        y[i, death[i] :] = 0.0
    return y


def small_model(**changes: object) -> LifecycleBoosting:
    model = LifecycleBoosting(horizon=H, rounds=60, learning_rate=0.2, num_leaves=7, min_data_in_leaf=50)
    return model.clone(**changes)


def test_origin_features_read_only_the_values_before_the_origin() -> None:
    v = np.array([0.0, 1, 0, 2, 0, 0, 3, 0, 5, 5])
    row = origin_features(v, np.array([0, 10]), np.array([0]), np.array([7]), 2)[0]
    assert row[0] == 0 and row[1] == 6  # last demand at the origin's last step; first demand 6 steps back
    assert row[2] == 1 and row[3] == 1.0  # last 3 steps (0, 0, 3): one with demand, mean 1
    assert row[11] == 3.0 and row[12] == 2.0  # last size, mean size (1 + 2 + 3) / 3
    changed = v.copy()
    changed[7:] = 100.0
    np.testing.assert_array_equal(origin_features(changed, np.array([0, 10]), np.array([0]), np.array([7]), 2)[0], row)


def test_training_rows_stay_inside_each_series() -> None:
    lengths = np.array([10, 7])
    series, origin, step = training_rows(lengths, 4, 3, 2)
    assert np.all(origin + step <= lengths[series]) and np.all(origin >= 3) and set(step) == {1, 2, 3, 4}
    assert np.all((lengths[series] - 1 - origin) % 2 == 0)  # every second origin, counted from the end


def test_shape_determinism_and_horizon() -> None:
    pytest.importorskip("lightgbm")
    train = history_of(*dying_parts()[:, :-H].tolist())
    first = small_model().fit(train).predict(H)["mean"]
    again = small_model().fit(train).predict(H)["mean"]
    assert first.shape == (300, H) and np.all(first >= 0)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, small_model(seed=2).fit(train).predict(H)["mean"])
    with pytest.raises(ForecastError, match="horizon"):
        small_model().fit(train).predict(H + 1)


def test_backtest_reads_nothing_after_each_origin() -> None:
    """Changing the last H values changes no backtest forecast (each origin refits on its past only)."""
    pytest.importorskip("lightgbm")
    y = dying_parts(n=120)
    changed = y.copy()
    changed[:, -H:] += 7.0
    options = Backtest(h=H, n_windows=3, step=2)
    first = cross_validate(small_model(), history_of(*y.tolist()), options)
    second = cross_validate(small_model(), history_of(*changed.tolist()), options)
    assert np.all(np.isfinite(first.forecasts))
    np.testing.assert_array_equal(first.forecasts, second.forecasts)
    assert not np.array_equal(first.actuals, second.actuals)


def test_it_learns_that_a_part_without_recent_demand_has_stopped() -> None:
    """On parts that die for good, it forecasts near zero for the dead ones, where IMAPA keeps their old rate."""
    pytest.importorskip("lightgbm")
    y = dying_parts(n=600)
    train, test = y[:, :-H], y[:, -H:]
    dead = np.all(train[:, -6:] == 0, axis=1) & (train.sum(axis=1) > 8)
    assert dead.sum() > 20
    mine = small_model().fit(history_of(*train.tolist())).predict(H)["mean"]
    imapa = IMAPA().fit(history_of(*train.tolist())).predict(H)["mean"]
    assert mine[dead].mean() < 0.5 * imapa[dead].mean()
    assert np.mean((mine - test) ** 2) < np.mean((imapa - test) ** 2)
    assert 0.8 < mine.sum() / test.sum() < 1.25  # not bought by forecasting less demand than there is


def test_without_lightgbm_it_forecasts_with_imapa_and_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(lifecycle, "boosting_available", lambda: False)
    train = history_of(*dying_parts(n=20)[:, :-H].tolist())
    with caplog.at_level(logging.WARNING):
        model = LifecycleBoosting(horizon=H).fit(train)
    assert "LightGBM" in caplog.text and model.fallback_ is not None
    np.testing.assert_allclose(model.predict(H)["mean"], IMAPA().fit(train).predict(H)["mean"])


def test_as_a_candidate_of_auto_with_bounds() -> None:
    """In ``auto``'s combination it is backtested like the kernels; with intervals it gives bounds."""
    pytest.importorskip("lightgbm")
    train = history_of(*dying_parts(n=200)[:, :-H].tolist())
    options = Backtest(h=H, n_windows=3)
    auto = AutoForecaster(models=(Naive(), MovingAverage(12), small_model()), backtest=options).fit(train)
    assert auto.weights_[:, -1].max() > 0
    assert np.all(np.isfinite(auto.predict(H)["mean"]))
    pred = small_model(intervals=options).fit(train).predict(H, level=[80])
    assert np.all(pred["lo-80"] <= pred["hi-80"]) and np.all(pred["lo-80"] >= 0)


def test_too_short_to_train() -> None:
    pytest.importorskip("lightgbm")
    with pytest.raises(ForecastError, match="observations"):
        small_model().fit(Panel(np.ones(6), np.array([0, 3, 6])))
