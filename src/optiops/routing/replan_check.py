"""The independent check of a re-planned day: the evaluator's verdict plus what a state fixes.

A combined plan (served part + re-planned part) passes when the evaluator finds it feasible on the
day's instance with the late orders, each vehicle's route starts with exactly the stops it served
(a broken vehicle's ends there), and every stop after the state's time can still be reached in its
window and the vehicle back before its shift ends, driving on from the state's time.
"""

from __future__ import annotations

import numpy as np

from optiops.evaluate import EPS, evaluate
from optiops.kinds.base import Check
from optiops.model.plan import RoutingPlan
from optiops.model.routing import RoutingInstance
from optiops.model.routing_arrays import RoutingArrays, routing_arrays
from optiops.model.routing_state import RoutingState
from optiops.routing.remaining import excused, with_new_stops

Vehicle = tuple[str, int]


def check_replan(instance: RoutingInstance, plan: RoutingPlan, state: RoutingState, new_plan: RoutingPlan) -> Check:
    """Check ``new_plan``, the re-plan of ``plan`` from ``state``, on ``instance`` and the state's late orders.

    Returns
    -------
    Check
        ``feasible`` when every rule holds; ``violations`` name the vehicle and stop at fault.
    """
    full = with_new_stops(instance, state, "state")
    rounding = new_plan.rounding or plan.rounding or None
    done = set(state.served)
    old = {(r.vehicle_type, r.vehicle): [v.node for v in r.visits if v.kind != "depot"] for r in plan.routes}
    new = {(r.vehicle_type, r.vehicle): [v.node for v in r.visits if v.kind != "depot"] for r in new_plan.routes}
    broken = {(v.vehicle_type, v.vehicle) for v in state.vehicles if not v.available}
    arrays = routing_arrays(full, rounding)
    ev = evaluate(full, new_plan, rounding)
    left = _departures(arrays, old, new, done, ev.start)
    visited = {s for route in new.values() for s in route}
    missed = [s.id for s in full.stops if s.required and s.id not in visited]
    unreachable = _unreachable(arrays, missed, _starts(arrays, old, done, broken, left, state.time))
    if unreachable:  # nobody can serve them any more: not the re-plan's fault
        ev = evaluate(excused(full, unreachable), new_plan, rounding)
    violations = list(ev.violations)
    for v, stops in old.items():
        prefix = [s for s in stops if s in done]
        route = new.get(v, [])
        if route[: len(prefix)] != prefix:
            violations.append(f"{v[0]} #{v[1]}: its served stops {prefix} are not kept as they were")
        elif v in broken and len(route) > len(prefix):
            violations.append(f"{v[0]} #{v[1]} is broken down but gets stops {route[len(prefix) :]}")
    for v, route in new.items():
        prefix = [s for s in old.get(v, []) if s in done]
        violations += _late_after(arrays, v, prefix, route[len(prefix) :], state.time, left.get(v))
    return Check(
        kind="routing", feasible=not violations, objective=ev.objective, violations=violations,
        costs={"routes": float(sum(r.cost for r in ev.routes)), "skipped": ev.skip_cost},
        figures={"distance": ev.distance, "skipped": ev.skipped, "served": len(done),
                 "unreachable": sorted(unreachable)},
        summary=f"cost {ev.objective:,.4f}, distance {ev.distance:,.4f}, {len(ev.routes)} routes, "
        f"{len(done)} stops served before {state.time:g}",
        stated=new_plan.objective, detail=ev,
    )  # fmt: skip


def _late_after(
    a: RoutingArrays, v: Vehicle, prefix: list[str], rest: list[str], now: float, left: float | None
) -> list[str]:
    """Stops of ``rest`` the vehicle cannot start in a window, driving on from its position at ``now``."""
    index, f = a.index(), a.floats
    t = a.vt_ids.index(v[0])
    at = index[prefix[-1]] if prefix else int(a.vt_start[t])
    clock = max(now, float(f(a.vt_shift_lo_int[t])))
    if left is not None:
        clock = max(now, left)
    out = []
    for stop in rest:
        n = index[stop]
        arrive = clock + float(f(a.time_int[at, n]))
        lo, hi = f(a.tw_lo_int[a.tw_ptr[n] : a.tw_ptr[n + 1]]), f(a.tw_hi_int[a.tw_ptr[n] : a.tw_ptr[n + 1]])
        open_ = [k for k in range(len(lo)) if hi[k] + EPS >= arrive]
        if len(lo) and not open_:
            out.append(f"{v[0]} #{v[1]}: reaches {stop!r} at {arrive:g}, after its last window closes")
            begin = arrive
        else:
            begin = max(arrive, float(lo[open_[0]])) if len(lo) else arrive
        clock, at = begin + float(f(a.service_int[n])), n
    back = clock + float(f(a.time_int[at, a.vt_end[t]]))
    if rest and back > float(f(a.vt_shift_hi_int[t])) + EPS:
        out.append(f"{v[0]} #{v[1]}: back at its depot at {back:g}, after its shift ends")
    return out


def _departures(
    a: RoutingArrays, old: dict[Vehicle, list[str]], new: dict[Vehicle, list[str]], done: set[str], start: np.ndarray
) -> dict[Vehicle, float]:
    """When each vehicle leaves its last served stop, by the evaluator's schedule of the new plan."""
    out, offset = {}, 0
    for v, route in new.items():
        k = len([s for s in old.get(v, []) if s in done])
        if k and route[:k]:
            out[v] = float(start[offset + k - 1]) + _service(a, route[k - 1])
        offset += len(route)
    return out


def _starts(
    a: RoutingArrays, old: dict[Vehicle, list[str]], done: set[str], broken: set[Vehicle],
    left: dict[Vehicle, float], now: float,
) -> list[tuple[int, int, float]]:  # fmt: skip
    """(vehicle type, node, time) from which each working vehicle can drive on."""
    index, out = a.index(), []
    for t, vt in enumerate(a.vt_ids):
        for veh in range(int(a.vt_count[t])):
            v = (vt, veh)
            if v in broken:
                continue
            prefix = [s for s in old.get(v, []) if s in done]
            if prefix:
                out.append((t, index[prefix[-1]], max(now, left.get(v, now))))
            else:
                out.append((t, int(a.vt_start[t]), max(now, float(a.floats(a.vt_shift_lo_int[t])))))
    return list(dict.fromkeys(out))


def _unreachable(a: RoutingArrays, stops: list[str], starts: list[tuple[int, int, float]]) -> set[str]:
    """Stops no working vehicle can begin in a window and still get back to its depot in its shift."""
    index, f, out = a.index(), a.floats, set()
    for stop in stops:
        n = index[stop]
        lo, hi = f(a.tw_lo_int[a.tw_ptr[n] : a.tw_ptr[n + 1]]), f(a.tw_hi_int[a.tw_ptr[n] : a.tw_ptr[n + 1]])
        for t, at, clock in starts:
            arrive = clock + float(f(a.time_int[at, n]))
            open_ = [k for k in range(len(lo)) if hi[k] + EPS >= arrive]
            if len(lo) and not open_:
                continue
            begin = max(arrive, float(lo[open_[0]])) if len(lo) else arrive
            back = begin + float(f(a.service_int[n])) + float(f(a.time_int[n, a.vt_end[t]]))
            if back <= float(f(a.vt_shift_hi_int[t])) + EPS:
                break
        else:
            out.add(stop)
    return out


def _service(a: RoutingArrays, stop: str) -> float:
    return float(a.floats(a.service_int[a.index()[stop]]))
