"""The independent order-allocation checker catches every kind of tampering with a plan."""

from __future__ import annotations

from typing import Any

import pytest
from tests.allocation.test_orders import hand_instance

from optiops.allocation.check_orders import check_orders
from optiops.allocation.orders import solve_orders
from optiops.model.orders import OrderAllocationPlan, Shipments


@pytest.fixture(scope="module")
def plan() -> OrderAllocationPlan:
    return solve_orders(hand_instance(), "highs")


def tampered(plan: OrderAllocationPlan, objective: float | None = None, **columns: Any) -> OrderAllocationPlan:
    """The plan with some shipment columns replaced (and the stated cost)."""
    shipments = Shipments(**{**plan.shipments.model_dump(), **columns})
    return plan.model_copy(update={"shipments": shipments, "objective": objective})


def moved(plan: OrderAllocationPlan, order: str, warehouse: str, *skus: str) -> list[str]:
    """The plan's warehouse column with the given lines of ``order`` moved to ``warehouse``."""
    sh = plan.shipments
    return [
        warehouse if o == order and s in skus else w for o, s, w in zip(sh.order, sh.sku, sh.warehouse, strict=True)
    ]


def test_solver_plan_passes(plan: OrderAllocationPlan) -> None:
    """The solver's plan is feasible and its cost is the recomputed one."""
    check = check_orders(hand_instance(), plan)
    assert check.feasible and check.violations == []
    assert check.objective == pytest.approx(15.0)
    assert check.handling_cost + check.shipping_cost + check.split_cost == pytest.approx(check.objective)


def test_stated_cost_must_match(plan: OrderAllocationPlan) -> None:
    """A plan claiming a lower cost is caught."""
    check = check_orders(hand_instance(), plan.model_copy(update={"objective": 12.0}))
    assert not check.feasible and "states cost 12" in check.violations[0]


def test_missing_line(plan: OrderAllocationPlan) -> None:
    """Dropping a shipment leaves its line unserved."""
    sh = plan.shipments
    keep = [k for k in range(len(sh.order)) if (sh.order[k], sh.sku[k]) != ("O4", "plum")]
    cols = {name: [getattr(sh, name)[k] for k in keep] for name in ("order", "sku", "warehouse", "quantity")}
    check = check_orders(hand_instance(), tampered(plan, **cols))
    assert check.violations == ["order 'O4' SKU 'plum': 0 of 1 units shipped"]


def test_line_from_two_warehouses(plan: OrderAllocationPlan) -> None:
    """Half of a line from one warehouse and half from another breaks 'a line ships whole'."""
    sh = plan.shipments
    k = list(zip(sh.order, sh.sku, strict=True)).index(("O3", "pear"))
    cols = {"order": [*sh.order, "O3"], "sku": [*sh.sku, "pear"], "warehouse": [*sh.warehouse, "C"],
            "quantity": [q if j != k else 0.5 for j, q in enumerate(sh.quantity)] + [0.5]}  # fmt: skip
    check = check_orders(hand_instance(), tampered(plan, **cols))
    assert any("ships from several warehouses" in v for v in check.violations)


def test_promise_broken(plan: OrderAllocationPlan) -> None:
    """Next-day O1 shipped from C (two days to Z1) is caught, naming the promise and zone."""
    warehouse = moved(plan, "O1", "C", "apple", "pear")
    check = check_orders(hand_instance(), tampered(plan, warehouse=warehouse))
    assert "order 'O1' ships from 'C', which its promise 'next-day' does not allow for zone 'Z1'" in check.violations


def test_stock_exceeded(plan: OrderAllocationPlan) -> None:
    """Shipping an apple from C, which holds none, exceeds its stock."""
    check = check_orders(hand_instance(), tampered(plan, warehouse=moved(plan, "O2", "C", "apple")))
    assert "warehouse 'C' ships 1 units of SKU 'apple', more than its stock 0" in check.violations


def test_capacity_exceeded(plan: OrderAllocationPlan) -> None:
    """O3 whole from C as well puts two parcels on a warehouse of capacity 1."""
    warehouse = moved(plan, "O3", "C", "pear", "plum")
    check = check_orders(hand_instance(), tampered(plan, warehouse=warehouse))
    assert check.violations == ["warehouse 'C' ships 2 parcels, above its capacity 1"]
    assert check.objective == pytest.approx(2 + 2 + 3 + 3) and check.split_orders == 0


def test_unknown_names(plan: OrderAllocationPlan) -> None:
    """A shipment naming an unknown warehouse or a SKU not in the order is reported, not a crash."""
    sh = plan.shipments
    cols = {"order": [*sh.order, "O1"], "sku": [*sh.sku, "plum"], "warehouse": [*sh.warehouse, "X"],
            "quantity": [*sh.quantity, 1.0]}  # fmt: skip
    check = check_orders(hand_instance(), tampered(plan, **cols))
    assert check.violations == [
        f"shipment {len(sh.order)} ('O1', 'plum', 'X') names no order line or warehouse of the instance"
    ]


def test_duplicate_shipment(plan: OrderAllocationPlan) -> None:
    """The same line listed twice from one warehouse is reported and over-ships the line."""
    sh = plan.shipments
    cols = {name: [*getattr(sh, name), getattr(sh, name)[0]] for name in ("order", "sku", "warehouse", "quantity")}
    check = check_orders(hand_instance(), tampered(plan, **cols))
    assert any("listed more than once" in v for v in check.violations)
    assert any("2 of 1 units shipped" in v for v in check.violations)
