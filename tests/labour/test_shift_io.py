"""Shift benchmark text files and roster documents: reading, and errors naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tests.labour.cases import TINY_ROSTER, TINY_TEXT, tiny, tiny_document

from optiops.exceptions import InstanceError
from optiops.io.shift import is_roster_file, load_roster, read_roster_plan, read_shift_text, roster_csv
from optiops.model.labour import RosterPlan, roster_arrays


def text_file(tmp_path: Path, text: str = TINY_TEXT, name: str = "tiny.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def error_of(path: Path) -> str:
    with pytest.raises(InstanceError) as info:
        read_shift_text(path)
    text = str(info.value)
    assert str(path) in text
    return text


def test_text_matches_the_document(tmp_path: Path) -> None:
    """The text form of the tiny instance holds the same rules and penalties as the document."""
    inst = read_shift_text(text_file(tmp_path))
    a, b = roster_arrays(inst), roster_arrays(tiny())
    for field in ("minutes", "forbidden", "max_shifts", "min_minutes", "max_minutes", "min_run", "max_run",
                  "min_off", "max_weekends", "day_off", "on_weight", "off_weight", "requirement", "under_weight",
                  "over_weight", "weekend"):  # fmt: skip
        assert (getattr(a, field) == getattr(b, field)).all(), field
    assert inst.name == "tiny" and inst.first_weekday == 0


def test_crlf_and_trailing_comments(tmp_path: Path) -> None:
    """Windows line ends, a byte-order mark and comments after data are tolerated."""
    text = "\ufeff" + TINY_TEXT.replace("A,2,N,3", "A,2,N,3  # A wants the night").replace("\n", "\r\n")
    inst = read_shift_text(text_file(tmp_path, text))
    assert inst.shift_on_requests[0].weight == 3 and len(inst.cover) == 14


def test_bad_number_names_line_and_field(tmp_path: Path) -> None:
    """A non-number is reported with its line, employee and field."""
    path = text_file(tmp_path, TINY_TEXT.replace("B,E=7|N=7,3000,", "B,E=7|N=7,lots,"))
    line = TINY_TEXT.splitlines().index("B,E=7|N=7,3000,0,7,1,1,2") + 1
    assert f"line {line}: employee 'B' MaxTotalMinutes: 'lots' is not a whole number" in error_of(path)


def test_unknown_shift_in_cover(tmp_path: Path) -> None:
    """A cover line for a shift type that does not exist names the line."""
    path = text_file(tmp_path, TINY_TEXT.replace("6,N,1,20,5", "6,X,1,20,5"))
    line = TINY_TEXT.splitlines().index("6,N,1,20,5") + 1
    assert f"line {line}: SECTION_COVER ShiftID: unknown shift type 'X'" in error_of(path)


def test_day_outside_horizon_and_unknown_employee(tmp_path: Path) -> None:
    """Requests for day 9 of a 7-day horizon and for an unknown employee are both reported."""
    path = text_file(tmp_path, TINY_TEXT.replace("A,3,E,2", "Z,9,E,2"))
    text = error_of(path)
    assert "unknown employee 'Z'" in text and "day 9 is outside the horizon 0..6" in text


def test_wrong_field_count(tmp_path: Path) -> None:
    """A staff line with a missing field says how many were expected."""
    path = text_file(tmp_path, TINY_TEXT.replace("C,E=7|N=7,4200,2400,7,1,1,0", "C,E=7|N=7,4200,2400,7,1,1"))
    assert "SECTION_STAFF: expected 8 comma-separated fields" in error_of(path)


def test_unknown_section_and_missing_horizon(tmp_path: Path) -> None:
    """A misspelt section is named; a file without a horizon is refused."""
    assert "unknown section 'SECTION_COVERS'" in error_of(text_file(tmp_path, TINY_TEXT.replace(
        "SECTION_COVER\n", "SECTION_COVERS\n")))  # fmt: skip
    assert "SECTION_HORIZON: expected one line" in error_of(text_file(tmp_path, "SECTION_SHIFTS\nD,480,\n", "x.txt"))


def test_duplicate_employee(tmp_path: Path) -> None:
    """Two staff lines with one id are reported with the second line."""
    path = text_file(tmp_path, TINY_TEXT.replace("C,E=7|N=7,4200,2400,7,1,1,0", "B,E=7|N=7,4200,2400,7,1,1,0"))
    assert "SECTION_STAFF: duplicate id 'B'" in error_of(path)


def test_documents_and_plans_round_trip(tmp_path: Path) -> None:
    """YAML and JSON roster documents load; a plan written as JSON reads back."""
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(tiny_document()))
    (tmp_path / "r.json").write_text(json.dumps(tiny_document()))
    assert load_roster(tmp_path / "r.yaml") == load_roster(tmp_path / "r.json") == tiny()
    assert is_roster_file(tmp_path / "r.yaml") and is_roster_file(text_file(tmp_path))
    plan = RosterPlan(instance="tiny", assignment=TINY_ROSTER, objective=12)
    (tmp_path / "plan.json").write_text(plan.model_dump_json())
    assert read_roster_plan(tmp_path / "plan.json") == plan


def test_document_errors_name_the_field(tmp_path: Path) -> None:
    """A request for an unknown shift type in a document names the field path."""
    doc = tiny_document(shift_off_requests=[{"employee": "A", "day": 1, "shift": "Q", "weight": 1}])
    (tmp_path / "r.yaml").write_text(yaml.safe_dump(doc))
    with pytest.raises(InstanceError, match=r"shift_off_requests\[0\]\.shift: unknown shift type 'Q'"):
        load_roster(tmp_path / "r.yaml")


def test_roster_csv() -> None:
    """One row per employee, one column per day, empty cells for days off."""
    lines = roster_csv(tiny(), RosterPlan(assignment=TINY_ROSTER)).splitlines()
    assert lines[0] == "employee,day0,day1,day2,day3,day4,day5,day6"
    assert lines[1] == "A,,,N,,,N,N"
