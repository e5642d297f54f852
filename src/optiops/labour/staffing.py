"""Workload to staffing: labour standards turn forecast drivers into work, a MIP designs the shifts.

Work is measured in minutes per interval (an hour, or 15 minutes) and skill: each labour standard
turns a driver (orders, units, returns, inbound units) into minutes (``seconds per driver unit / 60``).
The service target says that work arriving in interval ``t`` must be done by the end of interval
``t + within - 1`` (``within = 1``: in the interval it arrives); staff work at ``utilisation`` of
their paid time (breaks, travel, indirect work).

Shift design (Dantzig 1954's set-covering view with a backlog, as in Thompson 1995): choose how many
people of a skill work each candidate shift (start, length, day) to minimise paid hours, such that
for every sample week of workload the work processed up to each interval is at least the work that
has fallen due and at most the work that has arrived. Planning against several sample weeks (recent
history, or forecast scenarios) makes the plan robust to the week-to-week noise a single forecast
would hide. The fixed-shift baseline of common practice is the same model restricted to the same
shifts with the same head count every day.

:func:`service_level` is the independent check: it serves the actual work first-in first-out with
the scheduled capacity and reports the share done within the target.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optiops.exceptions import InfeasibleError, SolverError
from optiops.solvers import LinearModelBuilder, MipOptions, get_backend
from optiops.solvers.linear import LinearModel
from optiops.solvers.mip import solve_from


@dataclass(frozen=True)
class LabourStandard:
    """Seconds of one skill's work per unit of a driver (e.g. pick: 45 s per unit)."""

    task: str
    driver: str
    seconds: float
    skill: str


@dataclass(frozen=True)
class ShiftType:
    """A shift pattern: start interval within the day and length in intervals."""

    start: int
    length: int

    def label(self, interval_minutes: float) -> str:
        start_h = self.start * interval_minutes / 60.0
        return f"{int(start_h):02d}:{round((start_h % 1) * 60):02d}+{self.length * interval_minutes / 60.0:g}h"


@dataclass(frozen=True, eq=False)
class ShiftPlan:
    """Head count per day x shift type for one skill, and what it gives.

    Attributes
    ----------
    shifts
        The shift types (columns of ``counts``).
    counts
        int64 ``(days, len(shifts))`` people per day and shift.
    staff
        int64 staff present per interval of the horizon.
    paid_hours
        Total paid hours.
    """

    shifts: tuple[ShiftType, ...]
    counts: np.ndarray
    staff: np.ndarray
    paid_hours: float


def workload_minutes(drivers: dict[str, np.ndarray], standards: list[LabourStandard]) -> dict[str, np.ndarray]:
    """Minutes of work arriving per interval for each skill (drivers are arrays over the same intervals)."""
    out: dict[str, np.ndarray] = {}
    for std in standards:
        if std.driver not in drivers:
            raise SolverError(f"labour standard {std.task!r}: no driver {std.driver!r} in the workload")
        minutes = np.asarray(drivers[std.driver], dtype=float) * std.seconds / 60.0
        out[std.skill] = out.get(std.skill, 0.0) + minutes
    return out


def shift_types(
    intervals_per_day: int, starts: range | list[int], lengths: list[int], day_end: int | None = None
) -> tuple[ShiftType, ...]:
    """Every start x length that ends by ``day_end`` (default: the end of the day)."""
    end = intervals_per_day if day_end is None else day_end
    return tuple(ShiftType(s, n) for s in starts for n in lengths if s + n <= end)


def _coverage_matrix(shifts: tuple[ShiftType, ...], days: int, per_day: int) -> np.ndarray:
    """``a[t, d * K + k] = 1`` when shift ``k`` of day ``d`` works interval ``t``."""
    k = len(shifts)
    a = np.zeros((days * per_day, days * k))
    for d in range(days):
        for j, sh in enumerate(shifts):
            a[d * per_day + sh.start : d * per_day + sh.start + sh.length, d * k + j] = 1.0
    return a


def design_shifts(
    weeks: np.ndarray, shifts: tuple[ShiftType, ...], per_day: int, interval_minutes: float, within: int,
    utilisation: float = 0.85, fixed_daily: bool = False, backend: str = "highs", options: MipOptions | None = None,
) -> ShiftPlan:  # fmt: skip
    """Least paid hours of one skill meeting the service target on every sample week.

    Parameters
    ----------
    weeks
        ``(n_samples, T)`` minutes of work arriving per interval, ``T = days * per_day``.
    shifts
        Candidate shift types.
    per_day, interval_minutes
        Intervals per day and their length.
    within
        Work is due ``within`` intervals after the interval it arrives in.
    utilisation
        Productive share of paid time.
    fixed_daily
        The same head count on every day (the fixed-shift baseline).
    backend, options
        MIP backend and its options.

    Raises
    ------
    InfeasibleError
        When no head count meets the target (work arriving where no candidate shift can reach it in time).
    """
    if within < 1:
        raise SolverError(f"the service target must allow at least one interval, got within={within}")
    weeks = np.atleast_2d(np.asarray(weeks, dtype=float))
    n_samples, horizon = weeks.shape
    days = horizon // per_day
    cover = _coverage_matrix(shifts, days, per_day)
    k = len(shifts)
    hours = np.tile([sh.length * interval_minutes / 60.0 for sh in shifts], days)
    b = LinearModelBuilder(name="shift-design")
    n_heads = k if fixed_daily else days * k
    heads = b.add_vars(n_heads, cost=hours[:n_heads] * (days if fixed_daily else 1), integer=True)
    x = np.tile(heads, days) if fixed_daily else heads
    cap_per_person = interval_minutes * utilisation
    for s in range(n_samples):
        work = weeks[s]
        p = b.add_vars(horizon)  # minutes processed per interval
        # p_t <= capacity_t = cap * sum_k cover[t, k] x_k
        t_idx, c_idx = np.nonzero(cover)
        b.add_rows(rows=np.concatenate([np.arange(horizon), t_idx]), cols=np.concatenate([p, x[c_idx]]),
                   vals=np.concatenate([np.ones(horizon), -cap_per_person * np.ones(len(t_idx))]),
                   upper=np.zeros(horizon))  # fmt: skip
        # backlog B_t = B_{t-1} + w_t - p_t, at least 0 (nothing processed before it arrives) and at most the
        # work of the last `within - 1` intervals (work of interval t - within + 1 is due at the end of t);
        # work due after the horizon may carry over
        lag = within - 1
        arrived = np.cumsum(work)
        not_due = arrived - np.concatenate([np.zeros(lag), arrived[: horizon - lag]]) if lag else np.zeros(horizon)
        backlog = b.add_vars(horizon, upper=not_due)
        t = np.arange(horizon)
        b.add_rows(rows=np.concatenate([t, t[1:], t]), cols=np.concatenate([backlog, backlog[:-1], p]),
                   vals=np.concatenate([np.ones(horizon), -np.ones(horizon - 1), np.ones(horizon)]),
                   lower=work, upper=work)  # fmt: skip
    model = b.build()
    solver = get_backend(backend)
    options = options or MipOptions(time_limit=60.0, rel_gap=1e-6)

    def expand(c: np.ndarray) -> np.ndarray:  # head counts per day x shift
        return np.tile(c, days) if fixed_daily else c

    start = None
    if getattr(solver, "accepts_start", False):
        counts0 = _greedy_start(model, heads, expand, cover, shifts, weeks, cap_per_person, within, options)
        if counts0 is not None:
            start = _full_start(model.n_vars, counts0, expand(counts0), cover, weeks, cap_per_person)
    res = solve_from(solver, model, options, start)
    if res.status == "infeasible":
        raise InfeasibleError(
            f"no head count meets the service target (work due within {within} intervals): work arrives "
            "where no candidate shift reaches it in time; allow earlier or later shifts or a longer target"
        )
    if not res.has_solution or res.x is None:
        raise SolverError(f"{backend} found no shift plan: {res.status} ({res.message})")
    counts_flat = np.rint(res.x[heads]).astype(np.int64)
    counts = np.tile(counts_flat, (days, 1)) if fixed_daily else counts_flat.reshape(days, k)
    staff = (cover @ counts.reshape(-1)).astype(np.int64)
    return ShiftPlan(shifts, counts, staff, float((counts.reshape(-1) * hours).sum()))


def _processed(work: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Minutes of work done by the end of each interval, first in first out, never idle while work waits.

    The queue's cumulative output is ``min(A_t, min_s (A_{s-1} + C_t - C_{s-1}))`` with ``A`` and ``C``
    the cumulative work and capacity: the work of a busy period that began at ``s``.
    """
    arrived, cap = np.cumsum(work), np.cumsum(capacity)
    before = np.concatenate(([0.0], arrived[:-1])) - np.concatenate(([0.0], cap[:-1]))
    return np.minimum(arrived, cap + np.minimum.accumulate(before))


def _meets_target(staff: np.ndarray, weeks: np.ndarray, cap_per_person: float, within: int) -> bool:
    """Whether ``staff`` (people per interval) finishes every sample week's work within the target."""
    capacity = staff * cap_per_person
    lag = within - 1
    for work in weeks:
        arrived, done = np.cumsum(work), _processed(work, capacity)
        due = arrived[: len(arrived) - lag]  # work of interval t - lag, due by the end of t
        if np.any(done[lag:] < due - 1e-6 * (1.0 + due)):
            return False
    return True


def _greedy_start(model: LinearModel, heads: np.ndarray, expand: Callable[[np.ndarray], np.ndarray],
                  cover: np.ndarray, shifts: tuple[ShiftType, ...], weeks: np.ndarray, cap_per_person: float,
                  within: int, options: MipOptions) -> np.ndarray | None:  # fmt: skip
    """Head counts that meet the target: the LP relaxation rounded up, then trimmed.

    Rounding the relaxation up keeps it feasible; then, longest shifts first, heads are removed while
    every sample week still meets the target, and a head moves to a shorter shift of the same start
    or end where that suffices, until no move helps. A deterministic start for the MIP, whose own
    first incumbents are poor when it stops at a time limit. ``None`` when the relaxation gives none.
    """
    relaxed = dataclasses.replace(model, integer=np.zeros(model.n_vars, dtype=bool))
    lp = get_backend("highs").solve(relaxed, MipOptions(time_limit=options.time_limit, threads=options.threads))
    if not lp.has_solution or lp.x is None:
        return None
    counts = np.ceil(lp.x[heads] - 1e-6).clip(min=0.0)

    def fits(c: np.ndarray) -> bool:
        return _meets_target(cover @ expand(c), weeks, cap_per_person, within)

    if not fits(counts):  # rounding up cannot lose capacity; a loosely solved relaxation can
        return None
    k = len(shifts)
    sh = [shifts[j % k] for j in range(len(counts))]
    shorter = [
        [j - j % k + b for b, s in enumerate(shifts)
         if s.length < sh[j].length and (s.start == sh[j].start or s.start + s.length == sh[j].start + sh[j].length)]
        for j in range(len(counts))
    ]  # fmt: skip
    order = np.argsort([-s.length for s in sh], kind="stable")
    improved = True
    while improved:
        improved = False
        for j in order:
            while counts[j] > 0:
                counts[j] -= 1
                if not fits(counts):
                    counts[j] += 1
                    break
                improved = True
        for j in order:
            for jb in shorter[j]:
                if counts[j] == 0:
                    break
                counts[j] -= 1
                counts[jb] += 1
                if fits(counts):
                    improved = True
                else:
                    counts[j] += 1
                    counts[jb] -= 1
    return counts


def _full_start(n_vars: int, counts: np.ndarray, staff_counts: np.ndarray, cover: np.ndarray, weeks: np.ndarray,
                cap_per_person: float) -> np.ndarray:  # fmt: skip
    """The model's variables for ``counts``: the heads, then per sample week the work done and the backlog."""
    start = np.zeros(n_vars)
    start[: len(counts)] = counts
    capacity = cover @ staff_counts * cap_per_person
    at = len(counts)
    for work in weeks:
        done = _processed(work, capacity)
        start[at : at + len(work)] = np.diff(done, prepend=0.0)
        start[at + len(work) : at + 2 * len(work)] = np.cumsum(work) - done
        at += 2 * len(work)
    return start


def paid_hours_bound(weeks: np.ndarray, within: int, utilisation: float = 0.85) -> float:
    """A lower bound on the paid hours of any staffing that meets the target on every sample week, whatever its shifts.

    Work arriving in interval ``t <= T - within`` falls due inside the horizon, so it must be processed
    there, and processing is at most paid time x ``utilisation``: the bound is the largest such work
    over the sample weeks, in paid hours.  It bounds :func:`design_shifts` with any candidate shifts,
    the fixed-shift baseline included, so ``1 - bound / baseline`` is the most any plan can save.
    """
    weeks = np.atleast_2d(np.asarray(weeks, dtype=float))
    due = weeks[:, : max(weeks.shape[1] - within + 1, 0)].sum(axis=1)
    return float(due.max(initial=0.0)) / 60.0 / utilisation  # minutes of work -> paid hours


def service_level(work: np.ndarray, staff: np.ndarray, interval_minutes: float, within: int,
                  utilisation: float = 0.85) -> tuple[float, float]:  # fmt: skip
    """Share of work minutes done within the target, serving first-in first-out (independent check).

    Only work whose deadline falls inside the horizon is scored (later work may carry over).

    Returns
    -------
    tuple of float
        (share of scored work done within ``within`` intervals, share of scored work still undone at its deadline).
    """
    work = np.asarray(work, dtype=float)
    capacity = np.asarray(staff, dtype=float) * interval_minutes * utilisation
    queue: list[list[float]] = []  # [arrival interval, minutes left]
    on_time = 0.0
    for t in range(len(work)):
        if work[t] > 0:
            queue.append([t, float(work[t])])
        cap = capacity[t]
        while cap > 1e-9 and queue:
            arrival, left = queue[0]
            done = min(cap, left)
            cap -= done
            if t <= arrival + within - 1 and arrival + within <= len(work):
                on_time += done
            if done >= left - 1e-12:
                queue.pop(0)
            else:
                queue[0][1] = left - done
    total = float(work[: max(len(work) - within + 1, 0)].sum())
    return (on_time / total if total else 1.0), (1.0 - on_time / total if total else 0.0)


def hour_coverage(work: np.ndarray, staff: np.ndarray, interval_minutes: float, utilisation: float = 0.85) -> float:
    """Share of required staff-intervals scheduled: ``sum min(staff, required) / sum required``, no backlog."""
    required = np.asarray(work, dtype=float) / (interval_minutes * utilisation)
    total = required.sum()
    return float(np.minimum(staff, required).sum() / total) if total else 1.0
