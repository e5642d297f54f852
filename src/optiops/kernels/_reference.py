"""Pure-Python references of the kernels: the same rules, written plainly, for tests and benchmarks."""

from __future__ import annotations

import math
from collections.abc import Sequence

from optiops.kernels.routing import N_ROUTE_COLS


def evaluate_route_reference(
    nodes: Sequence[int],
    vt: int,
    route_index: int,
    data: dict[str, list],
    route_of: Sequence[int],
    pos_of: Sequence[int],
    offset: int,
) -> tuple[list[float], list[float], list[float], list[list[float]]]:
    """One route: (route row, arrivals, service starts, loads after each visit)."""
    row = [0.0] * N_ROUTE_COLS
    if not nodes:
        return row, [], [], []
    dist, time, service = data["dist"], data["time"], data["service"]
    tw_ptr, tw_lo, tw_hi = data["tw_ptr"], data["tw_lo"], data["tw_hi"]
    n_dim = len(data["delivery"][0])
    load = [sum(data["delivery"][n][d] for n in nodes) for d in range(n_dim)]
    max_load = list(load)
    prev, t = data["vt_start"][vt], data["vt_shift_lo"][vt]
    distance = lateness = waits = precedence = 0.0
    delay = math.inf
    arrivals, starts, loads = [], [], []
    for k, node in enumerate(nodes):
        p = offset + k
        distance += dist[prev][node]
        arrival = t + time[prev][node]
        windows = list(zip(tw_lo[tw_ptr[node] : tw_ptr[node + 1]], tw_hi[tw_ptr[node] : tw_ptr[node + 1]], strict=True))
        open_windows = [w for w in windows if w[1] >= arrival]
        if not windows:
            begin, hi = arrival, math.inf
        elif open_windows:
            begin, hi = max(arrival, open_windows[0][0]), open_windows[0][1]
        else:
            lateness += arrival - windows[-1][1]
            begin = hi = arrival
        waits += begin - arrival
        delay = min(delay, waits + hi - begin)
        load = [load[d] + data["load_delta"][node][d] for d in range(n_dim)]
        max_load = [max(m, v) for m, v in zip(max_load, load, strict=True)]
        q = data["partner"][node]
        if q >= 0 and (route_of[q] != route_index or (pos_of[q] < p) == (node < q)):
            precedence += 0.5
        arrivals.append(arrival)
        starts.append(begin)
        loads.append(list(load))
        t = begin + service[node]
        prev = node
    end_node = data["vt_end"][vt]
    distance += dist[prev][end_node]
    end = t + time[prev][end_node]
    lateness += max(0.0, end - data["vt_shift_hi"][vt])
    delay = min(delay, waits)
    duration = end - (data["vt_shift_lo"][vt] + delay)
    cap = data["vt_cap"][vt]
    row[0] = distance
    row[1] = duration
    row[2] = data["vt_fixed"][vt] + data["vt_cd"][vt] * distance + data["vt_ct"][vt] * duration
    row[3] = sum(max(0.0, m - c) for m, c in zip(max_load, cap, strict=True))
    row[4] = lateness
    row[5] = max(0.0, duration - data["vt_max_dur"][vt])
    row[6] = data["vt_shift_lo"][vt] + delay
    row[7] = end
    row[8] = precedence
    return row, arrivals, starts, loads


def evaluate_routes_reference(
    routes: Sequence[Sequence[int]], types: Sequence[int], data: dict[str, list]
) -> list[list[float]]:
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
