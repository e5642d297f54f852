"""Running CP-SAT on a roster model: one solve with optional early stop, and the true objective of a solution."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model


@dataclass(frozen=True)
class CpSatRun:
    """What one CP-SAT run returned: status, solution vector (proto order), objective, bound, statistics."""

    status: Any
    values: NDArray[np.int64]
    objective: float | None
    bound: float | None
    solve_s: float
    message: str
    stats: dict[str, float | int | str]


class StopAfter(cp_model.CpSolverSolutionCallback):
    """Stops the search at the first solution found ``seconds`` after the start (or at once, via ``timer``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.stop_at = time.perf_counter() + seconds
        self.found = False

    def on_solution_callback(self) -> None:
        self.found = True
        if time.perf_counter() >= self.stop_at:
            self.stop_search()


def run_cpsat(
    model: cp_model.CpModel, time_limit: float, num_workers: int, seed: int, params: Mapping[str, Any],
    stop_after: float | None = None,
) -> CpSatRun:  # fmt: skip
    """One CP-SAT solve.

    Parameters
    ----------
    model : CpModel
        The model (with its hints, if any).
    time_limit : float
        Seconds.
    num_workers, seed : int
        CP-SAT workers and random seed.
    params : mapping
        Extra ``SatParameters`` fields, applied last.
    stop_after : float, optional
        Stop at the first solution found after this many seconds (or at once if one exists then).

    Returns
    -------
    CpSatRun
        Status, solution, the model's objective at it (:func:`model_objective`), CP-SAT's bound.
    """
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = time_limit
    p.num_workers = num_workers
    p.random_seed = seed
    # level 2 puts every constraint in the LP: on instances 2, 5 and 10 of the shift benchmark it
    # found better rosters in 10 s than the default level 1
    p.linearization_level = 2
    for key, value in params.items():
        setattr(p, key, value)
    t0 = time.perf_counter()
    if stop_after is None:
        status = solver.solve(model)
    else:
        callback = StopAfter(stop_after)
        timer = threading.Timer(stop_after, lambda: solver.stop_search() if callback.found else None)
        timer.start()
        try:
            status = solver.solve(model, callback)
        finally:
            timer.cancel()
    solve_s = time.perf_counter() - t0
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    values = np.asarray(solver.response_proto.solution, dtype=np.int64) if found else np.zeros(0, dtype=np.int64)
    stats: dict[str, float | int | str] = {
        "conflicts": solver.num_conflicts, "branches": solver.num_branches, "wall_time_s": round(solver.wall_time, 3),
        "solution_info": solver.solution_info(),
    }  # fmt: skip
    if found:
        stats["cpsat_reported_objective"] = solver.objective_value
    objective = model_objective(model, values) if found else None
    return CpSatRun(status, values, objective, solver.best_objective_bound if found else None, solve_s,
                   solver.status_name(status), stats)  # fmt: skip


def model_objective(model: cp_model.CpModel, values: NDArray[np.int64]) -> float:
    """The model's objective at a solution vector (proto order).

    CP-SAT's own ``objective_value`` is that of its presolved model, where dual reductions may have
    relaxed ``under = max(req - count, 0)`` to ``under >= req - count``; the returned (postsolved)
    solution is tight again and can be cheaper than reported.  This is the objective of the roster
    actually returned, which the checker must reproduce.

    Parameters
    ----------
    model : CpModel
        The model.
    values : ndarray of int
        One value per proto variable.

    Returns
    -------
    float
        ``offset + sum(coeff * value)``, with negated literals as ``1 - value``.
    """
    obj = model.proto.objective
    refs = np.asarray(obj.vars, dtype=np.int64)
    coeffs = np.asarray(obj.coeffs, dtype=np.int64)
    vals = np.where(refs >= 0, values[np.maximum(refs, 0)], 1 - values[np.maximum(-refs - 1, 0)])
    return float((obj.offset + int((coeffs * vals).sum())) * (obj.scaling_factor or 1.0))
