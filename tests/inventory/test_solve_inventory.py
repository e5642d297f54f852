"""solve_inventory on the bundled instance: targets met out of sample, same plan from every input form."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError
from tests.inventory.test_inventory_io import apparel, write_csv_folder

from optiops.inventory import InventoryOptions, SimulationOptions, items_from_instance, simulate, solve_inventory
from optiops.inventory.simulate import DemandPool, recency_weighted
from optiops.inventory.views import policy_of
from optiops.io.inventory_csv import read_inventory_folder
from optiops.model.inventory import InventoryInstance


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


def test_recency_weighted_history_draws_recent_periods_more() -> None:
    """A period one half-life older appears half as often; None keeps the history; no half-life <= 0."""
    history = np.arange(1.0, 25.0)  # oldest first
    pool = recency_weighted(history, 12.0, copies=32)
    counts = {v: int((pool == v).sum()) for v in history}
    assert counts[24.0] == 32 and counts[12.0] == 16 and counts[1.0] == round(32 * 0.5 ** (23 / 12))
    assert np.array_equal(recency_weighted(history, None), history)
    with pytest.raises(ValueError, match="half_life"):
        recency_weighted(history, 0.0)
    both = DemandPool.recency_weighted([history, history[:3]], 12.0)
    assert np.array_equal(both.values[both.offsets[1] :], recency_weighted(history[:3], 12.0))


def test_history_half_life_reaches_the_simulation_pool() -> None:
    """An item given a history bootstraps it weighed by recency when the instance asks for it."""
    history = [0.0] * 12 + [9.0] * 12
    base = apparel().model_dump()
    base["items"][1] = {**base["items"][1], "history": history, "demand_mean": None, "demand_sd": None}
    plain = items_from_instance(InventoryInstance.model_validate(base))[1]
    recent = items_from_instance(InventoryInstance.model_validate({**base, "history_half_life": 3.0}))[1]
    share = [float((p.values[p.offsets[1] : p.offsets[2]] == 9.0).mean()) for p in (plain, recent)]
    assert share[0] == 0.5 and share[1] > 0.9
    with pytest.raises(ValidationError, match="history_half_life"):
        InventoryInstance.model_validate({**base, "history_half_life": -1})
