"""Inventory placement: which SKUs each warehouse stocks (``kind: placement`` documents and CSV folders)."""

from __future__ import annotations

from optiops.kinds.base import Check, Options, ProblemKind, Result, Source, gap_text, mip_options, plan_result
from optiops.kinds.registry import register_kind
from optiops.model.placement import PlacementInstance, PlacementPlan


class PlacementKind(ProblemKind):
    """SKU stockings under space and SKU caps, trading holding against shipping cost and split rate."""

    name = "placement"
    instance_type = PlacementInstance
    plan_type = PlacementPlan
    uses_profiles = True
    outputs = ("plan.json", "placement.csv")
    noun = "placement"

    def recognises(self, source: Source) -> bool:
        return source.document_kind == self.name or source.folder_kind == self.name

    def solve(self, instance: PlacementInstance, options: Options) -> Result:
        from optiops.allocation import solve_placement

        return plan_result(self.name, solve_placement(instance, options.backend, mip_options(self, options)))

    def check(self, instance: PlacementInstance, plan: PlacementPlan, options: Options | None = None) -> Check:
        from optiops.allocation import check_placement

        c = check_placement(instance, plan)
        costs = {"holding": c.holding_cost, "stocking": c.stocking_cost, "shipping": c.shipping_cost,
                 "split": c.split_cost}  # fmt: skip
        return Check(
            kind=self.name, feasible=c.feasible, objective=c.objective, violations=c.violations, costs=costs,
            figures={**{f"{k}_cost": v for k, v in costs.items()}, "split_rate": c.split_rate},
            summary=f"cost {c.objective:,.4f} (holding {c.holding_cost:,.4f}, stocking {c.stocking_cost:,.4f}, "
            f"shipping {c.shipping_cost:,.4f}, split {c.split_cost:,.4f}), split rate {c.split_rate:.2%}",
            stated=plan.objective, detail=c,
        )  # fmt: skip

    def tables(self, instance: PlacementInstance, plan: PlacementPlan, source: Source | None) -> dict[str, bytes]:
        rows = ["sku,warehouse,units"] + [f"{st.sku},{st.warehouse},{st.units:.6g}" for st in plan.stocked]
        return {"placement.csv": ("\n".join(rows) + "\n").encode()}

    def summary(self, instance: PlacementInstance, result: Result) -> str:
        plan = result.plan
        gap = gap_text(plan)
        if plan.method == "fixed-primaries":
            bound = "Lagrangian bound" if plan.bound is not None else "no bound"
            gap += f", primaries fixed ({plan.primary_rounds} rounds, {bound})"
        return (
            f"[green]{plan.status}[/green] placement: cost {plan.objective:,.2f} per period, {len(plan.stocked)} SKU "
            f"stockings, split rate {plan.split_rate:.1%}{gap} ({plan.backend}, build {plan.build_s:.2f} s, "
            f"solve {plan.solve_s:.1f} s)"
        )


register_kind(PlacementKind())
