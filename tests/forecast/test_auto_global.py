"""The global model inside ``auto``: its one-fit backtest, forecasts from a later origin, and the fallback."""

from __future__ import annotations

import numpy as np
import pytest
from tests.forecast.cases import history_of

from optiops.forecast.auto import AutoForecaster
from optiops.forecast.backtest import cross_validate_global, cross_validate_many
from optiops.forecast.base import Backtest, ForecastError, Panel
from optiops.forecast.boosting import GlobalBoosting
from optiops.forecast.models import MovingAverage, Naive

pytest.importorskip("lightgbm")

H = 7


def weekly_history(n: int = 12, length: int = 140, seed: int = 0) -> np.ndarray:
    """Poisson demand with a shared weekday shape (high on one day of seven)."""
    rng = np.random.default_rng(seed)
    shape = np.where(np.arange(length) % 7 == 3, 12.0, 2.0)
    return rng.poisson(shape, (n, length)).astype(float)


def small_model() -> GlobalBoosting:
    return GlobalBoosting(horizon=H, rounds=30, num_leaves=7, history=200)


def test_forecast_from_the_fitted_panel_equals_predict() -> None:
    """Given the data it was fitted on, forecast_from gives predict's forecasts."""
    y = weekly_history()
    model = small_model().fit(history_of(*y.tolist(), freq="D"))
    panel = Panel(y.reshape(-1), np.arange(y.shape[0] + 1) * y.shape[1])
    np.testing.assert_allclose(model.forecast_from(panel, H), model.predict(H)["mean"])
    with pytest.raises(ForecastError, match="series"):
        model.forecast_from(Panel(y[:3].reshape(-1), np.arange(4) * y.shape[1]), H)


def test_global_backtest_reads_nothing_after_each_origin() -> None:
    """Changing the demand after the last origin changes no backtest forecast, only the actuals."""
    y = weekly_history()
    options = Backtest(h=H, n_windows=4, step=7)
    changed = y.copy()
    changed[:, -H:] += 50.0
    first = cross_validate_global(small_model(), history_of(*y.tolist(), freq="D"), options)
    second = cross_validate_global(small_model(), history_of(*changed.tolist(), freq="D"), options)
    assert np.all(np.isfinite(first.forecasts))
    np.testing.assert_array_equal(first.forecasts, second.forecasts)
    assert not np.array_equal(first.actuals, second.actuals)
    local = cross_validate_many((Naive(),), history_of(*y.tolist(), freq="D"), options)[0]
    np.testing.assert_array_equal(first.actuals, local.actuals)  # same origins as the local candidates


def test_auto_weights_the_global_model_where_it_forecasts_the_weekday_shape() -> None:
    """Flat candidates miss the weekday peak the global model learns: it gets weight and lowers the error."""
    y = weekly_history(length=168)
    train = history_of(*y[:, :-H].tolist(), freq="D")
    options = Backtest(h=H, n_windows=6, step=7)
    flat = AutoForecaster(models=(Naive(), MovingAverage(28)), backtest=options).fit(train)
    both = AutoForecaster(models=(Naive(), MovingAverage(28)), backtest=options, global_model=small_model()).fit(train)
    assert both.weights_[:, -1].min() > 0.3 and "GlobalBoosting" in both.candidates()[-1].alias
    error = [np.mean((m.predict(H)["mean"] - y[:, -H:]) ** 2) for m in (flat, both)]
    assert error[1] < 0.7 * error[0], error


class Failing(GlobalBoosting):
    """A global model whose fit always fails."""

    def fit(self, y, X=None):  # type: ignore[no-untyped-def]
        raise ForecastError("no fit")


def test_auto_without_a_working_global_model_uses_the_others() -> None:
    """A global model that cannot fit leaves the local candidates' forecast, with finite bounds."""
    y = weekly_history()
    options = Backtest(h=H, n_windows=4, step=7)
    train = history_of(*y.tolist(), freq="D")
    auto = AutoForecaster(models=(Naive(), MovingAverage(28)), backtest=options, global_model=Failing(H)).fit(train)
    plain = AutoForecaster(models=(Naive(), MovingAverage(28)), backtest=options).fit(train)
    assert np.all(auto.weights_[:, -1] == 0)
    pred = auto.predict(H, level=[80])
    np.testing.assert_allclose(pred["mean"], plain.predict(H)["mean"])
    assert np.all(np.isfinite(pred["hi-80"]))


def test_auto_combines_several_global_models_and_survives_one_failing() -> None:
    """A tuple of global models: each is a candidate with its own backtest; one that fails leaves the others."""
    y = weekly_history(length=168)
    train = history_of(*y[:, :-H].tolist(), freq="D")
    options = Backtest(h=H, n_windows=6, step=7)
    local = (Naive(), MovingAverage(28))
    pair = (small_model(), small_model().clone(seed=2, num_leaves=3))
    both = AutoForecaster(models=local, backtest=options, global_model=pair).fit(train)
    assert len(both.candidates()) == 4 and both.weights_.shape == (y.shape[0], 4)
    assert both.weights_[:, 2:].sum(axis=1).min() > 0.3
    one = AutoForecaster(models=local, backtest=options, global_model=(small_model(), Failing(H))).fit(train)
    assert np.all(one.weights_[:, -1] == 0) and one.weights_[:, 2].min() > 0.3
    single = AutoForecaster(models=local, backtest=options, global_model=small_model()).fit(train)
    np.testing.assert_allclose(one.predict(H)["mean"], single.predict(H)["mean"])
