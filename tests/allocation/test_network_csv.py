"""Facility, placement and order-allocation instances as CSV folders: same instance as the YAML form."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.allocation.cases import three_by_four
from tests.allocation.test_orders import hand_document
from tests.allocation.test_placement import two_by_two
from typer.testing import CliRunner

from optiops.cli.main import app
from optiops.exceptions import InstanceError
from optiops.io.documents import document_kind
from optiops.io.network_csv import read_facility_folder, read_orders_folder, read_placement_folder
from optiops.model.network import FacilityInstance
from optiops.model.orders import OrderAllocationInstance
from optiops.model.placement import PlacementInstance


def write(folder: Path, name: str, header: list[str], rows: list[list[Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def facility_folder(folder: Path) -> Path:
    doc = three_by_four()
    wh, cu = doc["warehouses"], doc["customers"]
    write(
        folder,
        "warehouses.csv",
        ["id", "capacity", "fixed_cost"],
        [[w["id"], w["capacity"], w["fixed_cost"]] for w in wh],
    )
    write(folder, "customers.csv", ["id", "demand"], [[c["id"], c["demand"]] for c in cu])
    write(folder, "costs.csv", ["warehouse", "customer", "cost"],
          [[w["id"], c["id"], doc["cost"][i][j]] for i, w in enumerate(wh) for j, c in enumerate(cu)])  # fmt: skip
    (folder / "settings.yaml").write_text(yaml.safe_dump({"name": doc["name"]}))
    return folder


def placement_folder(folder: Path) -> Path:
    doc = two_by_two()
    write(folder, "warehouses.csv", ["id", "space", "max_skus", "stocking_cost"],
          [[w["id"], w["space"], w["max_skus"], w["stocking_cost"]] for w in doc["warehouses"]])  # fmt: skip
    write(folder, "skus.csv", ["id", "volume", "cover"], [[s["id"], s["volume"], s["cover"]] for s in doc["skus"]])
    write(folder, "zones.csv", ["id"], [[z] for z in doc["zones"]])
    write(folder, "demand.csv", ["sku", "zone", "units"],
          [[s["id"], z, doc["demand"][k][j]] for k, s in enumerate(doc["skus"]) for j, z in enumerate(doc["zones"])
           if doc["demand"][k][j]])  # fmt: skip
    write(folder, "shipping.csv", ["warehouse", "zone", "cost"],
          [[w["id"], z, doc["shipping_cost"][i][j]] for i, w in enumerate(doc["warehouses"])
           for j, z in enumerate(doc["zones"])])  # fmt: skip
    (folder / "settings.yaml").write_text(yaml.safe_dump({"name": doc["name"], "split_cost": doc["split_cost"]}))
    return folder


def orders_folder(folder: Path) -> Path:
    doc = hand_document()
    wh, zones = doc["warehouses"], [z["id"] for z in doc["zones"]]
    write(folder, "warehouses.csv", ["id", "capacity", "handling_cost"],
          [[w["id"], w["capacity"], w["handling_cost"]] for w in wh])  # fmt: skip
    write(folder, "stock.csv", ["warehouse", "sku", "units"],
          [[w["id"], s, u] for w in wh for s, u in w["stock"].items()])  # fmt: skip
    write(folder, "zones.csv", ["id"], [[z] for z in zones])
    write(folder, "shipping.csv", ["warehouse", "zone", "cost", "transit_days"],
          [[w["id"], z, doc["shipping_cost"][i][j], doc["transit_days"][i][j]] for i, w in enumerate(wh)
           for j, z in enumerate(zones)])  # fmt: skip
    write(folder, "promises.csv", ["id", "max_transit_days"],
          [[p["id"], p["max_transit_days"]] for p in doc["promise_classes"]])  # fmt: skip
    lines = [[o["id"], o["zone"], o["promise"], line["sku"], 1] for o in doc["orders"] for line in o["lines"]]
    write(folder, "lines.csv", ["order", "zone", "promise", "sku", "quantity"], lines)
    (folder / "settings.yaml").write_text(yaml.safe_dump({"name": doc["name"], "split_penalty": doc["split_penalty"]}))
    return folder


def test_folders_read_as_the_yaml_instances(tmp_path: Path) -> None:
    """Each folder gives the instance its YAML document gives, and its kind is recognised."""
    fac = facility_folder(tmp_path / "fac")
    assert document_kind(fac) == "facility"
    assert read_facility_folder(fac) == FacilityInstance.model_validate(three_by_four())
    pla = placement_folder(tmp_path / "pla")
    assert document_kind(pla) == "placement"
    assert read_placement_folder(pla) == PlacementInstance.model_validate(two_by_two())
    orders = orders_folder(tmp_path / "ord")
    assert document_kind(orders) == "order-allocation"
    got, expected = read_orders_folder(orders), OrderAllocationInstance.model_validate(hand_document())
    assert got.model_dump() == expected.model_dump()


@pytest.mark.parametrize(("make", "objective"), [(facility_folder, 49.0), (placement_folder, 45.5),
                                                 (orders_folder, 15.0)])  # fmt: skip
def test_cli_solves_and_evaluates_a_folder(tmp_path: Path, make: Any, objective: float) -> None:
    """``optiops solve FOLDER`` reaches each hand-solved optimum; ``evaluate`` agrees."""
    runner = CliRunner()
    folder, out = make(tmp_path / "in"), tmp_path / "out"
    result = runner.invoke(app, ["solve", str(folder), "--out", str(out), "--backend", "highs", "--time-limit", "10"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "plan.json").read_text())["objective"] == pytest.approx(objective, abs=1e-4)
    checked = runner.invoke(app, ["evaluate", str(folder), str(out / "plan.json"), "--json"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)["objective"] == pytest.approx(objective, abs=1e-4)


def test_problems_name_file_line_and_column(tmp_path: Path) -> None:
    """A bad number, an unknown id, a missing pair and a negative capacity, each with its place."""
    folder = facility_folder(tmp_path / "fac")
    rows = list(csv.reader((folder / "costs.csv").open()))
    rows[3][2] = "cheap"  # line 4
    rows[5][1] = "C9"  # line 6: unknown customer, so that pair also lacks a row
    write(folder, "costs.csv", rows[0], rows[1:])
    with pytest.raises(InstanceError) as err:
        read_facility_folder(folder)
    text = str(err.value)
    assert "costs.csv line 4, column cost: 'cheap' is not a number" in text
    assert "costs.csv line 6, column customer: unknown id 'C9'" in text
    assert "pair(s) have no row" in text
    folder = facility_folder(tmp_path / "fac2")
    write(folder, "warehouses.csv", ["id", "capacity", "fixed_cost"], [["A", 8, 10], ["B", -1, 12], ["C", 20, 30]])
    with pytest.raises(InstanceError, match=r"warehouses.csv line 3, column capacity"):
        read_facility_folder(folder)
    (folder / "settings.yaml").write_text("colour: red\n")
    write(folder, "warehouses.csv", ["id", "capacity", "size"], [["A", 8, 1]])
    with pytest.raises(InstanceError) as err:
        read_facility_folder(folder)
    assert "unknown field 'colour'" in str(err.value) and "warehouses.csv: unknown column(s) size" in str(err.value)


def test_cli_bad_folder_is_a_clear_error(tmp_path: Path) -> None:
    """A broken folder exits non-zero with the file named, no traceback, nothing written."""
    folder = placement_folder(tmp_path / "pla")
    write(folder, "shipping.csv", ["warehouse", "zone", "cost"], [["A", "X", 1]])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["solve", str(folder), "--out", str(out)])
    assert result.exit_code != 0 and "shipping.csv" in result.output and "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_a_negative_demand_names_its_file(tmp_path: Path) -> None:
    """Checks the model makes on a matrix point at the CSV file the matrix came from."""
    folder = placement_folder(tmp_path / "pla")
    write(folder, "demand.csv", ["sku", "zone", "units"], [["P", "X", -4]])
    with pytest.raises(InstanceError, match=r"demand.csv \(demand.0.0"):
        read_placement_folder(folder)
