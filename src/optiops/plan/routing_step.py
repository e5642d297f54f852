"""Routing step of the network plan: the next day's own-fleet tours of every warehouse with vehicles.

A warehouse's own vans and e-trikes deliver the parcels it ships to the zones whose
``fleet_warehouse`` it is (parcels the allocation sends there from another warehouse go by carrier
and are priced there) and pick up the day's returns in those zones (:class:`~optiops.plan.orders.DayOrders`
``pickups``).  Each plan routes the parcels of its own allocation (``allocation.csv``, plan
``baseline`` or ``optimised``), so the step plays the day end to end both ways.

The routing instance of a warehouse (:func:`fleet_instance`): the warehouse is the depot (open
from ``open_minute`` to ``close_minute``); one stop per customer point visited, delivering its
parcels and picking up its returned units (one capacity unit each), with the point's service time
and window; one vehicle type per ``vehicles.csv`` row (capacity in parcels, fixed cost, cost per km
and per minute, shift).  Distances are straight-line km times the road factor; the instance has one
travel-time matrix, so every vehicle of a warehouse drives at its slowest type's speed (schedules
stay valid for every type).  A stop no vehicle type can serve on a trip of its own (its window
closes before a vehicle can arrive, or it leaves no time to return before the shift ends) is left
out of the instance and handed to the carrier (:func:`reachable`).  Every other stop may be skipped
at :func:`skip_price` per parcel and returned unit: a visit the fleet does not make goes by carrier
(the base parcel tariff) a day late (the scenario's ``late_delivery_cost``, a broken promise).  The
KPIs price a visit handed over, reachable or not, at the carrier tariff and count it as late, the
same way in both plans.

**On-time guard.**  The issue's constraint is an on-time rate no worse than the baseline's.  While
the optimised plan serves a smaller share of stops in their windows than the baseline plan, the skip
price is doubled, up to :data:`MAX_SKIP_PRICE` (at which a plan skips only what it cannot fit), in the
warehouses whose routes are less punctual than nearest neighbour on the same stops (in all whose
price can still rise when none is), and those are solved again (:func:`_on_time_guard`).

- **baseline**: nearest neighbour: each vehicle in turn (largest first) leaves at its shift start and
  drives to the nearest stop it can still serve inside its window, with room on board (deliveries
  plus pickups) and time to return before its shift ends, until none is left.
- **optimised**: :func:`optiops.solve` (``backend="auto"``) per warehouse, fanned out through
  :func:`optiops.parallel.make_executor`; kept only when the evaluator finds it feasible and no
  dearer than the nearest-neighbour plan of the same instance.

Both plans are scored by :func:`optiops.evaluate`; ``fleet_cost`` is its objective without skip
prices (vehicle fixed costs, km, driver hours), ``transport_cost`` that plus the skipped reachable
units at the scenario's :func:`skip_price` (the same price in both plans, whatever price the guard
solved a warehouse at), and
``carrier_units`` the parcels and returned units handed to the carrier (skipped and unreachable).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

import optiops
from optiops.evaluate import Evaluation, build_plan, plan_sequences
from optiops.evaluate import evaluate as evaluate_plan
from optiops.exceptions import InstanceError
from optiops.model.plan import RoutePlan, RoutingPlan, Visit
from optiops.model.routing import Depot, RoutingInstance, Stop, Travel, VehicleType
from optiops.model.routing_arrays import RoutingArrays, routing_arrays
from optiops.model.scenario import Costs, Scenario
from optiops.parallel import make_executor
from optiops.plan.base import PlanOptions, StepResult
from optiops.plan.orders import DayOrders
from optiops.plotting import figure_png, plot_route_map
from optiops.routing import SolveOptions

MAX_SKIP_PRICE = 100.0  # CNY per parcel or returned unit: the on-time guard's cap (skip only what cannot fit)
PLANS = ("baseline", "optimised")
EPS = 1e-6  # minutes: tolerance of the on-time test
ROUTE_COLUMNS = ["plan", "warehouse", "vehicle_type", "vehicle", "position", "node", "kind", "arrival", "start",
                 "departure", "load"]  # fmt: skip


@dataclass(frozen=True, eq=False)
class ScoredPlan:
    """A routing plan with the evaluator's schedule, and the evaluator's verdict."""

    plan: RoutingPlan
    evaluation: Evaluation


def fleet_stops(scenario: Scenario, orders: DayOrders, allocation: pd.DataFrame, warehouse: str) -> pd.DataFrame:
    """The customer points a warehouse's fleet visits: parcels to deliver and returned units to pick up.

    Parameters
    ----------
    scenario : Scenario
        Zones (``fleet_warehouse``) and customer points.
    orders : DayOrders
        The day's orders (zone, customer point) and returns pickups.
    allocation : pandas.DataFrame
        One plan's rows of ``allocation.csv`` (``order``, ``warehouse``, ...).
    warehouse : str
        The warehouse.

    Returns
    -------
    pandas.DataFrame
        One row per customer point: ``customer``, ``x``, ``y``, ``service_time``, ``tw_start``,
        ``tw_end``, ``delivery`` (parcels: orders shipped from ``warehouse`` to its fleet zones),
        ``pickup`` (returned units).

    Raises
    ------
    InstanceError
        When a parcel or pickup of a fleet zone has no customer point.
    """
    fleet_zones = scenario.zones.loc[scenario.zones["fleet_warehouse"] == warehouse, "zone"]
    parcels = allocation.loc[allocation["warehouse"] == warehouse, ["order"]].drop_duplicates()
    parcels = parcels.merge(orders.orders, on="order")
    parcels = parcels[parcels["zone"].isin(fleet_zones)]
    pickups = orders.pickups[orders.pickups["warehouse"] == warehouse]
    deliveries = pd.DataFrame({"customer": parcels["customer"], "delivery": 1, "pickup": 0})
    returns = pd.DataFrame({"customer": pickups["customer"], "delivery": 0, "pickup": pickups["units"]})
    visits = pd.concat([deliveries, returns])
    if (visits["customer"] == "").any():
        raise InstanceError(f"customers: a zone delivered by {warehouse}'s fleet has no customer points", scenario.name)
    per_point = visits.groupby("customer", as_index=False)[["delivery", "pickup"]].sum()
    points = scenario.customers[["customer", "x", "y", "service_time", "tw_start", "tw_end"]]
    return points.merge(per_point, on="customer").reset_index(drop=True)


def skip_price(costs: Costs) -> float:
    """Price of a fleet visit not made, per parcel or returned unit: carrier tariff plus a broken promise."""
    return costs.parcel_base_cost + costs.late_delivery_cost


def fleet_instance(
    scenario: Scenario, warehouse: str, stops: pd.DataFrame, name: str = "", price: float | None = None
) -> RoutingInstance:
    """The routing instance of one warehouse's fleet for one day.

    Parameters
    ----------
    scenario : Scenario
        Warehouses (location, opening hours), vehicles, ``costs.road_factor``.
    warehouse : str
        The depot; it must have vehicles.
    stops : pandas.DataFrame
        :func:`fleet_stops` of the warehouse (at least one row).
    name : str
        Instance name; default ``<scenario>-<warehouse>``.
    price : float, optional
        Skip price per parcel and returned unit; default :func:`skip_price` of the scenario's costs.

    Returns
    -------
    RoutingInstance
        Minutes and km; rounding ``exact``; every stop optional at ``price`` per unit.
    """
    price = skip_price(scenario.costs) if price is None else price
    wh = scenario.warehouses[scenario.warehouses["warehouse"] == warehouse].to_dict("records")[0]
    fleet = scenario.vehicles[(scenario.vehicles["warehouse"] == warehouse) & (scenario.vehicles["count"] > 0)]
    xy = np.vstack([[wh["x"], wh["y"]], stops[["x", "y"]].to_numpy(dtype=float)])
    km = scenario.costs.road_factor * np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    speed = float(fleet["speed_kmh"].min()) / 60.0  # km per minute
    return RoutingInstance(
        name=name or f"{scenario.name}-{warehouse}", rounding="exact",
        travel=Travel(metric="matrix", distance_matrix=np.round(km, 6).tolist(), speed=speed),
        depots=[Depot(id=warehouse, x=float(wh["x"]), y=float(wh["y"]),
                      time_window=(float(wh["open_minute"]), float(wh["close_minute"])))],
        vehicle_types=[_vehicle_type(v, warehouse) for v in fleet.to_dict("records")],
        stops=[_stop(s, price) for s in stops.to_dict("records")],
    )  # fmt: skip


def _vehicle_type(v: Mapping[Hashable, Any], depot: str) -> VehicleType:
    """A vehicles.csv row as a vehicle type (costs per km and per minute)."""
    return VehicleType(id=str(v["vehicle_type"]), count=int(v["count"]), capacity=int(v["capacity"]),
                       fixed_cost=float(v["fixed_cost"]), cost_per_distance=float(v["cost_per_km"]),
                       cost_per_time=round(float(v["cost_per_hour"]) / 60.0, 6), start_depot=depot,
                       shift=(float(v["shift_start"]), float(v["shift_end"])))  # fmt: skip


def _stop(s: Mapping[Hashable, Any], price: float) -> Stop:
    """A fleet_stops row as an optional stop, skipped at ``price`` per parcel and returned unit."""
    units = int(s["delivery"]) + int(s["pickup"])
    return Stop(id=str(s["customer"]), x=float(s["x"]), y=float(s["y"]), delivery=int(s["delivery"]),
                pickup=int(s["pickup"]), service_time=float(s["service_time"]),
                time_windows=[(float(s["tw_start"]), float(s["tw_end"]))], required=False,
                skip_penalty=price * units)  # fmt: skip


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
    lo, hi = _first_windows(a)  # the first window only: a route that keeps it stays feasible
    room = (a.delivery + a.pickup).sum(axis=1)  # deliveries and pickups both on board: conservative
    left = np.arange(a.n_nodes) >= a.n_depots
    routes = []
    for t in np.argsort(-a.vt_cap.sum(axis=1), kind="stable"):
        for v in range(int(a.vt_count[t])):
            nodes = _one_route(a, int(t), left, lo, hi, room)
            if nodes:
                depot_in, depot_out = a.node_ids[a.vt_start[t]], a.node_ids[a.vt_end[t]]
                visits = [Visit(node=depot_in, kind="depot"), *[Visit(node=a.node_ids[n]) for n in nodes],
                          Visit(node=depot_out, kind="depot")]  # fmt: skip
                routes.append(RoutePlan(vehicle_type=a.vt_ids[t], vehicle=v, visits=visits))
    return RoutingPlan(instance=inst.name, backend="nearest-neighbour", rounding=a.rounding, routes=routes)


def _one_route(a: RoutingArrays, t: int, left: np.ndarray, lo: np.ndarray, hi: np.ndarray,
               room: np.ndarray) -> list[int]:  # fmt: skip
    """Grow one route of vehicle type t greedily; marks the stops it takes in ``left``."""
    depot_end, start = a.vt_end[t], a.vt_shift_lo_int[t]
    now, at, load, nodes = start, a.vt_start[t], 0, []
    while (cand := np.flatnonzero(left)).size:
        begin = np.maximum(now + a.time_int[at, cand], lo[cand])
        back = begin + a.service_int[cand] + a.time_int[cand, depot_end]
        ok = (begin <= hi[cand]) & (load + room[cand] <= a.vt_cap[t].sum()) & (back <= a.vt_shift_hi_int[t])
        ok &= back - start <= a.vt_max_dur_int[t]
        if not ok.any():
            break
        k = int(np.argmin(np.where(ok, a.dist_int[at, cand], np.iinfo(np.int64).max)))
        node = int(cand[k])
        nodes.append(node)
        left[node] = False
        now, at, load = int(begin[k] + a.service_int[node]), node, load + int(room[node])
    return nodes


def score(inst: RoutingInstance, plan: RoutingPlan) -> ScoredPlan:
    """Evaluate a plan with :func:`optiops.evaluate` and attach the evaluator's schedule.

    Parameters
    ----------
    inst : RoutingInstance
        The instance.
    plan : RoutingPlan
        Routes (a backend's plan or :func:`nearest_neighbour_plan`).

    Returns
    -------
    ScoredPlan
        The plan rebuilt with the evaluator's arrivals, starts, loads, costs and status.
    """
    ev = evaluate_plan(inst, plan)
    arrays = routing_arrays(inst, plan.rounding or inst.rounding)
    meta = {"instance": plan.instance, "backend": plan.backend, "seed": plan.seed, "time_limit_s": plan.time_limit_s,
            "runtime_s": plan.runtime_s, "solver_objective": plan.solver_objective}  # fmt: skip
    return ScoredPlan(build_plan(arrays, plan_sequences(arrays, plan), ev, **meta), ev)


def solve_fleet(inst: RoutingInstance, time_limit: float, seed: int) -> RoutingPlan:
    """Solve one warehouse's instance with ``optiops.solve`` (a top-level function, for worker processes).

    Parameters
    ----------
    inst : RoutingInstance
        The instance.
    time_limit : float
        Seconds.
    seed : int
        Solver seed.

    Returns
    -------
    RoutingPlan
        The backend's plan.
    """
    return optiops.solve(inst, options=SolveOptions(backend="auto", time_limit=time_limit, seed=seed)).plan


def routing_step(scenario: Scenario, options: PlanOptions, orders: DayOrders, allocation: StepResult) -> StepResult:
    """Route every fleet warehouse's deliveries and returns pickups of the next day, both ways.

    Parameters
    ----------
    scenario : Scenario
        The scenario (zones with their fleet warehouse, customer points, warehouses, vehicles, costs).
    options : PlanOptions
        ``time_limit`` per warehouse solve, ``seed``, and where the solves run (``executor``,
        ``workers``, ``address``).
    orders : DayOrders
        The day's orders and pickups (:func:`optiops.plan.orders.next_day_orders`).
    allocation : StepResult
        The allocation step's result; its ``allocation.csv`` says which warehouse ships each parcel
        in each plan.

    Returns
    -------
    StepResult
        Name ``routing``; KPI parts ``stops``, ``routes``, ``transport_cost``, ``fleet_cost``,
        ``carrier_units``, ``distance_km``, ``on_time_rate``, ``skipped`` for both plans; figures
        ``route_map_<W>.png`` of the optimised routes; table ``routes.csv``; solver statistics per
        warehouse (``skip_prices``: the price each warehouse's optimised routes were solved at).
    """
    table = allocation.tables["allocation.csv"]
    price = skip_price(scenario.costs)
    notes = [
        "Routing baseline: nearest neighbour, one vehicle after the other (largest first), each to the nearest "
        "stop it can still serve in its window with room on board and time to return before its shift ends.",
        f"A customer visit the fleet does not make goes by carrier a day late: the routing model prices it at "
        f"{price:g} per parcel and returned unit (carrier tariff {scenario.costs.parcel_base_cost:g} + broken promise "
        f"{scenario.costs.late_delivery_cost:g}); the cost per order at the carrier tariff.",
    ]
    instances, left_out = {}, {}
    for p in PLANS:
        instances[p], left_out[p] = fleet_instances(scenario, orders, table[table["plan"] == p], price)
    notes += [f"{w}: {n} {p} stop(s) no vehicle can serve inside its window and shift; handed to the carrier"
              for p in PLANS for w, n in left_out[p]["warehouse"].value_counts().sort_index().items()]  # fmt: skip
    base = {w: score(inst, nearest_neighbour_plan(inst)) for w, inst in instances["baseline"].items()}
    base_kpis = _kpis(instances["baseline"], base, left_out["baseline"], price)
    best, fallback, prices = _on_time_guard(instances["optimised"], price, options, base_kpis,
                                            left_out["optimised"], notes)  # fmt: skip
    kpis = _kpis(instances["optimised"], best, left_out["optimised"], price)
    notes += [f"{w}: the solver's routes were not better than nearest neighbour; kept those" for w in fallback]
    return StepResult(
        name="routing",
        baseline=base_kpis,
        optimised=kpis,
        figures={f"route_map_{w}.png": _route_map(instances["optimised"][w], s.plan) for w, s in best.items()},
        tables={"routes.csv": pd.concat([_route_rows(base, "baseline"), _route_rows(best, "optimised")],
                                        ignore_index=True)},
        stats={**_stats(best, base, fallback, options), "skip_prices": prices},
        notes=notes,
    )  # fmt: skip


def _on_time_guard(
    instances: dict[str, RoutingInstance], price: float, options: PlanOptions, base_kpis: dict[str, float],
    left_out: pd.DataFrame, notes: list[str],
) -> tuple[dict[str, ScoredPlan], list[str], dict[str, float]]:  # fmt: skip
    """Solve every warehouse; while the plan is less punctual than the baseline, raise the skip price and re-solve.

    Only the warehouses whose routes serve fewer stops on time than nearest neighbour on the same
    instance are solved again (all whose price can still rise when none does), all rounds on one
    executor. ``instances`` (solved at ``price``) is updated in place with each warehouse's last
    instance (:func:`repriced`); the raises are added to ``notes``.

    Returns
    -------
    tuple
        The kept plan per warehouse, the warehouses where nearest neighbour was kept, and the skip
        price each warehouse was last solved at.
    """
    prices = dict.fromkeys(instances, price)
    with make_executor(options.executor, options.workers, address=options.address) as pool:
        best, fallback, nn = _optimised(instances, options, pool)
        while True:
            kpis = _kpis(instances, best, left_out, price)
            if kpis["on_time_rate"] >= base_kpis["on_time_rate"] - 1e-12:
                break
            open_ = [w for w in instances if prices[w] < MAX_SKIP_PRICE]
            behind = [w for w in open_ if _on_time(instances[w], best[w].plan) < _on_time(instances[w], nn[w].plan)]
            todo = behind or open_
            if not todo:
                notes.append(
                    f"On-time guard: every skip price at its cap of {MAX_SKIP_PRICE:g}, and "
                    f"{kpis['on_time_rate']:.3f} of the stops on time against the baseline's "
                    f"{base_kpis['on_time_rate']:.3f}."
                )
                break
            for w in todo:
                prices[w] = min(2.0 * prices[w], MAX_SKIP_PRICE)
                instances[w] = repriced(instances[w], prices[w])
            notes.append(
                f"On-time guard: {kpis['on_time_rate']:.3f} of the stops on time against the baseline's "
                f"{base_kpis['on_time_rate']:.3f}; solved again at skip price "
                + ", ".join(f"{w} {prices[w]:g}" for w in todo)
                + "."
            )
            again, kept, again_nn = _optimised({w: instances[w] for w in todo}, options, pool)
            best.update(again)
            nn.update(again_nn)
            fallback = sorted((set(fallback) - set(todo)) | set(kept))
    return best, fallback, prices


def repriced(inst: RoutingInstance, price: float) -> RoutingInstance:
    """``inst`` with every stop skipped at ``price`` per parcel and returned unit (the rest unchanged)."""
    return inst.model_copy(update={"stops": [s.model_copy(update={"skip_penalty": price * _units(s)})
                                             for s in inst.stops]})  # fmt: skip


def fleet_instances(
    scenario: Scenario, orders: DayOrders, allocation: pd.DataFrame, price: float | None = None
) -> tuple[dict[str, RoutingInstance], pd.DataFrame]:
    """One plan's routing instance per fleet warehouse (its reachable stops only), and the stops left out.

    Parameters
    ----------
    scenario : Scenario
        The scenario.
    orders : DayOrders
        The day's orders and pickups.
    allocation : pandas.DataFrame
        One plan's rows of ``allocation.csv``.
    price : float, optional
        Skip price per parcel and returned unit (default :func:`skip_price`).

    Returns
    -------
    tuple
        Instance by warehouse (warehouses with reachable stops), and the :func:`fleet_stops` rows
        left out (:func:`reachable`; all of a warehouse's stops when it has no vehicles) with a
        ``warehouse`` column.
    """
    equipped = set(scenario.vehicles.loc[scenario.vehicles["count"] > 0, "warehouse"])
    instances, left = {}, []
    for w in sorted(w for w in set(scenario.zones["fleet_warehouse"]) if w):
        stops = fleet_stops(scenario, orders, allocation, w)
        name = f"{scenario.name}-{w}-{orders.day.date()}"
        ok = np.zeros(len(stops), bool)
        if w in equipped and len(stops):
            ok = reachable(fleet_instance(scenario, w, stops, name, price))
        if not ok.all():
            left.append(stops.loc[~ok, ["customer", "delivery", "pickup"]].assign(warehouse=w))
        if ok.any():
            instances[w] = fleet_instance(scenario, w, stops[ok].reset_index(drop=True), name, price)
    if not left:
        empty = {"customer": str, "delivery": np.int64, "pickup": np.int64, "warehouse": str}
        return instances, pd.DataFrame({c: pd.Series(dtype=t) for c, t in empty.items()})
    return instances, pd.concat(left, ignore_index=True)


def reachable(inst: RoutingInstance) -> np.ndarray:
    """Stops some vehicle type can serve on a trip of its own: inside the window, back before its shift ends.

    Parameters
    ----------
    inst : RoutingInstance
        A fleet instance (stops with at most one window each are judged by their first window).

    Returns
    -------
    numpy.ndarray
        (stops,) bool, in the order of ``inst.stops``.
    """
    a = routing_arrays(inst)
    stops = np.arange(a.n_depots, a.n_nodes)
    lo, hi = _first_windows(a)
    ok = np.zeros(len(stops), dtype=bool)
    for t in range(len(a.vt_ids)):
        begin = np.maximum(a.vt_shift_lo_int[t] + a.time_int[a.vt_start[t], stops], lo[stops])
        back = begin + a.service_int[stops] + a.time_int[stops, a.vt_end[t]]
        room = (a.delivery + a.pickup)[stops].sum(axis=1) <= a.vt_cap[t].sum()
        ok |= (
            (begin <= hi[stops])
            & (back <= a.vt_shift_hi_int[t])
            & (back - a.vt_shift_lo_int[t] <= a.vt_max_dur_int[t])
            & room
        )
    return ok


def _first_windows(a: RoutingArrays) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of every node's first window in solver units; the whole horizon without one."""
    has_tw = np.diff(a.tw_ptr) > 0
    first = a.tw_ptr[:-1][has_tw]
    lo, hi = np.zeros(a.n_nodes, dtype=np.int64), np.full(a.n_nodes, a.horizon_int, dtype=np.int64)
    lo[has_tw], hi[has_tw] = a.tw_lo_int[first], a.tw_hi_int[first]
    return lo, hi


def _optimised(
    instances: dict[str, RoutingInstance], options: PlanOptions, pool: Executor
) -> tuple[dict[str, ScoredPlan], list[str], dict[str, ScoredPlan]]:
    """Solve every warehouse on ``pool``; keep nearest neighbour where the solver is not better.

    Returns the kept plans, the warehouses where nearest neighbour was kept, and the scored
    nearest-neighbour plan of every warehouse.
    """
    futures = {w: pool.submit(solve_fleet, inst, options.time_limit, options.seed) for w, inst in instances.items()}
    plans = {w: f.result() for w, f in futures.items()}
    best, fallback, nn = {}, [], {}
    for w, inst in instances.items():
        solved, nn[w] = score(inst, plans[w]), score(inst, nearest_neighbour_plan(inst))
        ev = solved.evaluation
        if not ev.feasible or ev.objective > nn[w].evaluation.objective + 1e-9:
            best[w] = ScoredPlan(nn[w].plan.model_copy(update={"runtime_s": plans[w].runtime_s}), nn[w].evaluation)
            fallback.append(w)
        else:
            best[w] = solved
    return best, fallback, nn


def _on_time(inst: RoutingInstance, plan: RoutingPlan) -> int:
    """Stops whose service starts inside one of their windows (``plan`` with the evaluator's starts: :func:`score`)."""
    windows = {s.id: s.time_windows for s in inst.stops}
    starts = [(v.node, v.start) for r in plan.routes for v in r.visits if v.kind != "depot" and v.start is not None]
    return sum(
        1 for node, t in starts if not windows[node] or any(lo - EPS <= t <= hi + EPS for lo, hi in windows[node])
    )


def _units(stop: Stop) -> int:
    """Parcels and returned units of a stop."""
    return int(np.sum(stop.delivery)) + int(np.sum(stop.pickup))


def _kpis(
    instances: dict[str, RoutingInstance], scored: dict[str, ScoredPlan], left_out: pd.DataFrame, price: float
) -> dict[str, float]:
    """The KPI parts of one plan over all warehouses; ``left_out`` the stops no vehicle could serve.

    ``transport_cost`` prices the skipped reachable units at ``price`` (the scenario's
    :func:`skip_price`), whatever price a warehouse was solved at, so both plans compare.
    """
    stops = sum(len(inst.stops) for inst in instances.values()) + len(left_out)
    on_time = sum(_on_time(instances[w], s.plan) for w, s in scored.items())
    units = {w: {st.id: _units(st) for st in inst.stops} for w, inst in instances.items()}
    skipped_units = sum(units[w][node] for w, s in scored.items() for node in s.evaluation.skipped)
    fleet = sum(s.evaluation.objective - s.evaluation.skip_cost for s in scored.values())
    return {
        "stops": float(stops),
        "routes": float(sum(len(s.plan.routes) for s in scored.values())),
        "transport_cost": fleet + price * skipped_units,
        "fleet_cost": fleet,
        "carrier_units": float(skipped_units + (left_out["delivery"] + left_out["pickup"]).sum()),
        "distance_km": sum(s.evaluation.distance for s in scored.values()),
        "on_time_rate": on_time / stops if stops else 1.0,
        "skipped": float(sum(len(s.evaluation.skipped) for s in scored.values()) + len(left_out)),
    }


def _route_rows(scored: dict[str, ScoredPlan], name: str) -> pd.DataFrame:
    """One row per visit of every route."""
    rows = [(name, w, r.vehicle_type, r.vehicle, k, v.node, v.kind, v.arrival, v.start, v.departure,
             v.load[0] if v.load else None)
            for w, s in scored.items() for r in s.plan.routes for k, v in enumerate(r.visits)]  # fmt: skip
    return pd.DataFrame(rows, columns=ROUTE_COLUMNS)


def _route_map(inst: RoutingInstance, plan: RoutingPlan) -> bytes:
    """PNG of the plan's routes over the instance."""
    return figure_png(lambda ax: plot_route_map(inst, plan, ax))


def _stats(best: dict[str, ScoredPlan], base: dict[str, ScoredPlan], fallback: list[str],
           options: PlanOptions) -> dict[str, object]:  # fmt: skip
    """Solver statistics per warehouse and in total."""
    per_wh = {w: {"status": s.plan.status, "backend": s.plan.backend, "objective": s.evaluation.objective,
                  "runtime": s.plan.runtime_s, "stops_served": sum(len(r.visits) - 2 for r in s.plan.routes),
                  "fallback": w in fallback} for w, s in best.items()}  # fmt: skip
    feasible = all(s.evaluation.feasible for s in best.values())
    return {
        "status": "feasible" if feasible else "infeasible",
        "objective": sum(s.evaluation.objective for s in best.values()),
        "bound": None, "gap": None,
        "runtime": sum(s.plan.runtime_s or 0.0 for s in best.values()),
        "time_limit": options.time_limit,
        "skip_cost": sum(s.evaluation.skip_cost for s in best.values()),
        "baseline_objective": sum(s.evaluation.objective for s in base.values()),
        "baseline_skip_cost": sum(s.evaluation.skip_cost for s in base.values()),
        "warehouses": per_wh,
    }  # fmt: skip
