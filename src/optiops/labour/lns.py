"""Large neighbourhood search over the roster model: re-solve a few employees or a few days at a time.

CP-SAT's generic neighbourhoods (random variables, random constraints) make slow progress on
rosters, whose structure is "rows are employees, columns are days". This driver keeps the best
roster and repeatedly frees either ``k`` random employees (all their days) or a window of ``width``
consecutive days (all employees), fixes every other assignment variable to its current value, and
lets CP-SAT optimise the small remaining model from the current roster (a complete hint). Given the
cover ``requirement``, half of the employee moves aim: they pick a (day, shift) the incumbent
under-covers and free first the employees who could work it and do not, so the sub-model holds someone
able to fill it (on Instance8, 8 seeds at 60 s, this ended at 1304-1408 with one run above 1317,
against 1311-1508 with two runs above 1400 for random employees only; aiming every employee move did
worse, 1307-1410 with two runs above 1400). A neighbourhood that CP-SAT solves to optimality without
finding better grows; one that runs out of time shrinks; one that improved keeps its size. Rosters
of equal penalty are accepted, so the search drifts along plateaus. With ``num_workers`` = 2, two
neighbourhoods are solved at once (one single-worker CP-SAT run per thread) and the better result is
kept. Employee- and day-based destroy moves are the usual ones for nurse rostering (see Burke, De
Causmaecker, Vanden Berghe and Van Landeghem, "The state of the art of nurse rostering",
J. Scheduling 7, 2004).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model

from optiops._logging import logger

SUB_TIME_S = 0.5  # longest CP-SAT run on one neighbourhood
SUB_PARAMS: dict[str, Any] = {}  # extra SatParameters of the neighbourhood runs
MOVES = ("employees", "window")
DEFICIT_SHARE = 0.5  # share of employee moves aimed at an under-covered cell (needs ``requirement``)


@dataclass
class LnsState:
    """The incumbent and the adaptive neighbourhood sizes."""

    values: NDArray[np.int64]  # solution vector, proto order
    objective: float
    employees: int = 2  # employees freed by an employee move
    width: int = 4  # days freed by a window move
    iterations: int = 0
    improvements: int = 0


def lns_improve(
    model: cp_model.CpModel, index: NDArray[np.int64], objective_of: Callable[[NDArray[np.int64]], float],
    state: LnsState, deadline: float, num_workers: int, seed: int,
    requirement: NDArray[np.int64] | None = None,
) -> LnsState:  # fmt: skip
    """Improve ``state`` in place until ``deadline`` (a ``time.perf_counter()`` value).

    Parameters
    ----------
    model : CpModel
        The full roster model (not modified).
    index : ndarray of int
        (E, D, S) proto index of each assignment variable, -1 where none exists.
    objective_of : callable
        Objective of a solution vector.
    state : LnsState
        The incumbent; updated in place and returned.
    deadline : float
        ``time.perf_counter()`` value at which to stop.
    num_workers : int
        Neighbourhoods solved at once, each by a single-worker CP-SAT run in its own thread (one
        worker per small model was measured better than two on the same one).
    seed : int
        Seed of the neighbourhood choice and base seed of the sub-solves.
    requirement : ndarray of int, optional
        (D, S) cover requirement; with it, a share ``DEFICIT_SHARE`` of the employee moves aim at
        an under-covered cell (none: every move is drawn at random).

    Returns
    -------
    LnsState
        The improved state.
    """
    rng = np.random.default_rng(seed)
    with ThreadPoolExecutor(max_workers=max(1, num_workers)) as pool:
        copy_s = 0.0  # building the sub-models (seconds on the largest instances) counts against the deadline
        while deadline - time.perf_counter() > copy_s + 0.05:
            moves = [_neighbourhood(rng, state, index, requirement) for _ in range(max(1, num_workers))]
            started = time.perf_counter()
            subs = [_fixed_copy(model, index, free, state.values) for free, _ in moves]
            copy_s = time.perf_counter() - started
            limit = min(SUB_TIME_S, deadline - time.perf_counter())
            if limit <= 0.01:
                break
            jobs = [pool.submit(_solve, sub, limit, seed + state.iterations + k) for k, sub in enumerate(subs)]
            best: tuple[float, NDArray[np.int64]] | None = None
            for job, (_, kind) in zip(jobs, moves, strict=True):
                status, values = job.result()
                state.iterations += 1
                objective = objective_of(values) if values is not None else None
                improved = objective is not None and objective < state.objective - 1e-9
                if objective is not None and values is not None and (best is None or objective < best[0]):
                    best = (objective, values)
                _adapt(state, kind, status == cp_model.OPTIMAL and not improved, status != cp_model.OPTIMAL,
                       *index.shape[:2])  # fmt: skip
            gained = best is not None and best[0] < state.objective - 1e-9
            if best is not None and best[0] <= state.objective + 1e-9:
                state.improvements += gained
                state.objective, state.values = best
                if gained:
                    logger.debug("LNS iteration %d: penalty %s (sizes: %d employees, %d days)", state.iterations,
                                 state.objective, state.employees, state.width)  # fmt: skip
    return state


def _neighbourhood(
    rng: np.random.Generator, state: LnsState, index: NDArray[np.int64], requirement: NDArray[np.int64] | None
) -> tuple[NDArray[np.bool_], str]:
    """Free random employees (all days) or a window of days (all employees).

    With ``requirement``, a share ``DEFICIT_SHARE`` of the employee moves pick an under-covered
    (day, shift) of the incumbent and free employees who could work it but do not.
    """
    n_e, n_d = index.shape[:2]
    free = np.zeros((n_e, n_d), dtype=bool)
    kind = str(rng.choice(MOVES))
    if kind == "employees":
        size = min(state.employees, n_e)
        chosen = None
        if requirement is not None and DEFICIT_SHARE > 0 and rng.random() < DEFICIT_SHARE:
            chosen = _deficit_employees(rng, state.values, index, requirement, size)
        if chosen is None:
            chosen = rng.choice(n_e, size=size, replace=False)
        free[chosen, :] = True
    else:
        start = int(rng.integers(0, max(1, n_d - state.width + 1)))
        free[:, start : start + state.width] = True
    return free, kind


def _deficit_employees(
    rng: np.random.Generator, values: NDArray[np.int64], index: NDArray[np.int64], requirement: NDArray[np.int64],
    size: int,
) -> NDArray[np.int64] | None:  # fmt: skip
    """``size`` employees, first those who could work a random under-covered cell and do not.

    Only cells that someone could still fill are drawn; None when there is none.
    """
    x = np.where(index >= 0, values[np.maximum(index, 0)], 0)
    idle = (index >= 0) & (x == 0)  # (E, D, S): could work the cell and does not
    short = np.argwhere((x.sum(axis=0) < requirement) & idle.any(axis=0))  # cells someone could still fill
    if short.size == 0:
        return None
    d, s = short[rng.integers(len(short))]
    able = np.flatnonzero(idle[:, d, s])
    rest = np.setdiff1d(np.arange(index.shape[0]), able)
    first = rng.permutation(able)[:size]
    return np.concatenate([first, rng.permutation(rest)[: size - first.size]])


def _solve(sub: cp_model.CpModel, time_limit: float, seed: int) -> tuple[Any, NDArray[np.int64] | None]:
    """One single-worker CP-SAT run on a neighbourhood: (status, solution vector or None)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2
    for key, value in SUB_PARAMS.items():
        setattr(solver.parameters, key, value)
    status = solver.solve(sub)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None
    return status, np.asarray(solver.response_proto.solution, dtype=np.int64)


def _fixed_copy(
    model: cp_model.CpModel, index: NDArray[np.int64], free: NDArray[np.bool_], values: NDArray[np.int64]
) -> cp_model.CpModel:
    """A copy of ``model`` with every assignment variable outside ``free`` fixed, hinted with ``values``."""
    sub = model.clone()
    proto = sub.proto
    fixed = index[~free]
    for var in fixed[fixed >= 0].tolist():
        domain = proto.variables[var].domain
        domain[0] = domain[1] = int(values[var])
    proto.solution_hint.vars.extend(range(len(values)))
    proto.solution_hint.values.extend(values.tolist())
    return sub


def _adapt(state: LnsState, kind: str, exhausted: bool, timed_out: bool, n_e: int, n_d: int) -> None:
    """Grow a neighbourhood with nothing better left in it; shrink one CP-SAT could not finish."""
    step = 1 if exhausted else -1 if timed_out else 0
    if kind == "employees":
        state.employees = int(np.clip(state.employees + step, 1, n_e))
    else:
        state.width = int(np.clip(state.width + step, 2, n_d))
