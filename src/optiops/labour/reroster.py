"""Re-rostering after absences: the same rules and penalties, plus a cost per changed assignment.

When employees report absent on some days, the roster must change, but a planner wants the rest of
it to stay as published.  :func:`reroster` adds the absences as days off, keeps every hard rule,
and minimises ``penalty + change_weight x changes`` where a change is an (employee, day) whose
assignment (a shift type, or off) differs from the previous roster.  CP-SAT is hinted with the
previous roster (the assignments an absence forbids have no variable, so they drop out of the
hint).  The new roster is then re-checked by the checker on the changed instance; its
``objective`` is the penalty alone, the changes are in ``stats["changes"]``, and the combined
objective and CP-SAT's bound on it in ``stats`` (``bound`` and ``gap`` stay empty: the bound is not
one on the penalty).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from ortools.sat.python import cp_model

from optiops.exceptions import InfeasibleError, InstanceError, SolverError
from optiops.labour.check import assignment_matrix
from optiops.labour.cpsat import run_cpsat
from optiops.labour.diagnose import employee_causes
from optiops.labour.rostering import RosterOptions, add_hint, build_roster_model, checked_plan, infeasible_error
from optiops.model.labour import OFF, RosterInstance, RosterPlan


def with_absences(inst: RosterInstance, absences: Mapping[str, Sequence[int]]) -> RosterInstance:
    """``inst`` with each absent employee's days added to their days off.

    Raises
    ------
    InstanceError
        An unknown employee or a day outside the horizon (named).
    """
    known = {e.id for e in inst.employees}
    for who, days in absences.items():
        if who not in known:
            raise InstanceError(f"absence of unknown employee {who!r} (known: {', '.join(sorted(known))})")
        bad = [d for d in days if not 0 <= d < inst.horizon]
        if bad:
            raise InstanceError(f"absence of {who!r}: day {bad[0]} is outside the horizon 0..{inst.horizon - 1}")
    employees = [
        e.model_copy(update={"days_off": sorted(set(e.days_off) | set(absences[e.id]))}) if e.id in absences else e
        for e in inst.employees
    ]
    return inst.model_copy(update={"employees": employees})


def reroster(
    inst: RosterInstance,
    previous: RosterPlan,
    absences: Mapping[str, Sequence[int]],
    options: RosterOptions | None = None,
    change_weight: int = 1,
) -> RosterPlan:
    """Roster again after ``absences`` (employee id -> days), changing as few assignments as it pays to.

    Parameters
    ----------
    inst : RosterInstance
        The instance the previous roster was made for.
    previous : RosterPlan
        The published roster.
    absences : mapping of str to sequence of int
        Days each absent employee cannot work.
    options : RosterOptions, optional
        Time limit, workers, seed and extra CP-SAT parameters (one CP-SAT run; ``search`` is ignored).
    change_weight : int
        Penalty units per changed (employee, day) assignment; 0 re-optimises freely.

    Returns
    -------
    RosterPlan
        For the instance with the absences as days off; ``objective`` and ``penalties`` the
        checker's, ``stats["changes"]`` the changed assignments and ``stats["changes_in_absences"]``
        those forced on absent days.

    Raises
    ------
    InstanceError
        Unknown employee or day, or a previous roster that does not fit the instance.
    InfeasibleError
        When an absence makes a contract impossible (e.g. the minimum minutes no longer reachable),
        naming the employee and the rule.
    """
    options = options or RosterOptions()
    t0 = time.perf_counter()
    new = with_absences(inst, absences)
    causes = employee_causes(new)
    if causes:
        raise InfeasibleError("after the absences no roster satisfies every contract:\n  "
                              + "\n  ".join(c for c, _ in causes), [who for _, who in causes])  # fmt: skip
    old, problems = assignment_matrix(inst, previous)
    if problems:
        raise InstanceError([f"previous roster: {p}" for p in problems[:10]])
    rm = build_roster_model(new)
    model = rm.model
    # the penalty objective, copied before minimize() replaces it (integer weights: an integer offset)
    obj_vars, obj_coeffs = list(model.proto.objective.vars), list(model.proto.objective.coeffs)
    obj_offset = round(model.proto.objective.offset)
    if any(v < 0 for v in obj_vars):
        raise SolverError("the roster objective has a negated literal; reroster expects positive references")
    penalty = cp_model.LinearExpr.weighted_sum([model.get_int_var_from_proto_index(v) for v in obj_vars], obj_coeffs)
    changed_on: list[cp_model.IntVar] = []  # off before, working now
    kept: list[cp_model.IntVar] = []  # on the old shift again
    for (e, d, _), var in rm.variables.items():
        if old[e, d] == OFF:
            changed_on.append(var)
    for e, d in zip(*np.nonzero(old >= 0), strict=True):
        stay = rm.variables.get((int(e), int(d), int(old[e, d])))
        if stay is not None:  # an absence or a new rule may forbid the old shift: then a forced change
            kept.append(stay)
    # changes = sum(off before, working now) + sum over days worked before of (1 - on the old shift)
    n_worked = int((old >= 0).sum())
    changes = cp_model.LinearExpr.sum(changed_on) - cp_model.LinearExpr.sum(kept) + n_worked
    model.minimize(penalty + obj_offset + change_weight * changes)
    add_hint(rm, np.where(old >= 0, old, OFF))
    build_s = time.perf_counter() - t0
    res = run_cpsat(model, max(options.time_limit - build_s, 0.01), options.num_workers, options.seed, options.params)
    if res.status == cp_model.INFEASIBLE:
        raise infeasible_error(new, options)
    matrix = rm.matrix(res.values) if res.objective is not None else None
    stats: dict[str, float | int | str] = {"search": "reroster", "change_weight": change_weight}
    if matrix is not None:
        stats.update(combined_objective=float(res.objective or 0.0), combined_bound=float(res.bound or 0.0))
        penalty_value = float(np.dot(res.values[obj_vars], obj_coeffs) + obj_offset)
        res = replace(res, objective=penalty_value, bound=None)
        absent = np.zeros(old.shape, dtype=bool)
        index = {e.id: i for i, e in enumerate(inst.employees)}
        for who, days in absences.items():
            absent[index[who], list(days)] = True
        stats.update(changes=int((matrix != old).sum()), changes_in_absences=int(((matrix != old) & absent).sum()))
    return checked_plan(new, rm, res, options, build_s, time.perf_counter() - t0, stats)
