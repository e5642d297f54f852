"""``optiops resolve``: re-plan the rest of a routing day from its current state (breakdowns, late orders)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optiops.cli.common import out, solve_outputs, user_errors


def resolve(
    file: Annotated[Path, typer.Argument(metavar="INSTANCE", help="The day's routing instance.")],
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="The plan.json being driven.")],
    state_file: Annotated[
        Path, typer.Option("--state", help="STATE.json: time, positions, breakdowns, served stops, late orders.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the day's new plan.json and routes.csv.")],
    backend: Annotated[str, typer.Option(help="auto|pyvrp|ortools.")] = "auto",
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds for the whole re-plan, search included (default 0.85).", min=0.01)
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
) -> None:
    """Re-plan the rest of the day: served stops stay as they were, the rest is re-planned from the state."""
    from optiops.exceptions import SolverError
    from optiops.io import dump_document
    from optiops.io.atomic import write_all
    from optiops.io.documents import read_as
    from optiops.io.plan_csv import routes_csv
    from optiops.kinds import LoadOptions, get_kind, read_source
    from optiops.model.routing_state import RoutingState
    from optiops.routing import SolveOptions
    from optiops.routing.reoptimise import REPLAN_TIME_LIMIT, reoptimise

    with user_errors():
        kind = get_kind("routing")
        instance = kind.load(read_source(file), LoadOptions())
        plan = kind.read_plan(plan_file)
        state = read_as(state_file, RoutingState)
        limit = REPLAN_TIME_LIMIT if time_limit is None else time_limit
        opts = SolveOptions(backend=backend, time_limit=limit, seed=seed)
        result = reoptimise(instance, plan, state, opts, source=str(state_file))
        new_plan = result.plan
        if new_plan.status != "feasible":
            raise SolverError("the re-plan breaks:\n  " + "\n  ".join(new_plan.violations))
        files = {
            out_dir / "plan.json": dump_document(new_plan).encode(),
            out_dir / "routes.csv": routes_csv(new_plan, instance.dimensions).encode(),
        }
        write_all(files, stale=tuple(out_dir / name for name in solve_outputs()))
    unservable = result.stats.get("unservable") or []
    note = f", {len(unservable)} stops no vehicle can reach in time: {', '.join(unservable)}" if unservable else ""
    out.print(
        f"[green]{new_plan.status}[/green] re-plan: day cost {new_plan.objective:,.2f}, "
        f"{len(state.served)} stops served before {state.time:g} kept, {result.stats['remaining_stops']} re-planned"
        f"{note} ({new_plan.backend}, {new_plan.runtime_s:.2f} s) -> {out_dir}",
        highlight=False,
        soft_wrap=True,
    )
