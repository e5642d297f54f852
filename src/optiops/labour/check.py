"""The independent roster checker: recomputes every hard rule and the penalty from instance and roster alone.

It shares nothing with the CP-SAT formulation: it turns the plan's assignment (by id) into an
employee x day matrix of shift indices and checks each rule with plain numpy on that matrix, with
the horizon edges treated as the benchmark defines them (http://www.schedulingbenchmarks.org/nrp/):

- max consecutive shifts: the days before and after the horizon are days off, so a run touching
  an edge counts with its length inside the horizon;
- min consecutive shifts / min consecutive days off: an unlimited run of shifts / days off is assumed
  before and after the horizon, so a run touching an edge never breaks these rules;
- forbidden successions: the day before the horizon is a day off (nothing to check at day 0);
- a weekend is worked when a shift falls on its Saturday or its Sunday.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optiops.model.labour import OFF, PenaltyBreakdown, RosterArrays, RosterInstance, RosterPlan, roster_arrays

MAX_LISTED = 10  # violations of one kind listed by name before the rest are counted


@dataclass(frozen=True)
class RosterCheck:
    """The checker's verdict on a roster."""

    feasible: bool
    objective: int
    penalties: PenaltyBreakdown
    violations: list[str] = field(default_factory=list)


def assignment_matrix(inst: RosterInstance, plan: RosterPlan) -> tuple[NDArray[np.int64], list[str]]:
    """The plan as an (employees x days) matrix of shift indices (``OFF`` = -1), and what is malformed.

    Parameters
    ----------
    inst : RosterInstance
        The instance.
    plan : RosterPlan
        The plan; employees missing from it are taken as off every day (and reported).

    Returns
    -------
    tuple of (ndarray, list of str)
        The matrix and one problem per unknown employee or shift, missing employee or wrong length.
    """
    s_index = {s.id: k for k, s in enumerate(inst.shift_types)}
    e_ids = [e.id for e in inst.employees]
    matrix = np.full((len(e_ids), inst.horizon), OFF, dtype=np.int64)
    problems = [f"the roster names unknown employee {eid!r}" for eid in plan.assignment if eid not in set(e_ids)]
    for i, eid in enumerate(e_ids):
        row = plan.assignment.get(eid)
        if row is None:
            problems.append(f"employee {eid!r} is missing from the roster")
            continue
        if len(row) != inst.horizon:
            problems.append(f"employee {eid!r} has {len(row)} days in the roster, the horizon has {inst.horizon}")
        for d, sid in enumerate(row[: inst.horizon]):
            if sid is None:
                continue
            if sid not in s_index:
                problems.append(f"employee {eid!r} day {d}: unknown shift type {sid!r}")
            else:
                matrix[i, d] = s_index[sid]
    return matrix, problems


def check_roster(inst: RosterInstance, plan: RosterPlan) -> RosterCheck:
    """Recompute the penalty of ``plan`` and list every hard rule it breaks.

    Parameters
    ----------
    inst : RosterInstance
        The instance the plan claims to solve.
    plan : RosterPlan
        The plan.

    Returns
    -------
    RosterCheck
        Feasibility, recomputed penalty (total and by soft rule) and the violations in plain words;
        a stated ``plan.objective`` that differs from the recomputed one is a violation too.
    """
    matrix, problems = assignment_matrix(inst, plan)
    result = check_matrix(inst, matrix)
    problems += result.violations
    if plan.objective is not None and plan.objective != result.objective:
        problems.append(f"the plan states penalty {plan.objective}, recomputed {result.objective}")
    return RosterCheck(not problems, result.objective, result.penalties, problems)


def check_matrix(inst: RosterInstance, matrix: NDArray[np.int64]) -> RosterCheck:
    """Check an (employees x days) matrix of shift indices (``OFF`` = -1) against every rule.

    Parameters
    ----------
    inst : RosterInstance
        The instance.
    matrix : ndarray of int
        ``matrix[e, d]``: the index of employee ``e``'s shift type on day ``d``, or -1.

    Returns
    -------
    RosterCheck
        Feasibility, penalty and violations.
    """
    arr = roster_arrays(inst)
    names = [e.id for e in inst.employees]
    shifts = [s.id for s in inst.shift_types]
    work = matrix >= 0
    problems: list[str] = []
    problems += _listed([f"employee {names[e]!r} works on day {d}, one of their days off"
                         for e, d in zip(*np.nonzero(work & arr.day_off), strict=True)])  # fmt: skip
    problems += _count_rules(arr, matrix, names, shifts)
    problems += _run_rules(arr, work, names)
    problems += _succession_rule(arr, matrix, names, shifts)
    penalties = roster_penalties(arr, matrix)
    return RosterCheck(not problems, penalties.total, penalties, problems)


def roster_penalties(arr: RosterArrays, matrix: NDArray[np.int64]) -> PenaltyBreakdown:
    """The soft-rule penalties of a matrix: requests not granted, under- and over-cover.

    Parameters
    ----------
    arr : RosterArrays
        The instance arrays.
    matrix : ndarray of int
        Shift index per (employee, day), -1 for a day off.

    Returns
    -------
    PenaltyBreakdown
        Shift-on, shift-off, under-cover and over-cover penalties.
    """
    n_e, n_d, n_s = arr.shape
    chosen = np.zeros((n_e, n_d, n_s), dtype=bool)
    e_idx, d_idx = np.nonzero(matrix >= 0)
    chosen[e_idx, d_idx, matrix[e_idx, d_idx]] = True
    count = chosen.sum(axis=0)  # (D, S)
    under = np.maximum(arr.requirement - count, 0)
    over = np.maximum(count - arr.requirement, 0)
    return PenaltyBreakdown(
        shift_on=int(arr.on_weight[~chosen].sum()), shift_off=int(arr.off_weight[chosen].sum()),
        under_cover=int((under * arr.under_weight).sum()), over_cover=int((over * arr.over_weight).sum()),
    )  # fmt: skip


def runs(mask: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Starts and lengths of the maximal runs of True in a 1-d boolean array.

    Parameters
    ----------
    mask : ndarray of bool
        One employee's days.

    Returns
    -------
    tuple of ndarray
        ``(starts, lengths)``.
    """
    step = np.diff(np.concatenate([[0], mask.astype(np.int64), [0]]))
    starts = np.flatnonzero(step == 1)
    return starts, np.flatnonzero(step == -1) - starts


def _count_rules(arr: RosterArrays, matrix: NDArray[np.int64], names: list[str], shifts: list[str]) -> list[str]:
    """Max shifts per type and of any type, min/max total minutes, max weekends."""
    n_e, _, n_s = arr.shape
    counts = np.stack([(matrix == s).sum(axis=1) for s in range(n_s)], axis=1)  # (E, S)
    minutes = counts @ arr.minutes
    over_type = zip(*np.nonzero(counts > arr.max_shifts), strict=True)
    out = _listed([f"employee {names[e]!r} works {counts[e, s]} {shifts[s]!r} shifts, more than their "
                   f"maximum {arr.max_shifts[e, s]}" for e, s in over_type])  # fmt: skip
    total = counts.sum(axis=1)
    out += _listed([f"employee {names[e]!r} works {total[e]} shifts, more than their maximum {arr.max_total[e]}"
                    for e in np.flatnonzero(total > arr.max_total)])  # fmt: skip
    too_long = np.flatnonzero((arr.max_minutes >= 0) & (minutes > arr.max_minutes))
    out += _listed([f"employee {names[e]!r} works {minutes[e]} minutes, more than their maximum "
                    f"{arr.max_minutes[e]}" for e in too_long])  # fmt: skip
    out += _listed([f"employee {names[e]!r} works {minutes[e]} minutes, less than their minimum "
                    f"{arr.min_minutes[e]}" for e in np.flatnonzero(minutes < arr.min_minutes)])  # fmt: skip
    n_weekends = int(arr.weekend.max()) + 1 if (arr.weekend >= 0).any() else 0
    worked = np.zeros((n_e, max(n_weekends, 1)), dtype=bool)
    for d in np.flatnonzero(arr.weekend >= 0):
        worked[:, arr.weekend[d]] |= matrix[:, d] >= 0
    weekends = worked.sum(axis=1)
    too_many = np.flatnonzero((arr.max_weekends >= 0) & (weekends > arr.max_weekends))
    out += _listed([f"employee {names[e]!r} works {weekends[e]} weekends, more than their maximum "
                    f"{arr.max_weekends[e]}" for e in too_many])  # fmt: skip
    return out


def _run_rules(arr: RosterArrays, work: NDArray[np.bool_], names: list[str]) -> list[str]:
    """Max and min consecutive shifts, min consecutive days off (edge runs exempt from the minimums)."""
    n_d = work.shape[1]
    too_long, too_short, rest_short = [], [], []
    for e, name in enumerate(names):
        starts, lengths = runs(work[e])
        inside = (starts > 0) & (starts + lengths < n_d)
        too_long += [f"employee {name!r} works {n} days in a row from day {s}, more than their maximum "
                     f"{arr.max_run[e]}" for s, n in zip(starts, lengths, strict=True)
                     if n > arr.max_run[e]]  # fmt: skip
        too_short += [f"employee {name!r} works only {n} days in a row from day {s}, fewer than their minimum "
                      f"{arr.min_run[e]}" for s, n in zip(starts[inside], lengths[inside], strict=True)
                      if n < arr.min_run[e]]  # fmt: skip
        starts, lengths = runs(~work[e])
        inside = (starts > 0) & (starts + lengths < n_d)
        rest_short += [f"employee {name!r} has only {n} days off in a row from day {s}, fewer than their minimum "
                       f"{arr.min_off[e]}" for s, n in zip(starts[inside], lengths[inside], strict=True)
                       if n < arr.min_off[e]]  # fmt: skip
    return _listed(too_long) + _listed(too_short) + _listed(rest_short)


def _succession_rule(arr: RosterArrays, matrix: NDArray[np.int64], names: list[str], shifts: list[str]) -> list[str]:
    """A shift followed the next day by one of its forbidden successors."""
    today, tomorrow = matrix[:, :-1], matrix[:, 1:]
    both = (today >= 0) & (tomorrow >= 0)
    bad = np.zeros_like(both)
    bad[both] = arr.forbidden[today[both], tomorrow[both]]
    return _listed([f"employee {names[e]!r} works {shifts[today[e, d]]!r} on day {d} and "
                    f"{shifts[tomorrow[e, d]]!r} on day {d + 1}, a forbidden succession"
                    for e, d in zip(*np.nonzero(bad), strict=True)])  # fmt: skip


def _listed(items: list[str]) -> list[str]:
    """At most ``MAX_LISTED`` items, then one line counting the rest."""
    if len(items) <= MAX_LISTED:
        return items
    return [*items[:MAX_LISTED], f"... and {len(items) - MAX_LISTED} more like these"]
