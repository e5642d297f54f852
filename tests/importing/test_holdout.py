"""The hold-out is what the plans are judged on: no line of it may change what the scenario tells a plan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.importing.cases import HEADER, export_lines, write_export

from optiops.importing import ImportOptions, ImportResult, import_orders

HOLDOUT = 5
NEW_SKU = "10099"


def _import(lines: pd.DataFrame, network: Path, path: Path) -> ImportResult:
    return import_orders([write_export(lines, path)], ImportOptions(network=network, holdout=HOLDOUT))


def _history_lines(network: Path, tmp_path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """The synthetic export with varied prices and a few history credits; where its hold-out lies."""
    rng = np.random.default_rng(7)
    lines = export_lines()
    lines["UnitPrice"] = np.round(rng.uniform(1.0, 5.0, len(lines)), 2)
    day = pd.Timestamp("2011-01-12 09:00")
    credits = pd.DataFrame([[f"C8{k:05d}", f"{10000 + k}", "item", -1, day, 2.0, "13000", "United Kingdom"]
                            for k in range(6)], columns=HEADER)  # fmt: skip
    lines = pd.concat([lines, credits], ignore_index=True)
    history_end = _import(lines, network, tmp_path / "probe.csv").scenario.history_end
    return lines, lines["InvoiceDate"] >= pd.Timestamp(history_end) + pd.Timedelta(days=1)


def _other_holdout(lines: pd.DataFrame, hold: pd.Series) -> pd.DataFrame:
    """Same history; the hold-out's lines larger, dearer, all French, one more line per order, and credited."""
    other = lines.copy()
    sale = hold & (other["Quantity"] > 0)
    other.loc[sale, "Quantity"] *= 7
    other.loc[sale, "UnitPrice"] = 40.0
    other.loc[hold, "Country"] = "France"
    heads = other[sale].drop_duplicates("InvoiceNo")
    extra = heads.assign(StockCode=NEW_SKU, Quantity=30, UnitPrice=99.0)
    day = other.loc[sale, "InvoiceDate"].min()
    credits = pd.DataFrame([[f"C9{k:05d}", f"{10000 + k}", "item", -3, day, 2.0, "13000", "France"]
                            for k in range(12)], columns=HEADER)  # fmt: skip
    return pd.concat([other, extra, credits], ignore_index=True)


def test_hold_out_lines_change_no_parameter(network: Path, tmp_path: Path) -> None:
    """SKU prices and return rates, order shape, zone shares, warehouses, stock and staff ignore the hold-out."""
    lines, hold = _history_lines(network, tmp_path)
    assert 0 < hold.sum() < len(lines)
    a = _import(lines, network, tmp_path / "a.csv").scenario
    b = _import(_other_holdout(lines, hold), network, tmp_path / "b.csv").scenario
    assert len(b.orders) > len(a.orders) and b.holdout_days == a.holdout_days  # the hold-outs differ
    common = b.skus[b.skus["sku"] != NEW_SKU].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.skus, common)
    assert a.skus["return_rate"].gt(0).any()
    for key in ("lines_probs", "quantity_probs"):
        assert a.config["demand"][key] == b.config["demand"][key]
    pd.testing.assert_frame_equal(a.zones, b.zones)
    pd.testing.assert_frame_equal(a.warehouses, b.warehouses)
    pd.testing.assert_frame_equal(a.staff, b.staff)
    pd.testing.assert_frame_equal(a.stock, b.stock[b.stock["sku"] != NEW_SKU].reset_index(drop=True))


def test_a_sku_first_sold_in_the_hold_out_takes_the_history_figures(network: Path, tmp_path: Path) -> None:
    """Its price is the history's median line price (one category), not its own 99; and the import says so."""
    lines, hold = _history_lines(network, tmp_path)
    result = _import(_other_holdout(lines, hold), network, tmp_path / "b.csv")
    skus = result.scenario.skus.set_index("sku")
    sales = lines[~hold & (lines["Quantity"] > 0)]
    assert skus.loc[NEW_SKU, "price"] == pytest.approx(sales["UnitPrice"].median())
    rate = -lines.loc[~hold & (lines["Quantity"] < 0), "Quantity"].sum() / sales["Quantity"].sum()
    assert skus.loc[NEW_SKU, "return_rate"] == pytest.approx(rate, abs=1e-4)
    assert any("1 SKU(s) first sell in the hold-out" in n for n in result.summary["notes"])


def test_a_new_sku_takes_its_category_s_history_figures(network: Path, tmp_path: Path) -> None:
    """With a category column, a SKU first sold in the hold-out is priced at its own category's history median."""
    lines, hold = _history_lines(network, tmp_path)
    dear = lines["StockCode"].astype(int) >= 10006
    lines = lines.assign(Category=np.where(dear, "dear", "cheap"),
                         UnitPrice=np.where(dear, lines["UnitPrice"] * 10, lines["UnitPrice"]))  # fmt: skip
    other = _other_holdout(lines, hold)
    other.loc[other["StockCode"] == NEW_SKU, "Category"] = "dear"
    skus = _import(other, network, tmp_path / "c.csv").scenario.skus.set_index("sku")
    history = lines[~hold & (lines["Quantity"] > 0)]
    assert skus.loc[NEW_SKU, "category"] == "dear"
    assert skus.loc[NEW_SKU, "price"] == pytest.approx(history.loc[history["Category"] == "dear", "UnitPrice"].median())
    assert skus.loc[NEW_SKU, "price"] != pytest.approx(history["UnitPrice"].median())
