"""Rostering models: the roster instance (shift types, employees and their contracts, requests, cover)
and the roster plan.

The instance follows the Shift Scheduling Benchmark of Curtois and Qu (http://www.schedulingbenchmarks.org,
instances 1-24), with every number kept as an integer: minutes, days and penalty weights.  Weights are
integers on purpose, so CP-SAT optimises exactly the penalty the checker recomputes (no hidden
scaling); scale fractional weights yourself before building an instance.

Days are indexed from 0; ``first_weekday`` (0 = Monday, as in the benchmark) places the weekends.
Hard rules: one shift a day, forbidden successions, days off, max shifts per type, min/max total
minutes, min/max consecutive shifts, min consecutive days off, max working weekends.  Soft rules
(weighted penalties): shift-on and shift-off requests, under- and over-cover per day x shift.
Cross-field rules (unique ids, known references, days inside the horizon) live in the instance
validator, so the error names the field path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NonNegInt = Annotated[int, Field(ge=0)]
RosterStatus = Literal["optimal", "feasible", "infeasible", "no_solution", "error"]
OFF = -1  # the code of a day off in an assignment matrix
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ShiftType(_Frozen):
    """A kind of shift (early, late, night...) that can be worked on any day."""

    id: str = Field(min_length=1, description="Unique among shift types.")
    minutes: int = Field(gt=0, description="Length in minutes (counts towards the total-minutes rules).")
    start: str | None = Field(None, description="Start time 'HH:MM' (informative; used by plots and reports).")
    forbidden_successors: list[str] = Field(
        default_factory=list, description="Shift types that may not be worked on the day after this one."
    )

    @field_validator("start")
    @classmethod
    def _clock(cls, v: str | None) -> str | None:
        if v is not None and not _CLOCK.match(v):
            raise ValueError(f"start {v!r} is not a time 'HH:MM'")
        return v


class Employee(_Frozen):
    """An employee and the rules of their contract (all hard)."""

    id: str = Field(min_length=1, description="Unique among employees.")
    max_shifts: dict[str, NonNegInt] = Field(
        default_factory=dict, description="Most shifts of each type; a type not listed is unlimited (0 forbids it)."
    )
    min_minutes: NonNegInt = Field(0, description="Least total minutes over the horizon.")
    max_minutes: NonNegInt | None = Field(None, description="Most total minutes over the horizon (None: no limit).")
    min_consecutive_shifts: int = Field(1, ge=1, description="Shortest run of worked days (edge runs exempt).")
    max_consecutive_shifts: int | None = Field(None, ge=1, description="Longest run of worked days.")
    min_consecutive_days_off: int = Field(1, ge=1, description="Shortest run of days off (edge runs exempt).")
    max_weekends: NonNegInt | None = Field(None, description="Most weekends with a shift on Saturday or Sunday.")
    max_total_shifts: NonNegInt | None = Field(None, description="Most shifts of any type over the horizon.")
    days_off: list[NonNegInt] = Field(default_factory=list, description="Days that may not be worked.")


class ShiftRequest(_Frozen):
    """A wish to work (shift-on) or not to work (shift-off) one shift on one day, with its weight."""

    employee: str
    day: NonNegInt
    shift: str
    weight: NonNegInt = Field(description="Penalty when the wish is not granted.")


class Cover(_Frozen):
    """How many employees one shift type needs on one day, and the penalty per missing or extra one."""

    day: NonNegInt
    shift: str
    requirement: NonNegInt
    under_weight: NonNegInt = Field(description="Penalty per employee below the requirement.")
    over_weight: NonNegInt = Field(description="Penalty per employee above the requirement.")


class RosterInstance(_Frozen):
    """Assign each employee a shift or a day off on every day of the horizon."""

    kind: Literal["roster"] = "roster"
    schema_version: Literal[1] = 1
    name: str = ""
    horizon: int = Field(ge=1, description="Days in the planning horizon.")
    first_weekday: int = Field(0, ge=0, le=6, description="Weekday of day 0 (0 = Monday); places weekends.")
    shift_types: list[ShiftType] = Field(min_length=1)
    employees: list[Employee] = Field(min_length=1)
    shift_on_requests: list[ShiftRequest] = Field(default_factory=list)
    shift_off_requests: list[ShiftRequest] = Field(default_factory=list)
    cover: list[Cover] = Field(default_factory=list, description="At most one entry per day x shift type.")

    @model_validator(mode="after")
    def _check(self) -> RosterInstance:
        problems = _duplicates("shift_types", [s.id for s in self.shift_types])
        problems += _duplicates("employees", [e.id for e in self.employees])
        shifts, people, h = {s.id for s in self.shift_types}, {e.id for e in self.employees}, self.horizon
        for i, s in enumerate(self.shift_types):
            problems += [f"shift_types[{i}].forbidden_successors: unknown shift type {t!r}"
                         for t in s.forbidden_successors if t not in shifts]  # fmt: skip
        for i, e in enumerate(self.employees):
            problems += [
                f"employees[{i}].max_shifts: unknown shift type {t!r}" for t in e.max_shifts if t not in shifts
            ]
            problems += [f"employees[{i}].days_off: day {d} is outside the horizon 0..{h - 1}"
                         for d in e.days_off if d >= h]  # fmt: skip
        for field in ("shift_on_requests", "shift_off_requests"):
            for i, r in enumerate(getattr(self, field)):
                where = f"{field}[{i}]"
                problems += [f"{where}.employee: unknown employee {r.employee!r}"] if r.employee not in people else []
                problems += [f"{where}.shift: unknown shift type {r.shift!r}"] if r.shift not in shifts else []
                problems += [f"{where}.day: day {r.day} is outside the horizon 0..{h - 1}"] if r.day >= h else []
        seen: set[tuple[int, str]] = set()
        for i, c in enumerate(self.cover):
            problems += [f"cover[{i}].shift: unknown shift type {c.shift!r}"] if c.shift not in shifts else []
            problems += [f"cover[{i}].day: day {c.day} is outside the horizon 0..{h - 1}"] if c.day >= h else []
            if (c.day, c.shift) in seen:
                problems.append(f"cover[{i}]: a second entry for day {c.day}, shift {c.shift!r}")
            seen.add((c.day, c.shift))
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _duplicates(field: str, names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for k, name in enumerate(names):
        if name in seen:
            out.append(f"{field}[{k}].id: duplicate id {name!r}")
        seen.add(name)
    return out


@dataclass(frozen=True, eq=False)
class RosterArrays:
    """The numpy view of a :class:`RosterInstance`, derived once at the boundary.

    ``E`` employees, ``D`` days, ``S`` shift types, in instance order.  Requests for the same
    (employee, day, shift) add up; cells without a cover entry have requirement and weights 0.
    """

    minutes: NDArray[np.int64]  # (S,)
    forbidden: NDArray[np.bool_]  # (S, S): forbidden[s, t] = t may not follow s
    max_shifts: NDArray[np.int64]  # (E, S): the horizon length where unlimited
    max_total: NDArray[np.int64]  # (E,) shifts of any type: the horizon length where unlimited
    min_minutes: NDArray[np.int64]  # (E,)
    max_minutes: NDArray[np.int64]  # (E,): -1 where unlimited
    min_run: NDArray[np.int64]  # (E,) min consecutive shifts
    max_run: NDArray[np.int64]  # (E,) max consecutive shifts; the horizon where unlimited
    min_off: NDArray[np.int64]  # (E,) min consecutive days off
    max_weekends: NDArray[np.int64]  # (E,): -1 where unlimited
    day_off: NDArray[np.bool_]  # (E, D)
    on_weight: NDArray[np.int64]  # (E, D, S)
    off_weight: NDArray[np.int64]  # (E, D, S)
    requirement: NDArray[np.int64]  # (D, S)
    under_weight: NDArray[np.int64]  # (D, S)
    over_weight: NDArray[np.int64]  # (D, S)
    weekend: NDArray[np.int64]  # (D,): index of the weekend a day belongs to, -1 on weekdays

    @property
    def shape(self) -> tuple[int, int, int]:
        """(employees, days, shift types)."""
        e, d, s = self.on_weight.shape
        return e, d, s


def roster_arrays(inst: RosterInstance) -> RosterArrays:
    """Arrays of an instance (see :class:`RosterArrays`).

    Parameters
    ----------
    inst : RosterInstance
        The instance.

    Returns
    -------
    RosterArrays
        Contract limits per employee, requests per (employee, day, shift), cover per (day, shift).
    """
    n_e, n_d, n_s = len(inst.employees), inst.horizon, len(inst.shift_types)
    s_index = {s.id: k for k, s in enumerate(inst.shift_types)}
    e_index = {e.id: k for k, e in enumerate(inst.employees)}
    forbidden = np.zeros((n_s, n_s), dtype=bool)
    for k, s in enumerate(inst.shift_types):
        forbidden[k, [s_index[t] for t in s.forbidden_successors]] = True
    max_shifts = np.full((n_e, n_s), n_d, dtype=np.int64)
    day_off = np.zeros((n_e, n_d), dtype=bool)
    for i, e in enumerate(inst.employees):
        for t, cap in e.max_shifts.items():
            max_shifts[i, s_index[t]] = min(cap, n_d)
        day_off[i, e.days_off] = True
    on_weight, off_weight = np.zeros((n_e, n_d, n_s), dtype=np.int64), np.zeros((n_e, n_d, n_s), dtype=np.int64)
    for reqs, target in ((inst.shift_on_requests, on_weight), (inst.shift_off_requests, off_weight)):
        for r in reqs:
            target[e_index[r.employee], r.day, s_index[r.shift]] += r.weight
    requirement, under, over = (np.zeros((n_d, n_s), dtype=np.int64) for _ in range(3))
    for c in inst.cover:
        k = s_index[c.shift]
        requirement[c.day, k], under[c.day, k], over[c.day, k] = c.requirement, c.under_weight, c.over_weight
    weekday = (inst.first_weekday + np.arange(n_d)) % 7
    week = (inst.first_weekday + np.arange(n_d)) // 7
    emp = inst.employees

    def ints(values: list[int]) -> NDArray[np.int64]:
        return np.array(values, dtype=np.int64)

    return RosterArrays(
        minutes=ints([s.minutes for s in inst.shift_types]), forbidden=forbidden, max_shifts=max_shifts,
        max_total=ints([n_d if e.max_total_shifts is None else min(e.max_total_shifts, n_d) for e in emp]),
        min_minutes=ints([e.min_minutes for e in emp]),
        max_minutes=ints([-1 if e.max_minutes is None else e.max_minutes for e in emp]),
        min_run=ints([e.min_consecutive_shifts for e in emp]),
        max_run=ints([n_d if e.max_consecutive_shifts is None else min(e.max_consecutive_shifts, n_d) for e in emp]),
        min_off=ints([e.min_consecutive_days_off for e in emp]),
        max_weekends=ints([-1 if e.max_weekends is None else e.max_weekends for e in emp]),
        day_off=day_off, on_weight=on_weight, off_weight=off_weight, requirement=requirement,
        under_weight=under, over_weight=over, weekend=np.where(weekday >= 5, week, -1),
    )  # fmt: skip


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PenaltyBreakdown(_Model):
    """The objective split by soft rule (all recomputed by the checker)."""

    shift_on: int = Field(0, description="Weights of shift-on requests not granted.")
    shift_off: int = Field(0, description="Weights of shift-off requests not granted.")
    under_cover: int = Field(0, description="Under-cover penalty (missing employees x weight).")
    over_cover: int = Field(0, description="Over-cover penalty (extra employees x weight).")

    @property
    def total(self) -> int:
        """The sum of the four parts: the roster's objective."""
        return self.shift_on + self.shift_off + self.under_cover + self.over_cover


class RosterPlan(_Model):
    """Who works which shift on which day, plus how the roster was obtained and what it costs."""

    kind: Literal["roster-plan"] = "roster-plan"
    instance: str = ""
    status: RosterStatus = "feasible"
    backend: str = "cpsat"
    seed: int | None = None
    time_limit_s: float | None = None
    assignment: dict[str, list[str | None]] = Field(
        default_factory=dict, description="Employee id -> one entry per day: a shift type id, or null for a day off."
    )
    objective: int | None = Field(None, description="Total penalty recomputed by the checker.")
    penalties: PenaltyBreakdown | None = Field(None, description="The objective by soft rule (checker).")
    solver_objective: float | None = Field(None, description="Objective as the backend reported it.")
    bound: float | None = Field(None, description="Best proven lower bound on the optimal penalty.")
    gap: float | None = Field(None, description="(objective - bound) / objective; 0 when both are 0.")
    build_s: float | None = Field(None, description="Seconds building the model.")
    solve_s: float | None = None
    runtime_s: float | None = None
    stats: dict[str, float | int | str] = Field(default_factory=dict, description="Backend statistics.")
    violations: list[str] = Field(default_factory=list, description="Hard rules the checker found broken.")

    @property
    def proven_optimal(self) -> bool:
        """True when the backend proved the roster optimal."""
        return self.status == "optimal"


class TaskSpec(_Frozen):
    """A unit of warehouse work of a task day (minutes from the start of the day)."""

    id: str = Field(min_length=1, description="Unique among tasks.")
    skill: str = Field(min_length=1, description="Skill a worker needs for it (pick, pack, returns, ...).")
    duration: int = Field(gt=0, description="Minutes of work.")
    release: NonNegInt = Field(0, description="Earliest start.")
    due: NonNegInt = Field(24 * 60, description="Finish by; later is lateness.")
    after: str | None = Field(None, description="A task that must end before this one starts (pack after pick).")


class TaskWorker(_Frozen):
    """A rostered person of a task day: skills and one shift window."""

    id: str = Field(min_length=1, description="Unique among workers.")
    skills: list[str] = Field(min_length=1)
    start: NonNegInt = Field(description="Shift start, minutes from the start of the day.")
    end: int = Field(gt=0, description="Shift end, minutes from the start of the day.")


class TaskDayInstance(_Frozen):
    """A day's warehouse tasks and the staff rostered for it (``optiops solve`` kind ``task-day``)."""

    kind: Literal["task-day"] = "task-day"
    name: str = ""
    tasks: list[TaskSpec] = Field(min_length=1)
    workers: list[TaskWorker] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> TaskDayInstance:
        problems = _duplicates("tasks", [t.id for t in self.tasks]) + _duplicates(
            "workers", [w.id for w in self.workers]
        )
        ids = {t.id for t in self.tasks}
        for i, t in enumerate(self.tasks):
            if t.after is not None and t.after not in ids:
                problems.append(f"tasks[{i}].after: unknown task {t.after!r}")
            if t.after == t.id:
                problems.append(f"tasks[{i}].after: a task cannot follow itself")
        problems += [f"workers[{i}].end: {w.end} is not after the start {w.start}"
                     for i, w in enumerate(self.workers) if w.end <= w.start]  # fmt: skip
        if problems:
            raise ValueError("; ".join(problems))
        return self


class TaskAssignment(_Model):
    """One task on one worker: ``[start, end)`` in minutes."""

    task: str
    worker: str
    start: int
    end: int


class TaskDayPlan(_Model):
    """The schedule of a task day, with lateness and idle time recomputed by the checker."""

    kind: Literal["task-day-plan"] = "task-day-plan"
    instance: str = ""
    status: Literal["optimal", "feasible"] = "feasible"
    seed: int | None = None
    time_limit_s: float | None = None
    runtime_s: float | None = None
    lateness: int = Field(description="Minutes past due, summed over tasks (checker).")
    idle: int = Field(description="Minutes between a worker's first start and last end that are not work (checker).")
    assignments: list[TaskAssignment] = Field(default_factory=list)
