"""The facility formulation on every available backend; every plan goes through the checker."""

from __future__ import annotations

import pytest
from tests.allocation.cases import DEMAND, UNIT_COST, instance

from optiops.allocation import build_facility_model, check_facility, solve_facility
from optiops.exceptions import InfeasibleError, SolverError
from optiops.model.network import FacilityInstance, FacilityPlan
from optiops.solvers import MipOptions, list_backends

BACKENDS = list_backends()
OPTS = MipOptions(time_limit=5)


def solve(inst: FacilityInstance, backend: str, **kw: object) -> FacilityPlan:
    plan = solve_facility(inst, backend, OPTS, **kw)  # type: ignore[arg-type]
    check = check_facility(inst, plan)
    assert check.feasible, check.violations
    assert plan.objective == pytest.approx(check.objective)
    assert plan.solver_objective == pytest.approx(check.objective, rel=1e-6)
    return plan


def shares(plan: FacilityPlan) -> dict[tuple[str, str], float]:
    return {(a.warehouse, a.customer): a.fraction for a in plan.allocations}


@pytest.mark.parametrize("backend", BACKENDS)
def test_split_demand_optimum(backend: str) -> None:
    """The hand-solved optimum 49: A and B open, C2 split 4/5 at A and 1/5 at B."""
    plan = solve(instance(), backend)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(49.0, abs=1e-4)
    assert plan.fixed_cost == pytest.approx(22.0) and plan.open == ["A", "B"]
    got = shares(plan)
    assert got[("A", "C2")] == pytest.approx(0.8, abs=1e-4)
    assert got[("B", "C2")] == pytest.approx(0.2, abs=1e-4)
    assert plan.bound == pytest.approx(49.0, abs=1e-3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_single_sourcing_optimum(backend: str) -> None:
    """With single sourcing the optimum is 76: A serves C2 and C4, B serves C1 and C3."""
    plan = solve(instance(single_sourcing=True), backend)
    assert plan.status == "optimal" and plan.objective == pytest.approx(76.0, abs=1e-4)
    assert set(shares(plan)) == {("A", "C2"), ("A", "C4"), ("B", "C1"), ("B", "C3")}


def test_total_cost_basis_is_the_same_instance() -> None:
    """Costs for all of a customer's demand (OR-Library style) give the same optimum."""
    total = [[c * d for c, d in zip(row, DEMAND, strict=True)] for row in UNIT_COST]
    assert solve(instance(cost=total, cost_basis="total"), "highs").objective == pytest.approx(49.0)


@pytest.mark.parametrize("linking", ["strong", "aggregate"])
def test_both_linkings_agree(linking: str) -> None:
    """Strong and aggregate linking reach the same optimum."""
    assert solve(instance(), "highs", linking=linking).objective == pytest.approx(49.0)


def test_strong_linking_adds_one_row_per_pair() -> None:
    """The strong model has n + m + m*n + 1 rows, the aggregate one n + m + 1."""
    strong = build_facility_model(instance(), "strong").model
    aggregate = build_facility_model(instance(), "aggregate").model
    assert (strong.n_rows, aggregate.n_rows) == (4 + 3 + 12 + 1, 4 + 3 + 1)
    assert strong.n_vars == aggregate.n_vars == 3 + 12


def test_zero_demand_customer_goes_to_an_open_warehouse() -> None:
    """A zero-demand customer is still allocated, and only to an open warehouse."""
    doc_customers = [{"id": f"C{j + 1}", "demand": d} for j, d in enumerate([*DEMAND, 0.0])]
    cost = [[*row, 0.0] for row in UNIT_COST]
    plan = solve(instance(customers=doc_customers, cost=cost), "highs", linking="aggregate")
    assert plan.objective == pytest.approx(49.0)
    assert {a.warehouse for a in plan.allocations if a.customer == "C5"} <= set(plan.open)


def test_auto_uses_the_first_available_backend() -> None:
    """auto solves with HiGHS, the backend measured best."""
    assert solve(instance(), "auto").backend == "highs"


def test_unknown_backend() -> None:
    """An unknown backend is a SolverError."""
    with pytest.raises(SolverError, match="unknown MIP backend"):
        solve_facility(instance(), "gurobi")


def test_total_capacity_below_demand_is_diagnosed_before_solving(monkeypatch: pytest.MonkeyPatch) -> None:
    """Capacity 8 + 10 + 20 < demand 40: InfeasibleError naming the shortfall, no solver called."""
    monkeypatch.setattr("optiops.allocation.facility.get_backend", pytest.fail)
    customers = [{"id": f"C{j + 1}", "demand": d} for j, d in enumerate([4.0, 5.0, 6.0, 25.0])]
    with pytest.raises(InfeasibleError, match=r"total warehouse capacity 38 is below total demand 40 \(short by 2"):
        solve_facility(instance(customers=customers))


def test_customer_larger_than_every_warehouse_is_blamed() -> None:
    """With single sourcing, a customer larger than every capacity is named as the culprit."""
    customers = [{"id": f"C{j + 1}", "demand": d} for j, d in enumerate([4.0, 5.0, 21.0, 3.0])]
    with pytest.raises(InfeasibleError, match="customer 'C3' has demand 21") as info:
        solve_facility(instance(customers=customers, single_sourcing=True))
    assert info.value.culprits == ["C3"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_single_sourcing_packing_infeasible(backend: str) -> None:
    """Capacities 5 + 5 hold demand 4 + 4 + 2 in total but not whole: diagnosed as single sourcing."""
    inst = FacilityInstance.model_validate({
        "kind": "facility", "single_sourcing": True,
        "warehouses": [{"id": "A", "capacity": 5}, {"id": "B", "capacity": 5}],
        "customers": [{"id": "x", "demand": 4}, {"id": "y", "demand": 4}, {"id": "z", "demand": 2}],
        "cost": [[1, 1, 1], [1, 1, 1]],
    })  # fmt: skip
    with pytest.raises(InfeasibleError, match="single-sourcing"):
        solve_facility(inst, backend, OPTS)
