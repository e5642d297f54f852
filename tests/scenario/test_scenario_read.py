"""Reading a scenario folder: a faithful round trip, and problems named by file, line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from optiops.exceptions import InstanceError
from optiops.io.demand import read_demand
from optiops.model.scenario import Scenario
from optiops.scenario import read_scenario, write_scenario


@pytest.fixture
def folder(small_folder: Path, tmp_path: Path) -> Path:
    """A private copy of the small scenario folder, free to corrupt."""
    return Path(shutil.copytree(small_folder, tmp_path / "copy"))


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, count))


def test_round_trip(small: Scenario, small_folder: Path) -> None:
    """Reading the folder gives back every table and the metadata."""
    back = read_scenario(small_folder)
    for name, frame in small.tables().items():
        pd.testing.assert_frame_equal(back.tables()[name], frame, check_dtype=True, obj=name)
    assert (back.start, back.days, back.holdout_days, back.costs, back.seed) == (
        small.start,
        small.days,
        small.holdout_days,
        small.costs,
        small.seed,
    )


def test_history_feeds_the_forecaster(small: Scenario, small_folder: Path) -> None:
    """history.csv is read by read_demand: one daily series per SKU over the history days."""
    hist = read_demand(small_folder / "history.csv")
    assert hist.n_series == len(small.skus) and hist.freq == "D"
    known = small.demand[small.demand["ds"] <= pd.Timestamp(small.history_end)]
    assert hist.values.sum() == known["y"].sum()
    assert len(hist.values) == len(small.skus) * (small.days - small.holdout_days)


def test_unknown_sku_in_demand(folder: Path) -> None:
    """A demand row naming an unknown SKU is reported with file, line and column."""
    first = (folder / "demand.csv").read_text().splitlines()[1].split(",")[0]
    _edit(folder / "demand.csv", f"\n{first},", "\nSKU-NOPE,")
    with pytest.raises(InstanceError, match=r"demand\.csv: line 2, column 'sku': unknown sku 'SKU-NOPE'"):
        read_scenario(folder)


def test_unknown_zone_in_demand(folder: Path) -> None:
    """A demand row naming an unknown zone is reported."""
    row = (folder / "demand.csv").read_text().splitlines()[1]
    sku, zone = row.split(",")[:2]
    _edit(folder / "demand.csv", f"\n{sku},{zone},", f"\n{sku},Z99,")
    with pytest.raises(InstanceError, match=r"demand\.csv: line 2, column 'zone': unknown zone 'Z99'"):
        read_scenario(folder)


def test_missing_column(folder: Path) -> None:
    """A table without one of its columns names the file and the column."""
    frame = pd.read_csv(folder / "skus.csv", dtype=str, keep_default_na=False).drop(columns="unit_cost")
    frame.to_csv(folder / "skus.csv", index=False)
    with pytest.raises(InstanceError, match=r"skus\.csv: missing column\(s\) \['unit_cost'\]"):
        read_scenario(folder)


def test_negative_price(folder: Path) -> None:
    """A negative price is reported with its line and column."""
    frame = pd.read_csv(folder / "skus.csv", dtype=str, keep_default_na=False)
    frame.loc[2, "price"] = "-5"
    frame.to_csv(folder / "skus.csv", index=False)
    with pytest.raises(InstanceError, match=r"skus\.csv: line 4, column 'price': -5 is below the minimum"):
        read_scenario(folder)


def test_not_a_number(folder: Path) -> None:
    """Text where a number belongs is reported."""
    frame = pd.read_csv(folder / "warehouses.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "order_capacity_per_day"] = "lots"
    frame.to_csv(folder / "warehouses.csv", index=False)
    with pytest.raises(InstanceError, match=r"line 2, column 'order_capacity_per_day': 'lots' is not a number"):
        read_scenario(folder)


def test_missing_file(folder: Path) -> None:
    """A missing table is named."""
    (folder / "staff.csv").unlink()
    with pytest.raises(InstanceError, match=r"staff\.csv: missing file"):
        read_scenario(folder)


def test_history_must_match_demand(folder: Path) -> None:
    """A history.csv that disagrees with demand.csv is reported."""
    lines = (folder / "history.csv").read_text().splitlines()
    uid, ds, y = lines[1].split(",")
    lines[1] = f"{uid},{ds},{int(y) + 5}"
    (folder / "history.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(InstanceError, match=r"history\.csv: line 2, column 'y'"):
        read_scenario(folder)


def test_gzipped_folder_reads_the_same_and_rewrites_in_place(small: Scenario, tmp_path: Path) -> None:
    """write_scenario(compress=True) writes the daily tables as .csv.gz (the same bytes each time),
    removes their plain CSVs left from before, keeps the small tables plain, and reads back equal."""
    plain, packed = tmp_path / "plain", tmp_path / "packed"
    write_scenario(small, plain)
    shutil.copytree(plain, packed)
    written = write_scenario(small, packed, compress=True)
    names = sorted(p.name for p in packed.iterdir())
    assert {"demand.csv.gz", "returns.csv.gz", "history.csv.gz", "staff.csv"} <= set(names)
    assert not {"demand.csv", "returns.csv", "history.csv", "staff.csv.gz"} & set(names)
    first = (packed / "demand.csv.gz").read_bytes()
    write_scenario(small, packed, compress=True)
    assert (packed / "demand.csv.gz").read_bytes() == first and len(written) == len(names)
    a, b = read_scenario(plain), read_scenario(packed)
    for name, frame in a.tables().items():
        pd.testing.assert_frame_equal(b.tables()[name], frame, obj=name)


def test_broken_gzip_is_named(small: Scenario, tmp_path: Path) -> None:
    """A corrupt .csv.gz is a clear error naming the file, not a traceback."""
    write_scenario(small, tmp_path, compress=True)
    (tmp_path / "returns.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(InstanceError, match=r"returns\.csv\.gz: cannot read the table"):
        read_scenario(tmp_path)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("supplier_outage_share", 1.0, "must be below 1"),
        ("supplier_outage_days", 0.5, "an outage lasts at least one day"),
        ("transfer_lead_days", 0, "not a whole number of days of at least 1"),
        ("transfer_lead_days", 1.5, "not a whole number of days of at least 1"),
        ("transfer_cost_per_unit", -0.5, "negative value"),
        ("transfer_cost_per_shipment", "cheap", "is not a number"),
    ],
)
def test_impossible_supply_or_transfer_field_is_named(folder: Path, key: str, value: object, message: str) -> None:
    """A supplier that never ships, an outage shorter than a day, a transfer price or lead time that
    cannot be: named in costs.yaml with its reason."""
    path = folder / "costs.yaml"
    costs = yaml.safe_load(path.read_text())
    costs[key] = value
    path.write_text(yaml.safe_dump(costs))
    with pytest.raises(InstanceError, match=rf"costs\.yaml.*{key}: .*{message}"):
        read_scenario(folder)


def test_costs_without_transfer_fields_read_with_the_defaults(folder: Path) -> None:
    """A costs.yaml written before transfers existed reads with their documented defaults."""
    path = folder / "costs.yaml"
    costs = yaml.safe_load(path.read_text())
    old = {k: v for k, v in costs.items() if not k.startswith("transfer_")}
    assert len(old) == len(costs) - 3
    path.write_text(yaml.safe_dump(old))
    back = read_scenario(folder).costs
    assert (back.transfer_cost_per_unit, back.transfer_cost_per_shipment, back.transfer_lead_days) == (0.6, 60.0, 1)
