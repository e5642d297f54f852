"""A replayed day's deliveries: route the dispatched parcels, answer the day's events, book the orders.

Both plans route with the day's fleet instances (the baseline its territory plan, the optimised plan
PyVRP under its on-time guard); a breakdown hands the broken vehicle's stops to the carrier, or, in
the optimised plan, re-plans the rest of the day (:mod:`optiops.closed_loop.replan`), which also
takes late parcels. Orders are then booked as completed, on time or late.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from optiops.closed_loop.events import broken_routes
from optiops.closed_loop.replan import LATE_STOP, Replanned, replan_day, replan_options
from optiops.closed_loop.routing import territory_plan
from optiops.plan.allocation_step import LATE_SUFFIX
from optiops.plan.base import PlanOptions
from optiops.plan.orders import DayOrders
from optiops.plan.routing_step import _kpis as routing_kpis
from optiops.plan.routing_step import _on_time_guard, fleet_instances, score, skip_price

if TYPE_CHECKING:
    from optiops.closed_loop.engine import Context, Pending, PlanState
    from optiops.closed_loop.events import DayEvents


def route_day(ctx: Context, state: PlanState, orders: DayOrders, dispatched: list[Pending], plan_options: PlanOptions,
           pool: Any, base_route: dict[str, float] | None, ev: DayEvents | None = None,
           offered: list[Pending] | None = None,
           notes: list[str] | None = None) -> tuple[dict[str, float], set[str], list[Pending]]:  # fmt: skip
    """Route the parcels dispatched today and the day's pickups; the KPI parts, the on-time stops, late parcels taken.

    A vehicle that breaks down (``ev``) leaves the stops it had not started to the carrier, late; the
    optimised plan instead re-plans the rest of the day (:mod:`optiops.closed_loop.replan`), also for
    the late parcels ``offered`` (those it serves are returned; their stops carry :data:`LATE_STOP`).
    """
    sc = ctx.scenario
    price = skip_price(sc.costs)
    all_orders = known_orders(state, orders)
    sent = pd.DataFrame({"order": [p.order for p in dispatched],
                         "warehouse": [ctx.grid.warehouses[p.warehouse] for p in dispatched]})  # fmt: skip
    day = DayOrders(orders.day, all_orders[all_orders["order"].isin(sent["order"])], orders.lines, orders.pickups)
    instances, left_out = fleet_instances(sc, day, sent, price)
    prices = dict.fromkeys(instances, price)
    if state.name == "baseline":
        scored = {w: score(inst, territory_plan(inst)) for w, inst in instances.items()}
    else:
        target = base_route or {"on_time_rate": 0.0}
        scored, _, prices = _on_time_guard(instances, price, plan_options, target, left_out, [], pool=pool)
    replanned: dict[str, Replanned] = {}
    if ev is not None and state.name == "optimised":
        late = pd.DataFrame({"order": [p.order for p in offered or []],
                             "warehouse": [ctx.grid.warehouses[p.warehouse] for p in offered or []]})  # fmt: skip
        late_day = DayOrders(orders.day, all_orders[all_orders["order"].isin(late["order"])], orders.lines,
                             orders.pickups.head(0))  # fmt: skip
        opts = replan_options(plan_options.time_limit, plan_options.seed, plan_options.routing_iterations)
        replanned = replan_day(sc, instances, scored, prices, ev.breakdowns, late_day, late, opts,
                               notes if notes is not None else [], ev.late_orders)  # fmt: skip
        for w, done in replanned.items():
            instances[w], scored[w] = done.instance, done.scored
    kpis = routing_kpis(instances, scored, left_out, price)
    on_time = set()
    for w, s in scored.items():
        windows = {st.id: st.time_windows for st in instances[w].stops}
        for r in s.plan.routes:
            for v in r.visits:
                if (
                    v.kind != "depot"
                    and v.start is not None
                    and any(lo - 1e-6 <= v.start <= hi + 1e-6 for lo, hi in windows[v.node])
                ):
                    on_time.add(v.node)
    carried: list[Pending] = []
    if ev is not None:
        # the re-planned warehouses' handed stops are already skipped stops of their plans (carrier units)
        rule = [b for b in ev.breakdowns if b[0] not in replanned]
        moved, units = broken_routes(instances, scored, rule)
        stops = kpis["stops"]
        kpis["on_time_rate"] -= len(moved & on_time) / stops if stops else 0.0
        kpis["carrier_units"] += units
        kpis["breakdown_stops"] = float(len(moved) + sum(len(r.handed) for r in replanned.values()))
        kpis["replanned_stops"] = float(sum(r.taken_over + len(r.late_served) for r in replanned.values()))
        on_time -= moved
        customer = all_orders.set_index("order")["customer"].astype(str).to_dict()
        served = {w: r.late_served for w, r in replanned.items()}
        carried = [p for p in offered or []
                   if customer[p.order] + LATE_STOP in served.get(ctx.grid.warehouses[p.warehouse], ())]  # fmt: skip
    return kpis, on_time, carried


def known_orders(state: PlanState, orders: DayOrders) -> pd.DataFrame:
    """Today's orders and those of earlier days still open (their zone, promise and customer point)."""
    old = [(o, *v[3]) for o, v in state.open_orders.items()]
    frames = (
        [orders.orders, pd.DataFrame(old, columns=["order", "zone", "promise", "customer"])] if old else [orders.orders]
    )
    return pd.concat(frames, ignore_index=True).drop_duplicates("order")


def close_orders(ctx: Context, state: PlanState, d: int, orders: DayOrders, dispatched: list[Pending],
                  alloc: dict[str, Any], on_time_stops: set[str],
                  late_routed: frozenset[str] = frozenset()) -> tuple[int, int, int]:  # fmt: skip
    """Book today's orders and dispatches; (orders completed late, completed on time, completed) today.

    ``late_routed``: late orders the re-plan took; their stop is the customer point's :data:`LATE_STOP`.
    """
    sc = ctx.scenario
    kept = alloc["orders"].orders
    transit = alloc["carrier"].transit_days
    max_days = sc.promises.set_index("promise")["max_transit_days"].to_dict()
    wh_index = {w: i for i, w in enumerate(ctx.grid.warehouses)}
    fleet_of = sc.zones.set_index("zone")["fleet_warehouse"].to_dict()
    sh = alloc["shipments"]
    parcels = sh.groupby("order")["warehouse"].nunique() if len(sh) else pd.Series(dtype=int)
    for row in kept.itertuples(index=False):
        state.open_orders[str(row.order)] = [int(parcels.get(row.order, 0)), False, d,
                                             (str(row.zone), str(row.promise), str(row.customer))]  # fmt: skip
    late = on_time = done = 0
    for p in dispatched:
        entry = state.open_orders[p.order]
        zone, promise, customer = entry[3]
        w = ctx.grid.warehouses[p.warehouse]
        z = ctx.zone_index[zone]
        bad = d > entry[2] or transit[wh_index[w], z] > max_days.get(promise.removesuffix(LATE_SUFFIX), 99)
        stop = customer + LATE_STOP if p.order in late_routed else customer
        if fleet_of.get(zone) == w and stop not in on_time_stops:
            bad = True
        entry[1] = entry[1] or bad
        entry[0] -= 1
        if entry[0] <= 0:
            done += 1
            late += int(entry[1])
            on_time += int(not entry[1])
            del state.open_orders[p.order]
    return late, on_time, done
