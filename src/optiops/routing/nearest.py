"""A nearest-neighbour routing heuristic: each vehicle in turn takes the nearest stop it can still serve.

The routes of common practice, used as the routing baseline of the network plan: each vehicle in
turn (largest first) leaves at its shift start and drives to the nearest stop it can still serve
inside its window, with room on board (deliveries plus pickups) and time to return before its shift
ends, until none is left.
"""

from __future__ import annotations

import time

import numpy as np

from optiops.model.plan import RoutePlan, RoutingPlan, Visit
from optiops.model.routing import RoutingInstance
from optiops.model.routing_arrays import RoutingArrays, routing_arrays
from optiops.routing.common import BackendResult, SolveOptions
from optiops.routing.warm import WarmOptions


def nearest_neighbour_plan(inst: RoutingInstance) -> RoutingPlan:
    """The baseline routes: nearest feasible stop next, one vehicle after the other (largest first).

    Parameters
    ----------
    inst : RoutingInstance
        A single-dimension instance with stops (no paired shipments).

    Returns
    -------
    RoutingPlan
        Routes only (visits from depot to depot); score it with :func:`optiops.evaluate`.
    """
    a = routing_arrays(inst)
    routes = []
    for t, v, nodes in nearest_neighbour_routes(a):
        depot_in, depot_out = a.node_ids[a.vt_start[t]], a.node_ids[a.vt_end[t]]
        visits = [Visit(node=depot_in, kind="depot"), *[Visit(node=a.node_ids[n]) for n in nodes],
                  Visit(node=depot_out, kind="depot")]  # fmt: skip
        routes.append(RoutePlan(vehicle_type=a.vt_ids[t], vehicle=v, visits=visits))
    return RoutingPlan(instance=inst.name, backend="nearest-neighbour", rounding=a.rounding, routes=routes)


def nearest_neighbour_routes(a: RoutingArrays) -> list[tuple[int, int, list[int]]]:
    """(vehicle type, vehicle, stop nodes) of every non-empty nearest-neighbour route."""
    lo, hi = first_windows(a)  # the first window only: a route that keeps it stays feasible
    room = (a.delivery + a.pickup).sum(axis=1)  # deliveries and pickups both on board: conservative
    left = np.arange(a.n_nodes) >= a.n_depots
    routes = []
    for t in np.argsort(-a.vt_cap.sum(axis=1), kind="stable"):
        for v in range(int(a.vt_count[t])):
            nodes = grow_route(a, int(t), left, lo, hi, room)
            if nodes:
                routes.append((int(t), v, nodes))
    return routes


class NearestNeighbourBackend:
    """The heuristic as a routing backend (``backend="nearest"``): no search, so the time limit is unused.

    It serves instances with one capacity dimension and no paired shipments; the evaluator judges
    its routes like any backend's (a required stop it cannot fit makes the plan infeasible).
    """

    name = "nearest"
    warm = WarmOptions()

    def unsupported(self, inst: RoutingInstance, arrays: RoutingArrays) -> list[str]:
        reasons = []
        if arrays.delivery.shape[1] > 1:
            reasons.append("several capacity dimensions")
        if (arrays.partner >= 0).any():
            reasons.append("paired shipments")
        return reasons

    def solve(self, inst: RoutingInstance, arrays: RoutingArrays, opts: SolveOptions) -> BackendResult:
        t0 = time.perf_counter()
        routes = nearest_neighbour_routes(arrays)
        return BackendResult(sequences=routes, solver_objective=None, status="feasible",
                             runtime_s=time.perf_counter() - t0)  # fmt: skip


def grow_route(a: RoutingArrays, t: int, left: np.ndarray, lo: np.ndarray, hi: np.ndarray, room: np.ndarray,
               soonest: bool = False) -> list[int]:  # fmt: skip
    """Grow one route of vehicle type t greedily; marks the stops it takes in ``left``.

    Next is the nearest stop it can still serve in its window, with room on board and time to get
    back; ``soonest``: the stop whose service can start soonest (arrival plus any wait for its
    window), the nearer one on a tie, as a driver with a list of windows does.
    """
    depot_end, start = a.vt_end[t], a.vt_shift_lo_int[t]
    now, at, load, nodes = start, a.vt_start[t], 0, []
    tie = int(a.dist_int.max()) + 1  # begin time first, distance breaks ties
    while (cand := np.flatnonzero(left)).size:
        begin = np.maximum(now + a.time_int[at, cand], lo[cand])
        back = begin + a.service_int[cand] + a.time_int[cand, depot_end]
        ok = (begin <= hi[cand]) & (load + room[cand] <= a.vt_cap[t].sum()) & (back <= a.vt_shift_hi_int[t])
        ok &= back - start <= a.vt_max_dur_int[t]
        if not ok.any():
            break
        key = begin * tie + a.dist_int[at, cand] if soonest else a.dist_int[at, cand]
        k = int(np.argmin(np.where(ok, key, np.iinfo(np.int64).max)))
        node = int(cand[k])
        nodes.append(node)
        left[node] = False
        now, at, load = int(begin[k] + a.service_int[node]), node, load + int(room[node])
    return nodes


def first_windows(a: RoutingArrays) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every node's first window in solver units; the whole horizon without one."""
    has_tw = np.diff(a.tw_ptr) > 0
    first = a.tw_ptr[:-1][has_tw]
    lo, hi = np.zeros(a.n_nodes, dtype=np.int64), np.full(a.n_nodes, a.horizon_int, dtype=np.int64)
    lo[has_tw], hi[has_tw] = a.tw_lo_int[first], a.tw_hi_int[first]
    return lo, hi
