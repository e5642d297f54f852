"""Inventory policies: ``kind: inventory`` documents and CSV folders with ``items.csv``; checked by simulation."""

from __future__ import annotations

from optiops.kinds.base import Check, LoadOptions, Options, ProblemKind, Result, Source
from optiops.kinds.registry import register_kind
from optiops.model.inventory import InventoryInstance, InventoryPlan


class InventoryKind(ProblemKind):
    """Reorder points and order-up-to levels for every item at its service target, and a replenishment plan."""

    name = "inventory"
    instance_type = InventoryInstance
    plan_type = InventoryPlan
    outputs = ("plan.json", "policies.csv", "orders.csv", "stock.png")

    def recognises(self, source: Source) -> bool:
        return source.document_kind == self.name or (source.path.is_dir() and (source.path / "items.csv").is_file())

    def load(self, source: Source, options: LoadOptions) -> InventoryInstance:
        from optiops.io.inventory_csv import load_inventory

        if source.document is not None:
            return super().load(source, options)
        return load_inventory(source.path)

    def solve(self, instance: InventoryInstance, options: Options) -> Result:
        from optiops.inventory import InventoryOptions, solve_inventory

        backend = "highs" if options.backend == "auto" else options.backend
        plan = solve_inventory(instance, InventoryOptions(backend=backend, time_limit=self.time_limit(options),
                                                          seed=options.seed))  # fmt: skip
        return Result(
            kind=self.name, plan=plan, status="feasible", objective=plan.summary.get("cost"),
            runtime_s=plan.runtime_s, stats={**plan.summary, "seed": options.seed}, detail=plan,
        )  # fmt: skip

    def check(self, instance: InventoryInstance, plan: InventoryPlan, options: Options | None = None) -> Check:
        from optiops.inventory.check import check_inventory
        from optiops.inventory.views import summary_line

        c = check_inventory(instance, plan)
        return Check(
            kind=self.name, feasible=c.feasible, objective=c.objective, violations=c.violations,
            costs={"holding": c.holding_cost, "order": c.order_cost, "shortage": c.shortage_cost},
            figures={"holding_cost": c.holding_cost, "order_cost": c.order_cost, "shortage_cost": c.shortage_cost,
                     **{k: v for k, v in c.summary.items() if k != "cost"}},
            summary=summary_line(c.summary), stated=plan.summary.get("cost"), detail=c,
        )  # fmt: skip

    def accept(self, result: Result, time_limit: float) -> None:
        """Every inventory plan is written: the solve raises when no policy meets the constraints."""

    def tables(self, instance: InventoryInstance, plan: InventoryPlan, source: Source | None) -> dict[str, bytes]:
        from optiops.io.inventory_csv import orders_csv, policies_csv

        return {"policies.csv": policies_csv(plan).encode(), "orders.csv": orders_csv(plan).encode()}

    def charts(self, instance: InventoryInstance, result: Result) -> dict[str, bytes]:
        from optiops.inventory.solve import CHECK_SEED_OFFSET
        from optiops.inventory.views import stock_png

        seed = int(result.stats.get("seed", instance.simulation.seed))  # the seed the plan was simulated with
        return {"stock.png": stock_png(instance, result.plan, seed + CHECK_SEED_OFFSET)}

    def summary(self, instance: InventoryInstance, result: Result) -> str:
        from optiops.inventory.views import summary_line

        plan = result.plan
        return (
            f"[green]inventory plan[/green]: {summary_line(plan.summary)}, {len(plan.orders)} orders "
            f"({plan.method}, {plan.runtime_s:.1f} s)"
        )


register_kind(InventoryKind())
