"""``optiops replay``: the scenario's hold-out played day by day by the baseline and the optimised plan."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.console import Console

from optiops.cli.common import SchedulerOpt

out = Console()


def replay(
    folder: Annotated[Path, typer.Argument(help="Scenario folder (optiops generate scenario, or exported tables).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for kpis.json, daily.csv, the ledger, report.html.")],
    days: Annotated[int | None, typer.Option(help="Hold-out days to replay (default: all).", min=1)] = None,
    plans: Annotated[str, typer.Option(help="Plans to run, comma-separated.")] = "baseline,optimised",
    time_limit: Annotated[float, typer.Option(help="Seconds per solver call.", min=0.1)] = 10.0,
    seed: Annotated[int, typer.Option(help="Seed of the day's orders, lead times and solvers.")] = 1,
    reforecast: Annotated[str, typer.Option(help="Optimised replenishment re-planned 'weekly' or 'daily'.")] = "weekly",
    routing_iterations: Annotated[
        int, typer.Option(help="PyVRP iterations per routing solve (0: the time limit only).", min=0)
    ] = 1000,
    workers: Annotated[
        int | None,
        typer.Option(help="Processes for the routing solves (default: the cores; 1 runs them in this process).", min=1),
    ] = None,
    scheduler: SchedulerOpt = None,
    events: Annotated[
        Path | None, typer.Option("--events", help="Events file for both plans (default: the folder's events.yaml).")
    ] = None,
    intraday: Annotated[
        bool, typer.Option("--intraday", help="Also work each warehouse day task by task: dispatcher against FIFO.")
    ] = False,
    transfers: Annotated[
        bool, typer.Option(help="Let the optimised plan move stock between warehouses when a shelf would run out.")
    ] = False,
) -> None:
    """Replay the hold-out day by day, closed loop: both plans from the same opening state, one ledger each."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from optiops.cli.common import user_errors, where_to_run
    from optiops.closed_loop import ReplayOptions
    from optiops.closed_loop import replay as run_replay
    from optiops.closed_loop.options import Reforecast
    from optiops.closed_loop.write import replay_files, target_checks
    from optiops.io.atomic import write_all
    from optiops.scenario.events import read_events
    from optiops.scenario.read import read_scenario

    executor, address = where_to_run(workers, scheduler)
    with user_errors():
        chosen = tuple(p.strip() for p in plans.split(",") if p.strip())
        options = ReplayOptions(days=days, plans=chosen, time_limit=time_limit, seed=seed,
                                reforecast=cast(Reforecast, reforecast), executor=executor,
                                workers=workers, address=address,
                                routing_iterations=routing_iterations or None, intraday=intraday,
                                transfers=transfers)  # fmt: skip
        scenario = read_scenario(folder)
        if events is not None:
            scenario = dataclasses.replace(scenario, events=read_events(events, scenario))
        with Progress(TextColumn("replay"), BarColumn(), TextColumn("{task.completed}/{task.total} days"),
                      TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:  # fmt: skip
            task = bar.add_task("days", total=None)
            result = run_replay(scenario, options, lambda k, n: bar.update(task, completed=k, total=n))
        write_all(replay_files(result, out_dir))
    checks = target_checks(result.kpis)
    for key in result.kpis[chosen[0]]:
        values = "  ".join(f"{p} {result.kpis[p][key]:10.4f}" for p in chosen)
        verdict = "" if key not in checks else ("  (target met)" if checks[key]["met"] else "  (target not met)")
        out.print(f"{key:>22}: {values}{verdict}", highlight=False)
    out.print(f"replay of {result.scenario}, {result.stats['days']} days in {result.runtime_s:.1f} s -> "
              f"{out_dir / 'report.html'}", highlight=False)  # fmt: skip
