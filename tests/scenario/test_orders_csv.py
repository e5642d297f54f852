"""Reading orders.csv: the Arrow reader gives the generic reader's frame, and bad files keep their messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.importing.cases import NETWORK, export_lines, write_export

from optiops.exceptions import InstanceError
from optiops.importing import ImportOptions, import_orders, write_import
from optiops.model.scenario import ORDERS_TABLE
from optiops.scenario.arrow_table import read_typed_table
from optiops.scenario.read import _read_cells, read_scenario


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An imported scenario with a plain orders.csv (multi-line orders)."""
    tmp = tmp_path_factory.mktemp("orders")
    (tmp / "network.yaml").write_text(NETWORK)
    export = write_export(export_lines(), tmp / "lines.csv")
    write_import(import_orders([export], ImportOptions(network=tmp / "network.yaml", holdout=5)), tmp / "s",
                 compress=False)  # fmt: skip
    return tmp / "s"


def _edited(folder: Path, tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "s"
    shutil.copytree(folder, out)
    table = pd.read_csv(out / "orders.csv", dtype=str, keep_default_na=False)
    edit(table).to_csv(out / "orders.csv", index=False)
    return out


@pytest.mark.parametrize("gzip", [False, True], ids=["csv", "csv.gz"])
def test_arrow_reader_gives_the_generic_frame(folder: Path, tmp_path: Path, gzip: bool) -> None:
    """A clean orders.csv (plain or gzipped) parses to exactly the frame of the cell-by-cell reader."""
    path = folder / "orders.csv"
    if gzip:
        path = tmp_path / "orders.csv.gz"
        pd.read_csv(folder / "orders.csv", dtype=str).to_csv(path, index=False)
    fast = read_typed_table(path, ORDERS_TABLE)
    assert fast is not None
    pd.testing.assert_frame_equal(fast, _read_cells(path, ORDERS_TABLE))


def test_padded_cells_read_as_the_generic_reader_reads_them(folder: Path, tmp_path: Path) -> None:
    """Cells padded with spaces (a non-breaking one too) go to the generic reader, which strips them."""
    out = _edited(folder, tmp_path, lambda t: t.assign(sku=" " + t["sku"], zone=t["zone"] + "\u00a0"))
    assert read_typed_table(out / "orders.csv", ORDERS_TABLE) is None
    clean = read_scenario(folder).orders
    padded = read_scenario(out).orders
    assert clean is not None and padded is not None
    pd.testing.assert_frame_equal(padded, clean)


def _set(column: str, row: int, value: str):  # type: ignore[no-untyped-def]
    def edit(t: pd.DataFrame) -> pd.DataFrame:
        t.loc[row, column] = value
        return t

    return edit


def _second_line_like_first(column: str):  # type: ignore[no-untyped-def]
    """The second line of the first multi-line order takes the first line's value of ``column``."""

    def edit(t: pd.DataFrame) -> pd.DataFrame:
        first = t.index[t["order"].duplicated(keep=False)][0]
        t.loc[first + 1, column] = t.loc[first, column]
        return t

    return edit


def _mixed_zone(t: pd.DataFrame) -> pd.DataFrame:
    first = t.index[t["order"].duplicated(keep=False)][0]
    t.loc[first + 1, "zone"] = "France" if t.loc[first, "zone"] != "France" else "United Kingdom"
    return t


@pytest.mark.parametrize(("edit", "message"), [
    (_set("quantity", 2, "x"), r"orders.csv: line 4, column 'quantity': 'x' is not a number"),
    (_set("line", 0, "0"), r"orders.csv: line 2, column 'line': 0 is below the minimum 1"),
    (_set("sku", 3, ""), r"orders.csv: line 5, column 'sku': empty value"),
    (_set("time", 1, "yesterday"), r"orders.csv: line 3, column 'time': 'yesterday' is not an ISO time"),
    (_second_line_like_first("line"), r"orders.csv: line \d+, column\(s\) \['order', 'line'\]: duplicate"),
    (_second_line_like_first("sku"), r"orders.csv: line \d+, column 'sku': '\d+' twice in order '\d+'"),
    (_mixed_zone, r"orders.csv: line \d+, column 'zone': order '\d+' has lines with different zones"),
], ids=["not-a-number", "below-minimum", "empty-sku", "bad-time", "duplicate-key", "sku-twice",
        "mixed-zone"])  # fmt: skip
def test_a_bad_orders_csv_names_line_column_and_reason(folder: Path, tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    """Each bad cell or order is reported in the generic reader's words, with its line."""
    with pytest.raises(InstanceError, match=message):
        read_scenario(_edited(folder, tmp_path, edit))
