"""A warehouse task queue and its online dispatcher: least slack to the cut-off first, same-zone picks batched.

:func:`dispatch` re-orders the queue whenever something changes (an order arrives, a worker frees
up, a cut-off nears); the work is done by the numba kernel :func:`optiops.kernels.dispatch.dispatch_order`.
:func:`synthetic_day` makes a day of tasks to try it on (see :mod:`optiops.labour.intraday`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optiops.kernels.dispatch import KIND_PACK, KIND_PICK, KIND_PUTAWAY, KIND_RETURNS, dispatch_order


@dataclass(frozen=True)
class DispatchRules:
    """How picks are batched: at most ``batch_size`` picks of one zone whose latest starts lie within
    ``batch_window`` minutes of the batch leader's; ``walk_share`` of a pick's standard minutes is the
    walk to its zone, saved for every pick of a batch after the first."""

    batch_size: int = 6
    batch_window: float = 60.0
    walk_share: float = 0.4


@dataclass(frozen=True, eq=False)
class TaskQueue:
    """A day's tasks as arrays (minutes from the start of the day); ``by_key`` sorts them by latest start.

    ``kind`` is one of the ``KIND_*`` codes of :mod:`optiops.kernels.dispatch`; ``zone`` a pick
    zone from 0 to ``n_zones - 1`` (ignored for other kinds); ``units`` what a task moves.
    """

    std_min: np.ndarray
    release: np.ndarray
    due: np.ndarray
    zone: np.ndarray
    kind: np.ndarray
    units: np.ndarray
    n_zones: int
    by_key: np.ndarray
    key: np.ndarray  # latest start that meets the cut-off: due - std_min
    in_key_order: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # key, release, zone, kind by key

    @classmethod
    def build(
        cls, std_min: np.ndarray, release: np.ndarray, due: np.ndarray, zone: np.ndarray, kind: np.ndarray,
        units: np.ndarray,
    ) -> TaskQueue:  # fmt: skip
        """The queue of these tasks, with the key order computed once."""
        std_min, due = np.asarray(std_min, dtype=np.float64), np.asarray(due, dtype=np.float64)
        zone = np.asarray(zone, dtype=np.int64)
        release, kind = np.asarray(release, dtype=np.float64), np.asarray(kind, dtype=np.int64)
        key = due - std_min
        by_key = np.lexsort((np.arange(len(due)), key)).astype(np.int64)
        key_s, release_s, zone_s, kind_s = (np.ascontiguousarray(a[by_key]) for a in (key, release, zone, kind))
        ordered = (key_s, release_s, zone_s, kind_s)
        return cls(std_min, release, due, zone, kind, np.asarray(units, dtype=np.float64),
                   int(zone.max(initial=0)) + 1, by_key, key, ordered)  # fmt: skip

    def __len__(self) -> int:
        return len(self.due)


def dispatch(
    queue: TaskQueue, now: float, active: np.ndarray | None = None, rules: DispatchRules | None = None
) -> np.ndarray:
    """The order in which to work the ``active`` tasks of ``queue`` (default all) at time ``now``.

    Returns
    -------
    numpy.ndarray
        Task indices: released tasks that can still meet their cut-off by least slack, with the
        picks of one zone batched behind their leader; then released tasks already too late;
        then tasks not released yet.
    """
    rules = rules or DispatchRules()
    active = np.ones(len(queue), dtype=np.bool_) if active is None else active
    out = np.empty(len(queue), dtype=np.int64)
    key, release, zone, kind = queue.in_key_order
    n = dispatch_order(float(now), queue.by_key, active, key, release, zone, kind, queue.n_zones, rules.batch_size,
                       rules.batch_window, out)  # fmt: skip
    return out[:n]


def synthetic_day(seed: int = 1, orders: int = 1500, zones: int = 8, day: float = 16 * 60.0) -> TaskQueue:
    """A warehouse day: orders through the day (a morning peak), each a pick and a pack task due at the
    next carrier cut-off that leaves an hour; put-away at dawn and returns in the afternoon, due by the end.

    Standard minutes: pick 1.5-4 (plus 0.3 per unit), pack 1-2.5, put-away 4-10, returns 2-5.
    Carrier cut-offs at 11:00, 14:00, 17:00 and 21:00 on a day from 06:00 (minute 0).
    """
    rng = np.random.default_rng(seed)
    cutoffs = np.array([300.0, 480.0, 660.0, day - 60.0])
    # arrivals: a mixture peaking mid-morning and early afternoon
    t = np.where(rng.random(orders) < 0.6, rng.normal(180, 90, orders), rng.normal(480, 120, orders))
    arrive = np.sort(np.clip(t, 0, cutoffs[-1] - 90))
    due = cutoffs[np.searchsorted(cutoffs, arrive + 60.0)]
    units = rng.integers(1, 6, orders).astype(float)
    n_put, n_ret = orders // 10, orders // 8
    kind = np.concatenate([np.full(orders, KIND_PICK), np.full(orders, KIND_PACK),
                           np.full(n_put, KIND_PUTAWAY), np.full(n_ret, KIND_RETURNS)])  # fmt: skip
    std = np.concatenate([rng.uniform(1.5, 4, orders) + 0.3 * units, rng.uniform(1, 2.5, orders),
                          rng.uniform(4, 10, n_put), rng.uniform(2, 5, n_ret)])  # fmt: skip
    release = np.concatenate([arrive, arrive + rng.uniform(5, 20, orders), rng.uniform(0, 120, n_put),
                              rng.uniform(360, 720, n_ret)])  # fmt: skip
    deadline = np.concatenate([due, due, np.full(n_put + n_ret, day)])
    zone = np.concatenate([rng.integers(0, zones, orders), np.zeros(orders + n_put + n_ret, dtype=np.int64)])
    moved = np.concatenate([units, units, rng.integers(10, 40, n_put).astype(float),
                            rng.integers(1, 4, n_ret).astype(float)])  # fmt: skip
    return TaskQueue.build(np.round(std, 2), np.round(release, 1), deadline, zone, kind, moved)
