"""An intraday simulation of a warehouse's task queue: the dispatcher against first in, first out.

Tasks become known when they are released (an order arrives); each worker, when free, takes the
head of the queue. With ``rule="dispatch"`` the queue is re-ordered by :func:`dispatch` whenever
a task arrives, a worker frees up or a carrier cut-off is an hour away, and a worker takes a whole
batch of same-zone picks from the head (walking to the zone once); with ``rule="fifo"`` it is
worked in release order, one task at a time. A worker starts only what it can finish in its shift.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Literal

import numpy as np

from optiops.kernels.dispatch import KIND_PICK
from optiops.labour.taskqueue import DispatchRules, TaskQueue, dispatch

Rule = Literal["dispatch", "fifo"]
CUTOFF_NOTICE = 60.0  # minutes before a cut-off at which the queue is re-ordered


@dataclass(frozen=True)
class DayResult:
    """What one rule achieved on one day with one staff."""

    rule: str
    tasks: int
    done: int
    on_time: int  # finished by their cut-off
    units: float  # units moved by the tasks done
    labour_hours: float  # paid: the shifts' lengths
    worked_hours: float  # spent on tasks
    reorderings: int

    @property
    def on_time_share(self) -> float:
        return self.on_time / self.tasks if self.tasks else 1.0

    @property
    def units_per_labour_hour(self) -> float:
        return self.units / self.labour_hours if self.labour_hours else 0.0

    @property
    def units_per_worked_hour(self) -> float:
        return self.units / self.worked_hours if self.worked_hours else 0.0


def simulate_day(
    queue: TaskQueue, shifts: list[tuple[float, float]], rule: Rule = "dispatch", rules: DispatchRules | None = None
) -> DayResult:
    """Work ``queue`` with one worker per ``(start, end)`` shift under ``rule``.

    Returns
    -------
    DayResult
        Tasks done, done by their cut-off, units moved and per paid labour hour, re-orderings made.
    """
    rules = rules or DispatchRules()
    n = len(queue)
    waiting = np.zeros(n, dtype=np.bool_)  # released, not started
    arrivals = np.argsort(queue.release, kind="stable")
    fifo = arrivals  # release order, ties by index
    finish = np.full(n, np.inf)
    worked = 0.0
    next_arrival, reorderings = 0, 0
    cutoffs = sorted(set(queue.due.tolist()))
    notices = [c - CUTOFF_NOTICE for c in cutoffs]
    free = [(start, w) for w, (start, _) in enumerate(shifts)]
    heapq.heapify(free)
    while free:
        now, w = heapq.heappop(free)
        end = shifts[w][1]
        while next_arrival < n and queue.release[arrivals[next_arrival]] <= now:
            waiting[arrivals[next_arrival]] = True
            next_arrival += 1
            reorderings += rule == "dispatch"  # an arrival re-orders the queue
        reorderings += sum(1 for c in notices if c <= now) if rule == "dispatch" else 0
        notices = [c for c in notices if c > now]
        if not waiting.any():
            if next_arrival < n and queue.release[arrivals[next_arrival]] < end:
                heapq.heappush(free, (float(queue.release[arrivals[next_arrival]]), w))
            continue
        if rule == "dispatch":
            reorderings += 1
            batch = _head_batch(queue, dispatch(queue, now, waiting, rules), rules.batch_size)
        else:
            batch = [int(next(i for i in fifo if waiting[i]))]
        clock = now
        for k, task in enumerate(batch):
            minutes = queue.std_min[task] * (1.0 - rules.walk_share if k else 1.0)
            if clock + minutes > end:
                break
            clock += minutes
            finish[task] = clock
            waiting[task] = False
        worked += clock - now
        if clock > now:
            heapq.heappush(free, (clock, w))
    done = np.isfinite(finish)
    return DayResult(
        rule=rule, tasks=n, done=int(done.sum()), on_time=int((finish <= queue.due).sum()),
        units=float(queue.units[done].sum()), labour_hours=sum(e - s for s, e in shifts) / 60.0,
        worked_hours=worked / 60.0, reorderings=reorderings,
    )  # fmt: skip


def _head_batch(queue: TaskQueue, order: np.ndarray, batch_size: int) -> list[int]:
    """The head of the order and, if it is a pick, the same-zone picks right behind it."""
    head = int(order[0])
    batch = [head]
    if queue.kind[head] != KIND_PICK:
        return batch
    for i in order[1:batch_size]:
        if queue.kind[i] != KIND_PICK or queue.zone[i] != queue.zone[head]:
            break
        batch.append(int(i))
    return batch


def staff(early: int, late: int, day: float = 16 * 60.0, shift: float = 8 * 60.0) -> list[tuple[float, float]]:
    """``early`` workers from the start of the day and ``late`` ones until its end, each one shift long."""
    return [(0.0, shift)] * early + [(day - shift, day)] * late
