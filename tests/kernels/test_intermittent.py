"""The numba intermittent-demand kernels agree with their pure-Python references."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.kernels.reference_intermittent import (
    adida_reference,
    croston_reference,
    imapa_reference,
    ses_reference,
    tsb_reference,
)

from optiops.kernels import adida_levels, croston_levels, imapa_levels, ses_levels, tsb_levels

demand = st.one_of(st.just(0.0), st.just(0.0), st.integers(1, 50).map(float), st.floats(0.1, 100.0))
panels = st.lists(st.lists(demand, min_size=1, max_size=40), min_size=1, max_size=6)
alpha = st.floats(0.01, 1.0)
grids = st.lists(alpha, min_size=1, max_size=5)


def flat(series: list[list[float]]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.cumsum([0] + [len(s) for s in series]).astype(np.int64)
    return np.array([v for s in series for v in s], dtype=np.float64), offsets


@settings(max_examples=150, deadline=None)
@given(panels, alpha, st.booleans())
def test_croston_and_sba_match_reference(series: list[list[float]], a: float, debiased: bool) -> None:
    """Croston (and SBA's debiased Croston) equal the reference for every series of a panel."""
    debias = 1.0 - a / 2.0 if debiased else 1.0
    got = croston_levels(*flat(series), a, debias)
    np.testing.assert_allclose(got, [croston_reference(s, a, debias) for s in series], rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(panels, alpha, alpha)
def test_tsb_matches_reference(series: list[list[float]], a_d: float, a_p: float) -> None:
    """TSB equals the reference for every series of a panel."""
    got = tsb_levels(*flat(series), a_d, a_p)
    np.testing.assert_allclose(got, [tsb_reference(s, a_d, a_p) for s in series], rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(panels, grids)
def test_ses_matches_reference(series: list[list[float]], grid: list[float]) -> None:
    """SES levels and chosen alphas equal the reference's."""
    levels, chosen = ses_levels(*flat(series), np.array(grid))
    expected = [ses_reference(s, grid) for s in series]
    np.testing.assert_allclose(levels, [e[0] for e in expected], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(chosen, [e[1] for e in expected], rtol=0, atol=0)


@settings(max_examples=150, deadline=None)
@given(panels, grids)
def test_adida_matches_reference(series: list[list[float]], grid: list[float]) -> None:
    """ADIDA equals the reference for every series of a panel."""
    got = adida_levels(*flat(series), np.array(grid))
    np.testing.assert_allclose(got, [adida_reference(s, grid) for s in series], rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(panels, grids)
def test_imapa_matches_reference(series: list[list[float]], grid: list[float]) -> None:
    """IMAPA equals the reference for every series of a panel."""
    got = imapa_levels(*flat(series), np.array(grid))
    np.testing.assert_allclose(got, [imapa_reference(s, grid) for s in series], rtol=1e-12, atol=1e-12)


def test_imapa_of_a_series_with_demand_every_period_is_ses() -> None:
    """With demand in every period the mean interval is 1, so IMAPA is plain SES on the series."""
    values, offsets = flat([[3.0, 5.0, 4.0, 6.0, 5.0]])
    grid = np.array([0.1, 0.3])
    np.testing.assert_allclose(imapa_levels(values, offsets, grid), ses_levels(values, offsets, grid)[0])


def test_series_without_demand_forecast_zero() -> None:
    """An all-zero series forecasts zero with every intermittent kernel."""
    values, offsets = flat([[0.0, 0.0, 0.0], [0.0, 4.0]])
    grid = np.array([0.1, 0.5])
    for got in (croston_levels(values, offsets, 0.1, 1.0), tsb_levels(values, offsets, 0.1, 0.1),
                adida_levels(values, offsets, grid), imapa_levels(values, offsets, grid),
                ses_levels(values, offsets, grid)[0]):  # fmt: skip
        assert got[0] == 0.0 and got[1] > 0.0
