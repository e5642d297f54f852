"""Contracts no roster can satisfy, found without a solver.

Every hard rule of the roster model concerns one employee (cover and requests are soft), so the
whole instance is infeasible exactly when some employee's own rules are.  The checks here are
cheap sufficient conditions per employee:

- MinTotalMinutes above MaxTotalMinutes, or above zero with MaxShifts allowing no shift type;
- MinTotalMinutes above what the days they may work allow: the most days workable is found by a
  dynamic programme over the days (days off, max/min consecutive shifts, min consecutive days off,
  with the benchmark's edge rules; so MinConsecutiveShifts above MaxConsecutiveShifts, or a long
  MinConsecutiveDaysOff against a short MaxConsecutiveShifts, shows up here) and by the
  max-weekends rule; the longest allowed shifts within the max-shifts-per-type limits then bound
  the minutes (and the most shifts of any type, when the contract limits them).

:func:`optiops.labour.rostering.solve_roster` runs these before solving, and, when CP-SAT proves
the instance infeasible anyway, checks each employee alone to name the culprits.
"""

from __future__ import annotations

import numpy as np

from optiops.model.labour import RosterArrays, RosterInstance, roster_arrays


def diagnose_roster(inst: RosterInstance) -> list[str]:
    """Contract rules no roster can satisfy, one sentence per cause, found without a solver.

    Parameters
    ----------
    inst : RosterInstance
        The instance.

    Returns
    -------
    list of str
        Empty when no cause is found (which does not prove feasibility).
    """
    return [message for message, _ in employee_causes(inst)]


def employee_causes(inst: RosterInstance) -> list[tuple[str, str]]:
    """(cause, employee id) for every cause of infeasibility found without a solver.

    Parameters
    ----------
    inst : RosterInstance
        The instance.

    Returns
    -------
    list of (str, str)
        The sentence and the employee to blame.
    """
    arr = roster_arrays(inst)
    causes = []
    for e, emp in enumerate(inst.employees):
        message = _employee_cause(arr, e)
        if message:
            causes.append((f"employee {emp.id!r}: {message}", emp.id))
    return causes


def max_work_days(
    workable: np.ndarray, min_run: int, max_run: int, min_off: int
) -> int:  # fmt: skip
    """The most days one employee can work under the run rules alone.

    Dynamic programme over the days with state (working or off, current run length, whether the run
    started at day 0).  Runs touching either edge are exempt from the minimum-run rules; the day
    before the horizon is off for the maximum-run rule.

    Parameters
    ----------
    workable : ndarray of bool
        Days that may be worked (not a day off).
    min_run, max_run : int
        Min and max consecutive shifts.
    min_off : int
        Min consecutive days off.

    Returns
    -------
    int
        Most worked days (0 when nothing can be worked).
    """
    # state (working, run length, run started at day 0) -> most days worked so far
    best: dict[State, int] = {(False, 1, True): 0}
    if workable[0] and max_run >= 1:
        best[(True, 1, True)] = 1
    for day in range(1, len(workable)):
        best = _next_day(best, bool(workable[day]), min_run, max_run, min_off)
    return max(best.values())


State = tuple[bool, int, bool]


def _next_day(best: dict[State, int], can_work: bool, min_run: int, max_run: int, min_off: int) -> dict[State, int]:
    """One step of the dynamic programme of :func:`max_work_days`."""
    nxt: dict[State, int] = {}

    def keep(state: State, value: int) -> None:
        if nxt.get(state, -1) < value:
            nxt[state] = value

    for (working, length, at_edge), value in best.items():
        if working:
            if can_work and length < max_run:
                keep((True, length + 1, at_edge), value + 1)
            if length >= min_run or at_edge:
                keep((False, 1, False), value)
        else:
            keep((False, min(length + 1, min_off), at_edge), value)
            if can_work and (length >= min_off or at_edge):
                keep((True, 1, False), value + 1)
    return nxt


def _employee_cause(arr: RosterArrays, e: int) -> str:
    """Why employee ``e`` cannot be rostered, or '' when no cheap cause is found."""
    lo, hi = int(arr.min_minutes[e]), int(arr.max_minutes[e])
    if hi >= 0 and lo > hi:
        return f"MinTotalMinutes {lo} exceeds MaxTotalMinutes {hi}"
    if lo == 0:
        return ""
    allowed = (arr.max_shifts[e] > 0) & ((arr.minutes <= hi) | (hi < 0))
    if not allowed.any():
        return f"MinTotalMinutes {lo} but MaxShifts allows no shift type"
    workable = ~arr.day_off[e]
    free_days = int(workable.sum())
    run_days = max_work_days(workable, int(arr.min_run[e]), int(arr.max_run[e]), int(arr.min_off[e]))
    weekend_days = _weekend_bound(arr, e, workable)
    days = min(free_days, run_days, weekend_days, int(arr.max_total[e]))
    reachable = _most_minutes(arr.minutes[allowed], arr.max_shifts[e][allowed], days)
    if reachable >= lo:
        return ""
    reasons = [f"{arr.day_off.shape[1] - free_days} days off in a {arr.day_off.shape[1]}-day horizon"]
    if run_days < free_days:
        reasons.append(f"MaxConsecutiveShifts {arr.max_run[e]}, MinConsecutiveShifts {arr.min_run[e]} and "
                       f"MinConsecutiveDaysOff {arr.min_off[e]} allow only {run_days} worked days")  # fmt: skip
    if weekend_days < min(free_days, run_days):
        reasons.append(f"MaxWeekends {arr.max_weekends[e]} allows only {weekend_days} worked days")
    if arr.max_total[e] < min(free_days, run_days, weekend_days):
        reasons.append(f"at most {arr.max_total[e]} shifts in all")
    limits = ", ".join(f"{m} min x at most {c}" for m, c in zip(arr.minutes[allowed], arr.max_shifts[e][allowed],
                                                                  strict=True))  # fmt: skip
    return (f"MinTotalMinutes {lo} cannot be reached: at most {days} days can be worked ({'; '.join(reasons)}), "
            f"and {days} shifts of the allowed types ({limits}) give at most {reachable} minutes")  # fmt: skip


def _weekend_bound(arr: RosterArrays, e: int, workable: np.ndarray) -> int:
    """Most worked days under MaxWeekends: every weekday plus the fullest allowed weekends."""
    limit = int(arr.max_weekends[e])
    on_weekend = arr.weekend >= 0
    weekdays = int((workable & ~on_weekend).sum())
    fullest = sorted((int(n) for n in np.bincount(arr.weekend[on_weekend & workable])), reverse=True)
    if limit < 0:
        return weekdays + sum(fullest)
    return weekdays + sum(fullest[:limit])


def _most_minutes(minutes: np.ndarray, caps: np.ndarray, days: int) -> int:
    """Most minutes in ``days`` shifts, taking the longest shift types first within their caps."""
    total = 0
    for k in np.argsort(-minutes, kind="stable"):
        take = min(int(caps[k]), days)
        total += take * int(minutes[k])
        days -= take
        if days <= 0:
            break
    return total
