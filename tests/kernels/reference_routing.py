"""Pure-Python reference of the route evaluator: the same rules, written plainly, for tests and benchmarks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from optiops.kernels.routing import N_ROUTE_COLS, TIME_EPS

Data = dict[str, Any]


def schedule_reference(
    nodes: Sequence[int], depart: float, origin: int, finish: int, data: Data
) -> tuple[float, float, float, list[float], list[float], bool]:
    """(end, lateness at stops, forward slack, arrivals, service starts, several windows?) from ``depart``."""
    time, service, ptr = data["time"], data["service"], data["tw_ptr"]
    t, prev = depart, origin
    lateness = waits = 0.0
    slack = math.inf
    arrivals, starts = [], []
    multi = False
    for node in nodes:
        arrival = t + time[prev][node]
        windows = list(
            zip(data["tw_lo"][ptr[node] : ptr[node + 1]], data["tw_hi"][ptr[node] : ptr[node + 1]], strict=True)
        )
        multi = multi or len(windows) > 1
        reachable = [w for w in windows if w[1] >= arrival - TIME_EPS]
        if not windows:
            begin, hi = arrival, math.inf
        elif reachable:
            begin, hi = max(arrival, reachable[0][0]), reachable[0][1]
        else:
            lateness += arrival - windows[-1][1]
            begin = hi = arrival
        waits += begin - arrival
        slack = min(slack, waits + hi - begin)
        arrivals.append(arrival)
        starts.append(begin)
        t, prev = begin + service[node], node
    return t + time[prev][finish], lateness, max(0.0, min(slack, waits)), arrivals, starts, multi


def departure_reference(nodes: Sequence[int], vt: int, data: Data) -> float:
    """The departure the kernel must choose: least violation, then shortest duration."""
    origin, finish = data["vt_start"][vt], data["vt_end"][vt]
    lo, hi, max_dur = data["vt_shift_lo"][vt], data["vt_shift_hi"][vt], data["vt_max_dur"][vt]

    def score(depart: float) -> tuple[float, float, float]:
        end, late, slack, _, _, _ = schedule_reference(nodes, depart, origin, finish, data)
        dur = end - depart - slack
        return late + max(end - hi, 0.0) + max(dur - max_dur, 0.0), dur, depart + slack

    viol, dur, best = score(lo)
    if not schedule_reference(nodes, lo, origin, finish, data)[5]:
        return best
    prefix, prev = 0.0, origin
    for node in nodes:
        prefix += data["time"][prev][node]
        ptr = data["tw_ptr"]
        for target in [*data["tw_lo"][ptr[node] : ptr[node + 1]], *data["tw_hi"][ptr[node] : ptr[node + 1]]]:
            cand = target - prefix
            if lo < cand <= hi:
                v, d, start = score(cand)
                if v < viol - 1e-9 or (v <= viol + 1e-9 and d < dur - 1e-9):
                    viol, dur, best = v, d, start
        prefix += data["service"][node]
        prev = node
    return best


def evaluate_route_reference(
    nodes: Sequence[int], vt: int, route_index: int, data: Data, route_of: Sequence[int], pos_of: Sequence[int],
    offset: int,
) -> tuple[list[float], list[float], list[float], list[list[float]]]:  # fmt: skip
    """One route: (route row, arrivals, service starts, loads after each visit)."""
    row = [0.0] * N_ROUTE_COLS
    if not nodes:
        return row, [], [], []
    n_dim = len(data["delivery"][0])
    load = [sum(data["delivery"][n][d] for n in nodes) for d in range(n_dim)]
    max_load = list(load)
    loads, distance, precedence, prev = [], 0.0, 0.0, data["vt_start"][vt]
    for k, node in enumerate(nodes):
        distance += data["dist"][prev][node]
        load = [load[d] + data["load_delta"][node][d] for d in range(n_dim)]
        max_load = [max(m, v) for m, v in zip(max_load, load, strict=True)]
        loads.append(list(load))
        q = data["partner"][node]
        if q >= 0 and (route_of[q] != route_index or (pos_of[q] < offset + k) == (node < q)):
            precedence += 0.5
        prev = node
    distance += data["dist"][prev][data["vt_end"][vt]]
    depart = departure_reference(nodes, vt, data)
    end, lateness, _, arrivals, starts, _ = schedule_reference(
        nodes, depart, data["vt_start"][vt], data["vt_end"][vt], data
    )
    lateness += max(0.0, end - data["vt_shift_hi"][vt])
    duration = end - depart
    row[0] = distance
    row[1] = duration
    row[2] = data["vt_fixed"][vt] + data["vt_cd"][vt] * distance + data["vt_ct"][vt] * duration
    row[3] = sum(max(0.0, m - c) for m, c in zip(max_load, data["vt_cap"][vt], strict=True))
    row[4] = lateness
    row[5] = max(0.0, duration - data["vt_max_dur"][vt])
    row[6] = depart
    row[7] = end
    row[8] = precedence
    return row, arrivals, starts, loads


def evaluate_routes_reference(routes: Sequence[Sequence[int]], types: Sequence[int], data: Data) -> list[list[float]]:
    """Route rows of every route, as :func:`optiops.kernels.routing.evaluate_routes` computes them."""
    n_nodes = len(data["service"])
    route_of, pos_of = [-1] * n_nodes, [-1] * n_nodes
    offset = 0
    for r, nodes in enumerate(routes):
        for k, node in enumerate(nodes):
            route_of[node], pos_of[node] = r, offset + k
        offset += len(nodes)
    rows, offset = [], 0
    for r, (nodes, vt) in enumerate(zip(routes, types, strict=True)):
        rows.append(evaluate_route_reference(nodes, vt, r, data, route_of, pos_of, offset)[0])
        offset += len(nodes)
    return rows
