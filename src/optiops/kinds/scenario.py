"""A whole operation as a scenario folder: the network plan (forecast, inventory, allocation, routing, staffing).

Solving a scenario runs :func:`optiops.plan.pipeline.run_plan` (as ``optiops plan`` does); checking
a ``plan.json`` adds its steps' KPI parts up again and compares them with the KPIs it states.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from optiops.exceptions import InstanceError
from optiops.kinds.base import Check, LoadOptions, Options, ProblemKind, Result, Source, Summary
from optiops.kinds.registry import register_kind
from optiops.model.scenario import Scenario

KPI_TOLERANCE = 1e-3  # plan.json rounds KPIs to 3-5 decimals


class ScenarioKind(ProblemKind):
    """The plan of one day for the whole operation, baseline and optimised side by side."""

    name = "scenario"
    instance_type = Scenario
    plan_type = dict
    default_time_limit = 10.0
    outputs = ("kpis.json", "plan.json", "report.html")
    precedence = 10  # a scenario folder holds skus.csv, which marks a placement CSV folder

    def recognises(self, source: Source) -> bool:
        return source.path.is_dir() and (source.path / "scenario.yaml").is_file()

    def load(self, source: Source, options: LoadOptions) -> Scenario:
        from optiops.scenario import read_scenario

        return read_scenario(source.path)

    def read_plan(self, path: Path) -> dict[str, Any]:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InstanceError(f"cannot read file: {exc.strerror}", str(path)) from exc
        except json.JSONDecodeError as exc:
            raise InstanceError(f"malformed JSON: {exc}", str(path)) from exc
        missing = [key for key in ("kpis", "steps") if not isinstance(data, dict) or key not in data]
        if missing:
            raise InstanceError(f"not a network plan: missing {missing}", str(path))
        return dict(data)

    def solve(self, instance: Scenario, options: Options) -> Result:
        from optiops.parallel import ExecutorKind
        from optiops.plan.base import PlanOptions
        from optiops.plan.pipeline import run_plan

        executor: ExecutorKind = "inline" if options.threads == 1 else "process"
        result = run_plan(instance, PlanOptions(time_limit=self.time_limit(options), seed=options.seed,
                                                executor=executor, workers=options.threads))  # fmt: skip
        return Result(
            kind=self.name, plan=result, status="feasible", objective=result.kpis["optimised"]["cost_per_order"],
            runtime_s=result.runtime_s, stats={"baseline_cost_per_order": result.kpis["baseline"]["cost_per_order"]},
            detail=result,
        )  # fmt: skip

    def check(self, instance: Scenario, plan: Any, options: Options | None = None) -> Check:
        from optiops.plan.pipeline import scenario_kpis
        from optiops.plan.write import plan_summary

        doc = plan if isinstance(plan, dict) else plan_summary(plan)
        steps = {name: SimpleNamespace(**parts) for name, parts in doc["steps"].items()}
        try:
            kpis, breakdown = scenario_kpis(instance, steps)
        except (KeyError, TypeError) as exc:
            raise InstanceError(f"steps: missing KPI part {exc}", "plan") from exc
        violations = [
            f"kpis.{side}.{key}: the plan states {doc['kpis'][side].get(key)}, its steps add up to {value}"
            for side, values in kpis.items()
            for key, value in values.items()
            if not _close(doc["kpis"].get(side, {}).get(key), value)
        ]
        cost = kpis["optimised"]["cost_per_order"]
        return Check(
            kind=self.name, feasible=not violations, objective=cost, violations=violations,
            costs=breakdown["optimised"], figures={"kpis": kpis},
            summary=f"cost per order {cost:,.4f} (baseline {kpis['baseline']['cost_per_order']:,.4f})",
            stated=doc["kpis"].get("optimised", {}).get("cost_per_order"), detail=kpis,
        )  # fmt: skip

    def files(self, instance: Scenario, result: Result, source: Source | None, plots: bool) -> dict[str, bytes]:
        from optiops.plan.write import plan_files

        return {str(path): data for path, data in plan_files(result.plan, Path()).items()}

    def summary(self, instance: Scenario, result: Result) -> str:
        kpis = result.plan.kpis
        return (
            f"[green]plan[/green] of {instance.name}: cost per order {kpis['optimised']['cost_per_order']:.4f}, "
            f"baseline {kpis['baseline']['cost_per_order']:.4f} ({result.runtime_s:.1f} s)"
        )

    def accept(self, result: Result, time_limit: float) -> None:
        """Every step checks its own plans; a network plan is always written."""

    def describe(self, instance: Scenario, source: Source) -> Summary:
        rows = [("days", f"{instance.start} .. {instance.end} ({instance.holdout_days} hold-out)")]
        rows += [(name, f"{len(frame):,} rows") for name, frame in instance.tables().items()]
        return Summary(f"{source.path}: valid scenario {instance.name!r}", rows, title_in_table=True)


def _close(stated: Any, value: float) -> bool:
    return isinstance(stated, int | float) and abs(stated - value) <= KPI_TOLERANCE * max(1.0, abs(value))


register_kind(ScenarioKind())
