"""Named rosters of the optimised plan: the designed shifts staffed within contracts, absences re-rostered."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.closed_loop.checks import assert_orders_conserved, assert_stock_balances

from optiops.closed_loop import ReplayOptions, replay
from optiops.closed_loop.named import NamedWeek, absent_people, name_week, reroster_absences, shift_types_of
from optiops.labour import RosterOptions, check_matrix
from optiops.labour.staffing import ShiftPlan, ShiftType
from optiops.model.labour import OFF
from optiops.scenario.events import read_events
from optiops.scenario.read import read_scenario

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"
OPTIONS = RosterOptions(time_limit=2, num_workers=1, seed=1, search="cpsat")
E, L = 0, 1  # 06:00-14:00 and 14:00-22:00
STAFF = pd.DataFrame({"employee": ["A", "B", "C"], "warehouse": "W01", "max_minutes_per_week": [2400, 1920, 960],
                      "max_shifts_per_week": [5, 4, 2], "max_consecutive_shifts": 6,
                      "hourly_wage": [30.0, 20.0, 25.0]})  # fmt: skip
# the published roster: one early and one late a day designed; the early and late of days 5 and 6 unnamed
PUBLISHED = np.array([[E, E, E, E, E, OFF, OFF],  # A: 5 shifts, full
                      [L, L, L, OFF, OFF, OFF, OFF],  # B: 3 of 4 shifts
                      [OFF, OFF, OFF, L, L, OFF, OFF]])  # C: 2 of 2 shifts  # fmt: skip


def design() -> ShiftPlan:
    counts = np.ones((7, 3), dtype=np.int64)
    counts[:, 2] = 0  # a candidate shift the design did not use
    shifts = (ShiftType(6, 8), ShiftType(14, 8), ShiftType(10, 4))
    return ShiftPlan(shifts, counts, np.zeros(168, dtype=np.int64), 112.0)


def week(staff: pd.DataFrame = STAFF) -> NamedWeek:
    named = name_week(staff, design(), 0, OPTIONS, "W01")
    assert named is not None
    return dataclasses.replace(named, matrix=PUBLISHED.copy())


def test_designed_shifts_are_named_within_every_contract() -> None:
    """The used shift types, late -> early forbidden (8 h of rest); contracts kept, no shift over its head count."""
    types = shift_types_of(design())
    assert [t.id for t in types] == ["06:00+8h", "14:00+8h"] and types[1].forbidden_successors == ["06:00+8h"]
    named = name_week(STAFF, design(), 0, OPTIONS, "W01")
    assert named is not None
    assert check_matrix(named.instance, named.matrix).feasible
    assert (named.named_counts() <= named.counts).all()
    assert named.named_counts().sum() == 11  # every shift the three contracts allow: 5 + 4 + 2


def test_an_absent_employee_not_rostered_that_day_changes_nothing() -> None:
    published = week()
    new, done = reroster_absences(published, 5, ["A"], 0, np.random.default_rng(1), OPTIONS)
    assert (done.absent_hours, done.covered_hours, done.covered_cost, done.changes) == (0.0, 0.0, 0.0, 0)
    assert (new.matrix == PUBLISHED).all()


def test_an_off_duty_employee_with_room_takes_the_shift_and_nothing_else_changes() -> None:
    """C is absent on Thursday's late; B (3 of 4 shifts, off that day) takes it: two changes, the rest as published."""
    new, done = reroster_absences(week(), 3, ["C"], 0, np.random.default_rng(1), OPTIONS)
    assert done.absent_hours == 8.0 and done.covered_hours == 8.0 and done.covered_cost == 8.0 * 20.0
    assert done.changes == 2 and done.absent == ("C",)
    expected = PUBLISHED.copy()
    expected[2, 3], expected[1, 3] = OFF, L
    assert (new.matrix == expected).all()
    assert check_matrix(new.instance, new.matrix).feasible


def test_without_room_the_shift_stays_uncovered() -> None:
    """With B at most 3 shifts, everyone's contract is full: C's Thursday late stays uncovered, nothing else moves."""
    full = STAFF.assign(max_shifts_per_week=[5, 3, 2], max_minutes_per_week=[2400, 1440, 960])
    new, done = reroster_absences(week(full), 3, ["C"], 0, np.random.default_rng(1), OPTIONS)
    assert done.absent_hours == 8.0 and done.covered_hours == 0.0 and done.covered_cost == 0.0
    assert done.changes == 1 and new.matrix[2, 3] == OFF
    assert (np.delete(new.matrix, 2, axis=0) == np.delete(PUBLISHED, 2, axis=0)).all()


def test_people_are_drawn_from_the_days_roster_then_its_unnamed_heads() -> None:
    published = week()
    first = absent_people(published, 3, [], 1, np.random.default_rng(7))
    assert first == absent_people(published, 3, [], 1, np.random.default_rng(7))  # seeded
    assert len(first[0]) == 1 and first[0][0] in (0, 2) and first[1] == []  # A or C, who work on Thursday
    assert absent_people(published, 5, [], 3, np.random.default_rng(7)) == ([], [E, L])  # two unnamed heads only
    _, done = reroster_absences(published, 5, [], 3, np.random.default_rng(7), OPTIONS)
    assert done.absent_hours == 16.0 and done.covered_hours == 8.0  # B's fourth shift


EVENTS = """events:
- {type: staff_absence, warehouse: W01, day: 2024-12-05, employees: [E0001]}
- {type: staff_absence, warehouse: W02, day: 2024-12-05, people: 1}
- {type: staff_absence, warehouse: W02, day: 2024-12-06, employees: [E0003, E0004]}
"""


@pytest.fixture(scope="module")
def absences(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    small = read_scenario(SMALL)
    path = tmp_path_factory.mktemp("named") / "events.yaml"
    path.write_text(EVENTS)
    options = ReplayOptions(days=3, time_limit=0.3, workers=1, executor="inline")
    return replay(dataclasses.replace(small, events=read_events(path, small)), options)


def test_absences_keep_the_ledger_and_temps_cover_only_what_the_reroster_did_not(absences) -> None:  # type: ignore[no-untyped-def]
    assert_stock_balances(absences.ledger)
    assert_orders_conserved(absences.daily)
    daily = absences.daily
    base, opt = daily[daily["plan"] == "baseline"], daily[daily["plan"] == "optimised"]
    assert (base[["reroster_hours", "reroster_changes", "temp_hours"]] == 0).all().all()
    assert base["absent_hours"].tolist() == [0.0, 16.0, 16.0]  # the mean shift of shifts.csv per person
    assert (opt["reroster_hours"] <= opt["absent_hours"] + 1e-9).all()
    assert (opt["temp_hours"] <= opt["absent_hours"] - opt["reroster_hours"] + 1e-9).all()
    assert (opt["absent_hours"].iloc[1:] > 0).all() and opt["absent_hours"].iloc[0] == 0
