"""Where things are: zones, warehouse sites, customer points, promises, road distances and the fleet.

Zones lie uniformly in a square country of ``region_km`` per side with log-normal populations (as in
:mod:`optiops.allocation.generate`); warehouses stand in distinct zones drawn by population, a few
km off the zone centre.  Road km are ``road_factor`` times the straight line.  A zone within
``fleet_radius_km`` of its nearest warehouse is delivered by that warehouse's own fleet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optiops.scenario.config import ScenarioConfig
from optiops.scenario.demand import units_per_order


def draw_zones(c: ScenarioConfig, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The zone table (``fleet_warehouse`` still empty) and the zones' (Z, 2) centres."""
    g, n_z = c.geography, c.n_zones
    xy = np.round(rng.uniform(0.0, g.region_km, size=(n_z, 2)), 3)
    population = rng.lognormal(0.0, g.population_sigma, size=n_z)
    share = np.round(population / population.sum(), 6)
    share[np.argmax(share)] += 1.0 - share.sum()  # rounded shares still sum to one
    radius = np.round(rng.uniform(*g.zone_radius_km, size=n_z), 2)
    width = len(str(n_z))
    frame = pd.DataFrame({
        "zone": [f"Z{k + 1:0{width}d}" for k in range(n_z)], "x": xy[:, 0], "y": xy[:, 1],
        "population_share": np.round(share, 6), "radius_km": radius, "fleet_warehouse": [""] * n_z,
    })  # fmt: skip
    return frame, xy


def site_warehouses(c: ScenarioConfig, zones: pd.DataFrame, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Zone index of every warehouse (distinct zones, drawn by population) and its (W, 2) location."""
    share = zones["population_share"].to_numpy()
    sites = rng.choice(len(zones), size=c.n_warehouses, replace=False, p=share / share.sum())
    centre = zones[["x", "y"]].to_numpy()[sites]
    offset = rng.normal(0.0, 0.5, size=(c.n_warehouses, 2)) * zones["radius_km"].to_numpy()[sites, None]
    return sites, np.round(centre + offset, 3)


def road_km(c: ScenarioConfig, wh_xy: np.ndarray, zone_xy: np.ndarray) -> np.ndarray:
    """(W, Z) road km from every warehouse to every zone centre."""
    straight = np.hypot(*(wh_xy[:, None, :] - zone_xy[None, :, :]).transpose(2, 0, 1))
    return c.costs.road_factor * straight


def fleet_warehouses(c: ScenarioConfig, road: np.ndarray, warehouse_ids: list[str],
                     share: np.ndarray | None = None) -> list[str]:  # fmt: skip
    """Per zone, the nearest warehouse when its own fleet can reach the zone and the zone orders enough, else ''.

    ``share`` is the zones' share of the orders; a zone expecting fewer than
    ``geography.fleet_min_orders_per_day`` orders a day is left to the carrier.
    """
    nearest = road.argmin(axis=0)
    straight = road.min(axis=0) / c.costs.road_factor
    _, upo = units_per_order(c)
    orders = (np.ones(len(nearest)) if share is None else share) * c.n_skus * c.demand.units_per_sku_day / upo
    busy = orders >= c.geography.fleet_min_orders_per_day
    return [warehouse_ids[w] if d <= c.geography.fleet_radius_km and ok else ""
            for w, d, ok in zip(nearest, straight, busy, strict=True)]  # fmt: skip


def draw_customers(c: ScenarioConfig, zones: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Customer points around every zone centre, each with a delivery window and a service time."""
    g = c.geography
    per = g.customers_per_zone
    zone = np.repeat(np.arange(len(zones)), per)
    xy = (
        zones[["x", "y"]].to_numpy()[zone] + rng.normal(size=(len(zone), 2)) * zones["radius_km"].to_numpy()[zone, None]
    )
    window = np.asarray(g.windows)[rng.integers(0, len(g.windows), size=len(zone))]
    width = len(str(per))
    names = zones["zone"].to_numpy()[zone]
    return pd.DataFrame({
        "customer": [f"{z}-C{k % per + 1:0{width}d}" for k, z in enumerate(names)], "zone": names,
        "x": np.round(xy[:, 0], 3), "y": np.round(xy[:, 1], 3),
        "service_time": np.round(rng.uniform(*g.service_minutes, size=len(zone)), 1),
        "tw_start": window[:, 0].astype(np.int64), "tw_end": window[:, 1].astype(np.int64),
    })  # fmt: skip


def promises_frame(c: ScenarioConfig) -> pd.DataFrame:
    """The promise classes (no randomness)."""
    g = c.geography
    return pd.DataFrame({"promise": list(g.promise_ids), "max_transit_days": list(g.promise_days),
                         "share": list(g.promise_shares)})  # fmt: skip


def vehicles_frame(c: ScenarioConfig, warehouse_ids: list[str], fleet_parcels: np.ndarray) -> pd.DataFrame:
    """The own fleet: enough vehicles of each type for its share of the 90th percentile day of fleet parcels.

    Warehouses without a zone of their own to deliver have no vehicles.
    """
    rows = []
    for w, wid in enumerate(warehouse_ids):
        peak = float(np.quantile(fleet_parcels[w], 0.9)) if fleet_parcels.shape[1] else 0.0
        if peak <= 0.0:
            continue  # no zone of its own to deliver
        for v in c.fleet:
            count = max(1, int(np.ceil(v.share * peak / v.capacity)))
            rows.append({"warehouse": wid, "vehicle_type": v.vehicle_type, "count": count, "capacity": v.capacity,
                         "fixed_cost": v.fixed_cost, "cost_per_km": v.cost_per_km, "cost_per_hour": v.cost_per_hour,
                         "speed_kmh": v.speed_kmh, "shift_start": v.shift_start, "shift_end": v.shift_end})  # fmt: skip
    if rows:
        return pd.DataFrame(rows)
    kinds = {"warehouse": "str", "vehicle_type": "str", "count": "int64", "capacity": "int64", "fixed_cost": "float64",
             "cost_per_km": "float64", "cost_per_hour": "float64", "speed_kmh": "float64", "shift_start": "int64",
             "shift_end": "int64"}  # fmt: skip
    return pd.DataFrame({c: pd.Series(dtype=k) for c, k in kinds.items()})


def warehouses_frame(c: ScenarioConfig, warehouse_ids: list[str], zones: pd.DataFrame, sites: np.ndarray,
                     wh_xy: np.ndarray, orders: np.ndarray, volume_m3: np.ndarray,
                     rng: np.random.Generator) -> pd.DataFrame:  # fmt: skip
    """The warehouse table: capacity from the (W, T) expected orders, space from the stock volume."""
    g = c.geography
    quantile = np.quantile(orders, g.capacity_quantile, axis=1) if orders.shape[1] else np.zeros(len(sites))
    space = np.round(volume_m3 / g.space_utilisation, 1)
    return pd.DataFrame({
        "warehouse": warehouse_ids, "zone": zones["zone"].to_numpy()[sites], "x": wh_xy[:, 0], "y": wh_xy[:, 1],
        "order_capacity_per_day": np.maximum(np.ceil(g.capacity_cover * quantile), 1).astype(np.int64),
        "handling_cost_per_order": np.round(rng.uniform(*g.handling_cost_range, size=len(sites)), 2),
        "space_m3": space, "fixed_cost_per_day": np.round(space * g.rent_per_m3_day, 2),
        "open_minute": g.open_minute, "close_minute": g.close_minute,
    })  # fmt: skip
