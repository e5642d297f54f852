"""Views of an inventory plan: the kernel arrays of policy rows, the stock chart, the summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from optiops.inventory import Items, Policy
    from optiops.model.inventory import InventoryInstance, InventoryPlan, PolicyRow

STOCK_SAMPLE = 8  # items drawn in stock.png


def policy_of(items: Items, rows: list[PolicyRow], name: str = "given") -> Policy:
    """The kernel arrays of policy rows aligned with ``items`` (safety stock: ``s`` minus protection demand)."""
    import numpy as np

    from optiops.inventory import Policy

    reorder = np.array([r.reorder_point for r in rows], dtype=np.float64)
    mu_p, _ = items.protection()
    return Policy(
        name, np.array([r.review_period for r in rows], dtype=np.int64), reorder,
        np.array([r.order_up_to for r in rows], dtype=np.float64),
        np.array([r.order_quantity for r in rows], dtype=np.float64), reorder - mu_p,
    )  # fmt: skip


def stock_sample(n: int, size: int = STOCK_SAMPLE) -> list[int]:
    """Up to ``size`` item indices spread evenly over ``n`` items (first and last included)."""
    import numpy as np

    return sorted({int(k) for k in np.round(np.linspace(0, n - 1, min(n, size)))})


def stock_png(inst: InventoryInstance, plan: InventoryPlan, seed: int) -> bytes:
    """Simulated stock of up to 8 of the plan's items (one scenario at the check's seed) as PNG bytes."""
    from optiops.inventory import SimulationOptions, items_from_instance
    from optiops.inventory.simulate import simulate_trace
    from optiops.plotting.stock import stock_figure_png

    sample = stock_sample(len(inst.items))
    # only the sampled items: items given a history alone are forecast, which is not free
    part = inst.model_copy(update={"items": [inst.items[k] for k in sample]})
    items, pool = items_from_instance(part)
    rows = [plan.policies[k] for k in sample]
    sim = inst.simulation
    trace = simulate_trace(items, policy_of(items, rows), pool, SimulationOptions(1, sim.periods, sim.warmup, seed))
    return stock_figure_png(
        trace, items.ids, [r.reorder_point for r in rows], [r.order_up_to for r in rows], warmup=sim.warmup
    )


def summary_line(summary: dict[str, float]) -> str:
    """``4 items, CSL 97.47%, fill rate 99.34%, 5.2 days of inventory, cost 40.25 per period``."""
    return (
        f"{summary['items']:.0f} items, CSL {summary['achieved_csl']:.2%}, fill rate {summary['fill_rate']:.2%}, "
        f"{summary['days_of_inventory']:.1f} days of inventory, cost {summary['cost']:,.2f} per period"
    )
