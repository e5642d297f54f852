"""Re-rostering after an absence: absences become days off, and changes cost what the caller says."""

from __future__ import annotations

import pytest
from tests.labour.cases import TINY_ROSTER, tiny

from optiops.exceptions import InfeasibleError, InstanceError
from optiops.labour import RosterOptions, check_roster
from optiops.labour.reroster import reroster, with_absences
from optiops.model.labour import RosterPlan

PUBLISHED = RosterPlan(instance="tiny", assignment=TINY_ROSTER)  # optimal, penalty 12


@pytest.mark.parametrize(("weight", "changes", "penalty"), [(1, 2, 12), (100, 1, 32)])
def test_absence_trades_changes_against_penalty(weight: int, changes: int, penalty: int) -> None:
    """B (night on Monday) is absent on Monday.

    A, off that day, can take the night (one more change, penalty back to 12) or the night stays
    uncovered (+20): cheap changes take the first, a change weight of 100 the second.
    """
    plan = reroster(tiny(), PUBLISHED, {"B": [0]}, RosterOptions(time_limit=5, num_workers=1), change_weight=weight)
    assert plan.assignment["B"][0] is None
    assert plan.stats["changes"] == changes and plan.stats["changes_in_absences"] == 1
    assert plan.objective == penalty and plan.violations == []
    assert plan.bound is None and plan.gap is None  # CP-SAT's bound is on penalty + changes, not the penalty
    assert plan.stats["combined_objective"] == penalty + weight * changes
    again = check_roster(with_absences(tiny(), {"B": [0]}), plan)
    assert again.feasible and again.objective == penalty
    moved = sum(old != new for e in TINY_ROSTER for old, new in zip(TINY_ROSTER[e], plan.assignment[e], strict=True))
    assert moved == changes


def test_absence_that_breaks_a_contract_names_the_employee() -> None:
    """C must work 2,400 minutes and no weekend: absent on two weekdays, three 600-minute nights are too few."""
    with pytest.raises(InfeasibleError) as err:
        reroster(tiny(), PUBLISHED, {"C": [1, 2]}, RosterOptions(time_limit=5, num_workers=1))
    assert err.value.culprits == ["C"] and "MinTotalMinutes" in str(err.value)


def test_unknown_employee_or_day_is_named() -> None:
    with pytest.raises(InstanceError, match="unknown employee 'Z'"):
        with_absences(tiny(), {"Z": [0]})
    with pytest.raises(InstanceError, match="day 9 is outside the horizon"):
        with_absences(tiny(), {"A": [9]})
