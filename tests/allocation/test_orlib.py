"""OR-Library capacitated warehouse files and facility documents: reading, and errors naming line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tests.allocation.cases import CAP_FILE, three_by_four

from optiops.allocation import solve_facility
from optiops.exceptions import InstanceError
from optiops.io.orlib import (
    is_facility_file,
    load_facility,
    read_facility_document,
    read_facility_plan,
    read_orlib_cap,
)


def cap_file(tmp_path: Path, text: str = CAP_FILE, name: str = "tiny.txt") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def error_of(path: Path, capacity: float | None = None) -> str:
    with pytest.raises(InstanceError) as info:
        read_orlib_cap(path, capacity)
    text = str(info.value)
    assert str(path) in text
    return text


def test_reads_file_with_capacity_override(tmp_path: Path) -> None:
    """The placeholder takes the override; costs wrap across lines; the name carries the capacity."""
    inst = read_orlib_cap(cap_file(tmp_path), capacity=20)
    assert inst.name == "tiny-20" and inst.cost_basis == "total"
    assert [w.capacity for w in inst.warehouses] == [8, 10, 20]
    assert [c.demand for c in inst.customers] == [4, 5, 6, 3]
    assert inst.cost[0] == [4, 10, 30, 18] and inst.cost[2] == [12, 15, 18, 9]


def test_orlib_file_solves_to_the_hand_optimum(tmp_path: Path) -> None:
    """The file form of the 3 x 4 instance has the same optimum, 49."""
    plan = solve_facility(read_orlib_cap(cap_file(tmp_path), capacity=20), "highs")
    assert plan.objective == pytest.approx(49.0)


def test_placeholder_needs_an_override(tmp_path: Path) -> None:
    """Without an override the placeholder is reported with its line and warehouse."""
    assert "line 4: warehouse W3 capacity is the word 'capacity'" in error_of(cap_file(tmp_path))


def test_override_on_numeric_capacities_is_refused(tmp_path: Path) -> None:
    """An override for a file without placeholders is a mistake worth reporting."""
    path = cap_file(tmp_path, CAP_FILE.replace("capacity", "20"))
    assert "every warehouse capacity is a number" in error_of(path, capacity=5)


def test_non_number_names_line_and_field(tmp_path: Path) -> None:
    """A bad cost names its line, customer and warehouse."""
    path = cap_file(tmp_path, CAP_FILE.replace(" 30. 6.", " 30. six"))
    assert "line 10: customer C3 cost from warehouse W2: 'six' is not a number" in error_of(path, 20)


def test_bad_header(tmp_path: Path) -> None:
    """The header must hold two whole numbers."""
    assert "line 1: warehouses m: 'x' is not a whole number" in error_of(cap_file(tmp_path, "x 4\n"))


def test_truncated_file(tmp_path: Path) -> None:
    """A file that stops early says what it was reading."""
    text = CAP_FILE.rsplit("\n", 2)[0] + "\n"
    assert "while reading customer C4 cost from warehouse W1" in error_of(cap_file(tmp_path, text), 20)


def test_extra_data(tmp_path: Path) -> None:
    """Data after the last customer is reported with its line."""
    assert "line 14: unexpected data" in error_of(cap_file(tmp_path, CAP_FILE + " 7\n"), 20)


def test_negative_capacity_is_a_field_error(tmp_path: Path) -> None:
    """Values the model refuses are reported with their field path."""
    path = cap_file(tmp_path, CAP_FILE.replace(" 8 10.", " -8 10."))
    assert "warehouses[0] (id 'W1').capacity" in error_of(path, 20)


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_document_loads(tmp_path: Path, suffix: str) -> None:
    """A kind: facility document loads from YAML and JSON alike."""
    path = tmp_path / f"inst{suffix}"
    doc = three_by_four()
    path.write_text(yaml.safe_dump(doc) if suffix == ".yaml" else json.dumps(doc))
    assert len(load_facility(path).customers) == 4


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"cost": [[1, 2, 3, 4]]}, "cost: has 1 rows, expected one per warehouse (3)"),
        ({"customers": [{"id": "C1", "demand": 1}, {"id": "C1", "demand": 2}, {"id": "C3", "demand": 1},
                        {"id": "C4", "demand": 1}]}, "customers[1].id: duplicate id 'C1'"),
        ({"cost_basis": "per_parcel"}, "cost_basis"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"kind": "routing"}, "kind: expected 'facility', found 'routing'"),
    ],
)  # fmt: skip
def test_bad_documents(tmp_path: Path, change: dict[str, object], expected: str) -> None:
    """Every document error names the field and the reason."""
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(three_by_four(**change)))
    with pytest.raises(InstanceError) as info:
        read_facility_document(path)
    assert expected in str(info.value) and str(path) in str(info.value)


def test_plan_document_round_trip(tmp_path: Path) -> None:
    """A plan saved as JSON reads back equal."""
    plan = solve_facility(load_facility(cap_file(tmp_path), capacity=20), "highs")
    path = tmp_path / "plan.json"
    path.write_text(plan.model_dump_json())
    assert read_facility_plan(path) == plan


def test_unknown_suffix(tmp_path: Path) -> None:
    """Only .txt and YAML/JSON are facility files."""
    path = cap_file(tmp_path, name="x.csv")
    with pytest.raises(InstanceError, match="unknown file type"):
        load_facility(path)


def test_facility_files_are_recognised(tmp_path: Path) -> None:
    """OR-Library cap files and facility documents are told apart from Solomon text and routing documents."""
    solomon = cap_file(tmp_path, "C101\n\nVEHICLE\nNUMBER     CAPACITY\n  25         200\n", name="c101.txt")
    routing = tmp_path / "r.yaml"
    routing.write_text("kind: routing\n")
    facility = tmp_path / "f.yaml"
    facility.write_text(yaml.safe_dump(three_by_four()))
    assert is_facility_file(cap_file(tmp_path)) and is_facility_file(facility)
    assert not is_facility_file(solomon) and not is_facility_file(routing)
