"""Routing of a replayed day: fixed territories for the baseline, the routing solvers for the optimised plan.

**Baseline** (how dispatchers with a routing spreadsheet work): each vehicle owns a territory, a
sector of angles around the depot; the sectors are cut so that each vehicle's share of the day's
parcels and pickups matches its share of the fleet's capacity (largest vehicle first, sweeping by
angle). Inside its territory a driver goes next to the stop he can start serving soonest (arrival
plus any wait for its window; the nearer one on a tie), with room on board and time to get back,
and the route is then shortened by 2-opt moves that keep every window and the shift. Stops the
territory's vehicle cannot fit go to the carrier.

**Optimised**: the network plan's routing (:func:`optiops.plan.routing_step._on_time_guard`): the
solvers per warehouse, nearest neighbour kept where it is better, and the skip price raised while the
routes are less punctual than the baseline's.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from optiops.model.plan import RoutePlan, RoutingPlan, Visit
from optiops.model.routing import RoutingInstance
from optiops.model.routing_arrays import RoutingArrays, routing_arrays
from optiops.routing.nearest import first_windows, grow_route


def territory_plan(inst: RoutingInstance) -> RoutingPlan:
    """Fixed territories by angle, nearest neighbour inside each, then 2-opt (see the module docstring)."""
    a = routing_arrays(inst)
    lo, hi = first_windows(a)
    room = (a.delivery + a.pickup).sum(axis=1)
    stops = np.arange(a.n_depots, a.n_nodes)
    vehicles = [
        (int(t), v) for t in np.argsort(-a.vt_cap.sum(axis=1), kind="stable") for v in range(int(a.vt_count[t]))
    ]
    if not vehicles or not len(stops):
        return RoutingPlan(instance=inst.name, backend="territories", rounding=a.rounding, routes=[])
    depot = inst.depots[0]
    angle = np.arctan2(np.array([s.y - depot.y for s in inst.stops]), np.array([s.x - depot.x for s in inst.stops]))
    order = stops[np.argsort(angle, kind="stable")]
    caps = np.array([a.vt_cap[t].sum() for t, _ in vehicles], dtype=float)
    cum_share = np.cumsum(caps) / caps.sum()
    cum_units = np.cumsum(room[order]) / max(room[order].sum(), 1)
    owner = np.minimum(np.searchsorted(cum_share, cum_units - 1e-9), len(vehicles) - 1)
    routes = []
    for k, (t, v) in enumerate(vehicles):
        left = np.zeros(a.n_nodes, dtype=bool)
        left[order[owner == k]] = True
        nodes = grow_route(a, t, left, lo, hi, room, soonest=True)
        if nodes:
            nodes = two_opt(a, t, nodes, lo, hi)
            depot_in, depot_out = a.node_ids[a.vt_start[t]], a.node_ids[a.vt_end[t]]
            visits = [Visit(node=depot_in, kind="depot"), *[Visit(node=a.node_ids[n]) for n in nodes],
                      Visit(node=depot_out, kind="depot")]  # fmt: skip
            routes.append(RoutePlan(vehicle_type=a.vt_ids[t], vehicle=v, visits=visits))
    return RoutingPlan(instance=inst.name, backend="territories", rounding=a.rounding, routes=routes)


def _feasible(a: RoutingArrays, t: int, nodes: list[int], lo: np.ndarray, hi: np.ndarray) -> bool:
    """Whether vehicle type ``t`` can drive ``nodes`` in this order inside every window and its shift."""
    now, at = int(a.vt_shift_lo_int[t]), int(a.vt_start[t])
    for n in nodes:
        begin = max(now + int(a.time_int[at, n]), int(lo[n]))
        if begin > hi[n]:
            return False
        now, at = begin + int(a.service_int[n]), n
    back = now + int(a.time_int[at, a.vt_end[t]])
    return back <= a.vt_shift_hi_int[t] and back - a.vt_shift_lo_int[t] <= a.vt_max_dur_int[t]


def _length(a: RoutingArrays, t: int, nodes: list[int]) -> int:
    path = [int(a.vt_start[t]), *nodes, int(a.vt_end[t])]
    return int(sum(a.dist_int[i, j] for i, j in pairwise(path)))


def two_opt(a: RoutingArrays, t: int, nodes: list[int], lo: np.ndarray, hi: np.ndarray) -> list[int]:
    """First-improvement 2-opt on one route: reverse a segment when it shortens the route and keeps it feasible."""
    best, best_len = list(nodes), _length(a, t, nodes)
    improved = True
    while improved:
        improved = False
        for i in range(len(best) - 1):
            for j in range(i + 1, len(best)):
                cand = best[:i] + best[i : j + 1][::-1] + best[j + 1 :]
                length = _length(a, t, cand)
                if length < best_len and _feasible(a, t, cand, lo, hi):
                    best, best_len, improved = cand, length, True
    return best
