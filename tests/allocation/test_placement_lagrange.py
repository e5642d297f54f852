"""The Lagrangian bound of inventory placement: valid, close, and given up only where promised."""

from __future__ import annotations

import pytest
from tests.allocation.test_placement import two_by_two

from optiops.allocation.placement import generate_placement, solve_placement
from optiops.allocation.placement_lagrange import MAX_WAREHOUSES, placement_bound
from optiops.model.placement import PlacementInstance
from optiops.solvers import MipOptions


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_bound_lies_below_and_near_the_proven_optimum(seed: int) -> None:
    """Below the whole MIP's optimum on generated instances, and within 10 % of it."""
    inst = generate_placement(n_skus=12, n_warehouses=3, n_zones=5, seed=seed)
    optimum = solve_placement(inst, "highs", MipOptions(time_limit=20), method="full")
    assert optimum.status == "optimal" and optimum.objective is not None
    found = placement_bound(inst, upper=1.05 * optimum.objective)
    assert found is not None and found.iterations >= 1
    assert found.bound <= optimum.objective * (1 + 1e-9)
    assert found.bound >= 0.9 * optimum.objective


def test_hand_solved_case() -> None:
    """The 2 x 2 case of test_placement (optimum 45.5): the bound is valid."""
    found = placement_bound(PlacementInstance.model_validate(two_by_two()), upper=50.0)
    assert found is not None and 0.0 < found.bound <= 45.5 + 1e-9


def test_more_steps_never_lower_the_bound() -> None:
    """The bound is the best over the steps, which are deterministic: more steps can only raise it."""
    inst = generate_placement(n_skus=20, n_warehouses=4, n_zones=6, seed=5)
    few = placement_bound(inst, upper=2000.0, max_iterations=20)
    many = placement_bound(inst, upper=2000.0, max_iterations=200)
    assert few is not None and many is not None and many.bound >= few.bound


def test_no_bound_above_the_warehouse_limit_and_zero_without_demand() -> None:
    """Warehouse sets are enumerated, so many warehouses give no bound; no demand costs nothing."""
    wide = generate_placement(n_skus=4, n_warehouses=MAX_WAREHOUSES + 1, n_zones=3, seed=1)
    assert placement_bound(wide, upper=1e6) is None
    empty = PlacementInstance.model_validate(two_by_two(demand=[[0, 0], [0, 0]]))
    found = placement_bound(empty, upper=1.0)
    assert found is not None and found.bound == 0.0
