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
