"""Insertion kernels for warm starts: where a stop fits into a route, arrays in, numbers out.

Schedule rule (that of :mod:`optiops.routing.warm`, simpler than the evaluator's): the vehicle
leaves at its shift start, drives, waits for the first window whose end it can still meet, serves
and moves on; a window missed makes the route infeasible, as does coming back after the shift or
past the maximum duration. Load on board: every delivery from the start, pickups as collected.
All times and distances are the integer arrays of :class:`~optiops.model.routing_arrays.RoutingArrays`.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def route_fits(
    seq: np.ndarray, t: int, vt_start: np.ndarray, vt_end: np.ndarray, vt_shift_lo: np.ndarray,
    vt_shift_hi: np.ndarray, vt_max_dur: np.ndarray, vt_cap: np.ndarray, time: np.ndarray, service: np.ndarray,
    tw_ptr: np.ndarray, tw_lo: np.ndarray, tw_hi: np.ndarray, delivery: np.ndarray, pickup: np.ndarray,
) -> bool:  # fmt: skip
    """Whether vehicle type ``t`` can drive the stops ``seq``: windows, shift, maximum duration, load."""
    at, clock = vt_start[t], vt_shift_lo[t]
    for n in seq:
        arrive = clock + time[at, n]
        if tw_ptr[n + 1] > tw_ptr[n]:
            w = tw_ptr[n]
            while w < tw_ptr[n + 1] and tw_hi[w] < arrive:
                w += 1
            if w == tw_ptr[n + 1]:
                return False
            arrive = max(arrive, tw_lo[w])
        clock, at = arrive + service[n], n
    back = clock + time[at, vt_end[t]]
    if back > vt_shift_hi[t] or back - vt_shift_lo[t] > vt_max_dur[t]:
        return False
    for d in range(vt_cap.shape[1]):
        load = 0
        for n in seq:
            load += delivery[n, d]
        peak = load
        for n in seq:
            load += pickup[n, d] - delivery[n, d]
            peak = max(peak, load)
        if peak > vt_cap[t, d]:
            return False
    return True


@njit(cache=True)
def cheapest_place(
    nodes: np.ndarray, n: int, t: int, cd: float, fixed: float, dist: np.ndarray, vt_start: np.ndarray,
    vt_end: np.ndarray, vt_shift_lo: np.ndarray, vt_shift_hi: np.ndarray, vt_max_dur: np.ndarray,
    vt_cap: np.ndarray, time: np.ndarray, service: np.ndarray, tw_ptr: np.ndarray, tw_lo: np.ndarray,
    tw_hi: np.ndarray, delivery: np.ndarray, pickup: np.ndarray,
) -> tuple[float, int]:  # fmt: skip
    """(added cost, position) of the cheapest place of ``n`` in route ``nodes`` of type ``t`` that keeps it
    feasible, the earliest position on a tie; (inf, -1) when none does. ``fixed``: the cost of using
    the vehicle, paid when the route is empty."""
    m = len(nodes)
    delta = np.empty(m + 1)
    for pos in range(m + 1):
        u = vt_start[t] if pos == 0 else nodes[pos - 1]
        w = vt_end[t] if pos == m else nodes[pos]
        delta[pos] = cd * (dist[u, n] + dist[n, w] - dist[u, w]) + fixed
    seq = np.empty(m + 1, dtype=np.int64)
    for pos in np.argsort(delta, kind="mergesort"):  # cheapest first, stable: the first that fits wins
        seq[:pos] = nodes[:pos]
        seq[pos] = n
        seq[pos + 1 :] = nodes[pos:]
        if route_fits(seq, t, vt_start, vt_end, vt_shift_lo, vt_shift_hi, vt_max_dur, vt_cap, time, service,
                      tw_ptr, tw_lo, tw_hi, delivery, pickup):  # fmt: skip
            return delta[pos], pos
    return np.inf, -1


def warmup() -> None:
    """Compile (or load from cache) the kernels on a tiny input."""
    one = np.zeros(1, dtype=np.int64)
    m = np.zeros((2, 2), dtype=np.int64)
    cheapest_place(
        one, 1, 0, 1.0, 0.0, m, one, one, one, np.ones(1, dtype=np.int64), np.ones(1, dtype=np.int64),
        np.ones((1, 1), dtype=np.int64), m, np.zeros(2, dtype=np.int64), np.zeros(3, dtype=np.int64), one, one,
        np.zeros((2, 1), dtype=np.int64), np.zeros((2, 1), dtype=np.int64),
    )  # fmt: skip
