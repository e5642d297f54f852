"""The numba dispatcher re-orders random queues exactly as its pure-Python reference does."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.kernels.reference_dispatch import dispatch_reference

from optiops.labour.taskqueue import DispatchRules, TaskQueue, dispatch, synthetic_day


@st.composite
def queues(draw: st.DrawFn) -> tuple[TaskQueue, np.ndarray, float, DispatchRules]:
    """Up to 60 tasks of every kind over a few zones, with tied keys, some not released, some inactive."""
    n = draw(st.integers(1, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    std = rng.choice([1.0, 2.0, 2.5, 4.0], n)
    due = rng.choice([60.0, 90.0, 120.0, 200.0], n) + rng.integers(0, 3, n) * 5.0
    queue = TaskQueue.build(std, rng.uniform(0, 100, n).round(), due, rng.integers(0, draw(st.integers(1, 4)), n),
                            rng.integers(0, 4, n), rng.integers(1, 5, n))  # fmt: skip
    active = rng.random(n) < 0.85
    rules = DispatchRules(batch_size=draw(st.integers(1, 5)), batch_window=draw(st.sampled_from([0.0, 5.0, 30.0])))
    return queue, active, float(draw(st.integers(0, 150))), rules


def reference(queue: TaskQueue, now: float, active: np.ndarray, rules: DispatchRules) -> list[int]:
    """The reference's order of the same queue."""
    columns = [c.tolist() for c in (queue.key, queue.release, queue.zone, queue.kind)]
    return dispatch_reference(now, active.tolist(), *columns, rules.batch_size, rules.batch_window)


@settings(max_examples=200, deadline=None)
@given(queues())
def test_kernel_equals_reference(case: tuple) -> None:
    """Same order as the reference, on random queues."""
    queue, active, now, rules = case
    assert dispatch(queue, now, active, rules).tolist() == reference(queue, now, active, rules)


def test_every_active_task_once_on_a_full_day() -> None:
    """On a synthetic day the order is a permutation of the active tasks, and agrees with the reference."""
    queue = synthetic_day(seed=3, orders=300)
    active = np.random.default_rng(3).random(len(queue)) < 0.7
    got = dispatch(queue, 240.0, active)
    assert sorted(got.tolist()) == np.flatnonzero(active).tolist()
    assert got.tolist() == reference(queue, 240.0, active, DispatchRules())


def test_least_slack_first_and_late_tasks_last() -> None:
    """A task that can still make its cut-off comes before a later one and before one already too late."""
    queue = TaskQueue.build([10.0, 10.0, 10.0], [0.0, 0.0, 0.0], [100.0, 50.0, 20.0], [0, 0, 0], [1, 1, 1], [1, 1, 1])
    assert dispatch(queue, 30.0).tolist() == [1, 0, 2]
