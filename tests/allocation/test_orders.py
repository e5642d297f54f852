"""Order allocation: the hand-solved day on every backend, both methods, the MIP start, the diagnosis."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from optiops.allocation.check_orders import check_orders, diagnose_orders
from optiops.allocation.greedy import greedy_allocation
from optiops.allocation.orders import OrderModelOptions, build_order_model, solve_orders
from optiops.exceptions import InfeasibleError, SolverError
from optiops.model.orders import OrderAllocationInstance, OrderAllocationPlan, order_arrays, order_instance
from optiops.solvers import MipOptions, get_backend, list_backends

BACKENDS = list_backends()
OPTS = MipOptions(time_limit=10)


def hand_document(**changes: Any) -> dict[str, Any]:
    """A ``kind: order-allocation`` day of four orders whose optimum, 15, is worked out by hand.

    Warehouses N, S, C (handling 1 per parcel; capacity 3, 3, 1 parcels); N holds apple and pear, S
    apple and plum, C pear and plum (5 units each).  Zone Z1 lies near N, Z2 near S: a parcel costs
    N->Z1 2, N->Z2 6, S->Z1 5, S->Z2 2, C->Z1 3, C->Z2 3 (handling + shipping).  Next-day allows only
    the one-day lanes N->Z1 and S->Z2; two-day allows every lane.  Split penalty 1.

    O1 (Z1, next-day, apple + pear) can only ship from N, which holds both: 2.  O2 (Z2, next-day,
    apple + plum) likewise from S: 2.  O3 (Z1) and O4 (Z2), both two-day pear + plum: only C holds
    both, and C ships one parcel, so one of them splits pear from N and plum from S: O3 for 2 + 5 + 1
    = 8 (O4 would pay 6 + 2 + 1 = 9), while O4 ships whole from C for 3.  Every other way costs more
    (a C parcel for a single line still takes C's one parcel).  Optimum 2 + 2 + 8 + 3 = **15**: five
    parcels, handling 5, shipping 9, one extra parcel (penalty 1).
    """
    stock = {"N": {"apple": 5, "pear": 5}, "S": {"apple": 5, "plum": 5}, "C": {"pear": 5, "plum": 5}}
    doc: dict[str, Any] = {
        "kind": "order-allocation",
        "name": "hand-four",
        "warehouses": [
            {"id": w, "capacity": cap, "handling_cost": 1.0, "stock": stock[w]}
            for w, cap in (("N", 3), ("S", 3), ("C", 1))
        ],
        "zones": [{"id": "Z1"}, {"id": "Z2"}],
        "shipping_cost": [[1.0, 5.0], [4.0, 1.0], [2.0, 2.0]],
        "transit_days": [[1, 2], [2, 1], [2, 2]],
        "promise_classes": [{"id": "next-day", "max_transit_days": 1}, {"id": "two-day", "max_transit_days": 2}],
        "orders": [
            _order("O1", "Z1", "next-day", "apple", "pear"),
            _order("O2", "Z2", "next-day", "apple", "plum"),
            _order("O3", "Z1", "two-day", "pear", "plum"),
            _order("O4", "Z2", "two-day", "pear", "plum"),
        ],
        "split_penalty": 1.0,
    }
    doc.update(changes)
    return doc


def _order(oid: str, zone: str, promise: str, *skus: str) -> dict[str, Any]:
    return {"id": oid, "zone": zone, "promise": promise, "lines": [{"sku": s} for s in skus]}


def hand_instance(**changes: Any) -> OrderAllocationInstance:
    """:func:`hand_document` validated."""
    return OrderAllocationInstance.model_validate(hand_document(**changes))


def shipped(plan: OrderAllocationPlan) -> dict[tuple[str, str], str]:
    """(order, sku) -> warehouse."""
    sh = plan.shipments
    return {(o, s): w for o, s, w in zip(sh.order, sh.sku, sh.warehouse, strict=True)}


@pytest.mark.parametrize("backend", BACKENDS)
def test_hand_optimum(backend: str) -> None:
    """Every backend proves 15: O3 splits pear from N and plum from S, O4 ships whole from C."""
    plan = solve_orders(hand_instance(), backend, OPTS)
    check = check_orders(hand_instance(), plan)
    assert check.feasible, check.violations
    assert plan.status == "optimal" and plan.method == "full"
    assert plan.objective == pytest.approx(15.0) and plan.bound == pytest.approx(15.0, abs=1e-4)
    assert (plan.handling_cost, plan.shipping_cost, plan.split_cost) == pytest.approx((5.0, 9.0, 1.0))
    assert (plan.parcels, plan.split_orders, plan.extra_parcels) == (5, 1, 1)
    got = shipped(plan)
    assert got[("O3", "pear")] == "N" and got[("O3", "plum")] == "S"
    assert got[("O4", "pear")] == got[("O4", "plum")] == "C"
    assert got[("O1", "apple")] == "N" and got[("O2", "plum")] == "S"


def test_continuous_lines_reach_the_same_optimum() -> None:
    """Continuous unit-line variables give the same optimum and whole lines."""
    plan = solve_orders(hand_instance(), "highs", OPTS, OrderModelOptions(line_vars="continuous"))
    assert plan.objective == pytest.approx(15.0) and check_orders(hand_instance(), plan).feasible


def test_core_method_on_the_hand_day() -> None:
    """The Lagrangian core method finds the optimum too, with a bound no higher than it."""
    plan = solve_orders(hand_instance(), "highs", MipOptions(time_limit=2), OrderModelOptions(method="core"))
    assert plan.method == "core" and plan.objective == pytest.approx(15.0)
    assert plan.bound is not None and plan.bound <= 15.0 + 1e-6
    assert plan.stats["lagrangian_iterations"] >= 1


def test_model_is_sparse() -> None:
    """Only allowed pairs with the stock get variables; single-line orders get no x; loose rows are dropped."""
    arr = order_arrays(hand_instance())
    om = build_order_model(arr)
    # z: O1 {N}, O2 {S}, O3 and O4 {N, S, C}; x: O1 and O2 2 each, O3 and O4 4 each (pear: N, C; plum: S, C)
    assert len(om.z_order) == 8 and om.model.n_vars == 8 + 12
    # 8 line rows, 12 linking rows, no stock row (5 units cover every candidate), C's capacity row only
    assert om.model.n_rows == 8 + 12 + 1


def test_mip_start_is_feasible_and_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A backend that accepts a start receives the greedy plan, feasible for the model."""
    seen: dict[str, Any] = {}
    highs = get_backend("highs")

    class Recorder:
        name, exact_continuous, accepts_start = "highs", True, True

        def available(self) -> bool:
            return True

        def solve(self, model: Any, options: MipOptions, start: np.ndarray | None = None) -> Any:
            seen["violation"], seen["objective"] = model.max_violation(start), model.objective(start)
            return highs.solve(model, options)

    monkeypatch.setattr("optiops.allocation.orders.get_backend", lambda name: Recorder())
    plan = solve_orders(hand_instance(), "highs", OPTS)
    assert seen["violation"] == 0.0 and seen["objective"] == pytest.approx(plan.start_objective)
    assert plan.objective == pytest.approx(15.0)


def test_greedy_plan_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the solver returns nothing, the plan is the greedy one, marked as such."""
    highs = get_backend("highs")
    solve = highs.solve

    def nothing(model: Any, options: MipOptions, start: np.ndarray | None = None) -> Any:
        return replace(solve(model, options), status="no_solution", x=None, objective=None)

    monkeypatch.setattr(highs, "solve", nothing)
    plan = solve_orders(hand_instance(), "highs", OPTS)
    assert plan.source == "greedy" and plan.status == "feasible"
    assert check_orders(hand_instance(), plan).feasible and plan.objective == plan.start_objective


def test_greedy_plan_is_complete_and_feasible() -> None:
    """The greedy ships every line within stock, capacity and promise (not optimally)."""
    arr = order_arrays(hand_instance())
    greedy = greedy_allocation(arr)
    assert greedy.complete
    assert arr.line_candidates[np.arange(arr.n_lines), greedy.line_wh].all()


def test_unknown_backend() -> None:
    """An unknown backend is a SolverError."""
    with pytest.raises(SolverError, match="unknown MIP backend"):
        solve_orders(hand_instance(), "gurobi")


@pytest.fixture
def no_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a backend is looked up: diagnoses come before any solver."""
    monkeypatch.setattr("optiops.allocation.orders.get_backend", pytest.fail)


@pytest.mark.usefixtures("no_solver")
def test_sku_short_in_total_is_named() -> None:
    """Ordering 13 plums when all warehouses hold 10 names the SKU."""
    doc = hand_document()
    doc["orders"].append({"id": "O5", "zone": "Z2", "promise": "two-day", "lines": [{"sku": "plum", "quantity": 10}]})
    with pytest.raises(InfeasibleError, match=r"'plum' \(ordered 13, held 10\)") as info:
        solve_orders(OrderAllocationInstance.model_validate(doc))
    assert info.value.culprits == ["plum"]


@pytest.mark.usefixtures("no_solver")
def test_order_without_a_warehouse_in_its_promise_is_named() -> None:
    """A same-day promise no lane meets strands the order, named with zone and promise."""
    doc = hand_document()
    doc["promise_classes"].append({"id": "same-day", "max_transit_days": 0})
    doc["orders"][0]["promise"] = "same-day"
    with pytest.raises(InfeasibleError, match=r"'O1' \(zone 'Z1', same-day\)") as info:
        solve_orders(OrderAllocationInstance.model_validate(doc))
    assert info.value.culprits == ["O1"]


@pytest.mark.usefixtures("no_solver")
def test_line_no_allowed_warehouse_holds_is_named() -> None:
    """Next-day plum to Z1 (only N in a day, N holds no plum) names the order and the SKU."""
    doc = hand_document()
    doc["orders"][2]["promise"] = "next-day"
    with pytest.raises(InfeasibleError, match=r"order 'O3' SKU 'plum' x1") as info:
        solve_orders(OrderAllocationInstance.model_validate(doc))
    assert info.value.culprits == ["O3"]


@pytest.mark.usefixtures("no_solver")
def test_total_capacity_below_orders_names_the_warehouses() -> None:
    """Capacities 1 + 1 + 1 for four orders: named with every warehouse's capacity."""
    doc = hand_document()
    for w in doc["warehouses"]:
        w["capacity"] = 1
    with pytest.raises(InfeasibleError, match=r"capacity 3 parcels is below the 4 orders.*'N' 1, 'S' 1, 'C' 1") as info:
        solve_orders(OrderAllocationInstance.model_validate(doc))
    assert info.value.culprits == ["N", "S", "C"]


def test_every_cause_is_listed_at_once() -> None:
    """The diagnosis reports all causes together, not the first only."""
    doc = hand_document()
    for w, cap in zip(doc["warehouses"], (0, 1, 1), strict=True):
        w["capacity"] = cap  # 2 parcels for 4 orders
    doc["orders"][0]["lines"][0]["quantity"] = 20  # 21 apples, 10 held
    assert len(diagnose_orders(OrderAllocationInstance.model_validate(doc))) == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_contention_the_diagnosis_misses_is_proved_by_the_solver(backend: str) -> None:
    """Pear suffices in total and N holds one, but next-day O1 and O5 both need N's pear: InfeasibleError."""
    doc = hand_document()
    doc["warehouses"][0]["stock"] = {"apple": 5, "pear": 1}
    doc["orders"].append(_order("O5", "Z1", "next-day", "pear"))
    with pytest.raises(InfeasibleError, match="cannot be shared out"):
        solve_orders(OrderAllocationInstance.model_validate(doc), backend, OPTS)


def test_document_round_trip() -> None:
    """order_instance(order_arrays(x)) keeps every order, line, stock and allowed lane."""
    arr = order_arrays(hand_instance())
    back = order_arrays(order_instance(arr))
    assert back.order_ids == arr.order_ids and back.sku_ids == arr.sku_ids
    for field in ("stock", "capacity", "shipping_cost", "allowed", "line_ptr", "line_sku", "line_qty"):
        assert np.array_equal(getattr(back, field), getattr(arr, field)), field


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"orders": [_order("O1", "Z9", "next-day", "apple")]}, "unknown zone 'Z9'"),
        ({"orders": [_order("O1", "Z1", "next-day", "apple", "apple")]}, "a SKU appears twice"),
        ({"shipping_cost": [[1.0, 5.0]]}, "shipping_cost: has 1 rows, expected one per warehouse"),
        ({"transit_days": None}, "max_transit_days needs the instance's transit_days"),
    ],
)
def test_bad_documents_are_rejected(change: dict[str, Any], message: str) -> None:
    """Cross-field rules of the document are checked at the boundary."""
    with pytest.raises(ValidationError, match=message):
        hand_instance(**change)
