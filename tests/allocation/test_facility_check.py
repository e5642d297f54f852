"""The independent checker catches every kind of tampering with a plan."""

from __future__ import annotations

import pytest
from tests.allocation.cases import instance

from optiops.allocation import check_facility, solve_facility
from optiops.model.network import Allocation, FacilityPlan


@pytest.fixture(scope="module")
def plan() -> FacilityPlan:
    return solve_facility(instance(), "highs")


def tampered(plan: FacilityPlan, **update: object) -> FacilityPlan:
    return plan.model_copy(update=update)


def test_solver_plan_passes(plan: FacilityPlan) -> None:
    """The solver's plan is feasible and its cost is the recomputed one."""
    check = check_facility(instance(), plan)
    assert check.feasible and check.violations == []
    assert check.objective == pytest.approx(49.0)
    assert check.fixed_cost + check.assignment_cost == pytest.approx(check.objective)


def test_stated_cost_must_match(plan: FacilityPlan) -> None:
    """A plan claiming a lower cost is caught."""
    check = check_facility(instance(), tampered(plan, objective=40.0))
    assert not check.feasible and "states cost 40" in check.violations[0]


def test_unserved_customer(plan: FacilityPlan) -> None:
    """Dropping a customer's allocations leaves its demand unserved."""
    allocations = [a for a in plan.allocations if a.customer != "C3"]
    check = check_facility(instance(), tampered(plan, allocations=allocations, objective=None))
    assert any("'C3' gets 0 of its demand" in v for v in check.violations)


def test_closed_warehouse_serving(plan: FacilityPlan) -> None:
    """Closing B while it still serves customers is caught."""
    check = check_facility(instance(), tampered(plan, open=["A"], objective=None))
    assert any(v.startswith("closed warehouse 'B' serves C2, C3, C4") for v in check.violations)


def test_capacity_exceeded(plan: FacilityPlan) -> None:
    """Moving C2 wholly to A puts 9 units on a warehouse of capacity 8."""
    allocations = [a for a in plan.allocations if a.customer != "C2"]
    allocations.append(Allocation(warehouse="A", customer="C2", fraction=1.0))
    check = check_facility(instance(), tampered(plan, allocations=allocations, objective=None))
    assert check.violations == ["warehouse 'A' serves 9 units, above its capacity 8"]


def test_single_sourcing_split(plan: FacilityPlan) -> None:
    """The split plan breaks single sourcing when the instance asks for it."""
    check = check_facility(instance(single_sourcing=True), plan)
    assert check.violations == ["customer 'C2' is split across A, B (single sourcing)"]


def test_unknown_ids(plan: FacilityPlan) -> None:
    """Unknown warehouses and customers are named."""
    allocations = [*plan.allocations, Allocation(warehouse="Z", customer="C1", fraction=0.0)]
    check = check_facility(instance(), tampered(plan, open=[*plan.open, "Q"], allocations=allocations))
    assert "open warehouse 'Q' is not in the instance" in check.violations
    assert any("'Z' -> 'C1' names an unknown" in v for v in check.violations)


def test_plan_round_trips_through_json(plan: FacilityPlan) -> None:
    """A plan is data: JSON out and back gives an equal plan that still checks."""
    again = FacilityPlan.model_validate_json(plan.model_dump_json())
    assert again == plan and check_facility(instance(), again).feasible
