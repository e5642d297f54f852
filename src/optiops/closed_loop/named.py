"""Named rosters of the optimised plan, and re-rostering them after staff absences.

The replay's weekly roster of a warehouse is a head count per designed shift and day
(:func:`optiops.closed_loop.policies.plan_rosters`). In a replay with staff absences the optimised
plan also names it: the warehouse's employees of ``staff.csv`` are assigned to the designed shifts
by CP-SAT (:func:`optiops.labour.solve_roster`), one shift a day, within their contracts (most
minutes and shifts per week, most consecutive shifts, :data:`REST_HOURS` of rest between two
shifts), as many designed hours as they can take; the head count they cannot take stays unnamed, as
every head count was before. Skills are not matched: the replay staffs a warehouse's work as one
pool. The contract's least minutes are not imposed (the design, not the contract, sets the hours
paid), nor are the rules across weeks.

An absence takes the absent people's shifts off the day (a named employee not rostered that day
takes nothing off; ``people: N`` are N of the day's rostered employees drawn with the replay's seed,
then unnamed heads). :func:`reroster_absences` then calls :func:`optiops.labour.reroster` on the
rest of the week with the published named roster as the one to keep: an off-duty employee with room
in the contract takes over an absent shift when that is worth more than the changes it costs
(:data:`CHANGE_WEIGHT`); the days already worked stay as they were. Hours taken over are paid at the
employee's wage; what is not covered is left to the day's temps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from optiops._logging import logger
from optiops.exceptions import OptiopsError
from optiops.labour.reroster import reroster
from optiops.labour.rostering import RosterOptions, solve_roster
from optiops.labour.staffing import ShiftPlan
from optiops.model.labour import OFF, Cover, Employee, RosterInstance, RosterPlan, ShiftRequest, ShiftType
from optiops.model.scenario import Scenario

if TYPE_CHECKING:
    from optiops.closed_loop.engine import Context, PlanState
    from optiops.closed_loop.events import DayEvents
    from optiops.closed_loop.policies import Roster

REST_HOURS = 11  # least hours between the end of a shift and the start of the next day's (EU working time)
# a changed (employee, day) assignment weighs as much as 100 minutes of a shift left unstaffed: a 4-hour shift
# is taken over by an off-duty employee (one change more), a 6 or 8-hour one also by a swap (three more)
CHANGE_WEIGHT = 100
KEEP_WEIGHT = 1_000_000  # the days already worked: their assignments are kept
ROSTER_SECONDS = 2.0  # CP-SAT time per naming or re-rostering, at most (the replay's time limit if lower)


@dataclasses.dataclass(frozen=True, eq=False)
class NamedWeek:
    """A warehouse's week: the designed head counts and the employees named to them."""

    instance: RosterInstance  # the designed shift types, the employees' contracts, cover = head counts
    matrix: np.ndarray  # (E, 7) shift index of each employee per day, OFF when not rostered
    counts: np.ndarray  # (7, K) designed head count per day and shift type
    wage: np.ndarray  # (E,) hourly wage

    @property
    def hours(self) -> np.ndarray:
        """(K,) hours of each shift type."""
        return np.array([s.minutes / 60.0 for s in self.instance.shift_types])

    def named_counts(self) -> np.ndarray:
        """(7, K) employees named per day and shift type."""
        out = np.zeros_like(self.counts)
        for e, d in zip(*np.nonzero(self.matrix >= 0), strict=True):
            out[d, self.matrix[e, d]] += 1
        return out


@dataclasses.dataclass(frozen=True)
class Reroster:
    """What the absences of one warehouse-day did to the optimised plan's roster."""

    absent_hours: float  # rostered hours of the absent people (named shifts, then unnamed heads)
    covered_hours: float  # of those, taken over by employees the re-roster called in
    covered_cost: float  # their pay at their wages
    changes: int  # changed (employee, day) assignments, the absent people's included
    absent: tuple[str, ...] = ()  # the named employees absent from a shift


def shift_types_of(plan: ShiftPlan) -> list[ShiftType]:
    """The designed shift types a week uses, with the successions :data:`REST_HOURS` forbids."""
    used = [s for k, s in enumerate(plan.shifts) if plan.counts[:, k].any()]
    ids = [s.label(60.0) for s in used]
    out = []
    for s, sid in zip(used, ids, strict=True):
        end = s.start + s.length
        after = [tid for t, tid in zip(used, ids, strict=True) if 24 - end + t.start < REST_HOURS]
        out.append(ShiftType(id=sid, minutes=s.length * 60, start=f"{s.start:02d}:00", forbidden_successors=after))
    return out


def name_week(staff: pd.DataFrame, plan: ShiftPlan, first_weekday: int, options: RosterOptions,
              name: str = "") -> NamedWeek | None:  # fmt: skip
    """The warehouse's employees (``staff``: its rows of ``staff.csv``) named to the week's designed shifts.

    ``None`` when the warehouse has no employee or the week no shift, or when CP-SAT returns no roster.
    """
    types = shift_types_of(plan)
    if staff.empty or not types:
        return None
    used = [k for k in range(len(plan.shifts)) if plan.counts[:, k].any()]
    counts = plan.counts[:, used].astype(np.int64)
    employees = [
        Employee(id=str(r.employee), max_minutes=int(str(r.max_minutes_per_week)),
                 max_total_shifts=int(str(r.max_shifts_per_week)),
                 max_consecutive_shifts=int(str(r.max_consecutive_shifts)))
        for r in staff.itertuples(index=False)
    ]  # fmt: skip
    cover = [Cover(day=d, shift=t.id, requirement=int(counts[d, k]), under_weight=t.minutes, over_weight=t.minutes)
             for d in range(7) for k, t in enumerate(types)]  # fmt: skip
    inst = RosterInstance(name=name, horizon=7, first_weekday=first_weekday, shift_types=types, employees=employees,
                          cover=cover)  # fmt: skip
    try:
        solved = solve_roster(inst, dataclasses.replace(options, search="cpsat"))
    except OptiopsError as exc:
        logger.warning("%s: no named roster (%s)", name, exc)
        return None
    if not solved.assignment:
        return None
    return NamedWeek(inst, _matrix(inst, solved), counts, staff["hourly_wage"].to_numpy(dtype=float))


def _matrix(inst: RosterInstance, plan: RosterPlan) -> np.ndarray:
    index = {s.id: k for k, s in enumerate(inst.shift_types)}
    return np.array([[OFF if s is None else index[s] for s in plan.assignment[e.id]] for e in inst.employees],
                    dtype=np.int64)  # fmt: skip


def absent_people(week: NamedWeek, day: int, employees: Sequence[str], people: int,
                  rng: np.random.Generator) -> tuple[list[int], list[int]]:  # fmt: skip
    """Who of the day's roster is absent: (employee indices, shift indices of absent unnamed heads).

    The named ``employees`` rostered that day, then ``people`` more drawn from the day's other
    rostered employees, then from its unnamed heads.
    """
    ids = [e.id for e in week.instance.employees]
    rostered = [e for e in range(len(ids)) if week.matrix[e, day] >= 0]
    named = [ids.index(who) for who in employees if who in ids and ids.index(who) in rostered]
    others = [e for e in rostered if e not in named]
    drawn = [others[i] for i in rng.permutation(len(others))[:people]]
    heads = np.repeat(np.arange(week.counts.shape[1]), week.counts[day] - week.named_counts()[day])
    unnamed = sorted(int(k) for k in rng.permutation(heads)[: max(people - len(drawn), 0)])
    return sorted(named + drawn), unnamed


def reroster_absences(week: NamedWeek, day: int, employees: Sequence[str], people: int, rng: np.random.Generator,
                      options: RosterOptions) -> tuple[NamedWeek, Reroster]:  # fmt: skip
    """Take the day's absent people off the week's roster and re-roster the rest of the week with fewest changes.

    The roster to keep is the published one; the absent shifts (an unnamed head's too) are the cover
    to restore. Days before ``day`` keep their assignments. When CP-SAT returns no roster the week
    stays as it was, less the absent people.
    """
    who, unnamed = absent_people(week, day, employees, people, rng)
    hours = week.hours
    lost = float(hours[week.matrix[who, day]].sum() + hours[unnamed].sum())
    ids = tuple(week.instance.employees[e].id for e in who)
    if not lost:
        return week, Reroster(0.0, 0.0, 0.0, 0, ids)
    inst = _rest_of_week(week, day, unnamed)
    shifts = [s.id for s in inst.shift_types]
    previous = RosterPlan(assignment={e.id: [None if k == OFF else shifts[k] for k in week.matrix[i]]
                                      for i, e in enumerate(inst.employees)})  # fmt: skip
    absent = week.matrix.copy()
    absent[who, day] = OFF
    try:
        plan = reroster(inst, previous, {e: [day] for e in ids}, options, change_weight=CHANGE_WEIGHT)
    except OptiopsError as exc:
        logger.warning("%s day %d: no re-roster after the absences (%s)", inst.name, day, exc)
        plan = None
    uncovered = dataclasses.replace(week, matrix=absent), Reroster(lost, 0.0, 0.0, len(who), ids)
    if plan is None or not plan.assignment:
        return uncovered
    matrix = _matrix(inst, plan)
    if (matrix[:, :day] != week.matrix[:, :day]).any():  # the days worked cannot change
        return uncovered
    before = np.where(absent[:, day] >= 0, hours[np.maximum(absent[:, day], 0)], 0.0)
    after = np.where(matrix[:, day] >= 0, hours[np.maximum(matrix[:, day], 0)], 0.0)
    gained = float((after - before).sum())
    covered = min(max(gained, 0.0), lost)
    cost = float(((after - before) * week.wage).sum()) * (covered / gained) if gained > 0 else 0.0
    return dataclasses.replace(week, matrix=matrix), Reroster(lost, covered, cost, int(plan.stats["changes"]), ids)


def _rest_of_week(week: NamedWeek, day: int, unnamed: list[int]) -> RosterInstance:
    """The week's instance with the days before ``day`` fixed and cover = the published named roster.

    Days not worked before ``day`` are days off; days worked are shift-on requests of weight
    :data:`KEEP_WEIGHT`; the absent unnamed heads' shifts are cover to restore on ``day``.
    """
    inst, matrix = week.instance, week.matrix
    shifts = [s.id for s in inst.shift_types]
    need = week.named_counts()
    np.add.at(need[day], unnamed, 1)
    employees = [e.model_copy(update={"days_off": [d for d in range(day) if matrix[i, d] == OFF]})
                 for i, e in enumerate(inst.employees)]  # fmt: skip
    keep = [ShiftRequest(employee=e.id, day=d, shift=shifts[matrix[i, d]], weight=KEEP_WEIGHT)
            for i, e in enumerate(inst.employees) for d in range(day) if matrix[i, d] != OFF]  # fmt: skip
    cover = [Cover(day=d, shift=t.id, requirement=int(need[d, k]), under_weight=t.minutes, over_weight=t.minutes)
             for d in range(7) for k, t in enumerate(inst.shift_types)]  # fmt: skip
    return inst.model_copy(update={"employees": employees, "shift_on_requests": keep, "cover": cover})


@dataclasses.dataclass(frozen=True)
class DayAbsences:
    """The optimised plan's absences of one day, per warehouse: hours lost, hours covered and their pay."""

    absent_hours: np.ndarray  # (W,)
    covered_hours: np.ndarray  # (W,)
    covered_cost: np.ndarray  # (W,)
    changes: int


def name_rosters(scenario: Scenario, rosters: dict[str, Roster], first_weekday: int,
                 options: RosterOptions) -> dict[str, NamedWeek]:  # fmt: skip
    """:func:`name_week` of every warehouse with employees (``rosters``: the week's head counts)."""
    out = {}
    for w, roster in rosters.items():
        week = name_week(scenario.staff[scenario.staff["warehouse"] == w], roster.plan, first_weekday, options, w)
        if week is not None:
            out[w] = week
    return out


def day_absences(ctx: Context, state: PlanState, d: int, ev: DayEvents, options: RosterOptions) -> DayAbsences:
    """Re-roster each warehouse with absences on day ``d`` (:func:`reroster_absences`).

    A warehouse without a named roster loses the mean shift of ``shifts.csv`` per absent person, as
    the baseline does, and calls no one in.
    """
    n_w = len(ctx.grid.warehouses)
    absent, covered, cost = np.zeros(n_w), np.zeros(n_w), np.zeros(n_w)
    changes = 0
    who: dict[int, tuple[list[str], int]] = {}
    for w, employees, people in ev.absences:
        named, count = who.setdefault(w, ([], 0))
        who[w] = (named + [e for e in employees if e not in named], count + people)
    for w, (named, people) in sorted(who.items()):
        wh = ctx.grid.warehouses[w]
        week = state.named.get(wh)
        if week is None:
            absent[w] = ev.absent_hours[w]
            continue
        rng = np.random.default_rng([ctx.options.seed, 23, d, w])
        state.named[wh], done = reroster_absences(week, d - state.roster_day, named, people, rng, options)
        absent[w], covered[w], cost[w] = done.absent_hours, done.covered_hours, done.covered_cost
        changes += done.changes
    return DayAbsences(absent, covered, cost, changes)
