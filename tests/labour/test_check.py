"""The independent roster checker: every hard rule caught in a tampered roster, penalties recomputed."""

from __future__ import annotations

import numpy as np
import pytest
from tests.labour.cases import TINY_OPTIMUM, TINY_ROSTER, contract_instance, tiny

from optiops.labour import RosterOptions, check_matrix, check_roster, diagnose_roster, solve_roster
from optiops.model.labour import RosterPlan


def tampered(**days: list[str | None]) -> RosterPlan:
    return RosterPlan(assignment={**TINY_ROSTER, **days})


def pattern(text: str) -> np.ndarray:
    """'DD.DD..' -> one employee's row of shift indices (D = 0, '.' = off)."""
    return np.array([[0 if c == "D" else -1 for c in text]])


def test_hand_roster_is_feasible_at_the_optimum() -> None:
    """The hand-made optimal roster passes and costs 12: Saturday E missing (10), A's day-3 request (2)."""
    check = check_roster(tiny(), RosterPlan(assignment=TINY_ROSTER))
    assert check.feasible, check.violations
    assert check.objective == TINY_OPTIMUM
    assert (check.penalties.under_cover, check.penalties.shift_on, check.penalties.over_cover) == (10, 2, 0)


def test_day_off_and_succession() -> None:
    """B working its day off, and E the day after N, are both reported."""
    check = check_roster(tiny(), tampered(B=["N", "E", None, "N", "N", "E", "E"]))
    text = "\n".join(check.violations)
    assert "employee 'B' works on day 5, one of their days off" in text
    assert "employee 'B' works 'N' on day 0 and 'E' on day 1, a forbidden succession" in text


def test_minutes_and_weekends() -> None:
    """C working a weekend (max 0) and too few minutes are reported."""
    check = check_roster(tiny(), tampered(C=["E", "E", "E", None, None, "E", None]))
    text = "\n".join(check.violations)
    assert "employee 'C' works 1 weekends, more than their maximum 0" in text
    assert "employee 'C' works 1920 minutes, less than their minimum 2400" in text


def test_max_minutes_and_max_shifts() -> None:
    """More minutes or more shifts of a type than the contract allows are reported."""
    inst = contract_instance(max_shifts={"D": 3}, max_minutes=1500)
    text = "\n".join(check_matrix(inst, pattern("DDDD..........")).violations)
    assert "works 4 'D' shifts, more than their maximum 3" in text
    assert "works 1920 minutes, more than their maximum 1500" in text


def test_max_total_shifts() -> None:
    """More shifts of any type than the contract's total is reported; the solver and the diagnosis respect it."""
    inst = contract_instance(max_total_shifts=3, min_minutes=480 * 3)
    text = "\n".join(check_matrix(inst, pattern("DD.DD.........")).violations)
    assert "works 4 shifts, more than their maximum 3" in text
    assert check_matrix(inst, pattern("DD.D..........")).feasible
    plan = solve_roster(inst, RosterOptions(time_limit=5, num_workers=1, search="cpsat"))
    assert plan.violations == [] and sum(s is not None for s in plan.assignment["P"]) == 3
    assert "at most 3 shifts in all" in diagnose_roster(contract_instance(max_total_shifts=3, min_minutes=480 * 4))[0]


def test_max_consecutive_counts_edge_runs() -> None:
    """A run touching the start counts in full against the maximum (the day before is off)."""
    inst = contract_instance(max_consecutive_shifts=3)
    assert "works 4 days in a row from day 0" in check_matrix(inst, pattern("DDDD..........")).violations[0]
    assert check_matrix(inst, pattern("DDD...DDD...DD")).feasible


@pytest.mark.parametrize(
    ("rows", "feasible"),
    [(".D.DD.....DDD.", False), ("D....DD...DD.D", True), (".....DD......D", True), ("DD...DD...D...", False)],
)
def test_min_consecutive_shifts_exempts_edges(rows: str, feasible: bool) -> None:
    """A short run strictly inside the horizon breaks the minimum; one touching either edge does not."""
    inst = contract_instance(min_consecutive_shifts=2)
    check = check_matrix(inst, pattern(rows))
    assert check.feasible is feasible
    if not feasible:
        assert "works only 1 days in a row" in check.violations[0]


@pytest.mark.parametrize(
    ("rows", "feasible"), [(".DDD.DD..DDDDD", False), (".DD..DDD..DDDD", True), ("DD..DDD..DDDD.", True)]
)
def test_min_consecutive_days_off_exempts_edges(rows: str, feasible: bool) -> None:
    """A single day off inside the horizon breaks a minimum of 2; one at the edge does not."""
    check = check_matrix(contract_instance(min_consecutive_days_off=2), pattern(rows))
    assert check.feasible is feasible


def test_weekend_counted_once() -> None:
    """Working Saturday and Sunday of one weekend is one weekend; a second weekend breaks max 1."""
    inst = contract_instance(max_weekends=1)
    assert check_matrix(inst, pattern(".....DD.......")).feasible
    assert "works 2 weekends" in check_matrix(inst, pattern(".....D.......D")).violations[0]


def test_malformed_plan() -> None:
    """Unknown shift types, unknown or missing employees and wrong lengths are violations."""
    plan = RosterPlan(assignment={"A": ["X"] * 7, "B": TINY_ROSTER["B"][:5], "Z": [None] * 7})
    text = "\n".join(check_roster(tiny(), plan).violations)
    assert "unknown employee 'Z'" in text and "employee 'C' is missing" in text
    assert "employee 'A' day 0: unknown shift type 'X'" in text and "'B' has 5 days" in text


def test_stated_objective_must_match() -> None:
    """A plan that states a penalty other than the recomputed one is flagged."""
    check = check_roster(tiny(), RosterPlan(assignment=TINY_ROSTER, objective=11))
    assert not check.feasible and "states penalty 11, recomputed 12" in check.violations[0]
