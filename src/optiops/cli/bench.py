"""``optiops bench``: run suites and write the comparison report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

bench_app = typer.Typer(help="Benchmark suites on public instances with best-known solutions.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)


@bench_app.command("run")
def run(
    suite: Annotated[str, typer.Argument(help="Suite name (a file in benchmarks/suites/).")],
    backend: Annotated[list[str] | None, typer.Option(help="Backend(s); default: the suite's.")] = None,
    time_limit: Annotated[float | None, typer.Option(help="Seconds per solve; default: the suite's.")] = None,
    seeds: Annotated[int | None, typer.Option(help="Seeds per instance (1..N).", min=1)] = None,
    instances: Annotated[str | None, typer.Option(help="Comma-separated names or glob patterns.")] = None,
    data: Annotated[
        Path | None, typer.Option(help="Data folder (default $OPTIOPS_DATA or ../shared/benchmarks).")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Also write the rows to this JSONL file.")] = None,
    record: Annotated[bool, typer.Option(help="Append rows to benchmarks/results/<suite>.jsonl.")] = True,
    workers: Annotated[int | None, typer.Option(help="Parallel solves (default: cores).", min=1)] = None,
    inline: Annotated[bool, typer.Option(help="Run in this process instead of a process pool.")] = False,
    peers: Annotated[
        bool, typer.Option("--peers", help="Forecast suites: also run statsforecast's models (optiops[peers]).")
    ] = False,
    peer_models: Annotated[
        str | None,
        typer.Option(
            help="Forecast suites: only these statsforecast models, comma-separated (e.g. WindowAverage,SES,TSB); "
            "implies --peers."
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run the solves on Dask: a scheduler address (tcp://HOST:PORT) or 'local' (LocalCluster)."),
    ] = None,
) -> None:
    """Run SUITE; one JSON line per instance x backend x seed, objectives recomputed by the evaluator."""
    from optiops.bench import append_rows, results_file, run_suite
    from optiops.bench.cases import get_family
    from optiops.bench.suites import load_suite
    from optiops.cli.common import user_errors

    def show_and_store(row: dict[str, Any]) -> None:
        line = family.row_line(row)
        if line is not None:
            out.print(line, highlight=False)
        if record:  # one row at a time: an interrupted run keeps what it finished
            append_rows([row], results_file(row["suite"]))
        if out_file is not None:
            append_rows([row], out_file)

    with user_errors():
        family = get_family(load_suite(suite).kind)  # says how a row and the run's end are shown
        rows = run_suite(
            suite, backends=backend, time_limit=time_limit, seeds=seeds, instances=instances, data=data,
            executor="inline" if inline else "dask" if scheduler else "process", workers=workers,
            address=None if scheduler in (None, "local") else scheduler, on_row=show_and_store,
            peers=tuple(n.strip() for n in peer_models.split(",") if n.strip()) if peer_models else peers,
        )  # fmt: skip
        for line in family.closing_lines(rows):
            out.print(line, highlight=False, soft_wrap=True)
    if any(r.get("feasible") is False for r in rows):
        raise typer.Exit(1)


@bench_app.command("report")
def report() -> None:
    """Write docs/benchmarks/README.md and the gap-history PNGs from benchmarks/results/."""
    from optiops.bench.report import write_report

    for path in write_report():
        out.print(f"wrote {path}")
