"""Warehouse task scheduling: CP-SAT schedules pass the independent check, lateness first, then idle time."""

from __future__ import annotations

import pytest

from optiops.exceptions import InfeasibleError
from optiops.labour.tasks import Assignment, Task, Worker, check_schedule, schedule_tasks

PICKERS = [Worker("ann", frozenset({"pick"}), 360, 840), Worker("bo", frozenset({"pick", "pack"}), 360, 840)]


def day(waves: int = 4) -> list[Task]:
    tasks = []
    for k in range(waves):
        release = 360 + 60 * k
        tasks.append(Task(f"pick{k}", "pick", 50, release, release + 120))
        tasks.append(Task(f"pack{k}", "pack", 20, release, release + 150, after=f"pick{k}"))
    return tasks


def test_schedule_is_feasible_on_time_and_checked() -> None:
    """Enough staff: no lateness; the checker agrees with the solver's figures."""
    tasks = day()
    sched = schedule_tasks(tasks, PICKERS, time_limit=5.0)
    check = check_schedule(tasks, PICKERS, sched.assignments)
    assert check.violations == ()
    assert sched.lateness == 0 == check.lateness
    assert sched.idle == check.idle
    by = {a.task: a for a in sched.assignments}
    assert all(by[f"pack{k}"].start >= by[f"pick{k}"].end for k in range(4))
    assert all(by[f"pack{k}"].worker == "bo" for k in range(4))  # only bo can pack


def test_lateness_comes_before_idle_time() -> None:
    """One worker, two tasks due early: the schedule minimises lateness even if that leaves a gap."""
    w = [Worker("solo", frozenset({"pick"}), 0, 600)]
    tasks = [Task("a", "pick", 60, 0, 60), Task("b", "pick", 60, 200, 260)]
    sched = schedule_tasks(tasks, w, time_limit=5.0)
    assert sched.lateness == 0
    assert sched.idle == 140  # b cannot start before its release at 200


def test_checker_catches_overlap_and_skill() -> None:
    """Two tasks at once on one worker, and a task given to a worker without its skill, are reported."""
    tasks = [Task("a", "pick", 30), Task("b", "pack", 30)]
    bad = (Assignment("a", "ann", 400, 430), Assignment("b", "ann", 410, 440))
    problems = check_schedule(tasks, PICKERS, bad).violations
    assert any("lacks skill" in p for p in problems)
    bad2 = (Assignment("a", "bo", 400, 430), Assignment("b", "bo", 410, 440))
    assert any("overlap" in p for p in check_schedule(tasks, PICKERS, bad2).violations)


def test_task_nobody_can_do_is_diagnosed() -> None:
    """A returns task with no returns-skilled worker names the task and the skill."""
    with pytest.raises(InfeasibleError, match="ret1: no worker with skill 'returns'"):
        schedule_tasks([Task("ret1", "returns", 30)], PICKERS)
