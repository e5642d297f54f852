"""Bad input gets a clear error naming file, field and reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.conftest import tiny_document

import optiops
from optiops.exceptions import InstanceError


def write(tmp_path: Path, doc: Any, name: str = "inst.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc) if name.endswith(".yaml") else json.dumps(doc))
    return path


def error_of(tmp_path: Path, doc: Any, name: str = "inst.yaml") -> str:
    path = write(tmp_path, doc, name)
    with pytest.raises(InstanceError) as info:
        optiops.load(path)
    text = str(info.value)
    assert str(path) in text
    return text


def test_valid_document_loads(tmp_path: Path) -> None:
    """The fixture document is valid in YAML and JSON alike."""
    assert len(optiops.load(write(tmp_path, tiny_document())).stops) == 5
    assert len(optiops.load(write(tmp_path, tiny_document(), "i.json")).stops) == 5


def test_malformed_yaml(tmp_path: Path) -> None:
    """Unparseable YAML is reported as malformed."""
    path = tmp_path / "bad.yaml"
    path.write_text("kind: routing\nstops: [a, b\n")
    with pytest.raises(InstanceError, match="malformed YAML"):
        optiops.load(path)


def test_unknown_field(tmp_path: Path) -> None:
    """A misspelt field is named with its path."""
    doc = tiny_document()
    doc["stops"][1]["servce_time"] = 3
    assert "stops[1] (id 'b').servce_time: unknown field" in error_of(tmp_path, doc)


def test_negative_demand(tmp_path: Path) -> None:
    """Negative demand names the stop and field."""
    doc = tiny_document()
    doc["stops"][0]["delivery"] = -2
    assert "stops[0] (id 'a').delivery" in error_of(tmp_path, doc)


def test_window_end_before_start(tmp_path: Path) -> None:
    """A time window that ends before it starts is rejected with both values."""
    doc = tiny_document()
    doc["stops"][0]["time_windows"] = [[50, 10]]
    assert "ends (10.0) before it starts (50.0)" in error_of(tmp_path, doc)


def test_unknown_depot(tmp_path: Path) -> None:
    """A vehicle type referring to a missing depot is named."""
    doc = tiny_document()
    doc["vehicle_types"][0]["start_depot"] = "X"
    assert "vehicle_types[0].start_depot: unknown depot 'X'" in error_of(tmp_path, doc)


def test_demand_exceeding_every_vehicle(tmp_path: Path) -> None:
    """A stop no vehicle can carry is named."""
    doc = tiny_document()
    doc["stops"][2]["delivery"] = 11
    assert "stop 'c' exceeds the capacity of every vehicle type" in error_of(tmp_path, doc)


def test_empty_instance(tmp_path: Path) -> None:
    """An instance without stops or shipments is an error, not an empty plan."""
    assert "no stops and no shipments" in error_of(tmp_path, tiny_document(stops=[]))


def test_wrong_kind(tmp_path: Path) -> None:
    """A document of another kind is refused."""
    assert "kind" in error_of(tmp_path, tiny_document(kind="inventory"))


def test_dimension_mismatch(tmp_path: Path) -> None:
    """Demand vectors must have one value per dimension."""
    doc = tiny_document(dimensions=["parcels", "litres"])
    doc["vehicle_types"][0]["capacity"] = [10, 100]
    doc["stops"][0]["delivery"] = [1, 2, 3]
    assert "stops[0].delivery: has 3 values, expected 2" in error_of(tmp_path, doc)


def test_optional_stop_needs_penalty(tmp_path: Path) -> None:
    """An optional stop without skip_penalty is rejected."""
    doc = tiny_document()
    del doc["stops"][4]["skip_penalty"]
    assert "skip_penalty" in error_of(tmp_path, doc)


def test_unknown_suffix(tmp_path: Path) -> None:
    """An unsupported file type is refused before reading."""
    path = tmp_path / "x.xlsx"
    path.write_text("")
    with pytest.raises(InstanceError, match="unknown file type"):
        optiops.load(path)


def test_rounding_none_needs_integers(tiny: optiops.RoutingInstance) -> None:
    """rounding 'none' refuses non-integral travel times rather than rounding them silently."""
    with pytest.raises(InstanceError, match="rounding 'none' needs integer values"):
        optiops.solve(tiny, options=optiops.SolveOptions(rounding="none", time_limit=0.5))


def csv_folder(tmp_path: Path, stops_header: str = "id,x,y,delivery", meta: str = "name: c\n") -> Path:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "instance.yaml").write_text(meta)
    (folder / "depots.csv").write_text("id,x,y\nD,0,0\n")
    (folder / "stops.csv").write_text(f"{stops_header}\na,1,1,3\nb,2,2,4\n")
    (folder / "vehicles.csv").write_text("id,count,capacity,start_depot\nvan,1,10,D\n")
    return folder


def test_csv_folder_reads(tmp_path: Path) -> None:
    """A minimal CSV folder becomes an instance with the demands of stops.csv."""
    inst = optiops.load(csv_folder(tmp_path))
    assert [(s.id, s.delivery) for s in inst.stops] == [("a", 3), ("b", 4)]


def test_csv_bad_number_names_line_and_column(tmp_path: Path) -> None:
    """A non-numeric cell is reported with file, line and column."""
    folder = csv_folder(tmp_path)
    (folder / "stops.csv").write_text("id,x,y,delivery\na,1,1,three\n")
    with pytest.raises(InstanceError, match=r"stops.csv: line 2, column 'delivery'"):
        optiops.load(folder)


def test_csv_column_of_wrong_dimension_form(tmp_path: Path) -> None:
    """With one dimension, a delivery_<dim> column is unknown rather than silently ignored."""
    with pytest.raises(InstanceError, match="unknown columns"):
        optiops.load(csv_folder(tmp_path, stops_header="id,x,y,delivery_load"))


def test_csv_meta_unknown_key(tmp_path: Path) -> None:
    """A misplaced key in instance.yaml is refused."""
    with pytest.raises(InstanceError, match="unknown keys"):
        optiops.load(csv_folder(tmp_path, meta="name: c\nspeed: 2\n"))


def test_csv_matrix_header_must_follow_node_order(tmp_path: Path) -> None:
    """A distance matrix whose header is not in node order is refused."""
    folder = csv_folder(tmp_path)
    (folder / "distance_matrix.csv").write_text("a,D,b\n0,1,1\n1,0,1\n1,1,0\n")
    with pytest.raises(InstanceError, match="node order"):
        optiops.load(folder)


def test_duplicate_vehicle_type_id(tmp_path: Path) -> None:
    """Two vehicle types with one id are refused."""
    doc = tiny_document()
    doc["vehicle_types"].append(dict(doc["vehicle_types"][0]))
    assert "vehicle_types: id 'van' is used twice" in error_of(tmp_path, doc)


def test_scalar_capacity_with_several_dimensions(tmp_path: Path) -> None:
    """A single capacity number for two dimensions is refused instead of meaning zero for the second."""
    doc = tiny_document(dimensions=["parcels", "litres"])
    for s in doc["stops"]:
        s["delivery"] = [s["delivery"], 1]
        s.pop("pickup", None)
    assert "vehicle_types[0].capacity: give one value per dimension" in error_of(tmp_path, doc)
