"""``optiops generate``: synthetic instances, e.g. a whole e-commerce operation as a scenario folder."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

generate_app = typer.Typer(help="Generate synthetic instances.", no_args_is_help=True)
out = Console()


@generate_app.command("scenario")
def scenario(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the scenario's CSV/YAML files.")],
    skus: Annotated[int, typer.Option("--skus", help="Number of SKUs.", min=1)] = 400,
    warehouses: Annotated[int, typer.Option("--warehouses", help="Number of warehouses.", min=1)] = 4,
    days: Annotated[int, typer.Option("--days", help="Days of demand, ending on 2024-12-31.", min=1)] = 365,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    holdout: Annotated[int, typer.Option("--holdout", help="Last days held out as the judged future.", min=0)] = 28,
    name: Annotated[str | None, typer.Option("--name", help="Scenario name (default from the sizes).")] = None,
    gzip: Annotated[
        bool, typer.Option("--gzip", help="Gzip the daily tables (demand, returns, history) as <name>.csv.gz.")
    ] = False,
    calibration: Annotated[
        str,
        typer.Option(help="Default prices and mix: 'report' (calibrated to the report, docs/replay.md) or 'legacy'."),
    ] = "report",
    events: Annotated[
        int, typer.Option("--events", help="Disruptions drawn into events.yaml (docs/events.md).", min=0)
    ] = 0,
) -> None:
    """Write a realistic e-commerce operation (SKUs, demand, returns, warehouses, fleet, staff, costs) to OUT."""
    from optiops.cli.common import user_errors
    from optiops.scenario import ScenarioConfig, baseline_cost, generate_scenario, write_scenario
    from optiops.scenario.events import generate_events

    if holdout >= days:
        raise typer.BadParameter(f"must be below --days ({days})", param_hint="--holdout")
    if calibration not in ("report", "legacy"):
        raise typer.BadParameter("choose 'report' or 'legacy'", param_hint="--calibration")
    with user_errors():
        config = ScenarioConfig(name=name, n_skus=skus, n_warehouses=warehouses, days=days, holdout_days=holdout)
        if calibration == "legacy":
            config = config.legacy()
        result = generate_scenario(config, seed)
        if events:
            result = dataclasses.replace(result, events=generate_events(result, events, seed))
        written = write_scenario(result, out_dir, compress=gzip)
    size = sum(p.stat().st_size for p in written)
    cost = baseline_cost(result)
    out.print(
        f"scenario {result.name!r}: {skus} SKUs, {warehouses} warehouses, {len(result.zones)} zones, "
        f"{result.start} to {result.end} (history to {result.history_end}, then {holdout} hold-out days), "
        f"{cost.orders / days:,.0f} orders/day, plain baseline {cost.per_order:.2f} {result.costs.currency}/order "
        f"-> {out_dir} ({len(written)} files, {size / 1e3:,.0f} kB)",
        highlight=False,
    )
