"""What every command shares: the consoles, exit codes, the error-to-exit-code mapping, common options.

Exit codes: 0 success, 1 solver failure, 2 bad input (file, field, reason), 3 infeasible (with a
diagnosis naming what to blame).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from optiops.exceptions import InfeasibleError, InstanceError, OptiopsError, SolverError
from optiops.parallel import ExecutorKind

out = Console()
err = Console(stderr=True)

EXIT_SOLVER, EXIT_INPUT, EXIT_INFEASIBLE = 1, 2, 3
ROUNDINGS = ("none", "round", "dimacs", "exact")


SchedulerOpt = Annotated[
    str | None, typer.Option(help="Dask scheduler address (tcp://HOST:PORT) or 'local' for a LocalCluster.")
]


def where_to_run(workers: int | None, scheduler: str | None) -> tuple[ExecutorKind, str | None]:
    """The executor and Dask address that ``--workers`` and ``--scheduler`` name.

    Dask when a scheduler is given (``local``: a LocalCluster, so no address), this process for one
    worker, else a process pool.
    """
    executor: ExecutorKind = "dask" if scheduler else ("inline" if workers == 1 else "process")
    return executor, None if scheduler in (None, "local") else scheduler


def solve_outputs() -> tuple[str, ...]:
    """Every file a solve of any kind may write: a new solve removes those it did not write again."""
    from optiops.kinds import get_kind, list_kinds

    return tuple(dict.fromkeys(name for kind in list_kinds() for name in get_kind(kind).outputs))


# (exception type, label, exit code), most specific first
ERRORS: tuple[tuple[type[OptiopsError], str, int], ...] = (
    (InstanceError, "error", EXIT_INPUT),
    (InfeasibleError, "infeasible", EXIT_INFEASIBLE),
    (SolverError, "solver error", EXIT_SOLVER),
    (OptiopsError, "error", EXIT_SOLVER),
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn our exceptions into a message and an exit code, never a traceback."""
    try:
        yield
    except OptiopsError as exc:
        label, code = next((label, code) for kind, label, code in ERRORS if isinstance(exc, kind))
        err.print(f"[red]{label}:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(code) from None
    except OSError as exc:  # unreadable input, unwritable --out, a file where a folder should be
        where = f"{exc.filename}: " if exc.filename else ""
        err.print(f"[red]error:[/red] {escape(where + str(exc.strerror or exc))}", highlight=False)
        raise typer.Exit(EXIT_INPUT) from None


def _check_rounding(value: str | None) -> str | None:
    if value is not None and value not in ROUNDINGS:
        raise typer.BadParameter(f"choose one of {', '.join(ROUNDINGS)}")
    return value


RoundingOpt = Annotated[
    str | None,
    typer.Option(
        help="Integer scaling for the solvers: none|round|dimacs|exact (default: the instance's).",
        callback=_check_rounding,
    ),
]


@contextmanager
def progress_bar(enabled: bool, time_limit: float) -> Iterator[Callable[..., None] | None]:
    """A transient bar on stderr fed by ``progress(elapsed_s, best, bound=None)``; ``None`` when not ``enabled``."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("[bold]solving"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("", total=time_limit)

        def update(elapsed: float, best: float, bound: float | None = None) -> None:
            text = f"best {best:,.2f}" if bound is None else f"best {best:,.2f}, bound {bound:,.2f}"
            bar.update(task, completed=min(elapsed, time_limit), description=text)

        yield update
