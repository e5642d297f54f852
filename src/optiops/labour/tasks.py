"""Warehouse task scheduling: a day's tasks assigned to rostered staff and sequenced within their shifts.

Tasks (pick waves, packing, returns processing, put-away) have a skill, a duration, a release time, a
due time and optionally a predecessor (packing a wave starts after its picking ends). Workers have
skills and one shift window. CP-SAT model (data -> variables -> constraints -> objective):

- one start per task; per eligible worker an optional interval sharing that start, exactly one present;
- per worker, no overlap of its intervals, and a present interval lies inside the worker's shift;
- a task starts at its release and after its predecessor ends;
- lateness ``max(0, end - due)``.

Objectives, lexicographically in two phases: first the total lateness, then —
with lateness held at the best value found — the total idle time, the gaps between a worker's first
start and last end that are not work. Phase 2 starts from phase 1's schedule as a hint.

:func:`check_schedule` recomputes everything from the assignment alone.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from optiops.exceptions import InfeasibleError, SolverError
from optiops.model.labour import TaskAssignment, TaskDayInstance, TaskDayPlan


@dataclass(frozen=True)
class Task:
    """A unit of warehouse work (times in minutes from the start of the day)."""

    id: str
    skill: str
    duration: int
    release: int = 0
    due: int = 24 * 60
    after: str | None = None


@dataclass(frozen=True)
class Worker:
    """A rostered person with skills and one shift window."""

    id: str
    skills: frozenset[str]
    start: int
    end: int


@dataclass(frozen=True)
class Assignment:
    task: str
    worker: str
    start: int
    end: int


@dataclass(frozen=True, eq=False)
class TaskSchedule:
    """Assignments and their scores (lateness and idle time in minutes)."""

    assignments: tuple[Assignment, ...]
    lateness: int
    idle: int
    status: str
    runtime_s: float


def diagnose_tasks(tasks: list[Task], workers: list[Worker]) -> list[str]:
    """Reasons no schedule can exist: unknown predecessors, tasks nobody can do in any shift."""
    ids = {t.id for t in tasks}
    causes = [f"task {t.id}: predecessor {t.after!r} is not a task" for t in tasks if t.after and t.after not in ids]
    for t in tasks:
        fits = [w for w in workers if t.skill in w.skills and max(w.start, t.release) + t.duration <= w.end]
        if not fits:
            causes.append(f"task {t.id}: no worker with skill {t.skill!r} has {t.duration} min in a shift after "
                          f"its release at {t.release} min")  # fmt: skip
    return causes


def schedule_tasks(
    tasks: list[Task], workers: list[Worker], time_limit: float = 10.0, seed: int = 1, num_workers: int = 1
) -> TaskSchedule:
    """Least lateness, then least idle time (see the module docstring).

    Parameters
    ----------
    tasks, workers
        The day's tasks and the rostered staff.
    time_limit
        Seconds in total; phase 1 gets two thirds.
    seed, num_workers
        CP-SAT random seed and search workers.

    Raises
    ------
    InfeasibleError
        When a task has no eligible worker with room in a shift, or a predecessor is unknown.
    SolverError
        When CP-SAT finds no schedule within the limit.
    """
    causes = diagnose_tasks(tasks, workers)
    if causes:
        raise InfeasibleError("no task schedule exists:\n  " + "\n  ".join(causes), [c.split(":")[0] for c in causes])
    t0 = time.perf_counter()
    model, start, present, late, idle = _build(tasks, workers)
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = num_workers
    solver.parameters.max_time_in_seconds = time_limit * 2 / 3
    model.minimize(sum(late))
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise SolverError(f"CP-SAT found no task schedule in {time_limit * 2 / 3:.1f} s ({solver.status_name(status)})")
    best_late = round(solver.objective_value)
    values = {k: solver.value(v) for k, v in start.items()}
    chosen = {k: solver.value(v) for k, v in present.items()}
    model.add(sum(late) <= best_late)
    for k, v in start.items():
        model.add_hint(v, values[k])
    for key, x in present.items():
        model.add_hint(x, chosen[key])
    model.minimize(sum(idle))
    solver.parameters.max_time_in_seconds = max(time_limit - (time.perf_counter() - t0), 0.1)
    status2 = solver.solve(model)
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # else keep phase 1's schedule
        values = {k: solver.value(v) for k, v in start.items()}
        chosen = {k: solver.value(v) for k, v in present.items()}
    assignments = tuple(
        Assignment(t.id, w.id, values[t.id], values[t.id] + t.duration)
        for t in tasks for w in workers if chosen.get((t.id, w.id))
    )  # fmt: skip
    check = check_schedule(tasks, workers, assignments)
    if check.violations:
        raise SolverError("CP-SAT returned a task schedule the checker rejects:\n  " + "\n  ".join(check.violations))
    optimal = status == cp_model.OPTIMAL and status2 == cp_model.OPTIMAL
    return TaskSchedule(assignments, check.lateness, check.idle, "optimal" if optimal else "feasible",
                        round(time.perf_counter() - t0, 3))  # fmt: skip


def _build(tasks: list[Task], workers: list[Worker]) -> tuple[Any, ...]:
    """Variables and constraints; returns (model, start, present, lateness terms, idle terms)."""
    m = cp_model.CpModel()
    horizon = max([w.end for w in workers] + [t.due for t in tasks]) + sum(t.duration for t in tasks)
    start = {t.id: m.new_int_var(t.release, horizon, f"s_{t.id}") for t in tasks}
    present: dict[tuple[str, str], cp_model.IntVar] = {}
    per_worker: dict[str, list[tuple[cp_model.IntervalVar, cp_model.IntVar, Task]]] = {w.id: [] for w in workers}
    for t in tasks:
        options = []
        for w in workers:
            if t.skill not in w.skills or max(w.start, t.release) + t.duration > w.end:
                continue
            x = m.new_bool_var(f"x_{t.id}_{w.id}")
            iv = m.new_optional_fixed_size_interval_var(start[t.id], t.duration, x, f"i_{t.id}_{w.id}")
            m.add(start[t.id] >= w.start).only_enforce_if(x)
            m.add(start[t.id] + t.duration <= w.end).only_enforce_if(x)
            present[t.id, w.id] = x
            per_worker[w.id].append((iv, x, t))
            options.append(x)
        m.add_exactly_one(options)
        if t.after:
            prev = next(p for p in tasks if p.id == t.after)
            m.add(start[t.id] >= start[prev.id] + prev.duration)
    late = []
    for t in tasks:
        lv = m.new_int_var(0, horizon, f"late_{t.id}")
        m.add(lv >= start[t.id] + t.duration - t.due)
        late.append(lv)
    idle = []
    for w in workers:
        items = per_worker[w.id]
        if not items:
            continue
        m.add_no_overlap([iv for iv, _, _ in items])
        used = m.new_bool_var(f"used_{w.id}")
        m.add_max_equality(used, [x for _, x, _ in items])
        first = m.new_int_var(w.start, w.end, f"first_{w.id}")
        last = m.new_int_var(w.start, w.end, f"last_{w.id}")
        for _, x, t in items:
            m.add(first <= start[t.id]).only_enforce_if(x)
            m.add(last >= start[t.id] + t.duration).only_enforce_if(x)
        gap = m.new_int_var(0, w.end - w.start, f"idle_{w.id}")
        busy = sum(t.duration * x for _, x, t in items)
        m.add(gap >= last - first - busy).only_enforce_if(used)
        idle.append(gap)
    return m, start, present, late, idle


@dataclass(frozen=True)
class ScheduleCheck:
    violations: tuple[str, ...]
    lateness: int
    idle: int


def check_schedule(tasks: list[Task], workers: list[Worker], assignments: tuple[Assignment, ...]) -> ScheduleCheck:
    """Recompute feasibility, lateness and idle time from the assignments alone."""
    by_task = {a.task: a for a in assignments}
    wk = {w.id: w for w in workers}
    problems = []
    for t in tasks:
        a = by_task.get(t.id)
        if a is None:
            problems.append(f"task {t.id}: not scheduled")
            continue
        w = wk.get(a.worker)
        if w is None or t.skill not in w.skills:
            problems.append(f"task {t.id}: worker {a.worker} lacks skill {t.skill!r}")
            continue
        if a.end - a.start != t.duration or a.start < t.release or a.start < w.start or a.end > w.end:
            problems.append(f"task {t.id}: [{a.start}, {a.end}) breaks its duration, release or {w.id}'s shift")
        if t.after and t.after in by_task and a.start < by_task[t.after].end:
            problems.append(f"task {t.id}: starts before its predecessor {t.after} ends")
    idle = 0
    for w in workers:
        mine = sorted((a for a in assignments if a.worker == w.id), key=lambda a: a.start)
        for prev, nxt in itertools.pairwise(mine):
            if nxt.start < prev.end:
                problems.append(f"worker {w.id}: tasks {prev.task} and {nxt.task} overlap")
        if mine:
            idle += max(a.end for a in mine) - mine[0].start - sum(a.end - a.start for a in mine)
    due = {t.id: t.due for t in tasks}
    lateness = sum(max(0, a.end - due[a.task]) for a in assignments if a.task in due)
    return ScheduleCheck(tuple(problems), lateness, max(idle, 0))


def solve_task_day(inst: TaskDayInstance, time_limit: float = 10.0, seed: int = 1, num_workers: int = 1) -> TaskDayPlan:
    """Schedule a task-day document (:func:`schedule_tasks`) and return its checked plan.

    Parameters
    ----------
    inst : TaskDayInstance
        The day's tasks and workers.
    time_limit, seed, num_workers
        As :func:`schedule_tasks`.

    Returns
    -------
    TaskDayPlan
        Assignments in task order; lateness and idle time from :func:`check_schedule`.

    Raises
    ------
    InfeasibleError
        When a task has no eligible worker with room in a shift (naming the task).
    SolverError
        When CP-SAT finds no schedule within the limit.
    """
    tasks, workers = _task_day(inst)
    schedule = schedule_tasks(tasks, workers, time_limit=time_limit, seed=seed, num_workers=num_workers)
    check = check_schedule(tasks, workers, schedule.assignments)
    return TaskDayPlan(
        instance=inst.name, status="optimal" if schedule.status == "optimal" else "feasible", seed=seed,
        time_limit_s=time_limit, runtime_s=schedule.runtime_s, lateness=check.lateness, idle=check.idle,
        assignments=[TaskAssignment(task=a.task, worker=a.worker, start=a.start, end=a.end)
                     for a in sorted(schedule.assignments, key=lambda a: (a.start, a.worker))],
    )  # fmt: skip


def check_task_day(inst: TaskDayInstance, plan: TaskDayPlan) -> ScheduleCheck:
    """:func:`check_schedule` of a task-day plan against its document (for ``optiops evaluate``)."""
    tasks, workers = _task_day(inst)
    assignments = tuple(Assignment(a.task, a.worker, a.start, a.end) for a in plan.assignments)
    known = {t.id for t in tasks}
    problems = [f"task {t}: scheduled {n} times" for t, n in Counter(a.task for a in assignments).items() if n > 1]
    problems += [f"task {a.task}: not a task of the instance" for a in assignments if a.task not in known]
    check = check_schedule(tasks, workers, assignments)
    return ScheduleCheck((*problems, *check.violations), check.lateness, check.idle)


def _task_day(inst: TaskDayInstance) -> tuple[list[Task], list[Worker]]:
    """The document's tasks and workers as the scheduler's records."""
    tasks = [Task(t.id, t.skill, t.duration, t.release, t.due, t.after) for t in inst.tasks]
    workers = [Worker(w.id, frozenset(w.skills), w.start, w.end) for w in inst.workers]
    return tasks, workers
