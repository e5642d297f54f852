"""Route evaluation kernels: arrays in, arrays out, no pydantic.

Schedule rule (shared with the pure-Python reference in ``_reference.py``): a vehicle leaves its
start depot at its shift start, drives, waits for the first time window whose end it can still
meet, serves, and moves on; lateness past every window is counted as a violation and the route
continues from the arrival time. Route duration is measured from the latest departure that keeps
the same end time and all met windows (Savelsbergh's forward time slack), so waiting at the first
stop is not charged.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Columns of the per-route output matrix.
R_DISTANCE, R_DURATION, R_COST, R_LOAD_EXCESS, R_LATENESS = 0, 1, 2, 3, 4
R_DURATION_EXCESS, R_START, R_END, R_PRECEDENCE = 5, 6, 7, 8
N_ROUTE_COLS = 9


@njit(cache=True)
def visit_positions(
    route_ptr: np.ndarray, route_nodes: np.ndarray, n_nodes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Visit count, route and position of every node (the last occurrence wins)."""
    count = np.zeros(n_nodes, dtype=np.int64)
    route_of = np.full(n_nodes, -1, dtype=np.int64)
    pos_of = np.full(n_nodes, -1, dtype=np.int64)
    for r in range(route_ptr.shape[0] - 1):
        for p in range(route_ptr[r], route_ptr[r + 1]):
            node = route_nodes[p]
            count[node] += 1
            route_of[node] = r
            pos_of[node] = p
    return count, route_of, pos_of


@njit(cache=True)
def evaluate_routes(
    route_ptr: np.ndarray,
    route_nodes: np.ndarray,
    route_type: np.ndarray,
    dist: np.ndarray,
    time: np.ndarray,
    service: np.ndarray,
    tw_ptr: np.ndarray,
    tw_lo: np.ndarray,
    tw_hi: np.ndarray,
    load_delta: np.ndarray,
    delivery: np.ndarray,
    partner: np.ndarray,
    route_of: np.ndarray,
    pos_of: np.ndarray,
    vt_start: np.ndarray,
    vt_end: np.ndarray,
    vt_cap: np.ndarray,
    vt_shift_lo: np.ndarray,
    vt_shift_hi: np.ndarray,
    vt_max_dur: np.ndarray,
    vt_fixed: np.ndarray,
    vt_cd: np.ndarray,
    vt_ct: np.ndarray,
    out_route: np.ndarray,
    out_arrival: np.ndarray,
    out_start: np.ndarray,
    out_load: np.ndarray,
) -> None:
    """Evaluate every route; results go to ``out_route`` [R, N_ROUTE_COLS] and per-visit arrays.

    ``load_delta[i]`` is the change of load at node ``i`` (pickup - delivery + shipment amount);
    ``delivery[i]`` is what must be on board when leaving the start depot.
    """
    n_dim = delivery.shape[1]
    max_load = np.zeros(n_dim)
    load = np.zeros(n_dim)
    for r in range(route_ptr.shape[0] - 1):
        a, b = route_ptr[r], route_ptr[r + 1]
        for c in range(N_ROUTE_COLS):
            out_route[r, c] = 0.0
        if b == a:
            continue
        vt = route_type[r]
        # -- loads -------------------------------------------------------------------------
        for d in range(n_dim):
            load[d] = 0.0
        for p in range(a, b):
            for d in range(n_dim):
                load[d] += delivery[route_nodes[p], d]
        for d in range(n_dim):
            max_load[d] = load[d]
        # -- schedule ----------------------------------------------------------------------
        prev = vt_start[vt]
        t = vt_shift_lo[vt]
        distance = 0.0
        lateness = 0.0
        waits = 0.0
        delay = np.inf  # how much later the vehicle could leave without changing the end time
        precedence = 0.0
        for p in range(a, b):
            node = route_nodes[p]
            distance += dist[prev, node]
            arrival = t + time[prev, node]
            begin = arrival
            hi = np.inf
            lo_i, hi_i = tw_ptr[node], tw_ptr[node + 1]
            if hi_i > lo_i:
                chosen = -1
                for w in range(lo_i, hi_i):
                    if tw_hi[w] >= arrival:
                        chosen = w
                        break
                if chosen >= 0:
                    if tw_lo[chosen] > arrival:
                        begin = tw_lo[chosen]
                    hi = tw_hi[chosen]
                else:
                    lateness += arrival - tw_hi[hi_i - 1]
                    hi = arrival
            waits += begin - arrival
            slack = waits + hi - begin
            if slack < delay:
                delay = slack
            out_arrival[p] = arrival
            out_start[p] = begin
            for d in range(n_dim):
                load[d] += load_delta[node, d]
                out_load[p, d] = load[d]
                if load[d] > max_load[d]:
                    max_load[d] = load[d]
            q = partner[node]
            # a shipment end whose partner is on another route or on the wrong side of it; each
            # broken pair is seen from both ends, hence half a violation per end
            if q >= 0 and (route_of[q] != r or (pos_of[q] < p) == (node < q)):
                precedence += 0.5
            t = begin + service[node]
            prev = node
        end_node = vt_end[vt]
        distance += dist[prev, end_node]
        end = t + time[prev, end_node]
        if end > vt_shift_hi[vt]:
            lateness += end - vt_shift_hi[vt]
        if waits < delay:
            delay = waits
        duration = end - (vt_shift_lo[vt] + delay)
        excess = 0.0
        for d in range(n_dim):
            if max_load[d] > vt_cap[vt, d]:
                excess += max_load[d] - vt_cap[vt, d]
        out_route[r, R_DISTANCE] = distance
        out_route[r, R_DURATION] = duration
        out_route[r, R_COST] = vt_fixed[vt] + vt_cd[vt] * distance + vt_ct[vt] * duration
        out_route[r, R_LOAD_EXCESS] = excess
        out_route[r, R_LATENESS] = lateness
        if duration > vt_max_dur[vt]:
            out_route[r, R_DURATION_EXCESS] = duration - vt_max_dur[vt]
        out_route[r, R_START] = vt_shift_lo[vt] + delay
        out_route[r, R_END] = end
        out_route[r, R_PRECEDENCE] = precedence


def warmup() -> None:
    """Compile (or load from cache) every kernel on a tiny input."""
    route_ptr = np.array([0, 1], dtype=np.int64)
    nodes = np.array([1], dtype=np.int64)
    _count, route_of, pos_of = visit_positions(route_ptr, nodes, 2)
    m = np.zeros((2, 2))
    one = np.zeros(1)
    evaluate_routes(
        route_ptr, nodes, np.zeros(1, dtype=np.int64), m, m, np.zeros(2),
        np.zeros(3, dtype=np.int64), one, one, np.zeros((2, 1)), np.zeros((2, 1)),
        np.full(2, -1, dtype=np.int64), route_of, pos_of, np.zeros(1, dtype=np.int64),
        np.zeros(1, dtype=np.int64), np.ones((1, 1)), one, np.ones(1), np.ones(1), one, one, one,
        np.zeros((1, N_ROUTE_COLS)), np.zeros(1), np.zeros(1), np.zeros((1, 1)),
    )  # fmt: skip
