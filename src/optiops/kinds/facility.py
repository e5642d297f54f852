"""Capacitated facility location: OR-Library ``cap*.txt``, ``kind: facility`` documents and CSV folders."""

from __future__ import annotations

import dataclasses
from typing import Any

from optiops.kinds.base import (
    Check,
    LoadOptions,
    Options,
    ProblemKind,
    Result,
    Source,
    gap_text,
    mip_options,
    plan_result,
)
from optiops.kinds.registry import register_kind
from optiops.model.network import FacilityInstance, FacilityPlan


class FacilityKind(ProblemKind):
    """Which warehouses to open and which customers each serves, at least fixed plus assignment cost."""

    name = "facility"
    instance_type = FacilityInstance
    plan_type = FacilityPlan
    uses_profiles = True
    reports_progress = True
    advice = " or another --backend"

    def recognises(self, source: Source) -> bool:
        from optiops.io.orlib import looks_like_orlib

        return (
            source.document_kind == self.name
            or source.folder_kind == self.name
            or (source.path.suffix.lower() == ".txt" and looks_like_orlib(source.head))
        )

    def load(self, source: Source, options: LoadOptions) -> FacilityInstance:
        from optiops.io.orlib import load_facility

        if source.document is not None and options.capacity is None:
            return super().load(source, options)
        return load_facility(source.path, options.capacity)

    def solve(self, instance: FacilityInstance, options: Options) -> Result:
        from optiops.allocation import solve_facility
        from optiops.allocation.facility import Presolve

        presolve: Presolve = "off" if options.presolve == "off" else "lagrangian"
        # DELETE keeps the best plan; progress carries the best plan and a bound of the whole instance
        mip = dataclasses.replace(mip_options(self, options), stop=options.stop, progress=options.progress)
        return plan_result(self.name, solve_facility(instance, options.backend, mip, presolve=presolve))

    def check(self, instance: FacilityInstance, plan: FacilityPlan, options: Options | None = None) -> Check:
        from optiops.allocation import check_facility

        c = check_facility(instance, plan)
        return Check(
            kind=self.name, feasible=c.feasible, objective=c.objective, violations=c.violations,
            costs={"fixed": c.fixed_cost, "assignment": c.assignment_cost},
            figures={"fixed_cost": c.fixed_cost, "assignment_cost": c.assignment_cost},
            summary=f"cost {c.objective:,.4f} (fixed {c.fixed_cost:,.4f}, assignment {c.assignment_cost:,.4f})",
            stated=plan.objective, detail=c,
        )  # fmt: skip

    def summary(self, instance: FacilityInstance, result: Result) -> str:
        plan: Any = result.plan
        return (
            f"[green]{plan.status}[/green] plan: cost {plan.objective:,.2f}, {len(plan.open)} warehouses open"
            f"{gap_text(plan)} ({plan.backend}, build {plan.build_s:.2f} s, solve {plan.solve_s:.1f} s)"
        )


register_kind(FacilityKind())
