"""A seeded generator of a whole e-commerce operation (see ``docs/scenario.md``).

The draws happen in a fixed order from one ``numpy.random.default_rng(seed)``: zones, warehouse
sites, SKUs, demand, returns, stock, warehouse costs, staff.  The same configuration and seed give
the same scenario on every machine; sizing (stock, capacity, fleet, staff) uses the expected
demand, never the drawn days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optiops.model.scenario import Scenario
from optiops.scenario.config import ScenarioConfig, config_to_dict
from optiops.scenario.demand import (
    category_day_multiplier,
    draw_calendar,
    draw_demand,
    draw_returns,
    draw_skus,
    units_per_order,
)
from optiops.scenario.geography import (
    draw_customers,
    draw_zones,
    fleet_warehouses,
    promises_frame,
    road_km,
    site_warehouses,
    vehicles_frame,
    warehouses_frame,
)
from optiops.scenario.operations import draw_staff, draw_stock, shifts_frame, standards_frame, workload_hours


@dataclass(frozen=True, eq=False)
class _Expected:
    """Expected (not drawn) quantities the sizing uses."""

    units: np.ndarray  # (W, T) units shipped per warehouse and day, every zone served by its nearest warehouse
    fleet_units: np.ndarray  # (W, T) of which to zones its own fleet delivers
    sku_wh: np.ndarray  # (S, W) mean daily units over the history days
    return_share: float  # returned units per sold unit


def generate_scenario(config: ScenarioConfig | None = None, seed: int = 1) -> Scenario:
    """Draw a scenario: assortment, geography, demand, returns, stock, fleet, staff and costs.

    Parameters
    ----------
    config : ScenarioConfig, optional
        Sizes and every model parameter (default: ``ScenarioConfig()``).
    seed : int
        Seed of the one random generator every draw comes from.

    Returns
    -------
    Scenario
        The tables of the operation, named ``config.name`` or ``scenario-<S>s-<W>w-<D>d-s<seed>``.
    """
    c = config or ScenarioConfig()
    rng = np.random.default_rng(seed)
    zones, zone_xy = draw_zones(c, rng)
    sites, wh_xy = site_warehouses(c, zones, rng)
    wh_ids = [f"W{i + 1:02d}" for i in range(c.n_warehouses)]
    road = road_km(c, wh_xy, zone_xy)
    zones = zones.assign(fleet_warehouse=fleet_warehouses(c, road, wh_ids, zones["population_share"].to_numpy()))
    customers = draw_customers(c, zones, rng)
    skus, base, cat = draw_skus(c, rng)
    calendar, multiplier = draw_calendar(c)
    share = zones["population_share"].to_numpy()
    demand = draw_demand(c, base, cat, share, calendar, multiplier, rng)
    returns = draw_returns(c, demand, skus["return_rate"].to_numpy(), cat, rng)
    exp = _expected(c, base, cat, skus, zones, road, calendar, multiplier)
    stock = draw_stock(c, skus, exp.sku_wh, wh_ids, rng)
    volume = _stock_volume(stock, skus, wh_ids)
    lines, upo = units_per_order(c)
    warehouses = warehouses_frame(c, wh_ids, zones, sites, wh_xy, exp.units / upo, volume, rng)
    hours = workload_hours(c, exp.units, exp.units * exp.return_share, lines, upo)
    staff = draw_staff(c, wh_ids, hours, rng)
    frames = {"sku": skus["sku"].to_numpy(), "zone": zones["zone"].to_numpy(), "ds": calendar["ds"].to_numpy()}
    return Scenario(
        name=c.name or f"scenario-{c.n_skus}s-{c.n_warehouses}w-{c.days}d-s{seed}", seed=seed,
        start=calendar["ds"].iloc[0].date(), days=c.days, holdout_days=c.holdout_days, costs=c.costs,
        config=config_to_dict(c), skus=skus, zones=zones, promises=promises_frame(c), warehouses=warehouses,
        customers=customers, calendar=calendar, demand=_cells(demand, frames), returns=_cells(returns, frames),
        stock=stock, vehicles=vehicles_frame(c, wh_ids, exp.fleet_units / upo), shifts=shifts_frame(c), staff=staff,
        labour_standards=standards_frame(c),
    )  # fmt: skip


def _expected(c: ScenarioConfig, base: np.ndarray, cat: np.ndarray, skus: pd.DataFrame, zones: pd.DataFrame,
              road: np.ndarray, calendar: pd.DataFrame, multiplier: np.ndarray) -> _Expected:  # fmt: skip
    """Expected daily units per warehouse (nearest-warehouse service) and per SKU x warehouse."""
    day_mult = category_day_multiplier(c, calendar, multiplier)  # (K, T)
    share = zones["population_share"].to_numpy()
    assign = np.zeros(road.shape)  # (W, Z) one-hot: the nearest warehouse serves the zone
    assign[road.argmin(axis=0), np.arange(road.shape[1])] = 1.0
    fleet = assign * (zones["fleet_warehouse"].to_numpy() != "")[None, :]
    total = base @ day_mult[cat]  # (T,) expected units of the whole network
    history = max(c.days - c.holdout_days, 1)
    sku_mean = base * day_mult[cat, :history].mean(axis=1)  # (S,) mean daily units over the history
    rate = skus["return_rate"].to_numpy()
    return _Expected(
        units=(assign @ share)[:, None] * total[None, :], fleet_units=(fleet @ share)[:, None] * total[None, :],
        sku_wh=sku_mean[:, None] * (assign @ share)[None, :], return_share=float(base @ rate / base.sum()),
    )  # fmt: skip


def _stock_volume(stock: pd.DataFrame, skus: pd.DataFrame, wh_ids: list[str]) -> np.ndarray:
    """(W,) m3 of the stock on hand in every warehouse."""
    litres = stock["on_hand"].to_numpy() * skus.set_index("sku")["volume_l"].reindex(stock["sku"]).to_numpy()
    per = pd.Series(litres).groupby(stock["warehouse"].to_numpy()).sum()
    return per.reindex(wh_ids).to_numpy() / 1000.0


def _cells(cells: np.ndarray, ids: dict[str, np.ndarray]) -> pd.DataFrame:
    """A (sku, zone, day, units) int array as a demand or returns table."""
    return pd.DataFrame({"sku": ids["sku"][cells[:, 0]], "zone": ids["zone"][cells[:, 1]],
                         "ds": ids["ds"][cells[:, 2]], "y": cells[:, 3]})  # fmt: skip
