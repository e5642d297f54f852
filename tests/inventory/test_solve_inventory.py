"""solve_inventory on the bundled instance: targets met out of sample, same plan from every input form."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tests.inventory.test_inventory_io import apparel, write_csv_folder

from optiops.cli.inventory import policy_of
from optiops.inventory import InventoryOptions, SimulationOptions, items_from_instance, simulate, solve_inventory
from optiops.io.inventory_csv import read_inventory_folder


def test_policies_meet_targets_on_fresh_demand() -> None:
    """Every item's level reaches its target in the plan's check and, within noise, on another seed."""
    inst = apparel()
    plan = solve_inventory(inst)
    items, pool = items_from_instance(inst)
    assert all(r.achieved_csl is not None and r.achieved_csl >= r.target - 0.01 for r in plan.policies)
    fresh = simulate(items, policy_of(items, plan.policies), pool, SimulationOptions(400, 56, 28, seed=4242))
    assert (fresh["achieved_csl"].to_numpy() >= items.target - 0.02).all()
    assert (fresh["achieved_csl"].to_numpy() <= items.target + 0.04).all()  # corrected levels do not overshoot
    assert plan.summary["items"] == 4 and plan.method.endswith("simulation correction")


def test_csv_folder_and_document_give_the_same_plan(tmp_path: Path) -> None:
    """The CSV form of an instance solves to the same policies and orders as its YAML form."""
    inst = apparel()
    from_csv = read_inventory_folder(write_csv_folder(inst, tmp_path / "apparel"))
    a, b = solve_inventory(inst), solve_inventory(from_csv)
    assert a.policies == b.policies
    assert a.orders == b.orders


def test_budget_constraint_is_respected() -> None:
    """With an inventory budget the allocation MIP keeps mean stock value within it (check simulation)."""
    free = solve_inventory(apparel())
    inst = apparel(constraints={"budget": 5000})
    plan = solve_inventory(inst, InventoryOptions(backend="highs", time_limit=10))
    value = sum(r.mean_on_hand * it.unit_cost for r, it in zip(plan.policies, inst.items, strict=True))
    assert value <= 5000 * 1.02
    assert plan.summary["mean_on_hand"] < free.summary["mean_on_hand"]
    assert "service allocation (highs)" in plan.method


def test_orders_arrive_after_mean_lead_time_in_packs() -> None:
    """Replenishment orders arrive a rounded mean lead time after they are placed, in whole packs."""
    inst = apparel()
    plan = solve_inventory(inst)
    by_key = {it.key: it for it in inst.items}
    assert plan.orders
    for line in plan.orders:
        item = by_key[line.item]
        assert line.arrival - line.period == int(np.floor(item.lead_time.mean + 0.5))
        assert 0 <= line.period < inst.horizon
        if item.pack:
            assert line.quantity % item.pack == 0
        assert line.quantity >= item.moq
