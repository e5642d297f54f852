"""Rostering: Shift Scheduling Benchmark text files and ``kind: roster`` documents; CP-SAT."""

from __future__ import annotations

from optiops.kinds.base import Check, LoadOptions, Options, ProblemKind, Result, Source, plan_result
from optiops.kinds.registry import register_kind
from optiops.model.labour import RosterInstance, RosterPlan


class RosterKind(ProblemKind):
    """Shifts for every employee and day under contract rules, at least soft-rule penalty."""

    name = "roster"
    instance_type = RosterInstance
    plan_type = RosterPlan
    outputs = ("plan.json", "roster.csv", "roster.png", "coverage.png")
    noun = "roster"

    def recognises(self, source: Source) -> bool:
        from optiops.io.shift import looks_like_shift_text

        return source.document_kind == self.name or (
            source.path.suffix.lower() == ".txt" and looks_like_shift_text(source.head)
        )

    def load(self, source: Source, options: LoadOptions) -> RosterInstance:
        from optiops.io.shift import load_roster

        if source.document is not None:
            return super().load(source, options)
        return load_roster(source.path)

    def solve(self, instance: RosterInstance, options: Options) -> Result:
        from optiops.labour import RosterOptions, solve_roster

        opts = RosterOptions(time_limit=self.time_limit(options), num_workers=options.threads, seed=options.seed)
        return plan_result(self.name, solve_roster(instance, opts))

    def solver_name(self, result: Result) -> str:
        return "CP-SAT"

    def check(self, instance: RosterInstance, plan: RosterPlan, options: Options | None = None) -> Check:
        from optiops.labour import check_roster

        c = check_roster(instance, plan)
        p = c.penalties
        return Check(
            kind=self.name, feasible=c.feasible, objective=float(c.objective), violations=c.violations,
            costs={k: float(v) for k, v in p.model_dump().items()}, figures={"penalties": p.model_dump()},
            summary=f"penalty {float(c.objective):g} (shift-on {p.shift_on}, shift-off {p.shift_off}, under-cover "
            f"{p.under_cover}, over-cover {p.over_cover})",
            stated=None if plan.objective is None else float(plan.objective), detail=c,
        )  # fmt: skip

    def tables(self, instance: RosterInstance, plan: RosterPlan, source: Source | None) -> dict[str, bytes]:
        from optiops.io.shift import roster_csv

        return {"roster.csv": roster_csv(instance, plan).encode()}

    def charts(self, instance: RosterInstance, result: Result) -> dict[str, bytes]:
        from optiops.plotting.roster import plot_coverage, plot_roster
        from optiops.plotting.save import figure_png

        plan = result.plan
        return {
            "roster.png": figure_png(lambda ax: plot_roster(instance, plan, ax=ax), size=(12.0, 7.0)),
            "coverage.png": figure_png(lambda ax: plot_coverage(instance, plan, ax=ax), size=(12.0, 4.0)),
        }

    def summary(self, instance: RosterInstance, result: Result) -> str:
        plan = result.plan
        gap = "" if plan.gap is None else f", gap {plan.gap:.2%} to the bound"
        return (
            f"[green]{plan.status}[/green] roster: penalty {plan.objective}{gap} "
            f"({len(instance.employees)} employees x {instance.horizon} days, {plan.runtime_s:.1f} s)"
        )


register_kind(RosterKind())
