"""Contracts no roster can satisfy: named with the rule and the employee, before any solver runs."""

from __future__ import annotations

import numpy as np
import pytest
from tests.labour.cases import contract_instance, tiny

from optiops.exceptions import InfeasibleError
from optiops.labour import RosterOptions, diagnose_roster, solve_roster
from optiops.labour.diagnose import max_work_days
from optiops.model.labour import RosterInstance


def test_sound_instance_has_no_diagnosis() -> None:
    """The tiny instance is fine."""
    assert diagnose_roster(tiny()) == []


def test_min_above_max_minutes() -> None:
    """MinTotalMinutes above MaxTotalMinutes is named."""
    (cause,) = diagnose_roster(contract_instance(min_minutes=3000, max_minutes=2000))
    assert cause == "employee 'P': MinTotalMinutes 3000 exceeds MaxTotalMinutes 2000"


def test_minutes_beyond_the_free_days() -> None:
    """Ten days off in 14 leave 4 shifts (1920 min), short of a 2400-minute minimum."""
    (cause,) = diagnose_roster(contract_instance(min_minutes=2400, days_off=list(range(10))))
    assert "employee 'P': MinTotalMinutes 2400 cannot be reached: at most 4 days" in cause
    assert "10 days off in a 14-day horizon" in cause


def test_run_rules_against_min_minutes() -> None:
    """Max 2 consecutive shifts with 5 days off between runs leave 4 of 14 days (WW.....WW.....); 7 are needed."""
    inst = contract_instance(min_minutes=7 * 480, max_consecutive_shifts=2, min_consecutive_days_off=5)
    (cause,) = diagnose_roster(inst)
    assert "MaxConsecutiveShifts 2" in cause and "MinConsecutiveDaysOff 5 allow only 4 worked days" in cause


def test_max_shifts_and_weekends_bound_minutes() -> None:
    """MaxShifts D=3 caps the minutes; MaxWeekends 0 removes the weekend days."""
    (cause,) = diagnose_roster(contract_instance(min_minutes=4 * 480, max_shifts={"D": 3}))
    assert "480 min x at most 3" in cause
    (cause,) = diagnose_roster(contract_instance(min_minutes=11 * 480, max_weekends=0))
    assert "MaxWeekends 0 allows only 10 worked days" in cause


def test_max_work_days_respects_edges() -> None:
    """Runs touching an edge escape the minimums: 1 day, 2 off, 1 day fits 4 days under min run 2."""
    assert max_work_days(np.ones(4, dtype=bool), min_run=2, max_run=1, min_off=2) == 2  # work, off, off, work
    assert max_work_days(np.ones(14, dtype=bool), min_run=1, max_run=2, min_off=5) == 4  # WW.....WW.....
    assert max_work_days(np.ones(15, dtype=bool), min_run=1, max_run=2, min_off=5) == 5  # WW.....WW.....W


def test_solve_raises_before_solving() -> None:
    """solve_roster refuses a diagnosed instance and names the employee."""
    with pytest.raises(InfeasibleError) as info:
        solve_roster(contract_instance(min_minutes=3000, max_minutes=2000), RosterOptions(time_limit=1))
    assert info.value.culprits == ["P"]


def test_infeasibility_only_cp_sat_finds_is_still_attributed() -> None:
    """Minutes between 500 and 900 with 480-minute shifts: no count fits; CP-SAT proves it, P is named."""
    inst = RosterInstance.model_validate({
        "kind": "roster", "horizon": 7, "shift_types": [{"id": "D", "minutes": 480}],
        "employees": [{"id": "P", "min_minutes": 500, "max_minutes": 900}, {"id": "Q"}],
    })  # fmt: skip
    assert diagnose_roster(inst) == []
    with pytest.raises(InfeasibleError) as info:
        solve_roster(inst, RosterOptions(time_limit=2, num_workers=1))
    assert info.value.culprits == ["P"] and "'P'" in str(info.value)
