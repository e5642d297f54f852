"""The inventory checker: a plan's policies simulated afresh on the instance's demand.

A plan states its policies' simulated service and cost; the check aligns the policies with the
instance's items, simulates them with the instance's own simulation settings and the final-check
seed (as ``optiops simulate`` does), and recomputes the cost per period and its parts. The plan is
feasible when every item has one well-formed policy; service is reported, not enforced, since a
simulation's figures carry sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from optiops.model.inventory import InventoryInstance, InventoryPlan


@dataclass(frozen=True)
class InventoryCheck:
    """The checker's verdict: simulated cost per period and its parts, aggregate service, violations."""

    feasible: bool
    objective: float
    holding_cost: float
    order_cost: float
    shortage_cost: float
    summary: dict[str, float]
    violations: list[str] = field(default_factory=list)


def check_inventory(inst: InventoryInstance, plan: InventoryPlan, source: str = "plan") -> InventoryCheck:
    """Simulate ``plan``'s policies on ``inst`` and list the policies that are not well formed.

    Raises
    ------
    InstanceError
        A policy names no item of the instance or repeats one, or an item has none.
    """
    from optiops.inventory import SimulationOptions, items_from_instance
    from optiops.inventory.simulate import metrics, simulate_stats, summarise
    from optiops.inventory.solve import CHECK_SEED_OFFSET
    from optiops.inventory.views import policy_of
    from optiops.io.inventory_csv import plan_policies

    rows = plan_policies(plan, inst, source)
    violations = [
        f"policies[{k}] ({r.item}): order-up-to level {r.order_up_to:g} is below the reorder point {r.reorder_point:g}"
        for k, r in enumerate(rows)
        if r.order_quantity == 0 and r.order_up_to < r.reorder_point
    ]
    violations += [f"policies[{k}] ({r.item}): negative reorder point {r.reorder_point:g}"
                   for k, r in enumerate(rows) if r.reorder_point < 0]  # fmt: skip
    items, pool = items_from_instance(inst)
    sim = inst.simulation
    opts = SimulationOptions(sim.scenarios, sim.periods, sim.warmup, sim.seed + CHECK_SEED_OFFSET)
    frame = metrics(items, simulate_stats(items, policy_of(items, rows), pool, opts))
    summary = summarise(frame, items.period_days)
    return InventoryCheck(
        feasible=not violations, objective=summary["cost"], holding_cost=float(frame["holding_cost"].sum()),
        order_cost=float(frame["order_cost"].sum()), shortage_cost=float(frame["shortage_cost"].sum()),
        summary=summary, violations=violations,
    )  # fmt: skip
