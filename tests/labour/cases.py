"""Small roster instances built in code, with optima worked out by hand."""

from __future__ import annotations

from typing import Any

from optiops.model.labour import RosterInstance

TINY_TEXT = """# a tiny instance in the benchmark's text format
SECTION_HORIZON
# days
7

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift
E,480,
N,600,E

SECTION_STAFF
# ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts,
#   MinConsecutiveDaysOff, MaxWeekends
A,E=7|N=7,4200,0,7,1,1,2
B,E=7|N=7,3000,0,7,1,1,2
C,E=7|N=7,4200,2400,7,1,1,0

SECTION_DAYS_OFF
# EmployeeID, DayIndexes
B,5

SECTION_SHIFT_ON_REQUESTS
# EmployeeID, Day, ShiftID, Weight
A,2,N,3
A,3,E,2

SECTION_SHIFT_OFF_REQUESTS
# EmployeeID, Day, ShiftID, Weight

SECTION_COVER
# Day, ShiftID, Requirement, Weight for under, Weight for over
0,E,1,10,5
0,N,1,20,5
1,E,1,10,5
1,N,1,20,5
2,E,1,10,5
2,N,1,20,5
3,E,1,10,5
3,N,1,20,5
4,E,1,10,5
4,N,1,20,5
5,E,1,10,5
5,N,1,20,5
6,E,1,10,5
6,N,1,20,5
"""
TINY_OPTIMUM = 12
# one optimal roster (see tiny_document): C early on weekdays, B nights around its day off, A the rest
TINY_ROSTER = {
    "A": [None, None, "N", None, None, "N", "N"],
    "B": ["N", "N", None, "N", "N", None, "E"],
    "C": ["E", "E", "E", "E", "E", None, None],
}


def tiny_document(**changes: Any) -> dict[str, Any]:
    """A ``kind: roster`` document: 3 employees, 7 days (Monday to Sunday), shifts E (480 min) and N (600 min).

    N may not be followed by E.  Cover: one E and one N every day; a missing E costs 10, a missing N
    20, an extra employee 5.  B has day 5 (Saturday) off; C may work no weekend and needs at least
    2400 minutes; A asks for N on day 2 (weight 3) and E on day 3 (weight 2).

    Lower bound 12: on Saturday only A may work (B has the day off, C no weekend), so one of the two
    Saturday shifts is missing, at least 10; A's two requests cannot both be granted (N on day 2
    forbids E on day 3), at least 2 more.  :data:`TINY_ROSTER` reaches 12 (Saturday E missing, A's
    day-3 request refused) and breaks no hard rule, so the optimum is **12**.
    """
    shifts = ("E", "N")
    doc: dict[str, Any] = {
        "kind": "roster",
        "name": "tiny",
        "horizon": 7,
        "shift_types": [
            {"id": "E", "minutes": 480, "start": "06:00"},
            {"id": "N", "minutes": 600, "start": "21:00", "forbidden_successors": ["E"]},
        ],
        "employees": [
            {"id": "A", "max_shifts": {"E": 7, "N": 7}, "max_minutes": 4200, "max_consecutive_shifts": 7,
             "max_weekends": 2},
            {"id": "B", "max_shifts": {"E": 7, "N": 7}, "max_minutes": 3000, "max_consecutive_shifts": 7,
             "max_weekends": 2, "days_off": [5]},
            {"id": "C", "max_shifts": {"E": 7, "N": 7}, "min_minutes": 2400, "max_minutes": 4200,
             "max_consecutive_shifts": 7, "max_weekends": 0},
        ],
        "shift_on_requests": [
            {"employee": "A", "day": 2, "shift": "N", "weight": 3},
            {"employee": "A", "day": 3, "shift": "E", "weight": 2},
        ],
        "cover": [
            {"day": d, "shift": s, "requirement": 1, "under_weight": 10 if s == "E" else 20, "over_weight": 5}
            for d in range(7)
            for s in shifts
        ],
    }  # fmt: skip
    doc.update(changes)
    return doc


def tiny() -> RosterInstance:
    """The validated :func:`tiny_document`."""
    return RosterInstance.model_validate(tiny_document())


def contract_instance(**employee: Any) -> RosterInstance:
    """One employee, 14 days from a Monday, one 480-minute shift D, no cover: for rule tests."""
    emp = {"id": "P", **employee}
    return RosterInstance.model_validate(
        {"kind": "roster", "horizon": 14, "shift_types": [{"id": "D", "minutes": 480}], "employees": [emp]}
    )
