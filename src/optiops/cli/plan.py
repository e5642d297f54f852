"""``optiops plan``: the whole operation's plan from a scenario folder, baseline and optimised side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from optiops.cli.common import SchedulerOpt

out = Console()


def plan(
    folder: Annotated[Path, typer.Argument(help="Scenario folder (optiops generate scenario, or exported tables).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for kpis.json, plan.json, CSVs, PNGs, report.html.")],
    horizon: Annotated[int | None, typer.Option(help="Hold-out days to judge (default: all).", min=1)] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds per solver call.", min=0.1)] = 10.0,
    seed: Annotated[int, typer.Option(help="Seed of simulations and solvers.")] = 1,
    scenarios: Annotated[int, typer.Option(help="Inventory simulation replications.", min=10)] = 200,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Processes for the fan-out steps (default: the cores available; 1 runs them in this process).", min=1
        ),
    ] = None,
    scheduler: SchedulerOpt = None,
) -> None:
    """Forecast, inventory, allocation, routing and staffing for the scenario; baseline vs optimised."""
    from optiops.cli.common import user_errors, where_to_run
    from optiops.io.atomic import write_all
    from optiops.plan.base import PlanOptions
    from optiops.plan.pipeline import run_plan, target_checks
    from optiops.plan.write import plan_files
    from optiops.resources import resolve_input
    from optiops.scenario.read import read_scenario

    executor, address = where_to_run(workers, scheduler)
    options = PlanOptions(time_limit=time_limit, seed=seed, scenarios=scenarios, executor=executor, workers=workers,
                          address=address)  # fmt: skip
    with user_errors():
        scenario = read_scenario(resolve_input(folder))
        result = run_plan(scenario, options, horizon)
        write_all(plan_files(result, out_dir))
    checks = target_checks(result.kpis)
    for key, b in result.kpis["baseline"].items():
        o = result.kpis["optimised"][key]
        verdict = "" if key not in checks else ("  (target met)" if checks[key]["met"] else "  (target not met)")
        out.print(f"{key:>22}: baseline {b:10.4f}  optimised {o:10.4f}{verdict}", highlight=False)
    out.print(f"plan of {result.scenario} in {result.runtime_s:.1f} s -> {out_dir / 'report.html'}", highlight=False)
