"""The warehouse task-queue dispatcher's re-ordering (one core, numba).

A task's key is its latest start, ``due - standard minutes``: its slack at time ``now`` is
``key - now``. The order works, in turn,

1. released tasks that can still meet their cut-off, least slack first;
2. released tasks that cannot any more (their key is before ``now``), least slack first: they are
   late whatever happens, so they wait behind those that can still be saved;
3. tasks not yet released, by key.

A released pick leads a batch: the next unplaced picks of its zone and class whose key is at most
``batch_window`` after the leader's follow it directly, up to ``batch_size`` picks in all (one walk
through the zone serves them all).

Slack to a fixed ``now`` orders tasks as their keys do, so the queue keeps its tasks sorted by key
once (``by_key``, ties by index) and each re-ordering is a few linear passes. The pure-Python
reference is ``tests/kernels/reference_dispatch.py``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

KIND_PICK, KIND_PACK, KIND_PUTAWAY, KIND_RETURNS = 0, 1, 2, 3
KIND_NAMES = ("pick", "pack", "put-away", "returns")


@njit(cache=True)
def task_class(now: float, key: float, release: float) -> int:
    """0: released and can meet its cut-off; 1: released, too late; 2: not released yet."""
    if release > now:
        return 2
    return 0 if key >= now else 1


@njit(cache=True)
def dispatch_order(
    now: float,
    by_key: np.ndarray,
    active: np.ndarray,
    key: np.ndarray,
    release: np.ndarray,
    zone: np.ndarray,
    kind: np.ndarray,
    n_zones: int,
    batch_size: int,
    batch_window: float,
    out: np.ndarray,
) -> int:
    """Write the active tasks' work order (task indices) into ``out``; returns how many (the active count).

    ``by_key`` lists the task indices by key; ``key``, ``release``, ``zone`` and ``kind`` are given in
    that order too (position ``j`` describes task ``by_key[j]``), so the passes read them in sequence;
    ``active`` is by task index.
    """
    n = by_key.shape[0]
    count = np.zeros(5, dtype=np.int64)  # tasks per class, shifted by one; the last: inactive
    class_at = np.empty(n, dtype=np.int8)  # 3: inactive
    for j in range(n):
        c = task_class(now, key[j], release[j]) if active[by_key[j]] else 3
        class_at[j] = c
        count[c + 1] += 1
    for c in range(3):
        count[c + 1] += count[c]
    m = count[3]
    cand = np.empty(m, dtype=np.int64)  # key positions in work order, before batching
    fill = count[:3].copy()
    start = np.zeros(n_zones + 1, dtype=np.int64)
    for j in range(n):
        c = class_at[j]
        if c < 3:
            cand[fill[c]] = j
            fill[c] += 1
            if c < 2 and kind[j] == KIND_PICK:
                start[zone[j] + 1] += 1
    # the released picks of each zone, in candidate order (a counting sort by zone)
    for z in range(n_zones):
        start[z + 1] += start[z]
    members = np.empty(start[n_zones], dtype=np.int64)
    cursor = start[:n_zones].copy()
    for p in range(m):
        j = cand[p]
        if class_at[j] < 2 and kind[j] == KIND_PICK:
            members[cursor[zone[j]]] = j
            cursor[zone[j]] += 1
    cursor[:] = start[:n_zones]  # the first unplaced pick of each zone
    placed = np.zeros(n, dtype=np.bool_)
    k = 0
    for p in range(m):
        j = cand[p]
        if placed[j]:
            continue
        out[k] = by_key[j]
        k += 1
        placed[j] = True
        if class_at[j] == 2 or kind[j] != KIND_PICK:
            continue
        z = zone[j]
        cursor[z] += 1  # every earlier pick of the zone is placed, so the cursor was at j
        taken = 1
        limit = key[j] + batch_window
        while taken < batch_size and cursor[z] < start[z + 1]:
            q = members[cursor[z]]
            if class_at[q] != class_at[j] or key[q] > limit:
                break
            out[k] = by_key[q]
            k += 1
            placed[q] = True
            cursor[z] += 1
            taken += 1
    return k


def warmup() -> None:
    """Compile (or load) the kernel on a tiny queue."""
    key = np.array([1.0, 2.0])
    out = np.empty(2, dtype=np.int64)
    dispatch_order(0.0, np.arange(2), np.ones(2, dtype=np.bool_), key, np.zeros(2), np.zeros(2, dtype=np.int64),
                   np.zeros(2, dtype=np.int64), 1, 2, 1.0, out)  # fmt: skip
