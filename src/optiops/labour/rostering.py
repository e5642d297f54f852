"""Rostering with CP-SAT: one Boolean per (employee, day, shift type), hard contract rules, soft
requests and cover as penalty terms.

Formulation (data -> variables -> constraints -> objective, as in OR-Tools' shift scheduling
example); ``x[e, d, s]`` exists only where employee ``e`` may work shift ``s`` on day ``d``::

    sum_s x[e, d, s] = w[e, d] <= 1                                one shift a day
    x[e, d, s] + sum_{t cannot follow s} x[e, d + 1, t] <= 1        forbidden successions
    sum_d x[e, d, s] <= max_shifts[e, s]                           max shifts per type
    sum_d w[e, d] <= max_total[e]                                  max shifts of any type
    min_minutes[e] <= sum_{d, s} minutes[s] x[e, d, s] <= max_minutes[e]
    sum of any max_run + 1 consecutive w[e, .] <= max_run          max consecutive shifts
    no run of w = 1 (of w = 0) shorter than min_run (min_off)      clauses forbidding each short pattern
        strictly inside the horizon; runs touching an edge are exempt, as the benchmark defines
    sum_k weekend[e, k] <= max_weekends[e], weekend[e, k] = OR of its days
    minimise  sum on-request weights x (1 - x) + off-request weights x x
              + under_weight x max(req - count, 0) + over_weight x max(count - req, 0)

Search (:class:`RosterOptions`): one CP-SAT run on this model, or (default) a short CP-SAT phase
for a first roster, column generation over employee schedules with a dive and an integer master
(:mod:`optiops.labour.colgen`) for a good start, then the employee / day-window large
neighbourhood search of :mod:`optiops.labour.lns`.
The roster is then re-checked by :func:`optiops.labour.check.check_matrix`; the plan's objective is
the checker's, and a solver objective that differs is logged as a warning.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model

from optiops._logging import logger
from optiops.exceptions import InfeasibleError, SolverError
from optiops.labour.check import assignment_matrix, check_matrix
from optiops.labour.colgen import PricingModel, improve_by_employee, price_and_branch, sequential_roster
from optiops.labour.cpsat import CpSatRun, model_objective, run_cpsat
from optiops.labour.diagnose import employee_causes
from optiops.labour.lns import LnsState, lns_improve
from optiops.labour.rules import Lit, Term, cover_penalty, forbid_short_runs, limit_runs, limit_weekends, negate
from optiops.labour.rules import request_penalty as request_term
from optiops.model.labour import OFF, RosterArrays, RosterInstance, RosterPlan, roster_arrays

Search = Literal["lns", "cpsat"]
RESERVE_SHARE = 0.005  # Instance21/22 at 300 s ended 0.6 s late without it
FALLBACK_END = 0.8  # share of the time limit by which the fallback's roster is built and improved, before the LNS
STATUS = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.UNKNOWN: "no_solution"}


@dataclass(frozen=True)
class RosterOptions:
    """How to solve a roster.

    Attributes
    ----------
    time_limit : float
        Seconds for the whole solve (all phases).
    num_workers : int
        CP-SAT search workers (threads).
    seed : int
        CP-SAT random seed (and the seed of the LNS neighbourhood choice).
    search : {"lns", "cpsat"}
        ``cpsat``: one CP-SAT run on the full model.  ``lns``: a first full-model CP-SAT phase of
        ``first_phase_share`` of the time, or until its first roster when that takes longer, up to
        ``fallback_share`` (its bound is the one reported), then column generation from its roster (``colgen_share``,
        ``dive_share``, ``master_share``), then :func:`optiops.labour.lns.lns_improve` from the
        better of the two rosters for the rest.
    first_phase_share : float
        Share of ``time_limit`` for the first phase of ``lns``.
    final_phase_share : float
        Share of ``time_limit`` for a last full-model CP-SAT run of ``lns``, hinted with the best
        LNS roster (0: none).
    colgen_share : float
        ``lns`` only: column generation (:mod:`optiops.labour.colgen`) from the first roster until
        this share of ``time_limit`` has passed (0: none).
    dive_share : float
        Share of ``time_limit`` for the dive that follows column generation.
    master_share : float
        Share of ``time_limit`` for the integer master after the dive.
    fallback_share : float or None
        ``lns`` only (None: no fallback, the first phase may take the whole time): when the first
        phase has no roster after this share of ``time_limit``, stop it
        and build one employee by employee (:func:`optiops.labour.colgen.sequential_roster`); while
        ``FALLBACK_END`` of the time has not passed, improve it by re-solving one employee at a time
        (:func:`optiops.labour.colgen.improve_by_employee`; on Instance24 the build takes all of it,
        and giving the build less time for the sake of this step was worse), then go on as
        from a first roster; CP-SAT resumes on the full model if no roster is built.
    hint : RosterPlan, optional
        A previous roster to start from (CP-SAT solution hint); employees or days it lacks are free.
    params : mapping
        Extra ``SatParameters`` fields for the full-model runs, applied last.
    """

    time_limit: float = 10.0
    num_workers: int = 2
    seed: int = 1
    search: Search = "lns"
    first_phase_share: float = 0.02
    final_phase_share: float = 0.0
    colgen_share: float = 0.3
    dive_share: float = 0.15
    master_share: float = 0.05
    fallback_share: float | None = 0.1
    hint: RosterPlan | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class RosterModel:
    """The CP-SAT model of an instance and where its assignment variables are."""

    model: cp_model.CpModel
    arrays: RosterArrays
    index: NDArray[np.int64]  # (E, D, S): proto index of x[e, d, s], -1 where the assignment is impossible
    variables: dict[tuple[int, int, int], cp_model.IntVar]

    def matrix(self, values: NDArray[np.int64]) -> NDArray[np.int64]:
        """The (E, D) shift-index matrix of a solution vector (proto order), ``OFF`` for days off."""
        chosen = np.zeros(self.index.shape, dtype=bool)
        exists = self.index >= 0
        chosen[exists] = values[self.index[exists]] > 0
        return np.where(chosen.any(axis=2), chosen.argmax(axis=2), OFF)


def build_roster_model(inst: RosterInstance) -> RosterModel:
    """The CP-SAT model of ``inst`` (see the module docstring).

    Parameters
    ----------
    inst : RosterInstance
        The instance.

    Returns
    -------
    RosterModel
        The model with its objective, and the index of every assignment variable.
    """
    arr = roster_arrays(inst)
    model = cp_model.CpModel()
    n_e, n_d, n_s = arr.shape
    allowed = (~arr.day_off[:, :, None]) & (arr.max_shifts[:, None, :] > 0)
    allowed &= ((arr.minutes[None, :] <= arr.max_minutes[:, None]) | (arr.max_minutes[:, None] < 0))[:, None, :]
    x = {(int(e), int(d), int(s)): model.new_bool_var(f"x[{e},{d},{s}]")
         for e, d, s in zip(*np.nonzero(allowed), strict=True)}  # fmt: skip
    index = np.full((n_e, n_d, n_s), -1, dtype=np.int64)
    for key, var in x.items():
        index[key] = var.index
    for e in range(n_e):
        works = _one_shift_a_day(model, x, e, n_d, n_s)
        _contract(model, arr, x, e, works)
    terms = _requests(arr, x) + _cover(model, arr, x)
    model.minimize(sum(weight * expr for expr, weight in terms))
    return RosterModel(model=model, arrays=arr, index=index, variables=x)


def _one_shift_a_day(
    model: cp_model.CpModel, x: dict[tuple[int, int, int], cp_model.IntVar], e: int, n_d: int, n_s: int
) -> list[Lit]:
    """At most one shift a day; returns the 'works on day d' literal (False when nothing is allowed)."""
    works: list[Lit] = []
    for d in range(n_d):
        day = [x[e, d, s] for s in range(n_s) if (e, d, s) in x]
        if not day:
            works.append(False)
        elif len(day) == 1:
            works.append(day[0])
        else:
            w = model.new_bool_var(f"w[{e},{d}]")
            model.add(sum(day) == w)
            works.append(w)
    return works


def _contract(
    model: cp_model.CpModel, arr: RosterArrays, x: dict[tuple[int, int, int], cp_model.IntVar], e: int,
    works: list[Lit],
) -> None:  # fmt: skip
    """Every hard rule of employee ``e``'s contract."""
    n_d, n_s = len(works), len(arr.minutes)
    for d in range(n_d - 1):  # forbidden successions
        for s in range(n_s):
            if (e, d, s) in x:
                after = [x[e, d + 1, t] for t in np.flatnonzero(arr.forbidden[s]).tolist() if (e, d + 1, t) in x]
                if after:
                    model.add_at_most_one([x[e, d, s], *after])
    minutes = []
    for s in range(n_s):
        column = [x[e, d, s] for d in range(n_d) if (e, d, s) in x]
        if len(column) > arr.max_shifts[e, s]:
            model.add(sum(column) <= int(arr.max_shifts[e, s]))
        minutes += [int(arr.minutes[s]) * v for v in column]
    worked = [w for w in works if w is not False]
    if len(worked) > arr.max_total[e]:
        model.add(sum(worked) <= int(arr.max_total[e]))
    total = sum(minutes)
    if arr.min_minutes[e] > 0:
        model.add(total >= int(arr.min_minutes[e]))
    if arr.max_minutes[e] >= 0:
        model.add(total <= int(arr.max_minutes[e]))
    limit_runs(model, works, int(arr.max_run[e]))
    forbid_short_runs(model, works, int(arr.min_run[e]))
    forbid_short_runs(model, [negate(w) for w in works], int(arr.min_off[e]))
    if arr.max_weekends[e] >= 0:
        limit_weekends(model, works, arr.weekend.tolist(), int(arr.max_weekends[e]))


def _requests(arr: RosterArrays, x: dict[tuple[int, int, int], cp_model.IntVar]) -> list[Term]:
    """Penalty terms of every shift-on and shift-off request."""
    terms = []
    for weights, wanted in ((arr.on_weight, True), (arr.off_weight, False)):
        for e, d, s in zip(*np.nonzero(weights), strict=True):
            terms.append(request_term(x.get((e, d, s)), int(weights[e, d, s]), wanted))
    return terms


def _cover(model: cp_model.CpModel, arr: RosterArrays, x: dict[tuple[int, int, int], cp_model.IntVar]) -> list[Term]:
    """Penalty terms of every day x shift with a cover requirement or weight."""
    n_e = arr.shape[0]
    terms: list[Term] = []
    for d, s in zip(*np.nonzero((arr.requirement > 0) | (arr.over_weight > 0)), strict=True):
        assigned = [x[e, d, s] for e in range(n_e) if (e, d, s) in x]
        terms += cover_penalty(model, assigned, int(arr.requirement[d, s]), int(arr.under_weight[d, s]),
                               int(arr.over_weight[d, s]))  # fmt: skip
    return terms


def add_hint(rm: RosterModel, matrix: NDArray[np.int64]) -> None:
    """Hint every assignment variable with a roster (an (E, D) shift-index matrix, ``OFF`` for off).

    Parameters
    ----------
    rm : RosterModel
        The model.
    matrix : ndarray of int
        The roster to start from.
    """
    rm.model.clear_hints()
    for (e, d, s), var in rm.variables.items():
        rm.model.add_hint(var, bool(matrix[e, d] == s))


def solve_roster(inst: RosterInstance, options: RosterOptions | None = None) -> RosterPlan:
    """Roster ``inst`` with CP-SAT and check the roster independently.

    Parameters
    ----------
    inst : RosterInstance
        The instance.
    options : RosterOptions, optional
        Time limit, workers, seed, search, hint, extra parameters.

    Returns
    -------
    RosterPlan
        The assignment; ``objective`` and ``penalties`` are the checker's, ``bound`` and ``gap``
        CP-SAT's; ``status`` ``optimal``, ``feasible`` or ``no_solution`` (time ran out first).

    Raises
    ------
    InfeasibleError
        Before solving when an employee's contract cannot be met (see
        :mod:`optiops.labour.diagnose`); after solving when CP-SAT proves infeasibility, naming the
        employees whose rules alone are infeasible.
    SolverError
        When CP-SAT rejects the model.
    """
    options = options or RosterOptions()
    t0 = time.perf_counter()
    causes = employee_causes(inst)
    if causes:
        raise InfeasibleError("no roster satisfies every contract:\n  " + "\n  ".join(c for c, _ in causes),
                              [who for _, who in causes])  # fmt: skip
    rm = build_roster_model(inst)
    build_s = time.perf_counter() - t0
    stats: dict[str, float | int | str] = {"search": options.search}
    if options.hint is not None:
        matrix, problems = assignment_matrix(inst, options.hint)
        add_hint(rm, matrix)
        stats["hint_problems"] = len(problems)
    limit = max(_end(t0, options) - time.perf_counter(), 0.01)
    pricing: list[PricingModel] = []  # one model per employee, built when a phase needs them
    if options.search == "lns":  # stop at the share, or at the first roster found after it
        share = 1.0 if options.fallback_share is None else max(options.fallback_share, options.first_phase_share)
        first_limit = max(options.time_limit * share - build_s, 0.01)
        result = _run(rm, options, min(first_limit, limit),
                      stop_after=max(options.time_limit * options.first_phase_share - build_s, 0))  # fmt: skip
        if result.status == cp_model.UNKNOWN and options.fallback_share is not None:
            pricing = pricing_models(inst)
            result = _fallback_start(inst, rm, pricing, result, options, t0, stats)
    else:
        result = _run(rm, options, limit)
    if result.status == cp_model.INFEASIBLE:
        raise infeasible_error(inst, options)
    if result.status == cp_model.MODEL_INVALID:
        raise SolverError(f"CP-SAT rejected the roster model of {inst.name or 'the instance'}: {result.message}")
    if options.search == "lns" and result.status == cp_model.FEASIBLE and result.objective is not None:
        stats["first_phase_objective"] = result.objective
        state = LnsState(values=result.values, objective=result.objective)
        if options.colgen_share > 0 and time.perf_counter() < t0 + options.time_limit * options.colgen_share:
            pricing = pricing or pricing_models(inst)
            _colgen_start(rm, pricing, state, options, t0, stats)
        lns_end = _end(t0, options) - options.time_limit * options.final_phase_share
        lns_improve(rm.model, rm.index, lambda v: model_objective(rm.model, v), state, lns_end,
                    options.num_workers, options.seed, rm.arrays.requirement)  # fmt: skip
        stats.update(
            lns_iterations=state.iterations, lns_improvements=state.improvements, lns_objective=state.objective
        )
        if options.final_phase_share > 0:
            add_hint(rm, rm.matrix(state.values))
            final = _run(rm, options, max(_end(t0, options) - time.perf_counter(), 0.01))
            if final.objective is not None and final.objective < state.objective:
                state.values, state.objective = final.values, final.objective
            if final.bound is not None and (result.bound is None or final.bound > result.bound):
                result = replace(result, bound=final.bound)
        status = cp_model.OPTIMAL if result.bound is not None and state.objective <= result.bound else result.status
        result = replace(result, status=status, values=state.values, objective=state.objective,
                         solve_s=time.perf_counter() - t0 - build_s)  # fmt: skip
    return checked_plan(inst, rm, result, options, build_s, time.perf_counter() - t0, stats)


def _end(t0: float, options: RosterOptions) -> float:
    """When the search must stop: the last ``RESERVE_SHARE`` of the time is for the check and the plan."""
    return t0 + options.time_limit * (1.0 - RESERVE_SHARE)


def _fallback_start(
    inst: RosterInstance, rm: RosterModel, pricing: list[PricingModel], first: CpSatRun, options: RosterOptions,
    t0: float, stats: dict[str, float | int | str],
) -> CpSatRun:  # fmt: skip
    """A first roster built employee by employee when CP-SAT found none in time; else CP-SAT for the rest."""
    started = time.perf_counter()
    deadline = t0 + options.time_limit * FALLBACK_END
    matrix = sequential_roster(rm.arrays, pricing, deadline, options.num_workers, options.seed)
    values = None
    if matrix is not None:
        stats["sequential_objective"] = int(check_matrix(inst, matrix).objective)
        solved, changed = improve_by_employee(rm.arrays, pricing, matrix, deadline, options.num_workers, options.seed)
        stats.update(descent_solved=solved, descent_changed=changed)
        values = complete_solution(rm, matrix, options.seed, max(_end(t0, options) - time.perf_counter(), 0.01))
    stats["fallback_s"] = round(time.perf_counter() - started, 3)
    if values is None:
        logger.info("%s: no sequential roster; CP-SAT continues on the full model", inst.name)
        return _run(rm, options, max(_end(t0, options) - time.perf_counter(), 0.01))
    objective = model_objective(rm.model, values)
    stats["fallback_objective"] = objective
    logger.info("%s: CP-SAT found no roster in the first phase; sequential roster %s", inst.name, objective)
    return replace(first, status=cp_model.FEASIBLE, values=values, objective=objective)


def _colgen_start(
    rm: RosterModel, pricing: list[PricingModel], state: LnsState, options: RosterOptions, t0: float,
    stats: dict[str, float | int | str],
) -> None:  # fmt: skip
    """Replace the incumbent by the price-and-branch roster when that is cheaper."""
    shares = np.cumsum([options.colgen_share, options.dive_share, options.master_share])
    cg_end, dive_end, ip_end = (t0 + options.time_limit * share for share in shares.tolist())
    matrix, master = price_and_branch(rm.arrays, pricing, rm.matrix(state.values), (cg_end, dive_end, ip_end),
                                      options.num_workers, options.seed)  # fmt: skip
    stats.update(colgen_rounds=master.iterations, colgen_columns=sum(len(c) for c in master.columns),
                 colgen_lp=master.root_value if master.root_value is not None else "")  # fmt: skip
    if matrix is None:
        return
    values = complete_solution(rm, matrix, options.seed, max(_end(t0, options) - time.perf_counter(), 0.01))
    if values is None:
        return
    objective = model_objective(rm.model, values)
    stats["colgen_objective"] = objective
    if objective <= state.objective:
        state.values, state.objective = values, objective


def pricing_models(inst: RosterInstance) -> list[PricingModel]:
    """:func:`pricing_model` of every employee, in order."""
    return [pricing_model(inst, e) for e in range(len(inst.employees))]


def pricing_model(inst: RosterInstance, e: int) -> PricingModel:
    """Employee ``e``'s contract alone as a CP-SAT model (no objective), the pricing model of column generation.

    Parameters
    ----------
    inst : RosterInstance
        The instance.
    e : int
        Index of the employee.

    Returns
    -------
    PricingModel
        The model and its literal for each allowed (day, shift type).
    """
    alone = inst.model_copy(update={"employees": [inst.employees[e]], "shift_on_requests": [],
                                    "shift_off_requests": [], "cover": []})  # fmt: skip
    rm = build_roster_model(alone)
    return rm.model, {(d, s): var for (_, d, s), var in rm.variables.items()}


def complete_solution(
    rm: RosterModel, matrix: NDArray[np.int64], seed: int, time_limit: float = 5.0
) -> NDArray[np.int64] | None:
    """The full solution vector (proto order) of a roster: every assignment fixed, the rest solved for.

    Parameters
    ----------
    rm : RosterModel
        The model.
    matrix : ndarray of int
        A feasible (E, D) roster.
    seed : int
        CP-SAT seed.
    time_limit : float
        Seconds (the fixed model solves in milliseconds).

    Returns
    -------
    ndarray of int or None
        The vector, or None when CP-SAT finds none in time (the roster breaks a rule).
    """
    sub = rm.model.clone()
    for (e, d, s), var in rm.variables.items():
        domain = sub.proto.variables[var.index].domain
        domain[0] = domain[1] = int(matrix[e, d] == s)
    res = run_cpsat(sub, min(time_limit, 5.0), 1, seed, {})
    return res.values if res.objective is not None else None


def _run(rm: RosterModel, options: RosterOptions, time_limit: float, stop_after: float | None = None) -> CpSatRun:
    """One CP-SAT solve of the full model with the options' workers, seed and parameters."""
    return run_cpsat(rm.model, time_limit, options.num_workers, options.seed, options.params, stop_after)


def checked_plan(
    inst: RosterInstance, rm: RosterModel, res: CpSatRun, options: RosterOptions, build_s: float, runtime_s: float,
    stats: dict[str, float | int | str],
) -> RosterPlan:  # fmt: skip
    """The plan of a CP-SAT result on ``rm``, with objective and penalties from the independent checker.

    ``status``, ``bound`` and the solver objective come from ``res``; a mismatch between solver and
    checker, or a violated rule, is logged and kept in ``violations``.
    """
    base = RosterPlan(instance=inst.name, status=STATUS.get(res.status, "error"), seed=options.seed,
                      time_limit_s=options.time_limit, build_s=build_s, solve_s=res.solve_s, runtime_s=runtime_s,
                      stats={**stats, **res.stats})  # fmt: skip
    if res.objective is None:
        return base
    matrix = rm.matrix(res.values)
    check = check_matrix(inst, matrix)
    shifts = [s.id for s in inst.shift_types]
    assignment = {e.id: [None if k == OFF else shifts[k] for k in matrix[i]] for i, e in enumerate(inst.employees)}
    objective = check.objective
    bound = res.bound if res.bound is not None else None
    gap = 0.0 if objective == 0 else (objective - bound) / objective if bound is not None else None
    if check.violations or abs(objective - res.objective) > 1e-6:
        logger.warning("CP-SAT roster for %s: solver objective %s, checker %s, %d violations: %s", inst.name,
                       res.objective, objective, len(check.violations), "; ".join(check.violations[:3]))  # fmt: skip
    return base.model_copy(update={
        "assignment": assignment, "objective": objective, "penalties": check.penalties,
        "solver_objective": res.objective, "bound": bound, "gap": gap, "violations": check.violations,
    })  # fmt: skip


def infeasible_error(inst: RosterInstance, options: RosterOptions) -> InfeasibleError:
    """The error for an instance CP-SAT proved infeasible, naming the employees whose rules alone fail.

    Parameters
    ----------
    inst : RosterInstance
        The instance.
    options : RosterOptions
        Workers and seed for the per-employee checks (each limited to a few seconds).

    Returns
    -------
    InfeasibleError
        With the culprits found (possibly none, when every check ran out of time).
    """
    culprits = []
    for emp in inst.employees:
        alone = inst.model_copy(update={"employees": [emp], "shift_on_requests": [], "shift_off_requests": [],
                                        "cover": []})  # fmt: skip
        res = _run(build_roster_model(alone), RosterOptions(num_workers=options.num_workers, seed=options.seed), 5.0)
        if res.status == cp_model.INFEASIBLE:
            culprits.append(emp.id)
    who = ", ".join(repr(c) for c in culprits) or "no single employee (the per-employee checks were inconclusive)"
    return InfeasibleError(
        f"CP-SAT proved that no roster satisfies every hard rule; the contracts that cannot be met on their own "
        f"(days off, max shifts, total minutes, consecutive-run rules, weekends, forbidden successions): {who}",
        culprits,
    )
