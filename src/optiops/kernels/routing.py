"""Route evaluation kernels: arrays in, arrays out, no pydantic.

Schedule rule (shared with the pure-Python reference in ``tests/kernels/reference_routing.py``): from a departure time,
a vehicle drives, waits for the first time window whose end it can still meet, serves, and moves
on; lateness past every window is counted as a violation and the route continues from the arrival
time. The departure is the one with the least violation, then the shortest route duration:

- with at most one window per stop, the latest departure that keeps the end time and every met
  window (Savelsbergh's forward time slack), found in one pass;
- when some stop has several windows, the best of the candidate departures at which an arrival
  meets a window's opening or closing (the breakpoints of duration as a function of departure),
  each improved by its own forward slack. When some departure makes the route feasible this finds
  a feasible one of least duration (checked against a brute-force search in the tests); for a
  route no departure can make feasible, the violation reported is the least among the candidates.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Columns of the per-route output matrix.
R_DISTANCE, R_DURATION, R_COST, R_LOAD_EXCESS, R_LATENESS = 0, 1, 2, 3, 4
R_DURATION_EXCESS, R_START, R_END, R_PRECEDENCE = 5, 6, 7, 8
N_ROUTE_COLS = 9
# Times are sums of multiples of 1/scale in floating point: an arrival this close after a window's
# end meets the window (a departure computed as "window end minus travel" can land 1e-13 late).
TIME_EPS = 1e-7


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
def route_schedule(
    nodes: np.ndarray,
    a: int,
    b: int,
    depart: float,
    origin: int,
    finish: int,
    time: np.ndarray,
    service: np.ndarray,
    tw_ptr: np.ndarray,
    tw_lo: np.ndarray,
    tw_hi: np.ndarray,
    out_arrival: np.ndarray,
    out_start: np.ndarray,
    write: bool,
) -> tuple[float, float, float, bool]:
    """Forward pass over ``nodes[a:b]`` leaving ``origin`` at ``depart``.

    Returns (end time at ``finish``, lateness at the stops, forward slack = how much later the
    vehicle could leave with the same end time and windows, whether a stop has several windows).
    """
    prev = origin
    t = depart
    lateness = 0.0
    waits = 0.0
    slack = np.inf
    multi = False
    for p in range(a, b):
        node = nodes[p]
        arrival = t + time[prev, node]
        begin = arrival
        hi = np.inf
        lo_i, hi_i = tw_ptr[node], tw_ptr[node + 1]
        if hi_i > lo_i:
            if hi_i - lo_i > 1:
                multi = True
            chosen = -1
            for w in range(lo_i, hi_i):
                if tw_hi[w] >= arrival - TIME_EPS:
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
        if waits + hi - begin < slack:
            slack = waits + hi - begin
        if write:
            out_arrival[p] = arrival
            out_start[p] = begin
        t = begin + service[node]
        prev = node
    if waits < slack:
        slack = waits
    if slack < 0.0:  # an arrival within TIME_EPS after a window's end
        slack = 0.0
    return t + time[prev, finish], lateness, slack, multi


@njit(cache=True)
def best_departure(
    nodes: np.ndarray,
    a: int,
    b: int,
    origin: int,
    finish: int,
    shift_lo: float,
    shift_hi: float,
    max_dur: float,
    time: np.ndarray,
    service: np.ndarray,
    tw_ptr: np.ndarray,
    tw_lo: np.ndarray,
    tw_hi: np.ndarray,
    scratch: np.ndarray,
) -> float:
    """The departure with the least lateness + duration excess, then the shortest duration."""
    end, late, slack, multi = route_schedule(
        nodes, a, b, shift_lo, origin, finish, time, service, tw_ptr, tw_lo, tw_hi, scratch, scratch, False
    )
    best = shift_lo + slack
    if not multi:
        return best
    best_dur = end - best
    best_viol = late + max(end - shift_hi, 0.0) + max(best_dur - max_dur, 0.0)
    prefix = 0.0  # travel and service from the depot to each stop, without waiting
    prev = origin
    for p in range(a, b):
        node = nodes[p]
        prefix += time[prev, node]
        for w in range(tw_ptr[node], tw_ptr[node + 1]):
            for target in (tw_lo[w], tw_hi[w]):
                cand = target - prefix
                if cand <= shift_lo or cand > shift_hi:
                    continue
                end, late, slack, _ = route_schedule(
                    nodes, a, b, cand, origin, finish, time, service, tw_ptr, tw_lo, tw_hi, scratch, scratch, False
                )
                dur = end - cand - slack
                viol = late + max(end - shift_hi, 0.0) + max(dur - max_dur, 0.0)
                if viol < best_viol - 1e-9 or (viol <= best_viol + 1e-9 and dur < best_dur - 1e-9):
                    best, best_dur, best_viol = cand + slack, dur, viol
        prefix += service[node]
        prev = node
    return best


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
    ``delivery[i]`` is what must be on board when leaving the start depot. Arrivals and service
    starts are those of the chosen departure.
    """
    n_dim = delivery.shape[1]
    max_load = np.zeros(n_dim)
    load = np.zeros(n_dim)
    scratch = np.zeros(1)
    for r in range(route_ptr.shape[0] - 1):
        a, b = route_ptr[r], route_ptr[r + 1]
        for c in range(N_ROUTE_COLS):
            out_route[r, c] = 0.0
        if b == a:
            continue
        vt = route_type[r]
        origin, finish = vt_start[vt], vt_end[vt]
        # -- distance, loads, shipment precedence ------------------------------------------
        for d in range(n_dim):
            load[d] = 0.0
        for p in range(a, b):
            for d in range(n_dim):
                load[d] += delivery[route_nodes[p], d]
        for d in range(n_dim):
            max_load[d] = load[d]
        distance = 0.0
        precedence = 0.0
        prev = origin
        for p in range(a, b):
            node = route_nodes[p]
            distance += dist[prev, node]
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
            prev = node
        distance += dist[prev, finish]
        # -- schedule ------------------------------------------------------------------------
        end, lateness, slack, multi = route_schedule(
            route_nodes, a, b, vt_shift_lo[vt], origin, finish, time, service, tw_ptr, tw_lo, tw_hi,
            out_arrival, out_start, True,
        )  # fmt: skip
        if not multi:
            # one window per stop: leave `slack` later; each visit moves by what the waits before
            # it do not absorb (no second pass over the matrices)
            depart = vt_shift_lo[vt] + slack
            delay = slack
            for p in range(a, b):
                if delay <= 0.0:
                    break
                wait = out_start[p] - out_arrival[p]
                out_arrival[p] += delay
                delay = max(0.0, delay - wait)
                out_start[p] += delay
        else:
            depart = best_departure(
                route_nodes, a, b, origin, finish, vt_shift_lo[vt], vt_shift_hi[vt], vt_max_dur[vt],
                time, service, tw_ptr, tw_lo, tw_hi, scratch,
            )  # fmt: skip
            end, lateness, _, _ = route_schedule(
                route_nodes, a, b, depart, origin, finish, time, service, tw_ptr, tw_lo, tw_hi,
                out_arrival, out_start, True,
            )  # fmt: skip
        if end > vt_shift_hi[vt]:
            lateness += end - vt_shift_hi[vt]
        duration = end - depart
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
        out_route[r, R_START] = depart
        out_route[r, R_END] = end
        out_route[r, R_PRECEDENCE] = precedence


def warmup() -> None:
    """Compile (or load from cache) every kernel on a tiny input, the warm starts' insertion kernels too."""
    from optiops.kernels import insertion  # its own module: a different schedule rule

    insertion.warmup()
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
