"""Daily order-to-warehouse allocation (``kind: order-allocation`` documents and CSV folders)."""

from __future__ import annotations

from optiops.kinds.base import Check, Options, ProblemKind, Result, Source, gap_text, mip_options, plan_result
from optiops.kinds.registry import register_kind
from optiops.model.orders import OrderAllocationInstance, OrderAllocationPlan


class OrderAllocationKind(ProblemKind):
    """The warehouse of every order line, at least handling, shipping and split cost within promises."""

    name = "order-allocation"
    instance_type = OrderAllocationInstance
    plan_type = OrderAllocationPlan
    uses_profiles = True

    def recognises(self, source: Source) -> bool:
        return source.document_kind == self.name or source.folder_kind == self.name

    def solve(self, instance: OrderAllocationInstance, options: Options) -> Result:
        from optiops.allocation import solve_orders

        return plan_result(self.name, solve_orders(instance, options.backend, mip_options(self, options)))

    def check(
        self, instance: OrderAllocationInstance, plan: OrderAllocationPlan, options: Options | None = None
    ) -> Check:
        from optiops.allocation import check_orders

        c = check_orders(instance, plan)
        costs = {"handling": c.handling_cost, "shipping": c.shipping_cost, "split": c.split_cost}
        return Check(
            kind=self.name, feasible=c.feasible, objective=c.objective, violations=c.violations, costs=costs,
            figures={**{f"{k}_cost": v for k, v in costs.items()}, "parcels": c.parcels,
                     "split_orders": c.split_orders},
            summary=f"cost {c.objective:,.4f} (handling {c.handling_cost:,.4f}, shipping {c.shipping_cost:,.4f}, "
            f"split {c.split_cost:,.4f}), {c.parcels} parcels, {c.split_orders} split orders",
            stated=plan.objective, detail=c,
        )  # fmt: skip

    def summary(self, instance: OrderAllocationInstance, result: Result) -> str:
        plan = result.plan
        return (
            f"[green]{plan.status}[/green] plan: cost {plan.objective:,.2f}, {plan.parcels} parcels, "
            f"{plan.split_orders} split orders{gap_text(plan)} ({plan.backend} {plan.method}, "
            f"build {plan.build_s:.2f} s, solve {plan.solve_s:.1f} s)"
        )


register_kind(OrderAllocationKind())
