"""The intraday task-queue simulation: the dispatcher against first in, first out with the same staff."""

from __future__ import annotations

import pytest

from optiops.labour import DispatchRules, simulate_day, staff, synthetic_day


@pytest.fixture(scope="module")
def day():
    return synthetic_day(seed=2, orders=600)


def test_dispatcher_meets_more_cutoffs_than_fifo(day) -> None:
    """Same day, same staff: more tasks finish by their cut-off under the dispatcher, in fewer worked hours."""
    shifts = staff(5, 5)
    fifo, ours = simulate_day(day, shifts, "fifo"), simulate_day(day, shifts, "dispatch")
    assert ours.on_time > fifo.on_time
    assert ours.labour_hours == fifo.labour_hours
    assert ours.units_per_worked_hour > fifo.units_per_worked_hour
    assert fifo.reorderings == 0 < ours.reorderings


def test_work_fits_the_shifts(day) -> None:
    """No more hours are worked than paid, and no task is counted twice."""
    for rule in ("fifo", "dispatch"):
        res = simulate_day(day, staff(2, 2), rule)
        assert res.worked_hours <= res.labour_hours + 1e-9
        assert res.on_time <= res.done <= res.tasks == len(day)


def test_no_batching_without_walk_saving_changes_nothing_for_fifo(day) -> None:
    """FIFO ignores the batching rules."""
    a = simulate_day(day, staff(3, 3), "fifo", DispatchRules(batch_size=1))
    b = simulate_day(day, staff(3, 3), "fifo", DispatchRules(batch_size=8))
    assert a == b
