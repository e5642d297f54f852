"""LNS neighbourhoods: the deficit move frees employees who could fill an under-covered cell."""

from __future__ import annotations

import numpy as np
import pytest

from optiops.labour import lns
from optiops.labour.lns import LnsState, _deficit_employees, _neighbourhood

# 4 employees x 2 days x 1 shift; variable k of (e, d, 0) is index 2e + d, except employee 3 on day 1
# (a day off: no variable).
INDEX = np.array([[[0], [1]], [[2], [3]], [[4], [5]], [[6], [-1]]], dtype=np.int64)
REQUIREMENT = np.array([[1], [3]], dtype=np.int64)


def test_deficit_move_frees_the_employees_able_to_fill_the_short_cell_first() -> None:
    """Day 1 needs 3 and has 1 (employee 0); employees 1 and 2 could work it, 3 has the day off."""
    values = np.array([0, 1, 1, 0, 0, 0, 1], dtype=np.int64)  # e0 works day 1, e1 day 0, e3 day 0
    for seed in range(5):
        chosen = _deficit_employees(np.random.default_rng(seed), values, INDEX, REQUIREMENT, 2)
        assert chosen is not None and sorted(chosen.tolist()) == [1, 2]
        bigger = _deficit_employees(np.random.default_rng(seed), values, INDEX, REQUIREMENT, 3)
        assert bigger is not None and sorted(bigger[:2].tolist()) == [1, 2] and len(set(bigger.tolist())) == 3


def test_deficit_move_is_none_when_every_cell_is_covered() -> None:
    """With the requirement met there is nothing to aim at, and the caller draws at random."""
    values = np.array([1, 1, 0, 1, 0, 1, 0], dtype=np.int64)
    assert _deficit_employees(np.random.default_rng(1), values, INDEX, REQUIREMENT, 2) is None


def test_neighbourhood_frees_whole_rows_or_a_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Employee moves (aimed or not) free all days of their employees; window moves all employees."""
    monkeypatch.setattr(lns, "DEFICIT_SHARE", 1.0)
    values = np.array([0, 1, 1, 0, 0, 0, 1], dtype=np.int64)
    state = LnsState(values=values, objective=0.0, employees=2, width=1)
    rng = np.random.default_rng(3)
    for _ in range(20):
        free, kind = _neighbourhood(rng, state, INDEX, REQUIREMENT)
        if kind == "employees":
            assert np.flatnonzero(free.all(axis=1)).tolist() == [1, 2] and free.sum() == 4
        else:
            assert free.sum() == 4 and free.all(axis=0).sum() == 1


def test_deficit_move_skips_a_cell_nobody_left_could_fill() -> None:
    """Day 1 needs 4; employees 0-2 already work it and 3 has the day off: nothing to aim at."""
    values = np.array([0, 1, 0, 1, 0, 1, 0], dtype=np.int64)
    assert _deficit_employees(np.random.default_rng(1), values, INDEX, np.array([[0], [4]]), 2) is None
