"""Column generation: schedule costs, the master LP as a lower bound, the dive and price-and-branch rosters."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from ortools.sat.python import cp_model
from tests.labour.cases import TINY_OPTIMUM, TINY_ROSTER, tiny

from optiops.labour import check_matrix, rostering
from optiops.labour.colgen import (
    add_column,
    generate_columns,
    improve_by_employee,
    new_master,
    price_and_branch,
    schedule_cost,
    sequential_roster,
)
from optiops.labour.cpsat import CpSatRun
from optiops.labour.rostering import RosterOptions, pricing_models, solve_roster
from optiops.model.labour import OFF, RosterArrays, roster_arrays


@pytest.fixture
def tiny_arrays() -> RosterArrays:
    """The arrays of the tiny instance."""
    return roster_arrays(tiny())


def _matrix(roster: dict[str, list[str | None]]) -> np.ndarray:
    """A roster by id as a shift-index matrix of the tiny instance (E = 0, N = 1)."""
    index = {"E": 0, "N": 1}
    return np.array([[OFF if s is None else index[s] for s in row] for row in roster.values()], dtype=np.int64)


def test_schedule_costs_add_up_to_the_request_penalty(tiny_arrays: RosterArrays) -> None:
    """The request penalties of the rows of a roster sum to the checker's request penalty."""
    matrix = _matrix(TINY_ROSTER)
    penalties = check_matrix(tiny(), matrix).penalties
    total = sum(schedule_cost(tiny_arrays, e, row) for e, row in enumerate(matrix))
    assert total == penalties.shift_on + penalties.shift_off


def test_a_column_is_added_once(tiny_arrays: RosterArrays) -> None:
    """Adding a schedule an employee already has changes nothing."""
    master = new_master(tiny_arrays, _matrix(TINY_ROSTER))
    assert not add_column(master, tiny_arrays, 0, master.columns[0][0])
    assert [len(c) for c in master.columns] == [1, 1, 1]


def test_master_lp_bounds_the_optimum(tiny_arrays: RosterArrays) -> None:
    """Converged column generation gives an LP value at most the optimum."""
    inst = tiny()
    pricing = pricing_models(inst)
    master = new_master(tiny_arrays, _matrix(TINY_ROSTER))
    generate_columns(master, tiny_arrays, pricing, time.perf_counter() + 5, 1, 1)
    assert master.value is not None and master.value <= TINY_OPTIMUM + 1e-6
    assert master.iterations >= 1


def test_price_and_branch_roster_passes_the_checker(tiny_arrays: RosterArrays) -> None:
    """The integer master's roster breaks no rule and is optimal (it is hinted with an optimal roster)."""
    inst = tiny()
    pricing = pricing_models(inst)
    now = time.perf_counter()
    matrix, _ = price_and_branch(tiny_arrays, pricing, _matrix(TINY_ROSTER), (now + 3, now + 4, now + 5), 1, 1)
    assert matrix is not None
    check = check_matrix(inst, matrix)
    assert check.violations == [] and check.objective == TINY_OPTIMUM


def test_solve_without_column_generation() -> None:
    """``colgen_share=0`` skips column generation and still reaches the optimum."""
    plan = solve_roster(tiny(), RosterOptions(time_limit=3, colgen_share=0.0))
    assert plan.objective == TINY_OPTIMUM and "colgen_rounds" not in plan.stats


def test_sequential_roster_passes_the_checker(tiny_arrays: RosterArrays) -> None:
    """Employee by employee, each against the cover the others left, gives a roster breaking no rule."""
    inst = tiny()
    pricing = pricing_models(inst)
    matrix = sequential_roster(tiny_arrays, pricing, time.perf_counter() + 5, 2, 1)
    assert matrix is not None
    check = check_matrix(inst, matrix)
    assert check.violations == []
    idle = check_matrix(inst, np.full_like(matrix, OFF)).penalties.under_cover
    assert check.penalties.under_cover < idle  # the schedules fill cover, not only the contracts


def test_solve_falls_back_when_cp_sat_finds_no_first_roster(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first phase without a roster hands over to the sequential roster, and the search goes on from it."""
    real_run = rostering._run
    calls = []

    def first_phase_finds_nothing(rm: rostering.RosterModel, *args: object, **kwargs: object) -> CpSatRun:
        calls.append(kwargs)
        if len(calls) == 1:
            return CpSatRun(cp_model.UNKNOWN, np.zeros(0, dtype=np.int64), None, None, 0.1, "", {})
        return real_run(rm, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(rostering, "_run", first_phase_finds_nothing)
    inst = tiny()
    plan = solve_roster(inst, RosterOptions(time_limit=4, num_workers=1))
    assert "fallback_objective" in plan.stats
    assert plan.objective is not None and plan.violations == []
    assert plan.objective <= float(plan.stats["fallback_objective"])
    assert plan.runtime_s is not None and plan.runtime_s <= 4 + 0.2


def test_one_employee_descent_lowers_the_penalty(tiny_arrays: RosterArrays) -> None:
    """From a roster blind to cover, re-solving employees one at a time lowers the penalty and breaks no rule."""
    inst = tiny()
    pricing = pricing_models(inst)
    blind = replace(tiny_arrays, requirement=np.zeros_like(tiny_arrays.requirement),
                    over_weight=np.zeros_like(tiny_arrays.over_weight))  # fmt: skip
    roster = sequential_roster(blind, pricing, time.perf_counter() + 5, 1, 1)
    assert roster is not None
    before = check_matrix(inst, roster)
    assert before.violations == []
    solved, changed = improve_by_employee(tiny_arrays, pricing, roster, time.perf_counter() + 5, 2, 1)
    after = check_matrix(inst, roster)
    assert solved >= len(inst.employees) and changed >= 1
    assert after.violations == [] and after.objective < before.objective
