"""Vehicle routing: YAML/JSON, CSV folders, VRPLIB and Solomon files; OR-Tools and PyVRP; the numba evaluator.

Routing is the fallback kind: a path no other kind recognises goes to its reader, which says what
is wrong with it (unknown file type, unknown document kind, ...).
"""

from __future__ import annotations

from typing import Any

from optiops.exceptions import SolverError
from optiops.kinds.base import Check, LoadOptions, Options, ProblemKind, Result, Source, Summary
from optiops.kinds.registry import register_kind
from optiops.model.plan import RoutingPlan
from optiops.model.routing import RoutingInstance
from optiops.routing.common import DEFAULT_TIME_LIMIT


class RoutingKind(ProblemKind):
    """Depots, stops, shipments and a fleet; routes that serve them at least cost."""

    name = "routing"
    instance_type = RoutingInstance
    plan_type = RoutingPlan
    default_time_limit = DEFAULT_TIME_LIMIT
    uses_profiles = True
    outputs = ("plan.json", "routes.csv", "solution.sol", "route_map.png", "route_schedule.png")
    fallback = True
    reports_progress = True

    def recognises(self, source: Source) -> bool:
        return source.document_kind == self.name

    def load(self, source: Source, options: LoadOptions) -> RoutingInstance:
        from optiops.io import read_routing

        return read_routing(source.path, options.rounding, source.document)  # type: ignore[arg-type]

    def read_plan(self, path: Any) -> RoutingPlan:
        from optiops.io import load_plan

        return load_plan(path)

    def solve(self, instance: RoutingInstance, options: Options) -> Result:
        from optiops.routing import SolveOptions
        from optiops.routing import solve as solve_routing

        opts = SolveOptions(
            backend=options.backend, time_limit=self.time_limit(options), seed=options.seed,
            rounding=options.rounding, params=dict(options.params), progress=options.progress,  # type: ignore[arg-type]
            stop=options.stop,
        )  # fmt: skip
        res = solve_routing(instance, opts)
        plan = res.plan
        return Result(
            kind=self.name, plan=plan, status=plan.status, objective=plan.objective, runtime_s=plan.runtime_s,
            stats=res.stats, detail=res,
        )  # fmt: skip

    def check(self, instance: RoutingInstance, plan: RoutingPlan, options: Options | None = None) -> Check:
        from optiops.evaluate import evaluate

        rounding = options.rounding if options is not None else None
        ev = evaluate(instance, plan, rounding=rounding)  # type: ignore[arg-type]
        return Check(
            kind=self.name, feasible=ev.feasible, objective=ev.objective, violations=ev.violations,
            costs={"routes": float(sum(r.cost for r in ev.routes)), "skipped": ev.skip_cost},
            figures={"distance": ev.distance, "skipped": ev.skipped},
            summary=f"cost {ev.objective:,.4f}, distance {ev.distance:,.4f}, {len(ev.routes)} routes",
            stated=plan.objective, detail=ev,
        )  # fmt: skip

    def accept(self, result: Result, time_limit: float) -> None:
        plan = result.plan
        if plan.status != "feasible":
            # not a proof of infeasibility: the search ran out of time (exit 1, not 3)
            raise SolverError(
                f"{plan.backend} found no feasible plan in {time_limit:g} s; its best attempt breaks:\n  "
                + "\n  ".join(plan.violations)
                + "\ntry a longer --time-limit or another --backend"
            )

    def tables(self, instance: RoutingInstance, plan: RoutingPlan, source: Source | None) -> dict[str, bytes]:
        from optiops.io import instance_format, solution_text
        from optiops.io.plan_csv import routes_csv

        tables = {"routes.csv": routes_csv(plan, instance.dimensions).encode()}
        if source is not None and instance_format(source.path) == "vrplib":  # VRPLIB's own solution format
            tables["solution.sol"] = solution_text(plan).encode()
        return tables

    def charts(self, instance: RoutingInstance, result: Result) -> dict[str, bytes]:
        from optiops.plotting import figure_png, plot_route_map, plot_route_schedule

        plan = result.plan
        return {
            "route_map.png": figure_png(lambda ax: plot_route_map(instance, plan, ax=ax)),
            "route_schedule.png": figure_png(lambda ax: plot_route_schedule(instance, plan, ax=ax)),
        }

    def summary(self, instance: RoutingInstance, result: Result) -> str:
        plan = result.plan
        skipped = f", {len(plan.skipped)} skipped" if plan.skipped else ""
        return (
            f"[green]{plan.status}[/green] plan: cost {plan.objective:,.2f}, {len(plan.routes)} routes{skipped} "
            f"({plan.backend}, {plan.runtime_s:.1f} s)"
        )

    def describe(self, instance: RoutingInstance, source: Source) -> Summary:
        fleet = ", ".join(f"{v.count} x {v.id}" for v in instance.vehicle_types)
        rows = [
            ("depots", len(instance.depots)), ("stops", len(instance.stops)), ("shipments", len(instance.shipments)),
            ("vehicles", fleet), ("dimensions", ", ".join(instance.dimensions)), ("rounding", instance.rounding),
            ("travel", instance.travel.metric),
        ]  # fmt: skip
        return Summary(
            f"{source.path}: valid routing instance {instance.name!r}",
            [(k, str(v)) for k, v in rows],
            title_in_table=True,
        )

    def diagnose(self, instance: RoutingInstance) -> None:
        from optiops.model.routing_arrays import routing_arrays
        from optiops.routing import diagnose
        from optiops.routing.solve import infeasible_error

        problems = diagnose(routing_arrays(instance))
        if problems:
            raise infeasible_error(problems)


register_kind(RoutingKind())
