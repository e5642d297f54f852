"""Accuracy metrics on hand-computed cases, one value per series."""

from __future__ import annotations

import numpy as np
import pytest

from optiops.forecast import metrics as M

VALUES = np.array([1.0, 3.0, 2.0, 10.0, 10.0, 10.0])
OFFSETS = np.array([0, 3, 6])


def test_naive_scale_stays_within_each_series() -> None:
    """The scale averages |one-step differences| inside a series, never across two series."""
    np.testing.assert_allclose(M.naive_scale(VALUES, OFFSETS), [1.5, 0.0])
    np.testing.assert_allclose(M.squared_naive_scale(VALUES, OFFSETS), [2.5, 0.0])


def test_single_observation_has_no_scale() -> None:
    """A one-observation series has no naive error: NaN scale."""
    assert np.isnan(M.naive_scale(np.array([4.0]), np.array([0, 1]))[0])


def test_mase_divides_mae_by_scale_and_skips_zero_scale() -> None:
    """MASE = MAE / scale; a zero scale gives NaN, not infinity."""
    y, yhat = np.array([[2.0, 4.0], [1.0, 1.0]]), np.array([[1.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(M.mase(y, yhat, np.array([2.0, 0.0])), [1.0, np.nan])


def test_rmsse_wape_and_bias() -> None:
    """RMSSE, WAPE and bias of one series by hand."""
    y, yhat = np.array([[2.0, 4.0]]), np.array([[1.0, 1.0]])
    assert M.rmsse(y, yhat, np.array([5.0]))[0] == pytest.approx(1.0)
    assert M.wape(y, yhat)[0] == pytest.approx(4.0 / 6.0) and M.wape_total(y, yhat) == pytest.approx(4.0 / 6.0)
    assert M.bias(y, yhat)[0] == pytest.approx(-2.0)


def test_pinball_hand_computed() -> None:
    """Quantile 0.9 at 8: under-forecasting 10 costs 0.9 x 2, over-forecasting 5 costs 0.1 x 3."""
    np.testing.assert_allclose(M.pinball(np.array([[10.0, 5.0]]), np.array([[8.0, 8.0]]), 0.9), [(1.8 + 0.3) / 2])


def test_coverage_counts_bounds_as_inside() -> None:
    """Coverage is the share of actuals within the closed interval."""
    y = np.array([[0.0, 1.0, 2.0, 3.0]])
    assert M.coverage(y, np.zeros((1, 4)), np.full((1, 4), 2.0))[0] == 0.75
