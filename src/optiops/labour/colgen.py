"""Column generation over employee schedules: a starting roster from the pattern (Dantzig-Wolfe) LP.

Every hard rule concerns one employee, so a roster is one feasible schedule (a "column") per
employee, and the penalty splits into each schedule's request penalty plus the cover penalty of
their sum.  The restricted master LP over the columns generated so far::

    minimise   sum_{e, c} cost[e, c] lam[e, c] + sum_{d, s} under_w u[d, s] + over_w o[d, s]
    subject to sum_c lam[e, c] = 1                                          (dual pi[e])
               sum_{e, c} a[e, c, d, s] lam[e, c] + u[d, s] - o[d, s] = req[d, s]   (dual mu[d, s])

is far tighter than the LP of the compact model (on these instances it is close to the best known
penalty, while CP-SAT's LP bound stays near zero).  Each pricing problem is one employee's own
CP-SAT model with objective ``requests - mu . x`` (duals scaled to integers); schedules of negative
reduced cost ``cost - mu . a - pi[e]`` join the master, until none is found or time runs out.  A
dive then fixes employees to their heaviest schedule a few at a time, pricing the others again
after each step, and a CP-SAT integer master over every generated schedule, hinted with the
dive's choice, finishes ("price and branch").  This is the classical column generation of nurse
rostering (Jaumard, Semet and Vovor, "A generalized linear programming model for nurse
scheduling", EJOR 107, 1998; the benchmark's lower bounds come from it).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver import pywraplp  # type: ignore[attr-defined]  # no stubs for the SWIG module
from ortools.sat.python import cp_model

from optiops._logging import logger
from optiops.labour.check import roster_penalties
from optiops.labour.rules import Term, cover_penalty
from optiops.model.labour import OFF, RosterArrays

DUAL_SCALE = 1000  # pricing objective coefficients are duals x this, rounded (CP-SAT needs integers)
PRICE_TIME_S = 0.3  # longest CP-SAT run on one pricing problem
PRICE_PARAMS: dict[str, Any] = {}  # extra SatParameters of the pricing runs
MIN_REDUCED_COST = -1e-6  # a schedule joins the master when its reduced cost is below this
COLUMNS_PER_PRICING = 6  # the last (best) schedules of each pricing run offered to the master
DIVE_ROUNDS = 2  # most pricing rounds after each fixing step of the dive
DIVE_FIX_SHARES = (0.25, 0.1, 0.05)  # least share of the free employees fixed per dive step, one dive each

# One employee's pricing model: the CP-SAT model of their contract alone and its (day, shift) literals.
PricingModel = tuple[cp_model.CpModel, dict[tuple[int, int], cp_model.IntVar]]


@dataclass
class Master:
    """The restricted master LP and the schedules (rows of shift indices) of each employee."""

    solver: pywraplp.Solver
    convexity: list[pywraplp.Constraint]
    cover: dict[tuple[int, int], pywraplp.Constraint]
    columns: list[list[NDArray[np.int64]]]
    lam: list[list[pywraplp.Variable]]
    seen: list[set[bytes]] = field(default_factory=list)
    iterations: int = 0
    value: float | None = None
    root_value: float | None = None


def new_master(arr: RosterArrays, start: NDArray[np.int64]) -> Master:
    """The master LP with the cover slacks and the rows of ``start`` as first columns.

    Parameters
    ----------
    arr : RosterArrays
        The instance arrays.
    start : ndarray of int
        A feasible (E, D) roster (shift indices, ``OFF`` for days off).

    Returns
    -------
    Master
        The master, not yet solved.
    """
    solver = pywraplp.Solver.CreateSolver("GLOP")
    objective = solver.Objective()
    cover = {}
    for d, s in zip(*np.nonzero((arr.requirement > 0) | (arr.over_weight > 0)), strict=True):
        req = float(arr.requirement[d, s])
        row = solver.Constraint(req, req)
        under, over = solver.NumVar(0, solver.infinity(), ""), solver.NumVar(0, solver.infinity(), "")
        row.SetCoefficient(under, 1.0)
        row.SetCoefficient(over, -1.0)
        objective.SetCoefficient(under, float(arr.under_weight[d, s]))
        objective.SetCoefficient(over, float(arr.over_weight[d, s]))
        cover[int(d), int(s)] = row
    convexity = [solver.Constraint(1.0, 1.0) for _ in range(arr.shape[0])]
    objective.SetMinimization()
    master = Master(
        solver, convexity, cover, [[] for _ in convexity], [[] for _ in convexity], [set() for _ in convexity]
    )
    for e, row in enumerate(start):
        add_column(master, arr, e, row)
    return master


def schedule_cost(arr: RosterArrays, e: int, row: NDArray[np.int64]) -> int:
    """Request penalty of one employee's schedule (shift-on requests not granted, shift-off ones granted)."""
    worked = np.flatnonzero(row >= 0)
    granted_on = int(arr.on_weight[e, worked, row[worked]].sum())
    return int(arr.on_weight[e].sum()) - granted_on + int(arr.off_weight[e, worked, row[worked]].sum())


def add_column(master: Master, arr: RosterArrays, e: int, row: NDArray[np.int64]) -> bool:
    """Add employee ``e``'s schedule ``row`` to the master unless it is there already."""
    key = row.astype(np.int8).tobytes()
    if key in master.seen[e]:
        return False
    master.seen[e].add(key)
    master.columns[e].append(row.copy())
    var = master.solver.NumVar(0, master.solver.infinity(), "")
    master.lam[e].append(var)
    master.solver.Objective().SetCoefficient(var, float(schedule_cost(arr, e, row)))
    master.convexity[e].SetCoefficient(var, 1.0)
    for d in np.flatnonzero(row >= 0).tolist():
        ct = master.cover.get((d, int(row[d])))
        if ct is not None:
            ct.SetCoefficient(var, 1.0)
    return True


def generate_columns(
    master: Master,
    arr: RosterArrays,
    pricing: Sequence[PricingModel],
    deadline: float,
    num_workers: int,
    seed: int,
    active: Sequence[int] | None = None,
    max_rounds: int | None = None,
) -> Master:
    """Column generation until no schedule has a negative reduced cost or ``deadline`` passes.

    Parameters
    ----------
    master : Master
        The master (updated in place and returned).
    arr : RosterArrays
        The instance arrays.
    pricing : sequence of PricingModel
        One pricing model per employee.
    deadline : float
        ``time.perf_counter()`` value at which to stop.
    num_workers : int
        Pricing problems solved at once (one single-worker CP-SAT run per thread).
    seed : int
        CP-SAT seed of the pricing runs.
    active : sequence of int, optional
        Employees to price (default: all).
    max_rounds : int, optional
        Most pricing rounds (default: no limit).

    Returns
    -------
    Master
        With every column found and the last LP value.
    """
    rounds = 0
    who = range(len(pricing)) if active is None else active
    with ThreadPoolExecutor(max_workers=max(1, num_workers)) as pool:
        while time.perf_counter() < deadline - 0.05 and (max_rounds is None or rounds < max_rounds):
            rounds += 1
            if master.solver.Solve() != pywraplp.Solver.OPTIMAL:
                logger.warning("column generation: the master LP did not solve to optimality; stopping")
                break
            master.value = master.solver.Objective().Value()
            mu = np.zeros(arr.requirement.shape)
            for (d, s), ct in master.cover.items():
                mu[d, s] = ct.dual_value()
            pi = [ct.dual_value() for ct in master.convexity]
            jobs = [pool.submit(_price, pricing[e], arr, e, mu, deadline, seed) for e in who]
            added = 0
            for e, rows in zip(who, (job.result() for job in jobs), strict=True):
                for row in rows[-COLUMNS_PER_PRICING:]:
                    if _reduced_cost(arr, e, row, mu, pi[e]) < MIN_REDUCED_COST:
                        added += add_column(master, arr, e, row)
            master.iterations += 1
            if not added:
                break
    logger.debug("column generation: %d rounds (%d now), %d columns, LP %s", master.iterations, rounds,
                 sum(len(c) for c in master.columns), master.value)  # fmt: skip
    return master


def sequential_roster(
    arr: RosterArrays, pricing: Sequence[PricingModel], deadline: float, num_workers: int, seed: int
) -> NDArray[np.int64] | None:
    """A feasible roster built one employee at a time, each taking the schedule that best fills what is left.

    Every hard rule concerns one employee, so any feasible schedule per employee is a feasible
    roster.  Employees are solved in turn on their own pricing model; the "duals" of a cell are
    its marginal cover value given the employees already placed (its under-cover weight while the
    requirement is unmet, minus its over-cover weight after), so later employees fill the gaps
    earlier ones left.  This is the fallback when CP-SAT finds no roster of the full model in time
    (the largest benchmark instances: 150 employees x 364 days).  Each employee gets all
    ``num_workers``: with one worker CP-SAT can miss a schedule for some employees of the
    largest instances that two workers find in under a second (docs/labour.md).

    Parameters
    ----------
    arr : RosterArrays
        The instance arrays.
    pricing : sequence of PricingModel
        One pricing model per employee.
    deadline : float
        ``time.perf_counter()`` value by which the roster must be complete; each employee may
        improve their schedule for an equal share of the time left (the quality this buys:
        docs/labour.md), and runs longer when their first schedule takes longer.
    num_workers : int
        CP-SAT workers per employee.
    seed : int
        CP-SAT seed.

    Returns
    -------
    ndarray of int or None
        The (E, D) roster, or None when some employee's schedule was not found before ``deadline``.
    """
    n_e, n_d, _ = arr.shape
    left = arr.requirement.astype(np.int64).copy()
    roster = np.full((n_e, n_d), OFF, dtype=np.int64)
    params = {**PRICE_PARAMS, "num_workers": max(1, num_workers)}
    for e in range(n_e):
        now = time.perf_counter()
        if now >= deadline:
            return None
        mu = _cover_values(arr, left)
        rows = _price(pricing[e], arr, e, mu, deadline, seed, first_by=now + (deadline - now) / (n_e - e),
                      params=params)  # fmt: skip
        if not rows:
            logger.warning("sequential roster: no schedule for employee %d before the deadline", e)
            return None
        roster[e] = rows[-1]
        worked = np.flatnonzero(roster[e] >= 0)
        left[worked, roster[e, worked]] -= 1
    return roster


def improve_by_employee(
    arr: RosterArrays, pricing: Sequence[PricingModel], roster: NDArray[np.int64], deadline: float, num_workers: int,
    seed: int,
) -> tuple[int, int]:  # fmt: skip
    """Re-solve one employee at a time against the others' fixed schedules until ``deadline`` (in place).

    With every other schedule fixed, an employee's pricing objective under the marginal cover
    values (its under-cover weight where the others leave the requirement unmet, minus its
    over-cover weight where they meet it) is exactly the change of the roster's penalty, so the
    best schedule of one employee is an exact move of the "free one employee" neighbourhood,
    solved on that employee's small model instead of a copy of the whole one.  A schedule is kept
    only when it lowers the penalty; passes over the employees in random order stop when one
    changes nothing.

    Returns
    -------
    tuple of int
        Employees solved and schedules changed.
    """
    rng = np.random.default_rng(seed)
    params = {**PRICE_PARAMS, "num_workers": max(1, num_workers)}
    solved = changed = 0
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for e in rng.permutation(arr.shape[0]).tolist():
            now = time.perf_counter()
            if now >= deadline:
                break
            mu = _marginal_values(arr, roster, e)
            rows = _price(pricing[e], arr, e, mu, deadline, seed, first_by=min(now + PRICE_TIME_S, deadline),
                          params=params)  # fmt: skip
            solved += 1
            if rows and _reduced_cost(arr, e, rows[-1], mu, 0.0) < _reduced_cost(arr, e, roster[e], mu, 0.0) - 1e-9:
                roster[e] = rows[-1]
                changed += 1
                improved = True
    return solved, changed


def _marginal_values(arr: RosterArrays, roster: NDArray[np.int64], e: int) -> NDArray[np.float64]:
    """What one more employee on each (day, shift) saves, given everyone's schedule but ``e``'s."""
    count = np.zeros(arr.requirement.shape, dtype=np.int64)
    worked = roster >= 0
    days = np.broadcast_to(np.arange(roster.shape[1]), roster.shape)
    np.add.at(count, (days[worked], roster[worked]), 1)
    mine = np.flatnonzero(roster[e] >= 0)
    count[mine, roster[e, mine]] -= 1
    return _cover_values(arr, arr.requirement - count)


def _cover_values(arr: RosterArrays, left: NDArray[np.int64]) -> NDArray[np.float64]:
    """Penalty one more employee on each (day, shift) saves: under-cover weight while ``left > 0``, else
    minus the over-cover weight."""
    return np.where(left > 0, arr.under_weight, -arr.over_weight).astype(np.float64)


def _reduced_cost(arr: RosterArrays, e: int, row: NDArray[np.int64], mu: NDArray[np.float64], pi: float) -> float:
    """Reduced cost of a schedule: its request penalty minus the cover duals it earns minus ``pi``."""
    worked = np.flatnonzero(row >= 0)
    return schedule_cost(arr, e, row) - float(mu[worked, row[worked]].sum()) - pi


class _Rows(cp_model.CpSolverSolutionCallback):
    """Collects every schedule a pricing run finds (each improving one is a candidate column).

    With ``stop_at`` (a ``time.perf_counter()`` value) the search stops at the first schedule found
    after it.
    """

    def __init__(self, x: dict[tuple[int, int], cp_model.IntVar], n_days: int, stop_at: float = math.inf) -> None:
        super().__init__()
        self.x, self.n_days, self.stop_at = x, n_days, stop_at
        self.rows: list[NDArray[np.int64]] = []

    def on_solution_callback(self) -> None:
        row = np.full(self.n_days, OFF, dtype=np.int64)
        for (d, s), var in self.x.items():
            if self.boolean_value(var):
                row[d] = s
        self.rows.append(row)
        if time.perf_counter() >= self.stop_at:
            self.stop_search()


def _price(
    pm: PricingModel, arr: RosterArrays, e: int, mu: NDArray[np.float64], deadline: float, seed: int,
    first_by: float | None = None, params: dict[str, Any] | None = None,
) -> list[NDArray[np.int64]]:  # fmt: skip
    """Schedules of employee ``e`` found while minimising their reduced cost under duals ``mu``, best last.

    The run stops after ``PRICE_TIME_S`` or at ``deadline``; with ``first_by`` it may run past
    ``PRICE_TIME_S`` (up to ``deadline``) until its first schedule, and stops at the first one found
    after ``first_by``.
    ``params`` replaces ``PRICE_PARAMS``.
    """
    model, x = pm
    keys = list(x)
    coeffs = [round((arr.off_weight[e, d, s] - arr.on_weight[e, d, s] - mu[d, s]) * DUAL_SCALE) for d, s in keys]
    model.clear_objective()
    model.minimize(cp_model.LinearExpr.weighted_sum([x[k] for k in keys], coeffs))
    solver = cp_model.CpSolver()
    now = time.perf_counter()
    limit = deadline - now if first_by is not None else min(PRICE_TIME_S, deadline - now)
    solver.parameters.max_time_in_seconds = max(limit, 0.01)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    for key, value in (PRICE_PARAMS if params is None else params).items():
        setattr(solver.parameters, key, value)
    found = _Rows(x, arr.shape[1], math.inf if first_by is None else first_by)
    timer = None
    if first_by is not None:  # stop at ``first_by`` when a schedule is in hand (the callback handles later ones)
        timer = threading.Timer(max(first_by - now, 0.0), lambda: solver.stop_search() if found.rows else None)
        timer.start()
    try:
        solver.solve(model, found)
    finally:
        if timer is not None:
            timer.cancel()
    return found.rows


def dive(
    master: Master,
    arr: RosterArrays,
    pricing: Sequence[PricingModel],
    deadline: float,
    num_workers: int,
    seed: int,
    fix_share: float = 0.25,
) -> tuple[list[int], set[int]]:
    """Fix one schedule per employee by diving on the master LP, pricing the employees still free.

    Each step fixes the free employees whose LP weight on one schedule is at least ``1 - 1e-6``,
    and at least ``fix_share`` of them (those of largest weight), then generates columns for those still free; after
    ``deadline`` every free employee takes its schedule of largest weight.

    Parameters
    ----------
    master : Master
        The master after column generation (its LP is modified: fixed schedules get a lower bound of 1).
    arr : RosterArrays
        The instance arrays.
    pricing : sequence of PricingModel
        One pricing model per employee.
    deadline : float
        ``time.perf_counter()`` value.
    num_workers, seed : int
        Threads and CP-SAT seed of the pricing runs.
    fix_share : float
        Least share of the free employees fixed at each step.

    Returns
    -------
    tuple
        The index of each employee's chosen column, and the employees the dive fixed before ``deadline``.
    """
    chosen: dict[int, int] = {}
    while len(chosen) < len(master.columns):
        master.solver.Solve()
        weights = {
            e: np.array([v.solution_value() for v in lam]) for e, lam in enumerate(master.lam) if e not in chosen
        }
        if time.perf_counter() >= deadline:
            fixed = set(chosen)
            chosen.update({e: int(w.argmax()) for e, w in weights.items()})
            return [chosen[e] for e in range(len(master.columns))], fixed
        sure = {e: int(w.argmax()) for e, w in weights.items() if w.max() >= 1 - 1e-6}
        if len(sure) < fix_share * len(weights):
            top = sorted(weights, key=lambda k: -weights[k].max())[: max(1, int(fix_share * len(weights)))]
            sure.update({e: int(weights[e].argmax()) for e in top})
        for e, c in sure.items():
            master.lam[e][c].SetLb(1.0)
        chosen.update(sure)
        free = [e for e in range(len(master.columns)) if e not in chosen]
        if free:
            generate_columns(master, arr, pricing, deadline, num_workers, seed, active=free, max_rounds=DIVE_ROUNDS)
    return [chosen[e] for e in range(len(master.columns))], set(chosen)


def best_combination(
    master: Master,
    arr: RosterArrays,
    hint: Sequence[int],
    fixed: set[int],
    time_limit: float,
    num_workers: int,
    seed: int,
) -> NDArray[np.int64] | None:
    """One generated schedule per employee, of least penalty, by CP-SAT, hinted with a choice of columns.

    Parameters
    ----------
    master : Master
        The columns.
    arr : RosterArrays
        The instance arrays.
    hint : sequence of int
        A column index per employee to start from.
    fixed : set of int
        Employees held to their hinted column.
    time_limit : float
        Seconds.
    num_workers, seed : int
        CP-SAT workers and seed.

    Returns
    -------
    ndarray of int or None
        The (E, D) roster, or None when CP-SAT found nothing in time.
    """
    model = cp_model.CpModel()
    pick = [[model.new_bool_var("") for _ in cols] for cols in master.columns]
    terms: list[Term] = []
    for e, (cols, lits) in enumerate(zip(master.columns, pick, strict=True)):
        model.add_exactly_one(lits)
        for c, lit in enumerate(lits):
            model.add_hint(lit, c == hint[e])
        if e in fixed:
            model.add(lits[hint[e]] == 1)
        terms += [(lit, schedule_cost(arr, e, row)) for row, lit in zip(cols, lits, strict=True)]
    for d, s in master.cover:
        assigned = [lit for cols, lits in zip(master.columns, pick, strict=True)
                    for row, lit in zip(cols, lits, strict=True) if row[d] == s]  # fmt: skip
        terms += cover_penalty(model, assigned, int(arr.requirement[d, s]), int(arr.under_weight[d, s]),
                               int(arr.over_weight[d, s]))  # fmt: skip
    model.minimize(sum(weight * expr for expr, weight in terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = num_workers
    solver.parameters.random_seed = seed
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = [next(c for c, lit in enumerate(lits) if solver.boolean_value(lit)) for lits in pick]
    return np.stack([cols[c] for cols, c in zip(master.columns, chosen, strict=True)])


def price_and_branch(
    arr: RosterArrays, pricing: Sequence[PricingModel], start: NDArray[np.int64], deadlines: tuple[float, float, float],
    num_workers: int, seed: int,
) -> tuple[NDArray[np.int64] | None, Master]:  # fmt: skip
    """Column generation from ``start`` and a dive until ``cg_deadline``, then the integer master until ``ip_deadline``.

    Parameters
    ----------
    arr : RosterArrays
        The instance arrays.
    pricing : sequence of PricingModel
        One pricing model per employee.
    start : ndarray of int
        A feasible (E, D) roster; its rows are the first columns.
    deadlines : tuple of float
        ``time.perf_counter()`` values at which column generation, the dive and the integer master stop.
    num_workers, seed : int
        Threads and CP-SAT seed.

    Returns
    -------
    tuple
        The integer master's roster (or None) and the master.
    """
    cg_deadline, dive_deadline, ip_deadline = deadlines
    master = generate_columns(new_master(arr, start), arr, pricing, cg_deadline, num_workers, seed)
    master.root_value = master.value
    best: tuple[int, list[int], set[int]] | None = None
    for share in DIVE_FIX_SHARES:  # finer dives while time is left; each adds columns for the integer master
        dived, fixed = dive(master, arr, pricing, dive_deadline, num_workers, seed, share)
        penalty = roster_penalties(
            arr, np.stack([cols[c] for cols, c in zip(master.columns, dived, strict=True)])
        ).total
        logger.debug("dive (share %s): penalty %s, %d of %d employees fixed", share, penalty, len(fixed), len(dived))
        if best is None or (len(fixed), -penalty) > (len(best[2]), -best[0]):
            best = (penalty, dived, fixed)
        for lam in master.lam:
            for var in lam:
                var.SetLb(0.0)
        if time.perf_counter() >= dive_deadline:
            break
    assert best is not None
    _, dived, fixed = best
    return best_combination(master, arr, dived, fixed, ip_deadline - time.perf_counter(), num_workers, seed), master
