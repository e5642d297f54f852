"""``optiops import orders``: a real order-line export into a scenario folder, with its cleaning summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optiops.cli.common import out, user_errors

import_app = typer.Typer(help="Import real data into a scenario folder.", no_args_is_help=True)


@import_app.command("orders")
def orders(
    lines: Annotated[list[Path], typer.Argument(help="CSV, CSV.gz or Parquet files of order lines.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Scenario folder to write.")],
    mapping: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="FIELD=COLUMN[|COLUMN...],... for order, sku, quantity, time, price, customer, "
            "region, category (default: common names, e.g. InvoiceNo, StockCode).",
        ),
    ] = None,
    network: Annotated[
        Path | None, typer.Option("--network", help="network.yaml: warehouses, regions, costs (docs/real-data.md).")
    ] = None,
    holdout: Annotated[
        int, typer.Option("--holdout", help="Last trading days held out as the judged future.", min=0)
    ] = 28,
    exclude_sku: Annotated[
        str | None,
        typer.Option("--exclude-sku", help="Regular expression: SKUs it matches (at the start) are dropped."),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Scenario name (network.yaml's name wins).")] = "imported",
    gzip: Annotated[bool, typer.Option("--gzip/--no-gzip", help="Gzip demand, returns, history and orders.")] = True,
) -> None:
    """Write OUT: the operation the order lines record, cleaned by explicit rules; print and write the summary."""
    from optiops.importing import ImportOptions, import_orders, write_import

    with user_errors():
        options = ImportOptions(mapping=mapping, network=network, holdout=holdout, exclude_sku=exclude_sku, name=name)
        result = import_orders(lines, options)
        written = write_import(result, out_dir, compress=gzip)
    size = sum(p.stat().st_size for p in written)
    out.print(result.text(), highlight=False)
    out.print(f"-> {out_dir} ({len(written)} files, {size / 1e6:,.1f} MB)", highlight=False)
