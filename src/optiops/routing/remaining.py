"""The rest of a routing day as a routing instance of its own: what a re-plan solves.

Given the instance, the plan being driven and a :class:`RoutingState`, the remaining problem has

- the stops not yet served, plus the state's late orders;
- one vehicle type per vehicle that has served stops and still works: it starts at its position
  (a depot placed on its last served stop) when it leaves there, no earlier than the state's time,
  with the capacity its served stops left and, as fixed cost, minus the cost of driving home from
  there: it drives home whether or not it gets more stops, so more stops cost it only the detour
  (its fixed cost is paid already). The remaining problem's cost is the rest of the day's cost less
  these return trips, a constant, so both rank re-plans alike (the solvers take negative fixed costs);
- per vehicle type, the working vehicles still at the depot, starting no earlier than the state's time.

A broken vehicle gets nothing more. Capacity left is the capacity minus the highest load its served
part put on board (the plan's load model: every delivery of a route is on board from its start), so
the served part plus any re-planned part the remaining problem accepts keeps the vehicle's capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import ValidationError

from optiops.evaluate import evaluate_sequences, plan_sequences
from optiops.exceptions import InstanceError
from optiops.io.errors import problems_of
from optiops.model.plan import RoutingPlan
from optiops.model.routing import Depot, RoutingInstance, Travel, VehicleType
from optiops.model.routing_arrays import RoutingArrays, raw_matrices, routing_arrays
from optiops.model.routing_state import RoutingState

Vehicle = tuple[str, int]  # (vehicle type id, index within the type)


@dataclass(frozen=True)
class Remaining:
    """The remaining problem and how its vehicles and routes map back to the day's."""

    instance: RoutingInstance | None  # None: nothing left to plan
    full: RoutingInstance  # the day's instance with the late orders: the combined plan is checked on it
    served: dict[Vehicle, list[str]]  # served stops per vehicle, in route order
    broken: frozenset[Vehicle]
    vehicle_of: dict[Vehicle, Vehicle]  # remaining (type id, index) -> the day's vehicle
    warm: list[tuple[str, int, list[str]]]  # the current routes' unserved stops, in remaining vehicle ids
    leave: dict[Vehicle, float]  # when each working vehicle leaves its position
    stranded: list[list[str]]  # each broken vehicle's planned stops not served, in route order


def with_new_stops(instance: RoutingInstance, state: RoutingState, source: str) -> RoutingInstance:
    """The day's instance with the state's late orders appended (validated like any instance)."""
    if not state.new_stops:
        return instance
    if instance.travel.metric == "matrix":
        raise InstanceError("new_stops: late orders need coordinates; the instance's travel is a matrix", source)
    known = set(instance.node_ids())
    clash = [s.id for s in state.new_stops if s.id in known]
    if clash:
        raise InstanceError(f"new_stops: ids {clash} are already stops or depots of the instance", source)
    data = instance.model_dump()
    data["stops"] += [s.model_dump() for s in state.new_stops]
    try:
        return RoutingInstance.model_validate(data)
    except ValidationError as exc:
        raise InstanceError([f"new_stops: {p}" for p in problems_of(exc, data)], source) from exc


def excused(instance: RoutingInstance, stops: set[str]) -> RoutingInstance:
    """``instance`` with ``stops`` optional at no penalty: stops no vehicle can still reach in time."""
    if not stops:
        return instance
    kept = [
        s.model_copy(update={"required": False, "skip_penalty": 0.0}) if s.id in stops else s for s in instance.stops
    ]
    return instance.model_copy(update={"stops": kept})


def state_problems(arrays: RoutingArrays, routes: dict[Vehicle, list[str]], state: RoutingState) -> list[str]:
    """Every way ``state`` contradicts the instance or the plan, as 'field: reason'."""
    problems = []
    day_end = float(arrays.floats(arrays.vt_shift_hi_int).max())
    if state.time > day_end:
        problems.append(f"time: {state.time:g} is after the day ends ({day_end:g}, the latest shift end)")
    counts = dict(zip(arrays.vt_ids, arrays.vt_count.tolist(), strict=True))
    on_route = {stop: v for v, stops in routes.items() for stop in stops}
    seen: set[str] = set()
    for k, stop in enumerate(state.served):
        if stop in seen:
            problems.append(f"served[{k}]: {stop!r} is listed twice")
        elif stop not in on_route:
            problems.append(f"served[{k}]: {stop!r} is not a stop of the plan")
        seen.add(stop)
    for v, stops in routes.items():
        done = [s for s in stops if s in seen]
        if stops[: len(done)] != done:
            problems.append(f"served: the served stops of {v[0]} #{v[1]} are not the start of its planned route")
    listed: set[Vehicle] = set()
    for i, vs in enumerate(state.vehicles):
        v = (vs.vehicle_type, vs.vehicle)
        if vs.vehicle_type not in counts:
            problems.append(f"vehicles[{i}].vehicle_type: unknown vehicle type {vs.vehicle_type!r}")
            continue
        if vs.vehicle >= counts[vs.vehicle_type]:
            problems.append(f"vehicles[{i}].vehicle: {vs.vehicle_type} has {counts[vs.vehicle_type]} vehicles")
            continue
        if v in listed:
            problems.append(f"vehicles[{i}]: {vs.vehicle_type} #{vs.vehicle} is listed twice")
        listed.add(v)
        done = [s for s in routes.get(v, []) if s in seen]
        t = arrays.vt_ids.index(vs.vehicle_type)
        expected = done[-1] if done else arrays.node_ids[arrays.vt_start[t]]
        if vs.position != expected:
            problems.append(f"vehicles[{i}].position: {vs.position!r}, but its last served stop is {expected!r}")
    return problems


def remaining_problem(
    instance: RoutingInstance, plan: RoutingPlan, state: RoutingState, source: str = "state"
) -> Remaining:
    """The rest of the day after ``state``; a state that contradicts the instance or plan raises
    :class:`InstanceError` naming ``source``, the field and the reason."""
    if instance.shipments:
        raise InstanceError("re-planning supports stops, not paired shipments", source)
    arrays = routing_arrays(instance, plan.rounding or None)
    seqs = plan_sequences(arrays, plan)
    routes = {(arrays.vt_ids[t], veh): [arrays.node_ids[n] for n in nodes] for t, veh, nodes in seqs}
    problems = state_problems(arrays, routes, state)
    if problems:
        raise InstanceError(problems, source)
    full = with_new_stops(instance, state, source)
    ev = evaluate_sequences(arrays, seqs)
    done = set(state.served)
    served = {v: [s for s in stops if s in done] for v, stops in routes.items()}
    broken = frozenset((vs.vehicle_type, vs.vehicle) for vs in state.vehicles if not vs.available)
    leave, began = _departures(arrays, seqs, ev.start, ev.routes, served, state.time)
    left = [s for s in full.stops if s.id not in done]
    builder = _Builder(instance, arrays, state.time)
    for t, vt in enumerate(instance.vehicle_types):
        idle = []
        for veh in range(vt.count):
            v = (vt.id, veh)
            if v in broken:
                continue
            if served.get(v):
                builder.add_working(t, veh, served[v], leave[v], began[v])
            else:
                idle.append(veh)
        builder.add_idle(t, idle)
    warm = []
    for rid, v in builder.vehicle_of.items():
        rest = [s for s in routes.get(v, []) if s not in done]
        if rest:
            warm.append((rid[0], rid[1], rest))
    stranded = [[s for s in routes.get(v, []) if s not in done] for v in sorted(broken)]
    remaining = None
    if left:
        remaining = builder.instance(full, left)
    return Remaining(
        remaining, full, {v: s for v, s in served.items() if s}, broken, builder.vehicle_of, warm, leave,
        [rest for rest in stranded if rest],
    )  # fmt: skip


def _departures(
    arrays: RoutingArrays, seqs: list, start: np.ndarray, checks: list, served: dict[Vehicle, list[str]], now: float
) -> tuple[dict[Vehicle, float], dict[Vehicle, float]]:
    """(when each vehicle with served stops leaves its last one, when its route began), plan schedule."""
    leave, began = {}, {}
    offset = 0
    service = arrays.floats(arrays.service_int)
    for (t, veh, nodes), check in zip([s for s in seqs if s[2]], checks, strict=True):
        v = (arrays.vt_ids[t], veh)
        k = len(served.get(v, []))
        if k:
            last = offset + k - 1
            leave[v] = max(now, float(start[last] + service[nodes[k - 1]]))
            began[v] = check.start
        offset += len(nodes)
    return leave, began


class _Builder:
    """Collects the remaining problem's depots and vehicle types, and which day's vehicle each one is."""

    def __init__(self, instance: RoutingInstance, arrays: RoutingArrays, now: float) -> None:
        self.inst, self.a, self.now = instance, arrays, now
        self.depots: list[Depot] = list(instance.depots)
        self.depot_node: list[int] = list(range(arrays.n_depots))  # node of the day's instance
        self.types: list[VehicleType] = []
        self.vehicle_of: dict[Vehicle, Vehicle] = {}
        self.stop_node = arrays.index()

    def add_working(self, t: int, veh: int, done: list[str], leave: float, began: float) -> None:
        vt, a = self.inst.vehicle_types[t], self.a
        here = done[-1]
        stop = self.inst.stops[self.stop_node[here] - a.n_depots]
        depot_id = f"{vt.id}#{veh}@{here}"
        self.depots.append(Depot(id=depot_id, x=stop.x, y=stop.y))
        self.depot_node.append(self.stop_node[here])
        nodes = [self.stop_node[s] for s in done]
        running = a.delivery[nodes].sum(axis=0)
        peak = running.copy()
        for n in nodes:
            running = running + a.pickup[n] - a.delivery[n]
            peak = np.maximum(peak, running)
        capacity = np.maximum(a.vt_cap[t] - peak, 0).tolist()
        shift_end = float(a.floats(a.vt_shift_hi_int[t]))
        max_duration = None if vt.max_duration is None else max(0.0, vt.max_duration - (leave - began))
        rid = f"{vt.id}#{veh}"
        self.types.append(
            vt.model_copy(update={
                "id": rid, "count": 1, "capacity": capacity if len(capacity) > 1 else capacity[0],
                "fixed_cost": -self.way_home(t, here), "start_depot": depot_id,
                "end_depot": vt.end_depot or vt.start_depot, "shift": (min(leave, shift_end), shift_end),
                "max_duration": max_duration,
            })
        )  # fmt: skip
        self.vehicle_of[(rid, 0)] = (vt.id, veh)

    def way_home(self, t: int, stop: str) -> float:
        """Cost of vehicle type ``t`` driving from ``stop`` straight to its end depot."""
        a = self.a
        at, end = self.stop_node[stop], int(a.vt_end[t])
        return float(a.vt_cd[t] * a.floats(a.dist_int[at, end]) + a.vt_ct[t] * a.floats(a.time_int[at, end]))

    def add_idle(self, t: int, vehicles: list[int]) -> None:
        if not vehicles:
            return
        vt, a = self.inst.vehicle_types[t], self.a
        lo, hi = float(a.floats(a.vt_shift_lo_int[t])), float(a.floats(a.vt_shift_hi_int[t]))
        self.types.append(vt.model_copy(update={"count": len(vehicles), "shift": (min(max(lo, self.now), hi), hi)}))
        for k, veh in enumerate(vehicles):
            self.vehicle_of[(vt.id, k)] = (vt.id, veh)

    def instance(self, full: RoutingInstance, left: list) -> RoutingInstance:
        travel = full.travel
        if travel.metric == "matrix":
            index = self.a.index()
            nodes = self.depot_node + [index[s.id] for s in left]
            dist, time = raw_matrices(self.inst)
            travel = Travel(
                metric="matrix", distance_matrix=dist[np.ix_(nodes, nodes)].tolist(),
                time_matrix=time[np.ix_(nodes, nodes)].tolist(),
            )  # fmt: skip
        return RoutingInstance.model_construct(
            **{**dict(full), "name": f"{full.name}-rest", "rounding": self.a.rounding, "travel": travel,
               "depots": self.depots, "vehicle_types": self.types, "stops": left, "shipments": []}
        )  # fmt: skip
