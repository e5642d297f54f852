"""``optiops evaluate``: a plan's cost and feasibility recomputed by its kind's independent checker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from optiops.cli.common import EXIT_INFEASIBLE, RoundingOpt, out, user_errors


def evaluate(
    file: Annotated[
        Path,
        typer.Argument(
            help="Instance file (routing, facility, placement, roster, order allocation, task day, "
            "inventory or scenario)."
        ),
    ],
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="plan.json to check.")],
    rounding: RoundingOpt = None,
    capacity: Annotated[float | None, typer.Option(help="Facility: capacity of an OR-Library capa-capc file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Recompute a plan's cost and feasibility independently of the solver that made it."""
    from optiops.kinds import LoadOptions, Options, read_source, recognise

    with user_errors():
        source = read_source(file)
        kind = recognise(source)
        instance = kind.load(source, LoadOptions(capacity=capacity))
        check = kind.check(instance, kind.read_plan(plan_file), Options(rounding=rounding))
    if as_json:
        fields = {"feasible": check.feasible, "objective": check.objective, **check.figures}
        out.print_json(json.dumps({**fields, "violations": check.violations}))
    else:
        out.print(("[green]feasible[/green]" if check.feasible else "[red]infeasible[/red]") + f": {check.summary}")
        for v in check.violations:
            out.print(f"  - {v}", highlight=False)
        stated, objective = check.stated, check.objective
        if stated is not None and abs(stated - objective) > 1e-6 * max(1, abs(objective)):
            out.print(f"[yellow]the plan states cost {stated:,.4f}[/yellow]")
    if not check.feasible:
        raise typer.Exit(EXIT_INFEASIBLE)
