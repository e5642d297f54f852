"""Pure-Python reference of the warm starts' insertion kernel (optiops.kernels.insertion), written plainly."""

from __future__ import annotations

import math

from optiops.model.routing_arrays import RoutingArrays


def fits_reference(a: RoutingArrays, t: int, seq: list[int]) -> bool:
    """Leave at the shift start, wait for the first window still open, be back in the shift, keep the load."""
    at, clock = int(a.vt_start[t]), int(a.vt_shift_lo_int[t])
    for n in seq:
        arrive = clock + int(a.time_int[at, n])
        span = slice(a.tw_ptr[n], a.tw_ptr[n + 1])
        windows = list(zip(a.tw_lo_int[span], a.tw_hi_int[span], strict=True))
        open_ = [lo for lo, hi in windows if hi >= arrive]
        if windows and not open_:
            return False
        clock, at = max([arrive, *open_[:1]]) + int(a.service_int[n]), n
    back = clock + int(a.time_int[at, a.vt_end[t]])
    if back > a.vt_shift_hi_int[t] or back - a.vt_shift_lo_int[t] > a.vt_max_dur_int[t]:
        return False
    for d in range(a.vt_cap.shape[1]):
        load = sum(int(a.delivery[n, d]) for n in seq)
        peak = load
        for n in seq:
            load += int(a.pickup[n, d]) - int(a.delivery[n, d])
            peak = max(peak, load)
        if peak > a.vt_cap[t, d]:
            return False
    return True


def cheapest_place_reference(a: RoutingArrays, t: int, nodes: list[int], n: int) -> tuple[float, int]:
    """Try every position; keep the cheapest that fits, the earliest on a tie."""
    path = [int(a.vt_start[t]), *nodes, int(a.vt_end[t])]
    fixed = float(a.vt_fixed[t]) * a.scale if not nodes else 0.0
    best = (math.inf, -1)
    for pos in range(len(nodes) + 1):
        u, w = path[pos], path[pos + 1]
        cost = a.vt_cd[t] * (a.dist_int[u, n] + a.dist_int[n, w] - a.dist_int[u, w]) + fixed
        if cost < best[0] and fits_reference(a, t, [*nodes[:pos], n, *nodes[pos:]]):
            best = (float(cost), pos)
    return best
