"""CP-SAT rostering: the hand optimum, the solver's objective equal to the checker's, hints and searches."""

from __future__ import annotations

import pytest
from tests.labour.cases import TINY_OPTIMUM, TINY_ROSTER, tiny

from optiops.labour import RosterOptions, build_roster_model, check_roster, solve_roster
from optiops.model.labour import RosterPlan


@pytest.mark.parametrize("search", ["cpsat", "lns"])
def test_tiny_reaches_the_hand_optimum(search: str) -> None:
    """Both searches find penalty 12, CP-SAT proves it, and the checker agrees with the solver."""
    plan = solve_roster(tiny(), RosterOptions(time_limit=5, search=search))  # type: ignore[arg-type]
    assert plan.status == "optimal" and plan.objective == TINY_OPTIMUM
    assert plan.solver_objective == plan.objective and plan.bound == TINY_OPTIMUM and plan.gap == 0.0
    check = check_roster(tiny(), plan)
    assert check.feasible and check.objective == plan.objective and plan.violations == []
    assert plan.penalties is not None and plan.penalties.total == TINY_OPTIMUM


def test_plan_layout() -> None:
    """The assignment has every employee and day; statistics are recorded."""
    plan = solve_roster(tiny(), RosterOptions(time_limit=5))
    assert list(plan.assignment) == ["A", "B", "C"] and all(len(r) == 7 for r in plan.assignment.values())
    assert plan.assignment["B"][5] is None and {"conflicts", "search"} <= set(plan.stats)


def test_hint_from_a_previous_roster() -> None:
    """A previous roster as hint is accepted and the result is still optimal."""
    hint = RosterPlan(assignment=TINY_ROSTER)
    plan = solve_roster(tiny(), RosterOptions(time_limit=5, hint=hint, search="cpsat"))
    assert plan.objective == TINY_OPTIMUM and plan.stats["hint_problems"] == 0


def test_model_has_no_variable_for_impossible_days() -> None:
    """No assignment variable exists on a contract day off (B, day 5); every other day has them."""
    rm = build_roster_model(tiny())
    assert (rm.index[1, 5] == -1).all() and (rm.index[0, 0] >= 0).all()


def test_model_objective_equals_checker_on_every_solution() -> None:
    """For every improving solution CP-SAT reports, the model's objective equals the checker's penalty."""
    from ortools.sat.python import cp_model

    from optiops.labour.check import check_matrix
    from optiops.labour.rostering import model_objective

    inst = tiny()
    rm = build_roster_model(inst)
    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = False
    seen: list[tuple[float, int]] = []

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            import numpy as np

            values = np.array([self.value(rm.model.get_int_var_from_proto_index(k))
                               for k in range(len(rm.model.proto.variables))])  # fmt: skip
            seen.append((model_objective(rm.model, values), check_matrix(inst, rm.matrix(values)).objective))

    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 5
    solver.solve(rm.model, Collect())
    assert seen and all(a == b for a, b in seen)
