"""Routing suites (``routing-solomon``, ``routing-x``): instance files of a data folder against best-known costs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optiops.bench.cases import Row, SuiteFamily, Task, Tasks, case_row, combos, gap_pct, register_family
from optiops.bench.suites import Suite, best_known, suite_instances


def run_routing_task(
    path: str, rounding: str | None, backend: str, seed: int, time_limit: float, bks: float | None
) -> Row:
    """Solve one instance and re-check the plan with the evaluator (runs in a worker); never raises."""
    from optiops import kinds

    kind = kinds.get_kind("routing")

    def work(row: Row) -> None:
        inst = kinds.load(path, rounding=rounding)
        res = kind.solve(inst, kinds.Options(backend=backend, time_limit=time_limit, seed=seed))
        check = kind.check(inst, res.plan)
        plan = res.plan
        feasible = check.feasible and plan.status == "feasible"
        row.update(
            status=plan.status, feasible=feasible, objective=check.objective if feasible else None,
            solver_objective=plan.solver_objective, backend_used=plan.backend,
            objective_matches=_matches(plan.solver_objective, check.objective), routes=len(plan.routes),
        )  # fmt: skip
        row["solve_s"] = round(plan.runtime_s or 0.0, 3)

    row: dict[str, Any] = {"instance": Path(path).stem, "backend": backend, "seed": seed}
    case_row(row, work, digits=3)
    row["best_known"] = bks
    row["gap_pct"] = gap_pct(row.get("objective"), bks)
    return row


def _matches(solver: float | None, evaluator: float) -> bool | None:
    """Does the backend's own objective equal the evaluator's (to 1e-6 relative)?"""
    if solver is None:
        return None
    return abs(solver - evaluator) <= 1e-6 * max(1.0, abs(evaluator))


class RoutingFamily(SuiteFamily):
    kind = "routing"

    def tasks(
        self, suite: Suite, root: Path, select: str | None, backends: list[str] | None, seeds: int, limit: float
    ) -> Tasks:
        files = suite_instances(suite, root, select)
        bks = best_known(suite, root)
        tasks = [
            Task(run_routing_task, (str(f), suite.rounding, b, s, limit, best), f.stem, b, s, best)
            for f in files
            for best in [bks.get(f.stem)]
            for b, s in combos(suite, backends, seeds)
        ]
        return Tasks(tasks, len(files))


register_family(RoutingFamily())
