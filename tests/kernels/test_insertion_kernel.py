"""The warm starts' insertion kernel places stops exactly as its pure-Python reference does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.kernels.reference_insertion import cheapest_place_reference

import optiops
from optiops.model.routing_arrays import RoutingArrays, routing_arrays
from optiops.routing.warm import _best_place

DAY = Path(__file__).resolve().parents[2] / "instances" / "routing" / "breakdown" / "gh200-rc1" / "instance.yaml"


@pytest.fixture(scope="module")
def arrays() -> RoutingArrays:
    """A 200-stop day with time windows: most random routes are tight somewhere."""
    return routing_arrays(optiops.load(DAY))


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), length=st.integers(0, 9))
def test_kernel_equals_reference(arrays: RoutingArrays, seed: int, length: int) -> None:
    """Same cost and position (or none) as the reference, for a random stop and route."""
    rng = np.random.default_rng(seed)
    stops = rng.permutation(np.arange(arrays.n_depots, arrays.n_nodes))[: length + 1].tolist()
    route = sorted(stops[1:], key=lambda s: int(arrays.tw_lo_int[arrays.tw_ptr[s]]))  # mostly feasible
    t = int(rng.integers(len(arrays.vt_ids)))
    assert _best_place(arrays, (t, 0, route), stops[0]) == pytest.approx(
        cheapest_place_reference(arrays, t, route, stops[0])
    )
