"""Values marked missing: filled from their series to fit, left out of every score."""

from __future__ import annotations

import numpy as np
import pytest
from tests.forecast.cases import history_of

from optiops.forecast import SES, Backtest, cross_validate
from optiops.forecast import metrics as M
from optiops.forecast.api import forecast_frame
from optiops.model.demand import DemandHistory, impute_missing

NAN = np.nan


def test_impute_is_linear_inside_flat_at_the_ends_and_zero_when_nothing_is_seen() -> None:
    values = np.array([NAN, 2.0, NAN, NAN, 8.0, NAN, NAN, NAN, 5.0])
    offsets = np.array([0, 6, 8, 9])
    np.testing.assert_allclose(impute_missing(values, offsets), [2, 2, 4, 6, 8, 8, 0, 0, 5])
    clean = np.arange(4.0)
    assert impute_missing(clean, np.array([0, 4])) is clean  # nothing missing: no copy


def test_forecast_of_a_history_with_a_gap_is_that_of_the_filled_history() -> None:
    """forecast_frame fits on the filled series: same numbers as on a history with the gap filled by hand."""
    gap = history_of([3, 4, NAN, 6, 5, 4, 6, 5, 4, 5, 6, 5], [0, 1, 0, 0, 2, 0, 0, 1, 0, 0, 3, 0])
    filled = history_of([3, 4, 5, 6, 5, 4, 6, 5, 4, 5, 6, 5], [0, 1, 0, 0, 2, 0, 0, 1, 0, 0, 3, 0])
    a = forecast_frame(gap, 3, model="ses", levels=(80,), backtest=Backtest(h=3, n_windows=3))
    b = forecast_frame(filled, 3, model="ses", levels=(80,), backtest=Backtest(h=3, n_windows=3))
    assert np.isfinite(a[["forecast", "lo-80", "hi-80"]].to_numpy()).all()
    np.testing.assert_allclose(a["forecast"], b["forecast"])


def test_backtest_does_not_score_a_missing_actual() -> None:
    """The actual marked missing stays NaN in the backtest, the others equal the filled history's."""
    series = [3.0, 4, 5, 6, 5, 4, 6, 5, 4, 5, 6, 5]
    gap = list(series)
    gap[10] = NAN
    opts = Backtest(h=2, n_windows=2)
    with_gap = cross_validate(SES(), history_of(gap), opts)
    full = cross_validate(SES(), history_of([*series[:10], 5.0, series[11]]), opts)  # 5 = the filled value
    assert np.isnan(with_gap.actuals).sum() == 2  # month 11 is in both windows: the second step, then the first
    known = ~np.isnan(with_gap.actuals)
    np.testing.assert_allclose(with_gap.actuals[known], full.actuals[known])
    np.testing.assert_allclose(with_gap.forecasts, full.forecasts)


def test_metrics_leave_missing_actuals_out() -> None:
    """Every metric over actuals with a NaN equals the metric over the others; the naive scale skips its pairs."""
    y = np.array([[1.0, NAN, 3.0, 0.0]])
    yhat = np.array([[2.0, 9.0, 2.0, 1.0]])
    lo, hi = yhat - 1.5, yhat + 0.5
    keep = [0, 2, 3]
    scale = np.array([2.0])
    assert M.mase(y, yhat, scale)[0] == pytest.approx(M.mase(y[:, keep], yhat[:, keep], scale)[0])
    assert M.bias(y, yhat)[0] == pytest.approx(M.bias(y[:, keep], yhat[:, keep])[0])
    assert M.coverage(y, lo, hi)[0] == pytest.approx(M.coverage(y[:, keep], lo[:, keep], hi[:, keep])[0])
    assert M.pinball(y, yhat, 0.9)[0] == pytest.approx(M.pinball(y[:, keep], yhat[:, keep], 0.9)[0])
    assert M.wape(y, yhat)[0] == pytest.approx(M.wape(y[:, keep], yhat[:, keep])[0])
    # naive scale of [1, NaN, 3, 0, 2]: only the pairs (3, 0) and (0, 2) are seen
    assert M.naive_scale(np.array([1.0, NAN, 3.0, 0.0, 2.0]), np.array([0, 5]))[0] == pytest.approx(2.5)
    failed = np.array([[NAN, 9.0, 2.0, 1.0]])  # a failed forecast where the actual is known still shows
    assert np.isnan(M.mase(y, failed, scale)[0])


def test_history_accepts_nan_but_not_infinite_or_negative_values() -> None:
    from optiops.exceptions import InstanceError

    ok = history_of([1.0, NAN, 2.0])
    assert isinstance(ok, DemandHistory)
    for bad in (np.inf, -1.0):
        with pytest.raises(InstanceError, match="non-negative"):
            history_of([1.0, bad, 2.0])


def test_a_models_own_backtest_skips_the_missing_actual_too() -> None:
    """fit's interval backtest (and auto's choice) leave the filled value out; the naive scale skips its pairs."""
    series = [3.0, 4, 5, 6, 5, 4, 6, 5, 4, 5, NAN, 5]
    opts = Backtest(h=2, n_windows=2)
    model = SES(intervals=opts).fit(history_of(series))
    assert model.backtest_ is not None and np.isnan(model.backtest_.actuals).sum() == 2
    np.testing.assert_allclose(model.backtest_.actuals, cross_validate(SES(), history_of(series), opts).actuals)
    assert model.scale_[0] == pytest.approx(M.naive_scale(np.array(series), np.array([0, 12]))[0])
    auto = forecast_frame(history_of(series), 2, model="auto", levels=(80,), backtest=opts)
    assert np.isfinite(auto[["forecast", "lo-80", "hi-80"]].to_numpy()).all()
