"""The independent plan checker: cost and feasibility recomputed from (instance, plan) alone.

Solvers never grade their own homework; every plan they return goes through :func:`evaluate`,
a typed facade over the numba kernels in :mod:`optiops.kernels.routing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optiops.exceptions import InstanceError
from optiops.kernels import routing as K
from optiops.model.plan import RoutePlan, RoutingPlan, Visit
from optiops.model.routing import Rounding, RoutingInstance
from optiops.model.routing_arrays import KIND_NAMES, RoutingArrays, routing_arrays

EPS = 1e-6
Sequence_ = tuple[int, int, list[int]]  # (vehicle type index, vehicle index, node indices)


@dataclass(frozen=True)
class RouteCheck:
    """What the evaluator recomputed for one route."""

    vehicle_type: str
    vehicle: int
    distance: float
    duration: float
    cost: float
    load_excess: float
    lateness: float
    duration_excess: float
    precedence_violations: float
    start: float
    end: float


@dataclass(frozen=True)
class Evaluation:
    """Cost and feasibility of a plan, from the evaluator only."""

    feasible: bool
    objective: float
    routes: list[RouteCheck]
    skipped: list[str]
    skip_cost: float
    violations: list[str] = field(default_factory=list)
    arrival: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    start: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    load: np.ndarray = field(default_factory=lambda: np.zeros((0, 1)), repr=False)

    @property
    def distance(self) -> float:
        return float(sum(r.distance for r in self.routes))


@dataclass(frozen=True)
class KernelData:
    """Float arrays the kernel reads, derived once per (instance, rounding)."""

    dist: np.ndarray
    time: np.ndarray
    service: np.ndarray
    tw_ptr: np.ndarray
    tw_lo: np.ndarray
    tw_hi: np.ndarray
    load_delta: np.ndarray
    delivery: np.ndarray
    partner: np.ndarray
    vt_start: np.ndarray
    vt_end: np.ndarray
    vt_cap: np.ndarray
    vt_shift_lo: np.ndarray
    vt_shift_hi: np.ndarray
    vt_max_dur: np.ndarray
    vt_fixed: np.ndarray
    vt_cd: np.ndarray
    vt_ct: np.ndarray

    @classmethod
    def from_arrays(cls, a: RoutingArrays) -> KernelData:
        f = a.floats
        return cls(
            dist=f(a.dist_int), time=f(a.time_int), service=f(a.service_int),
            tw_ptr=a.tw_ptr, tw_lo=f(a.tw_lo_int), tw_hi=f(a.tw_hi_int),
            load_delta=(a.pickup - a.delivery + a.ship).astype(np.float64),
            delivery=a.delivery.astype(np.float64), partner=a.partner,
            vt_start=a.vt_start, vt_end=a.vt_end, vt_cap=a.vt_cap.astype(np.float64),
            vt_shift_lo=f(a.vt_shift_lo_int), vt_shift_hi=f(a.vt_shift_hi_int),
            vt_max_dur=f(a.vt_max_dur_int), vt_fixed=a.vt_fixed, vt_cd=a.vt_cd, vt_ct=a.vt_ct,
        )  # fmt: skip


def run_kernel(
    kd: KernelData, route_ptr: np.ndarray, nodes: np.ndarray, types: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(route rows, arrivals, starts, loads, visit counts) for flat route arrays."""
    n = kd.dist.shape[0]
    count, route_of, pos_of = K.visit_positions(route_ptr, nodes, n)
    rows = np.zeros((len(route_ptr) - 1, K.N_ROUTE_COLS))
    arrival = np.zeros(len(nodes))
    start = np.zeros(len(nodes))
    load = np.zeros((len(nodes), kd.delivery.shape[1]))
    K.evaluate_routes(
        route_ptr, nodes, types, kd.dist, kd.time, kd.service, kd.tw_ptr, kd.tw_lo, kd.tw_hi,
        kd.load_delta, kd.delivery, kd.partner, route_of, pos_of, kd.vt_start, kd.vt_end,
        kd.vt_cap, kd.vt_shift_lo, kd.vt_shift_hi, kd.vt_max_dur, kd.vt_fixed, kd.vt_cd,
        kd.vt_ct, rows, arrival, start, load,
    )  # fmt: skip
    return rows, arrival, start, load, count


def evaluate_sequences(arrays: RoutingArrays, seqs: list[Sequence_], kd: KernelData | None = None) -> Evaluation:
    """Evaluate routes given as node indices (the form backends produce)."""
    kd = kd or KernelData.from_arrays(arrays)
    seqs = [s for s in seqs if s[2]]
    route_ptr = np.zeros(len(seqs) + 1, dtype=np.int64)
    route_ptr[1:] = np.cumsum([len(s[2]) for s in seqs])
    nodes = np.array([n for s in seqs for n in s[2]], dtype=np.int64)
    types = np.array([s[0] for s in seqs], dtype=np.int64)
    rows, arrival, start, load, count = run_kernel(kd, route_ptr, nodes, types)

    ids = arrays.node_ids
    violations: list[str] = []
    checks: list[RouteCheck] = []
    for r, (vt, veh, route_nodes) in enumerate(seqs):
        row = rows[r]
        name = f"route {r} ({arrays.vt_ids[vt]} #{veh})"
        checks.append(
            RouteCheck(
                arrays.vt_ids[vt], veh, float(row[K.R_DISTANCE]), float(row[K.R_DURATION]),
                float(row[K.R_COST]), float(row[K.R_LOAD_EXCESS]), float(row[K.R_LATENESS]),
                float(row[K.R_DURATION_EXCESS]), float(row[K.R_PRECEDENCE]),
                float(row[K.R_START]), float(row[K.R_END]),
            )
        )  # fmt: skip
        if row[K.R_LOAD_EXCESS] > EPS:
            violations.append(f"{name}: capacity exceeded by {row[K.R_LOAD_EXCESS]:g}")
        if row[K.R_LATENESS] > EPS:
            late = _late_nodes(kd, route_nodes, arrival[route_ptr[r] : route_ptr[r + 1]], ids)
            violations.append(f"{name}: late by {row[K.R_LATENESS]:g} in total ({late})")
        if row[K.R_DURATION_EXCESS] > EPS:
            violations.append(f"{name}: longer than max_duration by {row[K.R_DURATION_EXCESS]:g}")
        if row[K.R_PRECEDENCE] > EPS:
            violations.append(f"{name}: a shipment's pickup and delivery are split or reversed")
    violations += _fleet_violations(arrays, seqs)
    skipped, skip_cost = [], 0.0
    for i in range(arrays.n_depots, arrays.n_nodes):
        if count[i] > 1:
            violations.append(f"{ids[i]!r} is visited {count[i]} times")
        elif count[i] == 0:
            if arrays.required[i]:
                violations.append(f"required {ids[i]!r} is not served")
            elif arrays.node_kind[i] != 3:  # a shipment is listed (and charged) once, at pickup
                skipped.append(ids[i].removesuffix(":pickup"))
                skip_cost += float(arrays.penalty[i])
    for i in range(arrays.n_depots):
        if count[i]:
            violations.append(f"depot {ids[i]!r} appears inside a route")
    # float sums of values in 1/scale steps: round away the last-bit noise
    objective = round(float(rows[:, K.R_COST].sum()) + skip_cost, 9)
    return Evaluation(
        feasible=not violations, objective=objective, routes=checks, skipped=skipped,
        skip_cost=skip_cost, violations=violations, arrival=arrival, start=start, load=load,
    )  # fmt: skip


def _late_nodes(kd: KernelData, nodes: list[int], arrival: np.ndarray, ids: list[str]) -> str:
    late = [
        ids[n]
        for n, t in zip(nodes, arrival, strict=True)
        if kd.tw_ptr[n + 1] > kd.tw_ptr[n] and t > kd.tw_hi[kd.tw_ptr[n + 1] - 1] + EPS
    ]
    return "late at " + ", ".join(late) if late else "late back at the depot"


def _fleet_violations(arrays: RoutingArrays, seqs: list[Sequence_]) -> list[str]:
    out = []
    used: set[tuple[int, int]] = set()
    for vt, veh, _ in seqs:
        if not 0 <= veh < arrays.vt_count[vt]:
            out.append(f"vehicle {arrays.vt_ids[vt]} #{veh} does not exist")
        if (vt, veh) in used:
            out.append(f"vehicle {arrays.vt_ids[vt]} #{veh} drives two routes")
        used.add((vt, veh))
    return out


def plan_sequences(arrays: RoutingArrays, plan: RoutingPlan, source: str = "plan") -> list[Sequence_]:
    """Node-index routes of a plan; unknown ids or wrong end depots are an :class:`InstanceError`.

    Depots are recognised by the instance's depot ids, not by the plan's ``kind`` labels: a
    leading and a trailing depot are the route's ends and must be its vehicle type's depots.
    """
    index = arrays.index()
    types = {v: k for k, v in enumerate(arrays.vt_ids)}
    seqs, problems = [], []
    for r, route in enumerate(plan.routes):
        if route.vehicle_type not in types:
            problems.append(f"routes[{r}].vehicle_type: unknown vehicle type {route.vehicle_type!r}")
            continue
        t = types[route.vehicle_type]
        nodes = [v.node for v in route.visits]
        unknown = [n for n in nodes if n not in index]
        if unknown:
            problems.append(f"routes[{r}].visits: unknown stops {unknown}")
            continue
        for pos, expected in ((0, arrays.vt_start[t]), (-1, arrays.vt_end[t])):
            if nodes and index[nodes[pos]] < arrays.n_depots:
                if index[nodes[pos]] != expected:
                    verb = "start" if pos == 0 else "end"
                    problems.append(
                        f"routes[{r}].visits: {verb}s at depot {nodes[pos]!r}, but {route.vehicle_type} vehicles "
                        f"{verb} at {arrays.node_ids[expected]!r}"
                    )
                nodes = nodes[1:] if pos == 0 else nodes[:-1]
        seqs.append((t, route.vehicle, [index[n] for n in nodes]))
    if problems:
        raise InstanceError(problems, source)
    return seqs


def evaluate(instance: RoutingInstance, plan: RoutingPlan, rounding: Rounding | None = None) -> Evaluation:
    """Recompute cost and feasibility of ``plan`` on ``instance``.

    ``rounding`` defaults to the plan's own (the metric it was solved in), then the instance's.
    """
    rnd = rounding or (plan.rounding or None) or instance.rounding
    arrays = routing_arrays(instance, rnd)
    return evaluate_sequences(arrays, plan_sequences(arrays, plan))


def _clean(x: float) -> float:
    """Drop float noise from sums of 1/scale steps (15.822999999999999 -> 15.823)."""
    return round(float(x), 9)


def build_plan(arrays: RoutingArrays, seqs: list[Sequence_], ev: Evaluation, **meta: object) -> RoutingPlan:
    """A plan with the evaluator's schedule, loads, costs and status."""
    routes: list[RoutePlan] = []
    kept = [s for s in seqs if s[2]]
    offset = 0
    for (vt, veh, nodes), check in zip(kept, ev.routes, strict=True):
        start_node, end_node = int(arrays.vt_start[vt]), int(arrays.vt_end[vt])
        first_load = [float(x) for x in arrays.delivery[nodes].sum(axis=0)]
        visits = [Visit(node=arrays.node_ids[start_node], kind="depot", departure=_clean(check.start), load=first_load)]
        for k, n in enumerate(nodes):
            p = offset + k
            arrival, begin = float(ev.arrival[p]), float(ev.start[p])
            visits.append(
                Visit(
                    node=arrays.node_ids[n], kind=KIND_NAMES[arrays.node_kind[n]],
                    arrival=_clean(arrival), start=_clean(begin),
                    departure=_clean(begin + float(arrays.service_int[n]) / arrays.scale),
                    load=[_clean(x) for x in ev.load[p]],
                )
            )  # fmt: skip
        offset += len(nodes)
        visits.append(Visit(node=arrays.node_ids[end_node], kind="depot", arrival=_clean(check.end)))
        routes.append(
            RoutePlan(
                vehicle_type=check.vehicle_type, vehicle=veh, visits=visits,
                distance=_clean(check.distance), duration=_clean(check.duration), cost=_clean(check.cost),
            )
        )  # fmt: skip
    status = "feasible" if ev.feasible else "infeasible"
    return RoutingPlan(
        status=status, rounding=arrays.rounding, objective=ev.objective, routes=routes,
        skipped=ev.skipped, violations=ev.violations, **meta,
    )  # fmt: skip
