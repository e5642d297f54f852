"""Warm starts for a re-plan: the current routes, kept feasible and completed by insertion.

A vehicle that had not left when the state was taken starts later than planned, so its planned
stops it can no longer keep in their windows are dropped from its warm route. The stops no warm
route holds (a broken vehicle's, late orders, the dropped ones) are then inserted where they add the
least distance cost without breaking a window, capacity, shift or maximum duration: one by one, the
most urgent window first, or by regret (the stop that would lose most by waiting goes first).
Optionally a broken vehicle's planned rest is also offered whole to a vehicle with nothing to do,
as a dispatcher sends a replacement; the cheaper complete start is kept. Optionally a stop that
fits nowhere pushes out of a route the stops it then misses, if those fit elsewhere. What cannot be
inserted is left to the search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optiops.evaluate import evaluate_sequences
from optiops.kernels.insertion import cheapest_place, route_fits
from optiops.model.routing_arrays import RoutingArrays

Route = tuple[int, int, tuple[int, ...]]  # (vehicle type, vehicle, stop nodes)
Routes = list[tuple[int, int, list[int]]]


@dataclass(frozen=True)
class WarmOptions:
    """How a warm start completes the current routes (each backend states what suits its search)."""

    regret: int = 1
    """1: cheapest insertion, the most urgent window first; k >= 2: regret-k insertion."""
    handover: bool = False
    """Also try each broken vehicle's planned rest on a spare vehicle, keeping the cheaper start."""
    evict: bool = False
    """A stop that fits nowhere may push out of a route the stops it then misses, if they fit elsewhere."""


def warm_start(
    a: RoutingArrays,
    routes: Routes,
    options: WarmOptions | None = None,
    stranded: tuple[tuple[int, ...], ...] = (),
) -> tuple[Route, ...]:
    """Feasible warm routes over ``a``'s vehicles, with every stop inserted that fits somewhere.

    Parameters
    ----------
    a
        The remaining problem.
    routes
        The current routes less what is served: (vehicle type, vehicle, stop nodes).
    options
        Insertion order and whether to try handing stranded stops over (default :class:`WarmOptions`).
    stranded
        The broken vehicles' planned, unserved stops in route order (used with ``options.handover``).

    Returns
    -------
    tuple
        Non-empty routes; with several candidates, the one placing the most stops, then the cheapest.
    """
    options = options or WarmOptions()
    kept = [(t, k, on_time(a, t, nodes)) for t, k, nodes in routes]
    starts = [kept]
    if options.handover:
        starts += [with_handover for rest in stranded if (with_handover := _handed_over(a, kept, rest))]
    candidates = [_completed(a, list(start), options) for start in starts]
    return min(candidates, key=lambda c: (-sum(len(nodes) for _, _, nodes in c), _cost(a, c)))


def _completed(a: RoutingArrays, kept: Routes, options: WarmOptions) -> tuple[Route, ...]:
    """``kept`` with every missing required stop inserted that fits, in the order ``options`` say."""
    for t in range(len(a.vt_ids)):  # one empty route per type with a vehicle to spare
        _add_spare(a, kept, t)
    if options.regret > 1:
        _insert_by_regret(a, kept, _missing(a, kept), options.regret)
    else:
        _insert_cheapest(a, kept, _missing(a, kept))
    if options.evict:
        for n in _missing(a, kept):
            _insert_evicting(a, kept, n)
    return tuple((t, k, tuple(nodes)) for t, k, nodes in kept if nodes)


def _missing(a: RoutingArrays, routes: Routes) -> list[int]:
    """Required stops no route holds."""
    placed = {n for _, _, nodes in routes for n in nodes}
    return [n for n in range(a.n_depots, a.n_nodes) if n not in placed and a.required[n]]


def _insert_cheapest(a: RoutingArrays, routes: Routes, missing: list[int]) -> bool:
    """Insert ``missing`` one by one where each adds least, the most urgent window first; whether all fit."""
    done = True
    for n in sorted(missing, key=lambda n: _closes(a, n)):
        best = _cheapest_insertion(a, routes, n)
        if best is None:
            done = False
        else:
            _insert(a, routes, n, *best)
    return done


def _insert_evicting(a: RoutingArrays, routes: Routes, n: int) -> None:
    """Put ``n`` into a route even if the route then misses some of its stops, when those fit elsewhere.

    Tried from the cheapest place up; the first place whose evicted stops all fit is kept. A stop only
    one vehicle can still reach, and only by going there next, fits nowhere by plain insertion.
    """
    places = []
    for r, (t, _, nodes) in enumerate(routes):
        path = [int(a.vt_start[t]), *nodes, int(a.vt_end[t])]
        for pos in range(len(nodes) + 1):
            u, w = path[pos], path[pos + 1]
            places.append((a.vt_cd[t] * (a.dist_int[u, n] + a.dist_int[n, w] - a.dist_int[u, w]), r, pos))
    for _, r, pos in sorted(places):
        t, k, nodes = routes[r]
        seq = [*nodes[:pos], n, *nodes[pos:]]
        kept = on_time(a, t, seq)
        while n in kept and len(kept) > 1 and not _fits(a, t, kept):  # load or duration: shed from the end
            kept.pop(max(i for i, m in enumerate(kept) if m != n))
        if n not in kept or not _fits(a, t, kept):
            continue
        trial = [*routes[:r], (t, k, kept), *routes[r + 1 :]]
        if _insert_cheapest(a, trial, [m for m in seq if m not in kept]):
            routes[:] = trial
            return


def _fits(a: RoutingArrays, t: int, nodes: list[int]) -> bool:
    """Whether vehicle type ``t`` can drive ``nodes``: windows, shift, maximum duration, load on board."""
    return bool(
        route_fits(
            np.asarray(nodes, dtype=np.int64), t, a.vt_start, a.vt_end, a.vt_shift_lo_int, a.vt_shift_hi_int,
            a.vt_max_dur_int, a.vt_cap, a.time_int, a.service_int, a.tw_ptr, a.tw_lo_int, a.tw_hi_int,
            a.delivery, a.pickup,
        )
    )  # fmt: skip


def _insert(a: RoutingArrays, routes: Routes, n: int, r: int, pos: int) -> None:
    """Put ``n`` at ``pos`` of route ``r``; a spare route taken is replaced by the type's next spare vehicle."""
    t, k, nodes = routes[r]
    routes[r] = (t, k, [*nodes[:pos], n, *nodes[pos:]])
    if not nodes:
        _add_spare(a, routes, t)


def _insert_by_regret(a: RoutingArrays, routes: Routes, missing: list[int], k: int) -> None:
    """Regret-k insertion (Potvin & Rousseau, EJOR 66, 1993): repeatedly insert, at its cheapest place,
    the stop whose best place beats its next k-1 best routes by the most; stops with fewer than k
    routes left go first, as they may soon have none."""
    options = {n: [_best_place(a, route, n) for route in routes] for n in missing}
    while missing:
        n = max(missing, key=lambda m: _regret(options[m], k))
        missing.remove(n)
        r = int(np.argmin([cost for cost, _ in options[n]]))
        cost, pos = options[n][r]
        if not np.isfinite(cost):
            continue  # fits nowhere: left for the search
        before = len(routes)
        _insert(a, routes, n, r, pos)
        for m in missing:  # only the changed route and a new spare route have new places
            options[m][r] = _best_place(a, routes[r], m)
            options[m] += [_best_place(a, route, m) for route in routes[before:]]


def _regret(places: list[tuple[float, int]], k: int) -> tuple[float, float]:
    """(regret, minus the best cost): what inserting later would lose; infinite with fewer than k routes."""
    costs = sorted(cost for cost, _ in places)
    if not np.isfinite(costs[0]):
        return (-np.inf, 0.0)
    if len(costs) < k or not np.isfinite(costs[k - 1]):
        return (np.inf, -costs[0])
    return (sum(c - costs[0] for c in costs[1:k]), -costs[0])


def _best_place(a: RoutingArrays, route: tuple[int, int, list[int]], n: int) -> tuple[float, int]:
    """(added distance cost, position) of ``n``'s cheapest feasible place in ``route``; (inf, -1) if none."""
    t, _, nodes = route
    fixed = float(a.vt_fixed[t]) * a.scale if not nodes else 0.0
    cost, pos = cheapest_place(
        np.asarray(nodes, dtype=np.int64), n, t, float(a.vt_cd[t]), fixed, a.dist_int, a.vt_start, a.vt_end,
        a.vt_shift_lo_int, a.vt_shift_hi_int, a.vt_max_dur_int, a.vt_cap, a.time_int, a.service_int,
        a.tw_ptr, a.tw_lo_int, a.tw_hi_int, a.delivery, a.pickup,
    )  # fmt: skip
    return float(cost), int(pos)


def _handed_over(a: RoutingArrays, routes: Routes, rest: tuple[int, ...]) -> Routes | None:
    """``routes`` plus ``rest`` (a broken vehicle's planned stops) on the unused vehicle that still keeps
    most of them in their windows; ``None`` if no vehicle is free or none keeps any."""
    free = []
    for t in range(len(a.vt_ids)):
        spare = _spare(a, routes, t)
        if spare is not None:
            free.append((t, spare, on_time(a, t, list(rest))))
    if not free:
        return None
    best = max(free, key=lambda route: len(route[2]))
    return [*routes, best] if best[2] else None


def _cost(a: RoutingArrays, routes: tuple[Route, ...]) -> float:
    """The routes' objective by the evaluator (stops they leave out do not count)."""
    return float(evaluate_sequences(a, [(t, k, list(nodes)) for t, k, nodes in routes]).objective)


def on_time(a: RoutingArrays, t: int, nodes: list[int]) -> list[int]:
    """The stops of a route that vehicle type ``t`` still reaches in a window, in order, back in its shift."""
    kept, clock, at = _walk(a, t, nodes)
    while kept and clock + int(a.time_int[at, a.vt_end[t]]) > a.vt_shift_hi_int[t]:
        kept, clock, at = _walk(a, t, kept[:-1])  # too late back: shed stops from the end
    return kept


def _walk(a: RoutingArrays, t: int, nodes: list[int]) -> tuple[list[int], int, int]:
    """(stops reached in a window, skipping those missed; when the vehicle leaves the last; the last node)."""
    kept: list[int] = []
    at, clock = int(a.vt_start[t]), int(a.vt_shift_lo_int[t])
    for n in nodes:
        arrive = clock + int(a.time_int[at, n])
        lo, hi = a.tw_lo_int[a.tw_ptr[n] : a.tw_ptr[n + 1]], a.tw_hi_int[a.tw_ptr[n] : a.tw_ptr[n + 1]]
        fits = np.flatnonzero(hi >= arrive)
        if len(lo) and not len(fits):
            continue
        clock, at = (max(arrive, int(lo[fits[0]])) if len(lo) else arrive) + int(a.service_int[n]), n
        kept.append(n)
    return kept, clock, at


def _cheapest_insertion(a: RoutingArrays, routes: Routes, n: int) -> tuple[int, int] | None:
    """(route, position) where ``n`` adds the least distance cost and the route stays feasible."""
    best, where = np.inf, None
    for r, route in enumerate(routes):
        cost, pos = _best_place(a, route, n)
        if cost < best:
            best, where = cost, (r, pos)
    return where


def _closes(a: RoutingArrays, n: int) -> int:
    """When ``n``'s last window closes (the horizon without one)."""
    return int(a.tw_hi_int[a.tw_ptr[n + 1] - 1]) if a.tw_ptr[n + 1] > a.tw_ptr[n] else int(a.horizon_int)


def _spare(a: RoutingArrays, routes: Routes, t: int) -> int | None:
    """The first vehicle of type ``t`` no route uses; ``None`` when every one is."""
    used = {k for tt, k, _ in routes if tt == t}
    return next((k for k in range(int(a.vt_count[t])) if k not in used), None)


def _add_spare(a: RoutingArrays, routes: Routes, t: int) -> None:
    """Append an empty route of the first vehicle of type ``t`` no route uses, if there is one."""
    spare = _spare(a, routes, t)
    if spare is not None:
        routes.append((t, spare, []))
