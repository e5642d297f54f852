"""Shift Scheduling Benchmark text files, YAML/JSON ``kind: roster`` documents, and the roster CSV.

Benchmark format (Curtois and Qu, http://www.schedulingbenchmarks.org/nrp/, instances 1-24): sections
introduced by a ``SECTION_...`` line, comma-separated fields, ``#`` starts a comment, blank lines and
CRLF line ends are ignored::

    SECTION_HORIZON             14                          days (the first is a Monday)
    SECTION_SHIFTS              D,480,E|L                   id, minutes, shifts that cannot follow it
    SECTION_STAFF               A,D=14|L=0,4320,3360,5,2,2,1
                                id, max shifts per type, max minutes, min minutes,
                                max consecutive shifts, min consecutive shifts, min consecutive days off,
                                max weekends
    SECTION_DAYS_OFF            A,0,7                       employee, days that cannot be worked
    SECTION_SHIFT_ON_REQUESTS   A,2,D,2                     employee, day, shift, weight
    SECTION_SHIFT_OFF_REQUESTS  C,12,D,1                    employee, day, shift, weight
    SECTION_COVER               0,D,5,100,1                 day, shift, requirement, under weight, over weight

Every problem names the file, the line and the field.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from optiops.exceptions import InstanceError
from optiops.io.documents import DOCUMENT_SUFFIXES, read_as, read_document, validate_as
from optiops.model.labour import RosterInstance, RosterPlan

HEAD_LINES = 40  # a benchmark file names its horizon within its first lines
SHIFT_SUFFIXES = {".txt"}
MAX_PROBLEMS = 20
Line = tuple[int, list[str]]  # (line number, fields)

SECTIONS = {  # name -> (fields of a data line, their names); None: any number (an id, then days)
    "SECTION_HORIZON": (1, ["days"]),
    "SECTION_SHIFTS": (3, ["ShiftID", "Length in mins", "Shifts which cannot follow this shift"]),
    "SECTION_STAFF": (8, ["ID", "MaxShifts", "MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts",
                          "MinConsecutiveShifts", "MinConsecutiveDaysOff", "MaxWeekends"]),
    "SECTION_DAYS_OFF": (None, ["EmployeeID", "DayIndexes"]),
    "SECTION_SHIFT_ON_REQUESTS": (4, ["EmployeeID", "Day", "ShiftID", "Weight"]),
    "SECTION_SHIFT_OFF_REQUESTS": (4, ["EmployeeID", "Day", "ShiftID", "Weight"]),
    "SECTION_COVER": (5, ["Day", "ShiftID", "Requirement", "Weight for under", "Weight for over"]),
}  # fmt: skip


class _Problems:
    """Collects problems of one file, each prefixed with its line."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, line: int, message: str) -> None:
        self.items.append(f"line {line}: {message}")

    def integer(self, token: str, line: int, field: str, minimum: int = 0) -> int:
        """``token`` as a whole number >= ``minimum``, or 0 after recording why it is not."""
        try:
            value = int(token)
        except ValueError:
            self.add(line, f"{field}: {token!r} is not a whole number")
            return 0
        if value < minimum:
            self.add(line, f"{field}: must be at least {minimum}, found {value}")
        return value

    def raise_if_any(self, src: str) -> None:
        if self.items:
            extra = len(self.items) - MAX_PROBLEMS
            raise InstanceError(self.items[:MAX_PROBLEMS] + ([f"... and {extra} more"] if extra > 0 else []), src)


def read_shift_text(path: str | Path, name: str | None = None) -> RosterInstance:
    """Read a Shift Scheduling Benchmark ``InstanceN.txt`` file.

    Parameters
    ----------
    path : str or Path
        The text file.
    name : str, optional
        Instance name; default the file stem.

    Returns
    -------
    RosterInstance
        The validated instance (day 0 is a Monday, as the benchmark states).

    Raises
    ------
    InstanceError
        With file, line and field of every problem found (up to 20).
    """
    path = Path(path)
    src = str(path)
    sections = _sections(_read_text(path), src)
    p = _Problems()
    horizon = _horizon(sections, p, src)
    shift_types = [_shift(fields, line, p) for line, fields in sections.get("SECTION_SHIFTS", [])]
    employees = [_staff(fields, line, p) for line, fields in sections.get("SECTION_STAFF", [])]
    _days_off(sections.get("SECTION_DAYS_OFF", []), employees, horizon, p)
    on = [
        _request(f, line, "SECTION_SHIFT_ON_REQUESTS", p) for line, f in sections.get("SECTION_SHIFT_ON_REQUESTS", [])
    ]
    off = [
        _request(f, line, "SECTION_SHIFT_OFF_REQUESTS", p) for line, f in sections.get("SECTION_SHIFT_OFF_REQUESTS", [])
    ]
    cover = [_cover(fields, line, p) for line, fields in sections.get("SECTION_COVER", [])]
    p.raise_if_any(src)
    _check_references(sections, horizon, shift_types, employees, on, off, cover, p)
    p.raise_if_any(src)
    data = {"kind": "roster", "name": name or path.stem, "horizon": horizon, "first_weekday": 0,
            "shift_types": shift_types, "employees": employees, "shift_on_requests": on,
            "shift_off_requests": off, "cover": cover}  # fmt: skip
    return validate_as(data, src, RosterInstance)


def read_roster_document(path: str | Path) -> RosterInstance:
    """Read a YAML or JSON document with ``kind: roster`` (:func:`~optiops.io.documents.read_as`)."""
    return read_as(path, RosterInstance)


def read_roster_plan(path: str | Path) -> RosterPlan:
    """Read a ``kind: roster-plan`` document (a plan written by ``optiops solve`` or ``optiops.save``)."""
    return read_as(path, RosterPlan)


def load_roster(path: str | Path) -> RosterInstance:
    """Read a roster instance from a benchmark ``.txt`` file or a YAML/JSON document.

    Parameters
    ----------
    path : str or Path
        The file.

    Returns
    -------
    RosterInstance
        The validated instance.
    """
    path = Path(path)
    if not path.is_file():
        raise InstanceError("no such file", str(path))
    suffix = path.suffix.lower()
    if suffix in SHIFT_SUFFIXES:
        return read_shift_text(path)
    if suffix in DOCUMENT_SUFFIXES:
        return read_roster_document(path)
    raise InstanceError(f"unknown file type {suffix!r}: expected .txt (shift benchmark) or .yaml/.yml/.json", str(path))


def is_roster_file(path: str | Path) -> bool:
    """True for a Shift Scheduling Benchmark file (:func:`looks_like_shift_text`) or a ``kind: roster`` document."""
    path = Path(path)
    if not path.is_file():
        return False
    suffix = path.suffix.lower()
    if suffix in SHIFT_SUFFIXES:
        try:
            with path.open(encoding="utf-8-sig") as fh:
                return looks_like_shift_text(tuple(fh.readline() for _ in range(HEAD_LINES)))
        except (OSError, UnicodeDecodeError):
            return False
    if suffix in DOCUMENT_SUFFIXES:
        return read_document(path).get("kind") == "roster"
    return False


def looks_like_shift_text(head: tuple[str, ...]) -> bool:
    """Whether a text file's first lines hold ``SECTION_HORIZON`` (the Shift Scheduling Benchmark format)."""
    return any(line.strip().startswith("SECTION_HORIZON") for line in head[:HEAD_LINES])


def roster_csv(inst: RosterInstance, plan: RosterPlan) -> str:
    """The roster as a table: one row per employee, one column per day (shift id, empty for off).

    Parameters
    ----------
    inst : RosterInstance
        The instance (for the employee order and the horizon).
    plan : RosterPlan
        The plan.

    Returns
    -------
    str
        CSV text with columns ``employee, day0, day1, ...``.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["employee", *(f"day{d}" for d in range(inst.horizon))])
    for e in inst.employees:
        row = plan.assignment.get(e.id, [None] * inst.horizon)
        writer.writerow([e.id, *("" if s is None else s for s in row)])
    return buf.getvalue()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InstanceError(f"cannot read file: {exc.strerror}", str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InstanceError(f"not UTF-8 text (byte {exc.start})", str(path)) from exc


def _sections(text: str, src: str) -> dict[str, list[Line]]:
    """Data lines by section, comments and blank lines dropped, fields stripped."""
    sections: dict[str, list[Line]] = {}
    current: str | None = None
    p = _Problems()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                p.add(number, f"unknown section {line!r}; expected one of {', '.join(SECTIONS)}")
            elif line in sections:
                p.add(number, f"section {line} appears twice")
            current = line if line in SECTIONS else ""  # "": skip the lines of an unknown section
            sections.setdefault(current, [])
            continue
        if current is None:
            p.add(number, "data before the first SECTION_ line")
            continue
        if not current:
            continue
        fields = [f.strip() for f in line.split(",")]
        count, names = SECTIONS[current]
        if count is not None and len(fields) != count:
            p.add(number, f"{current}: expected {count} comma-separated fields ({', '.join(names)}), "
                          f"found {len(fields)}")  # fmt: skip
            continue
        sections[current].append((number, fields))
    p.raise_if_any(src)
    return sections


def _horizon(sections: dict[str, list[Line]], p: _Problems, src: str) -> int:
    lines = sections.get("SECTION_HORIZON", [])
    if len(lines) != 1:
        raise InstanceError(f"SECTION_HORIZON: expected one line with the number of days, found {len(lines)}", src)
    line, (token,) = lines[0]
    return p.integer(token, line, "SECTION_HORIZON days", minimum=1)


def _shift(fields: list[str], line: int, p: _Problems) -> dict[str, Any]:
    sid, minutes, successors = fields
    if not sid:
        p.add(line, "SECTION_SHIFTS ShiftID: empty")
    return {"id": sid, "minutes": p.integer(minutes, line, f"shift {sid!r} Length in mins", minimum=1),
            "forbidden_successors": [t.strip() for t in successors.split("|") if t.strip()]}  # fmt: skip


def _staff(fields: list[str], line: int, p: _Problems) -> dict[str, Any]:
    eid, caps, *numbers = fields
    where = f"employee {eid!r}"
    max_shifts: dict[str, int] = {}
    for part in (c.strip() for c in caps.split("|") if c.strip()):
        sid, sep, value = part.partition("=")
        if not sep:
            p.add(line, f"{where} MaxShifts: {part!r} is not 'ShiftID=number'")
            continue
        max_shifts[sid.strip()] = p.integer(value.strip(), line, f"{where} MaxShifts {sid.strip()!r}")
    names = SECTIONS["SECTION_STAFF"][1][2:]
    v = {
        n: p.integer(t, line, f"{where} {n}", 1 if "Consecutive" in n else 0)
        for n, t in zip(names, numbers, strict=True)
    }
    return {"id": eid, "max_shifts": max_shifts, "max_minutes": v["MaxTotalMinutes"],
            "min_minutes": v["MinTotalMinutes"], "max_consecutive_shifts": v["MaxConsecutiveShifts"],
            "min_consecutive_shifts": v["MinConsecutiveShifts"],
            "min_consecutive_days_off": v["MinConsecutiveDaysOff"], "max_weekends": v["MaxWeekends"]}  # fmt: skip


def _days_off(lines: list[Line], employees: list[dict[str, Any]], horizon: int, p: _Problems) -> None:
    by_id = {e["id"]: e for e in employees}
    for line, (eid, *days) in lines:
        if eid not in by_id:
            p.add(line, f"SECTION_DAYS_OFF EmployeeID: unknown employee {eid!r}")
            continue
        values = [p.integer(d, line, f"SECTION_DAYS_OFF employee {eid!r} day") for d in days if d]
        for d in values:
            if d >= horizon:
                p.add(line, f"SECTION_DAYS_OFF employee {eid!r}: day {d} is outside the horizon 0..{horizon - 1}")
        by_id[eid].setdefault("days_off", []).extend(values)


def _request(fields: list[str], line: int, section: str, p: _Problems) -> dict[str, Any]:
    eid, day, sid, weight = fields
    return {"employee": eid, "day": p.integer(day, line, f"{section} Day"), "shift": sid,
            "weight": p.integer(weight, line, f"{section} Weight"), "_line": line}  # fmt: skip


def _cover(fields: list[str], line: int, p: _Problems) -> dict[str, Any]:
    day, sid, req, under, over = fields
    return {"day": p.integer(day, line, "SECTION_COVER Day"), "shift": sid,
            "requirement": p.integer(req, line, "SECTION_COVER Requirement"),
            "under_weight": p.integer(under, line, "SECTION_COVER Weight for under"),
            "over_weight": p.integer(over, line, "SECTION_COVER Weight for over"), "_line": line}  # fmt: skip


def _check_references(
    sections: dict[str, list[Line]], horizon: int, shift_types: list[dict[str, Any]],
    employees: list[dict[str, Any]], on: list[dict[str, Any]], off: list[dict[str, Any]],
    cover: list[dict[str, Any]], p: _Problems,
) -> None:  # fmt: skip
    """Unknown ids, duplicate ids and days outside the horizon, each with its line; drops the line markers."""
    shifts = {s["id"] for s in shift_types}
    people = {e["id"] for e in employees}
    for section, items in (("SECTION_SHIFTS", shift_types), ("SECTION_STAFF", employees)):
        seen: set[str] = set()
        for (line, _), item in zip(sections.get(section, []), items, strict=True):
            if item["id"] in seen:
                p.add(line, f"{section}: duplicate id {item['id']!r}")
            seen.add(item["id"])
    for (line, _), s in zip(sections.get("SECTION_SHIFTS", []), shift_types, strict=True):
        _unknown(p, line, f"shift {s['id']!r} cannot-follow list", s["forbidden_successors"], shifts)
    for (line, _), e in zip(sections.get("SECTION_STAFF", []), employees, strict=True):
        _unknown(p, line, f"employee {e['id']!r} MaxShifts", list(e["max_shifts"]), shifts)
    seen_cover: set[tuple[int, str]] = set()
    groups = ((on, "SECTION_SHIFT_ON_REQUESTS", True), (off, "SECTION_SHIFT_OFF_REQUESTS", True),
              (cover, "SECTION_COVER", False))  # fmt: skip
    for items, section, check_employee in groups:
        for item in items:
            line = item.pop("_line")
            if check_employee and item["employee"] not in people:
                p.add(line, f"{section} EmployeeID: unknown employee {item['employee']!r}")
            _unknown(p, line, f"{section} ShiftID", [item["shift"]], shifts)
            if item["day"] >= horizon:
                p.add(line, f"{section} Day: day {item['day']} is outside the horizon 0..{horizon - 1}")
            if not check_employee:
                key = (item["day"], item["shift"])
                if key in seen_cover:
                    p.add(line, f"{section}: a second entry for day {key[0]}, shift {key[1]!r}")
                seen_cover.add(key)


def _unknown(p: _Problems, line: int, field: str, names: list[str], known: set[str]) -> None:
    for name in names:
        if name not in known:
            p.add(line, f"{field}: unknown shift type {name!r}")
