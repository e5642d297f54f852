"""``optiops reroster``: roster again after absences, keeping as much of the published roster as pays."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

out = Console()


def parse_absences(values: list[str]) -> dict[str, list[int]]:
    """``EMPLOYEE:DAY[,DAY...]`` options (days from 0; ``A-B`` for a range) as employee -> sorted days.

    Raises
    ------
    InstanceError
        A value that is not ``EMPLOYEE:DAYS`` or a day that is not a whole number, naming the option.
    """
    from optiops.exceptions import InstanceError

    absences: dict[str, set[int]] = {}
    for value in values:
        who, sep, days = value.partition(":")
        if not sep or not who or not days:
            raise InstanceError(f"--absent {value!r}: expected EMPLOYEE:DAY[,DAY...] (days from 0, A-B for a range)")
        for part in days.split(","):
            lo, dash, hi = part.partition("-")
            try:
                span = range(int(lo), int(hi) + 1) if dash else range(int(lo), int(lo) + 1)
            except ValueError:
                raise InstanceError(f"--absent {value!r}: {part!r} is not a day or a range of days") from None
            absences.setdefault(who, set()).update(span)
    return {who: sorted(days) for who, days in absences.items()}


def changes_csv(before: list[list[str | None]], after: list[list[str | None]], employees: list[str]) -> str:
    """One row per changed (employee, day): the shift before and after (empty for a day off)."""
    import pandas as pd

    rows = [(e, d, b or "", a or "") for e, old, new in zip(employees, before, after, strict=True)
            for d, (b, a) in enumerate(zip(old, new, strict=True)) if b != a]  # fmt: skip
    return pd.DataFrame(rows, columns=["employee", "day", "before", "after"]).to_csv(index=False)


def reroster(
    file: Annotated[Path, typer.Argument(help="The roster instance (benchmark .txt or kind: roster YAML/JSON).")],
    plan_file: Annotated[Path, typer.Argument(metavar="PLAN", help="The published roster's plan.json.")],
    absent: Annotated[
        list[str],
        typer.Option(help="EMPLOYEE:DAY[,DAY...] (days from 0, A-B for a range); repeat for several employees."),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for plan.json, roster.csv, changes.csv, charts.")],
    time_limit: Annotated[float, typer.Option(help="Seconds for CP-SAT.", min=0.1)] = 60.0,
    change_weight: Annotated[
        int, typer.Option(help="Penalty per changed assignment (0: re-optimise freely).", min=0)
    ] = 1,
    seed: Annotated[int, typer.Option(help="CP-SAT seed.")] = 1,
    threads: Annotated[int, typer.Option(help="CP-SAT workers.", min=1)] = 2,
    plots: Annotated[bool, typer.Option(help="Write roster.png and coverage.png.")] = True,
) -> None:
    """Roster again after absences: the same rules, plus a cost per assignment that differs from PLAN."""
    from optiops.cli.common import solve_outputs, user_errors
    from optiops.exceptions import SolverError
    from optiops.io import dump_document
    from optiops.io.atomic import write_all
    from optiops.io.shift import load_roster, read_roster_plan, roster_csv
    from optiops.labour import RosterOptions
    from optiops.labour.reroster import reroster as reroster_plan

    with user_errors():
        inst = load_roster(file)
        previous = read_roster_plan(plan_file)
        absences = parse_absences(absent)
        options = RosterOptions(time_limit=time_limit, num_workers=threads, seed=seed)
        plan = reroster_plan(inst, previous, absences, options, change_weight=change_weight)
        if plan.status not in ("optimal", "feasible"):
            raise SolverError(f"CP-SAT found no roster in {time_limit:g} s; try a longer --time-limit")
        if plan.violations:
            raise SolverError("CP-SAT returned a roster the checker rejects:\n  " + "\n  ".join(plan.violations))
        employees = [e.id for e in inst.employees]
        files = {
            out_dir / "plan.json": dump_document(plan).encode(),
            out_dir / "roster.csv": roster_csv(inst, plan).encode(),
            out_dir / "changes.csv": changes_csv([previous.assignment[e] for e in employees],
                                                 [plan.assignment[e] for e in employees], employees).encode(),
        }  # fmt: skip
        if plots:
            from optiops.plotting.roster import plot_coverage, plot_roster
            from optiops.plotting.save import figure_png

            files[out_dir / "roster.png"] = figure_png(lambda ax: plot_roster(inst, plan, ax=ax), size=(12.0, 7.0))
            files[out_dir / "coverage.png"] = figure_png(lambda ax: plot_coverage(inst, plan, ax=ax), size=(12.0, 4.0))
        write_all(files, stale=tuple(out_dir / n for n in (*solve_outputs(), "changes.csv")))
    s = plan.stats
    out.print(
        f"[green]{plan.status}[/green] roster after absences: penalty {plan.objective} (was {previous.objective}), "
        f"{s.get('changes')} assignments changed ({s.get('changes_in_absences')} on absent days), "
        f"{plan.runtime_s:.1f} s -> {out_dir}",
        highlight=False,
    )
