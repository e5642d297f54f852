"""The optimised plan's answer to a breakdown or late orders: re-plan the rest of the day's routes.

At each event of a warehouse's day, in time order, the routes being driven are re-planned from
where the day stands with :func:`optiops.reoptimise`: stops whose service began by then are fixed,
a broken vehicle gets nothing more, the other vehicles go on from their positions, late orders are
new stops. Only the stops of the routes being driven (and the late orders) are re-planned: a stop
the morning's plan handed to the carrier stays handed over. A stop the re-plan does not serve (the
skip price is the carrier's tariff plus a broken promise, as in the morning) goes to the carrier late
when it was on a route. Late orders that the warehouse's own fleet delivers are packed last, in the
hours left (:func:`offer_late`), and reach the re-plan on the full hour after they arrive (the
events' :func:`~optiops.closed_loop.events.late_arrivals`), one re-plan per hour with new orders; a
late order it does not serve waits for tomorrow's dispatch, packed.

Every re-planned day is judged twice before it is used: by the re-plan's own check
(:func:`~optiops.routing.replan_check.check_replan`) and by the evaluator on the whole day. A day
that fails either keeps the baseline's rule (the broken vehicle's stops to the carrier, late orders
wait), with a note.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from optiops.evaluate import evaluate
from optiops.model.plan import RoutingPlan
from optiops.model.routing import RoutingInstance, Stop
from optiops.model.routing_state import RoutingState, VehicleState
from optiops.model.scenario import Scenario
from optiops.plan.fleet import fleet_instance, fleet_stops
from optiops.plan.orders import DayOrders
from optiops.plan.routing_step import ScoredPlan
from optiops.routing import SolveOptions
from optiops.routing.reoptimise import reoptimise

if TYPE_CHECKING:
    from optiops.closed_loop.engine import Context, Pending, PlanState

LATE_ORDERS_KNOWN = 12 * 60.0
"""Minute a late stop reaches the re-plan when its orders' arrival is not given (noon)."""
LATE_STOP = "~late"  # suffix of a late order's stop id: its customer point may also be on a morning route
KEEP_FACTOR = 10.0  # a late-order re-plan drops a stop already on a route only at this many times its skip price
REPLAN_SECONDS = 1.0  # a re-plan's wall seconds at most (the replay's time limit when smaller)


@dataclasses.dataclass(frozen=True, eq=False)
class Replanned:
    """A warehouse's day after its re-plans: the instance and plan it is costed on, what moved."""

    instance: RoutingInstance  # the morning's stops plus the late orders served
    scored: ScoredPlan
    handed: frozenset[str]  # stops of the morning's routes not served any more: to the carrier, late
    taken_over: int  # broken vehicles' stops another vehicle serves
    late_served: frozenset[str]  # late orders' stop ids served today


def offer_late(ctx: Context, state: PlanState, d: int, alloc: dict[str, Any], waiting: list[Pending],
               late: Collection[str], used: np.ndarray, reach: np.ndarray,
               blocked: np.ndarray) -> list[Pending]:  # fmt: skip
    """The optimised plan's late parcels its own fleet could still take today, packed if the hours allow.

    They are worked last, first in first out as the rest (``blocked`` warehouses pack nothing more);
    their minutes are added to ``used``; the re-plan (:func:`replan_day`) inserts what
    the fleet can serve, the rest waits for tomorrow.
    """
    if state.name != "optimised" or not late:
        return []
    fleet_of = ctx.scenario.zones.set_index("zone")["fleet_warehouse"].to_dict()
    zone_of = alloc["orders"].orders.set_index("order")["zone"].to_dict()
    offered = []
    for p in waiting:
        own = fleet_of.get(zone_of.get(p.order)) == ctx.grid.warehouses[p.warehouse]
        if not (p.day == d and p.order in late and own) or blocked[p.warehouse]:
            continue
        if used[p.warehouse] + p.minutes <= reach[p.warehouse] + 1e-9:
            used[p.warehouse] += p.minutes
            offered.append(p)
        else:
            blocked[p.warehouse] = True
    return offered


def replan_options(time_limit: float, seed: int, iterations: int | None) -> SolveOptions:
    """A re-plan's options: PyVRP from the warm start, a small share of the replay's time limit."""
    params = {"max_iterations": iterations} if iterations is not None else {}
    return SolveOptions(backend="pyvrp", time_limit=min(REPLAN_SECONDS, time_limit), seed=seed, params=params)


def late_stops(frame: pd.DataFrame, known: Mapping[str, float] | None = None) -> pd.DataFrame:
    """:func:`~optiops.plan.fleet.fleet_stops` rows of late orders, as stops of their own.

    ``known`` gives the minute each customer point's late parcels reach the re-plan (column
    ``known``; :data:`LATE_ORDERS_KNOWN` for a point it does not name).
    """
    known = known or {}
    minutes = [known.get(str(c), LATE_ORDERS_KNOWN) for c in frame["customer"]]
    return frame.assign(customer=frame["customer"].astype(str) + LATE_STOP, known=np.asarray(minutes, dtype=float))


def replan_day(
    scenario: Scenario, instances: dict[str, RoutingInstance], scored: dict[str, ScoredPlan],
    prices: dict[str, float], breakdowns: list[tuple[str, str, int, float]], late: DayOrders, sent: pd.DataFrame,
    opts: SolveOptions, notes: list[str], known: Mapping[str, float] | None = None,
) -> dict[str, Replanned]:  # fmt: skip
    """Re-plan every warehouse with a breakdown or late orders its fleet could take (:func:`replan_warehouse`).

    ``late`` holds the late orders the warehouses packed today and ``sent`` (order, warehouse) says
    which warehouse ships each; ``known`` the minute each late order reaches the re-plan (a customer
    point's stop when the last of its orders does); a warehouse whose re-plan fails a check is left
    out, with a note.
    """
    point_known: dict[str, float] = {}
    if known:
        for order, customer in zip(late.orders["order"].astype(str), late.orders["customer"].astype(str), strict=True):
            if order in known:
                point_known[customer] = max(point_known.get(customer, 0.0), known[order])
    out = {}
    for w in sorted(instances):
        mine = [(kind, index, minute) for wh, kind, index, minute in breakdowns if wh == w]
        stops = late_stops(fleet_stops(scenario, late, sent, w), point_known) if len(sent) else _frame([])
        if not mine and not len(stops):
            continue
        done = replan_warehouse(scenario, instances[w], scored[w], prices[w], mine, stops, opts)
        if done is None:
            notes.append(f"{late.day.date()} {w}: the re-planned routes failed their check; the day keeps the "
                         "rule (the broken vehicle's stops to the carrier, late orders wait)")  # fmt: skip
        else:
            out[w] = done
    return out


def replan_warehouse(
    scenario: Scenario, inst: RoutingInstance, scored: ScoredPlan, price: float,
    breakdowns: list[tuple[str, int, float]], late: pd.DataFrame, opts: SolveOptions,
) -> Replanned | None:  # fmt: skip
    """Re-plan one warehouse's day at each breakdown (vehicle type, index, minute) and for its late orders.

    ``inst`` and ``scored`` are the morning's instance and plan, ``price`` the skip price they were
    solved at, ``late`` the late orders' stops (:func:`late_stops`), each a new stop of the re-plan at
    its ``known`` minute. ``None`` when a re-plan fails its check or the evaluator's: the caller
    keeps the baseline's rule.
    """
    warehouse = inst.depots[0].id
    stops = _frame(inst.stops)
    if "known" not in late:
        late = late.assign(known=LATE_ORDERS_KNOWN)
    events: list[tuple[float, tuple[str, int] | None]] = [(minute, (kind, index)) for kind, index, minute in breakdowns]
    events += [(float(m), None) for m in sorted(set(late["known"]))]  # the late orders known at that minute
    events.sort(key=lambda e: (e[0], e[1] is None))
    day_end = max(vt.shift[1] for vt in inst.vehicle_types if vt.shift is not None)
    plan, broken = scored.plan, []
    for minute, vehicle in events:
        if minute >= day_end:
            continue
        new = late[late["known"] == minute] if vehicle is None else late.head(0)
        if vehicle is not None:
            broken.append(vehicle)
        on_route = {node for *_, nodes in plan.sequences() for node in nodes}
        known = _rows(stops, late)  # late orders an earlier re-plan inserted are on the routes now
        rows = _rows(known[known["customer"].isin(on_route)], new)
        if not len(rows):
            continue  # nothing on the road and nothing new: the breakdown changes nothing
        part = fleet_instance(scenario, warehouse, rows, inst.name, price)
        if vehicle is None:  # a late order does not displace a parcel already on a route
            part = _kept(part, on_route)
        state = _state(part, plan, minute, broken)
        res = reoptimise(part, plan, state, opts, source=f"{inst.name} re-plan")
        if not res.check.feasible:
            return None
        plan = _served_as_driven(plan, res.plan, set(state.served))
    visited = {node for *_, nodes in plan.sequences() for node in nodes}
    served_late = late[late["customer"].isin(visited)]
    day = fleet_instance(scenario, warehouse, _rows(stops, served_late), inst.name, price)
    ev = evaluate(day, plan)
    if not ev.feasible:
        return None
    before = {(t, k): set(nodes) for t, k, nodes in scored.plan.sequences()}
    after = {(t, k): set(nodes) for t, k, nodes in plan.sequences()}
    moved = set().union(*(before.get(v, set()) for v in broken)) - set().union(*(after.get(v, set()) for v in broken))
    on_morning_routes = set().union(*before.values())
    return Replanned(day, ScoredPlan(plan, ev), frozenset(on_morning_routes - visited), len(moved & visited),
                     frozenset(served_late["customer"]))  # fmt: skip


def _kept(inst: RoutingInstance, ids: set[str]) -> RoutingInstance:
    """``inst`` with the stops ``ids`` dropped only at :data:`KEEP_FACTOR` times their skip price."""
    data = inst.model_dump()
    for stop in data["stops"]:
        if stop["id"] in ids and stop["skip_penalty"] is not None:
            stop["skip_penalty"] *= KEEP_FACTOR
    return RoutingInstance.model_validate(data)


def _frame(stops: list[Stop]) -> pd.DataFrame:
    """An instance's stops as :func:`~optiops.plan.fleet.fleet_stops` rows (one window each)."""
    return pd.DataFrame(
        [{"customer": s.id, "x": s.x, "y": s.y, "service_time": s.service_time, "tw_start": s.time_windows[0][0],
          "tw_end": s.time_windows[0][1], "delivery": int(np.sum(s.delivery)), "pickup": int(np.sum(s.pickup))}
         for s in stops],
        columns=["customer", "x", "y", "service_time", "tw_start", "tw_end", "delivery", "pickup"],
    )  # fmt: skip


def _rows(*frames: pd.DataFrame) -> pd.DataFrame:
    """Stop rows of several frames, one after the other."""
    full = [f for f in frames if len(f)]
    return pd.concat(full, ignore_index=True) if full else _frame([])


def _state(inst: RoutingInstance, plan: RoutingPlan, minute: float, broken: list[tuple[str, int]]) -> RoutingState:
    """Where the day stands at ``minute``: stops whose service began are served; broken vehicles stand still.

    A working vehicle that has left for its next stop keeps it (it is not called back mid-drive): that
    stop counts as served, so the re-plan goes on from there at its planned time rather than from the
    last stop at ``minute``, which would lose the drive already done at every re-plan.
    """
    served, last = [], {}
    stopped = set(broken)
    for r in plan.routes:
        vehicle = (r.vehicle_type, r.vehicle)
        for before, v in zip(r.visits, r.visits[1:], strict=False):
            if v.kind == "depot":
                continue
            began = v.start is not None and v.start <= minute
            driving = vehicle not in stopped and before.departure is not None and before.departure <= minute
            if began or driving:
                served.append(v.node)
                last[vehicle] = v.node
    depot = {vt.id: vt.start_depot or inst.depots[0].id for vt in inst.vehicle_types}
    vehicles = [VehicleState(vehicle_type=t, vehicle=k, position=last.get((t, k), depot[t]), available=False)
                for t, k in dict.fromkeys(broken)]  # fmt: skip
    return RoutingState(time=minute, vehicles=vehicles, served=served)


def _served_as_driven(old: RoutingPlan, new: RoutingPlan, served: set[str]) -> RoutingPlan:
    """``new`` with the served visits at the times they were driven in ``old``.

    The joined plan's schedule of its served part is the evaluator's for the new route, which can
    differ from the times those visits happened (how long a vehicle waited depends on what follows).
    """
    driven = {v.node: v for r in old.routes for v in r.visits if v.node in served}
    times = ("arrival", "start", "departure")
    routes = [r.model_copy(update={"visits": [
        v.model_copy(update={k: getattr(driven[v.node], k) for k in times}) if v.node in driven else v
        for v in r.visits]}) for r in new.routes]  # fmt: skip
    return new.model_copy(update={"routes": routes})
