"""optiops import orders: a synthetic export into a scenario the plan reads, the cleaning counts, bad input."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.importing.cases import HEADER, export_lines, write_export
from typer.testing import CliRunner

from optiops.cli.main import app
from optiops.exceptions import InstanceError
from optiops.importing import ImportOptions, import_orders, write_import
from optiops.scenario.read import read_scenario

runner = CliRunner()


def test_import_writes_a_scenario_the_reader_accepts(export: Path, network: Path, tmp_path: Path) -> None:
    """The folder reads back with its orders, and demand is the orders summed per SKU x zone x day."""
    result = runner.invoke(app, ["import", "orders", str(export), "--out", str(tmp_path / "s"),
                                 "--network", str(network), "--holdout", "5"])  # fmt: skip
    assert result.exit_code == 0, result.output
    s = read_scenario(tmp_path / "s")
    assert s.orders is not None and s.name == "tiny-shop"
    assert set(s.zones["zone"]) == {"United Kingdom", "France"}
    assert list(s.warehouses["warehouse"]) == ["UK1", "FR1"]
    assert s.calendar["holdout"].sum() == s.holdout_days and s.holdout_days >= 5
    assert int(s.orders["quantity"].sum()) == int(s.demand["y"].sum())
    trading = s.calendar.loc[(s.calendar["holdout"] == 1) & (s.calendar["event"] == "")]
    assert len(trading) == 5
    summary = json.loads((tmp_path / "s" / "import_summary.json").read_text())
    assert "orders per trading day" in result.output and summary["orders"] == s.orders["order"].nunique()


def test_cleaning_counts_one_line_per_rule(export: Path, network: Path) -> None:
    """Each dirty line is dropped under its own reason; the credit is kept as a return; duplicates merge."""
    result = import_orders([export], ImportOptions(network=network, holdout=5))
    dropped = result.summary["lines_dropped"]
    assert dropped == {"overlap": 0, "excluded SKU": 1, "zero quantity": 1, "zero or negative price": 1,
                       "cancelled order": 2, "outlier quantity": 1, "credit without a sale": 0}  # fmt: skip
    assert result.summary["lines_merged"] == 1 and result.summary["credit_lines_kept"] == 1
    assert result.summary["lines_read"] == result.summary["lines_kept"] + sum(dropped.values())
    assert int(result.scenario.returns["y"].sum()) == 2
    orders = result.scenario.orders
    assert orders is not None
    assert not orders["order"].isin(["900004", "900006", "900001"]).any()
    assert orders.loc[orders["order"] == "900008", "quantity"].tolist() == [3]


def test_overlapping_files_drop_the_orders_seen_before(tmp_path: Path, network: Path) -> None:
    """An order already in an earlier file is an overlap: the second copy is dropped, not doubled."""
    lines = export_lines()
    first = write_export(lines, tmp_path / "a.csv")
    second = write_export(lines[lines["InvoiceNo"].astype(int) > lines["InvoiceNo"].astype(int).median()],
                          tmp_path / "b.csv")  # fmt: skip
    one = import_orders([first], ImportOptions(network=network, holdout=5))
    two = import_orders([first, second], ImportOptions(network=network, holdout=5))
    assert two.summary["lines_dropped"]["overlap"] == len(pd.read_csv(second))
    assert two.summary["order_lines"] == one.summary["order_lines"]


def test_exclude_sku_drops_matching_skus(export: Path, network: Path) -> None:
    result = import_orders([export], ImportOptions(network=network, holdout=5, exclude_sku="1000[0-2]$"))
    assert not result.scenario.skus["sku"].isin(["10000", "10001", "10002"]).any()
    assert result.summary["lines_dropped"]["excluded SKU"] > 1


def test_parquet_and_map(tmp_path: Path, network: Path) -> None:
    """Parquet with own column names, named by --map, gives the same orders as the CSV."""
    lines = export_lines()
    renamed = lines.rename(columns={"InvoiceNo": "ord", "StockCode": "item", "Quantity": "n"})
    renamed.to_parquet(tmp_path / "lines.parquet")
    csv = import_orders([write_export(lines, tmp_path / "l.csv")], ImportOptions(network=network, holdout=5))
    pq = import_orders([tmp_path / "lines.parquet"],
                       ImportOptions(mapping="order=ord,sku=item,quantity=n", network=network, holdout=5))  # fmt: skip
    assert csv.scenario.orders is not None and pq.scenario.orders is not None
    pd.testing.assert_frame_equal(csv.scenario.orders, pq.scenario.orders)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda f: f.drop(columns=["Quantity"]), "or 'qty' (quantity) is missing"),
        (
            lambda f: f.assign(InvoiceDate=f["InvoiceDate"].where(f.index != 3, "yesterday")),
            "line 5, column 'InvoiceDate': 'yesterday' is not a date",
        ),
        (
            lambda f: f.assign(Quantity=f["Quantity"].astype(str).where(f.index != 7, "2.5")),
            "line 9, column 'Quantity': '2.5' is not a whole number",
        ),
        (lambda f: f.iloc[:0], "empty file"),
        (
            lambda f: pd.concat(
                [f, pd.DataFrame([["C1", "99999", "x", -1, "2011-01-04 10:00:00", 1.0, "1", "France"]], columns=HEADER)]
            ),
            "'99999' has credit lines but no sale",
        ),
    ],
    ids=["missing-column", "bad-date", "bad-quantity", "empty-file", "credit-without-sale"],
)
def test_bad_input_exits_2_naming_file_line_column_and_writes_nothing(tmp_path: Path, network: Path, edit,  # type: ignore[no-untyped-def]
                                                                       expected: str) -> None:  # fmt: skip
    """Exit 2 with file, line, column and reason; the output folder is not created."""
    path = tmp_path / "bad.csv"
    edit(export_lines().assign(InvoiceDate=lambda f: f["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M:%S"))).to_csv(
        path, index=False)  # fmt: skip
    result = runner.invoke(app, ["import", "orders", str(path), "--out", str(tmp_path / "out"),
                                 "--network", str(network)])  # fmt: skip
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "bad.csv" in text and expected in text
    assert not (tmp_path / "out").exists()


def test_orders_that_disagree_with_demand_are_rejected(export: Path, network: Path, tmp_path: Path) -> None:
    """The reader checks orders.csv sums to demand.csv, naming the SKU, zone and day."""
    write_import(import_orders([export], ImportOptions(network=network, holdout=5)), tmp_path / "s", compress=False)
    orders = pd.read_csv(tmp_path / "s" / "orders.csv", dtype=str)
    orders.loc[0, "quantity"] = str(int(orders.loc[0, "quantity"]) + 1)
    orders.to_csv(tmp_path / "s" / "orders.csv", index=False)
    with pytest.raises(InstanceError, match=r"orders.csv: column 'quantity': .* but demand.csv has"):
        read_scenario(tmp_path / "s")


def _stock_csv(lines: pd.DataFrame, network: Path, folder: Path) -> str:
    write_import(import_orders([write_export(lines, folder.with_suffix(".csv"))], ImportOptions(network=network,
                                                                                                holdout=5)),
                 folder, compress=False)  # fmt: skip
    return (folder / "stock.csv").read_text()


@pytest.mark.parametrize("leaks", [False, True], ids=["hold-out", "history"])
def test_opening_stock_reads_no_hold_out_line(network: Path, tmp_path: Path, leaks: bool) -> None:
    """A large line on the last hold-out day leaves stock.csv as it was; the same line in the history raises it."""
    lines = export_lines()
    day = lines["InvoiceDate"].min() if leaks else lines["InvoiceDate"].max()
    big = pd.DataFrame([["999999", "10007", "item", 600, day, 2.5, "17850", "United Kingdom"]], columns=HEADER)
    plain = _stock_csv(lines, network, tmp_path / "plain")
    with_big = _stock_csv(pd.concat([lines, big], ignore_index=True), network, tmp_path / "big")
    assert (with_big != plain) is leaks
    stock = pd.read_csv(io.StringIO(with_big), dtype={"sku": str})
    assert (stock.loc[(stock["sku"] == "10007") & (stock["warehouse"] == "UK1"), "on_hand"].item() >= 600) is leaks


def test_intermittent_share_counts_from_first_sale() -> None:
    from optiops.importing.summary import intermittent_share

    t = pd.to_datetime(["2011-01-03", "2011-01-04", "2011-01-05", "2011-01-06", "2011-01-03", "2011-01-06"])
    orders = pd.DataFrame({"sku": ["a", "a", "a", "a", "b", "b"], "time": t})
    assert intermittent_share(orders) == pytest.approx(0.5)
    assert np.isfinite(intermittent_share(orders.iloc[:4]))


DATA = Path(os.environ.get("OPTIOPS_DATA", Path(__file__).resolve().parents[3] / "shared" / "benchmarks"))
ONLINE_RETAIL = DATA / "online-retail" / "transactions_2010_2011.csv.gz"
EXAMPLE_NETWORK = Path(__file__).resolve().parents[2] / "docs" / "networks" / "online-retail.yaml"


@pytest.mark.skipif(not ONLINE_RETAIL.is_file(), reason="shared Online Retail data absent")
def test_example_network_places_every_online_retail_country(tmp_path: Path) -> None:
    """The first 30,000 real lines import with docs' network: every country located, two warehouses."""
    head = pd.read_csv(ONLINE_RETAIL, nrows=30_000, dtype=str, keep_default_na=False)
    head.to_csv(tmp_path / "head.csv", index=False)
    result = import_orders([tmp_path / "head.csv"], ImportOptions(network=EXAMPLE_NETWORK, holdout=5))
    assert not [n for n in result.summary["notes"] if "no location in network.yaml" in n]
    assert list(result.scenario.warehouses["warehouse"]) == ["UK-NHM", "EU-VNL"]
    assert result.summary["lines_dropped"]["excluded SKU"] > 0
    all_countries = set(pd.read_csv(ONLINE_RETAIL, usecols=["Country"])["Country"])
    from optiops.importing.network import read_network

    assert all_countries <= set(read_network(EXAMPLE_NETWORK).regions)


@pytest.mark.parametrize(("costs", "message"), [
    ("{supplier_outage_share: 1.0}", r"costs\.supplier_outage_share: must be below 1"),
    ("{holding_rate: -0.1}", r"costs\.holding_rate: negative value"),
    ("{holding_rte: 0.2}", r"costs\.holding_rte: unknown key"),
])  # fmt: skip
def test_network_costs_obey_the_rules_of_costs_yaml(network: Path, costs: str, message: str) -> None:
    """A network's cost block is checked by the same rules as a scenario's costs.yaml."""
    from optiops.importing.network import read_network

    network.write_text(network.read_text().replace("costs: {currency: GBP}", f"costs: {costs}"))
    with pytest.raises(InstanceError, match=message):
        read_network(network)
