"""Warm starts for a re-plan: the current routes, kept feasible and completed by cheapest insertion.

A vehicle that had not left when the state was taken starts later than planned, so its planned
stops it can no longer keep in their windows are dropped from its warm route. The stops no warm
route holds (a broken vehicle's, late orders, the dropped ones) are then inserted one by one, the
most urgent window first, where they add the least distance cost without breaking a window,
capacity, shift or maximum duration. Both backends then start from a complete, feasible plan;
what cannot be inserted is left to the search.
"""

from __future__ import annotations

import numpy as np

from optiops.model.routing_arrays import RoutingArrays

Route = tuple[int, int, tuple[int, ...]]  # (vehicle type, vehicle, stop nodes)


def warm_start(a: RoutingArrays, routes: list[tuple[int, int, list[int]]]) -> tuple[Route, ...]:
    """Feasible warm routes over ``a``'s vehicles, with every stop inserted that fits somewhere."""
    kept = [(t, k, on_time(a, t, nodes)) for t, k, nodes in routes]
    for t in range(len(a.vt_ids)):  # one empty route per type with a vehicle to spare
        _add_spare(a, kept, t)
    placed = {n for _, _, nodes in kept for n in nodes}
    missing = [n for n in range(a.n_depots, a.n_nodes) if n not in placed and a.required[n]]
    for n in sorted(missing, key=lambda n: _closes(a, n)):
        best = _cheapest_insertion(a, kept, n)
        if best is not None:
            r, pos = best
            t, k, nodes = kept[r]
            kept[r] = (t, k, [*nodes[:pos], n, *nodes[pos:]])
            if not nodes:  # the spare route is taken: offer the next spare vehicle
                _add_spare(a, kept, t)
    return tuple((t, k, tuple(nodes)) for t, k, nodes in kept if nodes)


def on_time(a: RoutingArrays, t: int, nodes: list[int]) -> list[int]:
    """The stops of a route that vehicle type ``t`` still reaches in a window, in order, back in its shift."""
    kept, clock, at = _walk(a, t, nodes, skip=True)
    while kept and clock + int(a.time_int[at, a.vt_end[t]]) > a.vt_shift_hi_int[t]:
        kept, clock, at = _walk(a, t, kept[:-1], skip=True)  # too late back: shed stops from the end
    return kept


def _walk(a: RoutingArrays, t: int, nodes: list[int], skip: bool) -> tuple[list[int], int, int]:
    """(stops reached in a window, when the vehicle leaves the last, the last node); a stop missed is
    skipped with ``skip``, else the walk stops there and returns clock -1."""
    kept: list[int] = []
    at, clock = int(a.vt_start[t]), int(a.vt_shift_lo_int[t])
    for n in nodes:
        arrive = clock + int(a.time_int[at, n])
        lo, hi = a.tw_lo_int[a.tw_ptr[n] : a.tw_ptr[n + 1]], a.tw_hi_int[a.tw_ptr[n] : a.tw_ptr[n + 1]]
        fits = np.flatnonzero(hi >= arrive)
        if len(lo) and not len(fits):
            if skip:
                continue
            return kept, -1, at
        clock, at = (max(arrive, int(lo[fits[0]])) if len(lo) else arrive) + int(a.service_int[n]), n
        kept.append(n)
    return kept, clock, at


def _feasible(a: RoutingArrays, t: int, nodes: list[int]) -> bool:
    """Whether vehicle type ``t`` can drive ``nodes``: windows, shift, maximum duration, load on board."""
    _, clock, at = _walk(a, t, nodes, skip=False)
    if clock < 0:
        return False
    back = clock + int(a.time_int[at, a.vt_end[t]])
    if back > a.vt_shift_hi_int[t] or back - a.vt_shift_lo_int[t] > a.vt_max_dur_int[t]:
        return False
    load = a.delivery[nodes].sum(axis=0)
    peak = load.copy()
    for n in nodes:
        load = load + a.pickup[n] - a.delivery[n]
        peak = np.maximum(peak, load)
    return bool((peak <= a.vt_cap[t]).all())


def _cheapest_insertion(a: RoutingArrays, routes: list[tuple[int, int, list[int]]], n: int) -> tuple[int, int] | None:
    """(route, position) where ``n`` adds the least distance cost and the route stays feasible."""
    best, where = np.inf, None
    for r, (t, _, nodes) in enumerate(routes):
        path = [int(a.vt_start[t]), *nodes, int(a.vt_end[t])]
        fixed = float(a.vt_fixed[t]) * a.scale if not nodes else 0.0
        for pos in range(len(nodes) + 1):
            u, w = path[pos], path[pos + 1]
            delta = a.vt_cd[t] * (a.dist_int[u, n] + a.dist_int[n, w] - a.dist_int[u, w]) + fixed
            if delta < best and _feasible(a, t, [*nodes[:pos], n, *nodes[pos:]]):
                best, where = delta, (r, pos)
    return where


def _closes(a: RoutingArrays, n: int) -> int:
    """When ``n``'s last window closes (the horizon without one)."""
    return int(a.tw_hi_int[a.tw_ptr[n + 1] - 1]) if a.tw_ptr[n + 1] > a.tw_ptr[n] else int(a.horizon_int)


def _add_spare(a: RoutingArrays, routes: list[tuple[int, int, list[int]]], t: int) -> None:
    """Append an empty route of the first vehicle of type ``t`` no route uses, if there is one."""
    used = {k for tt, k, _ in routes if tt == t}
    spare = next((k for k in range(int(a.vt_count[t])) if k not in used), None)
    if spare is not None:
        routes.append((t, spare, []))
