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

    def show(row: dict[str, Any]) -> None:
        if "policy" in row:  # inventory suites: one row per policy x setting x judge x group
            if row.get("group") == "all" and row.get("judge") == "holdout":
                setting = f"{row['weeks']:g} weeks" if row.get("weeks") else f"CSL {row.get('target_csl') or 0:g}"
                text = (f"{row['policy']:>15} {setting:>10}: CSL {row['achieved_csl']:.4f}  fill {row['fill_rate']:.4f}"
                        f"  days of inventory {row['days_of_inventory']:.1f}")  # fmt: skip
                if row.get("rule_days") is not None:
                    text += f"  ({100 * row['days_vs_rule']:+.1f} % against {row['rule_weeks']:g} weeks of equal fill)"
                out.print(text, highlight=False)
            return
        if "gap_pct" not in row:  # forecast suites: one row per model x demand class
            if row.get("group") == "all":
                num = {k: "n/a" if row.get(k) is None else f"{row[k]:.3f}" for k in ("rmsse", "mase", "pinball")}
                peer = f" ({row['peer']} {row.get('peer_version')})" if row.get("peer") else ""
                out.print(f"{row['model']:>36}: RMSSE {num['rmsse']}  MASE {num['mase']}  pinball {num['pinball']}"
                          f"{peer}", highlight=False)  # fmt: skip
            return
        gap = "n/a" if row["gap_pct"] is None else f"{row['gap_pct']:.2f}%"
        if row["gap_pct"] is None and row.get("mip_gap_pct") is not None:  # generated days: no best known
            gap = f"{row['mip_gap_pct']:.3f}% to the bound"
        extra = f" {row.get('error', '')}" if row["status"] == "error" else ""
        out.print(f"{row['instance']:>14} {row['backend']:>8} seed {row['seed']}: {row['status']:<11} "
                  f"obj {row['objective']} gap {gap} ({row['runtime_s']:.1f} s){extra}", highlight=False)  # fmt: skip

    def show_and_store(row: dict[str, Any]) -> None:
        show(row)
        if record:  # one row at a time: an interrupted run keeps what it finished
            append_rows([row], results_file(row["suite"]))
        if out_file is not None:
            append_rows([row], out_file)

    with user_errors():
        rows = run_suite(
            suite, backends=backend, time_limit=time_limit, seeds=seeds, instances=instances, data=data,
            executor="inline" if inline else "dask" if scheduler else "process", workers=workers,
            address=None if scheduler in (None, "local") else scheduler, on_row=show_and_store,
            peers=tuple(n.strip() for n in peer_models.split(",") if n.strip()) if peer_models else peers,
        )  # fmt: skip
        for line in get_family(load_suite(suite).kind).closing_lines(rows):
            out.print(line, highlight=False, soft_wrap=True)
    if rows and "gap_pct" not in rows[0]:
        return
    by_backend: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_backend.setdefault(r["backend"], []).append(r)
    for name, rs in by_backend.items():
        key = "gap_pct" if any(r["gap_pct"] is not None for r in rs) else "mip_gap_pct"
        gaps = [r[key] for r in rs if r.get(key) is not None]
        feasible = sum(bool(r["feasible"]) for r in rs)
        mean_gap = f"{sum(gaps) / len(gaps):.3f}%" if len(gaps) == len(rs) and gaps else "n/a (not all feasible)"
        mean_gap += " to the bound" if key == "mip_gap_pct" and gaps else ""
        out.print(f"[bold]{suite} {name}[/bold]: feasible {feasible}/{len(rs)}, mean gap {mean_gap}")
    if any(not r["feasible"] for r in rows):
        raise typer.Exit(1)


@bench_app.command("report")
def report() -> None:
    """Write docs/benchmarks/README.md and the gap-history PNGs from benchmarks/results/."""
    from optiops.bench.report import write_report

    for path in write_report():
        out.print(f"wrote {path}")
