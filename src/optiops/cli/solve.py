"""``optiops solve``: solve an instance of any kind and write its checked plan, tables and charts."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer

from optiops.cli.common import RoundingOpt, out, progress_bar, solve_outputs, user_errors


def solve(
    file: Annotated[
        Path, typer.Argument(help="Instance file (YAML/JSON, .vrp, Solomon/OR-Library/shift .txt) or folder.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for plan.json, tables and plots.")],
    backend: Annotated[
        str, typer.Option(help="Routing: auto|ortools|pyvrp|nearest. Facility, orders: auto|highs|scip|cbc|cpsat.")
    ] = "auto",
    time_limit: Annotated[
        float | None,
        typer.Option(
            help="Seconds of search (default: the kind's; routing 5, task day and scenario 10, others 60).", min=0.01
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    rounding: RoundingOpt = None,
    profile: Annotated[str | None, typer.Option(help="Solver profile from solvers/ (name or .toml).")] = None,
    plots: Annotated[bool, typer.Option(help="Write route_map.png and route_schedule.png.")] = True,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    capacity: Annotated[
        float | None, typer.Option(help="Facility: capacity of every warehouse of an OR-Library capa-capc file.")
    ] = None,
    threads: Annotated[
        int,
        typer.Option(
            help="Facility: threads of the MIP solver. Order allocation: MIP threads (core method: "
            "neighbourhoods solved at once). Roster, task day: CP-SAT workers.",
            min=1,
        ),
    ] = 1,
    presolve: Annotated[
        str,
        typer.Option(
            help="Facility, split demand: lagrangian (a Lagrangian bound fixes warehouses before the MIP) or off.",
        ),
    ] = "lagrangian",
) -> None:
    """Solve an instance and write the checked plan to OUT."""
    from optiops.io.atomic import write_all
    from optiops.kinds import LoadOptions, Options, read_source, recognise
    from optiops.solvers import load_profile

    if presolve not in ("lagrangian", "off"):
        raise typer.BadParameter(f"expected lagrangian or off, got {presolve!r}", param_hint="--presolve")
    with user_errors():
        source = read_source(file)
        kind = recognise(source)
        instance = kind.load(source, LoadOptions(rounding=rounding, capacity=capacity))
        options = Options(backend=backend, time_limit=time_limit, seed=seed, threads=threads, presolve=presolve)
        if kind.uses_profiles and profile:  # the profile fills what the command line leaves open
            prof = load_profile(profile)
            options = dataclasses.replace(
                options, backend=prof.backend if prof.backend and backend == "auto" else backend,
                time_limit=time_limit if time_limit is not None else prof.time_limit, params=prof.params,
            )  # fmt: skip
        options = kind.with_time_limit(options)
        limit = float(options.time_limit or 0.0)
        with progress_bar(kind.reports_progress and progress and sys.stderr.isatty(), limit) as callback:
            result = kind.solve(instance, dataclasses.replace(options, progress=callback))
        kind.accept(result, limit)
        files = kind.files(instance, result, source, plots)
        write_all({out_dir / name: data for name, data in files.items()},
                  stale=tuple(out_dir / name for name in solve_outputs()))  # fmt: skip
    out.print(f"{kind.summary(instance, result)} -> {out_dir}", highlight=False, soft_wrap=True)
