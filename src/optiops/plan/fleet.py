"""The routing instance of a warehouse's own fleet for one day of a scenario.

A warehouse's own vans and e-trikes deliver the parcels it ships to the zones whose
``fleet_warehouse`` it is and pick up the day's returns in those zones.  The instance of a warehouse
(:func:`fleet_instance`): the warehouse is the depot (open from ``open_minute`` to ``close_minute``);
one stop per customer point visited, delivering its parcels and picking up its returned units (one
capacity unit each), with the point's service time and window; one vehicle type per ``vehicles.csv``
row (capacity in parcels, fixed cost, cost per km and per minute, shift).  Distances are
straight-line km times the road factor; the instance has one travel-time matrix, so every vehicle of
a warehouse drives at its slowest type's speed (schedules stay valid for every type).  A stop no
vehicle type can serve on a trip of its own is left out and handed to the carrier (:func:`reachable`);
every other stop may be skipped at :func:`skip_price` per parcel and returned unit.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError
from optiops.model.routing import Depot, RoutingInstance, Stop, Travel, VehicleType
from optiops.model.routing_arrays import routing_arrays
from optiops.model.scenario import Costs, Scenario
from optiops.plan.orders import DayOrders
from optiops.routing.nearest import first_windows


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


def repriced(inst: RoutingInstance, price: float) -> RoutingInstance:
    """``inst`` with every stop skipped at ``price`` per parcel and returned unit (the rest unchanged)."""
    return inst.model_copy(update={"stops": [s.model_copy(update={"skip_penalty": price * stop_units(s)})
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
    lo, hi = first_windows(a)
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


def stop_units(stop: Stop) -> int:
    """Parcels and returned units of a stop."""
    return int(np.sum(stop.delivery)) + int(np.sum(stop.pickup))
