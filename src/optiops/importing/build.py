"""The scenario of a real operation from its cleaned order lines and the planner's ``network.yaml``.

Everything a plan may know is measured on the **history** (the orders before the hold-out, the
credits dated before it); the hold-out's lines are the record the plans are judged on, so they only
enter the tables that record the operation day by day (orders, demand, returns).

- **SKUs**: price = median unit price of the SKU's history sales; return rate = units credited /
  units sold in the history (capped). A SKU that first sells in the hold-out takes its category's
  history figures (all its history lines together), or the whole history's when the category has
  none (reported). Category from the export's column (the SKU's first history line, else its first
  line: a catalogue fact, not a measurement) or the network's default; the rest network defaults.
- **Zones**: one per region value (hold-out regions included, the orders need them), its share the
  share of the history's orders. Centred where ``network.yaml`` places it. A region it does not
  place is put on a ring of ``unplaced_ring_km`` around the first warehouse (reported). Customer
  points (the generator's ``customers_per_zone``) are drawn normally around the centre with the
  zone's radius, from the network's seed: an export has no coordinates.
- **Orders**: one per order id, at the time and zone of its first line; demand = their units per
  SKU x zone x day; returns = credited units per SKU x zone x credit day. The order shape of
  ``scenario.yaml`` (lines per order, units per line) is the history's.
- **Calendar**: every day from the first to the last order; days without orders are ``closed``
  (the plans leave sales events, and closures, out of their forecasts); the hold-out is the last
  ``holdout`` trading days.
- **Warehouses, stock, staff**: sized from the history as the generator sizes from its expected
  demand: capacity = ``capacity_cover`` x the ``capacity_quantile`` of daily orders of the zones a
  warehouse is nearest to (trading days), staff contracted for the ``sizing_quantile`` workload of
  the trading days by the labour standards. Opening stock = ``cover_days`` x mean daily units (from
  the SKU's first sale), but at least the largest line of the SKU recorded in the warehouse's zones
  before the hold-out, so that a wholesale line seen before fits on the shelf; the hold-out's own
  lines are never looked at (the plan is judged on them).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError
from optiops.importing.clean import Cleaned
from optiops.importing.network import Network, WarehouseSpec, project
from optiops.model.scenario import TABLE_BY_NAME, Scenario
from optiops.scenario.config import ScenarioConfig, config_to_dict
from optiops.scenario.operations import draw_staff, shifts_frame, standards_frame, workload_hours

TAIL = 0.999  # lines/order and units/line beyond this quantile are folded into it in scenario.yaml's config


def build_scenario(cleaned: Cleaned, network: Network, holdout: int, name: str) -> tuple[Scenario, list[str]]:
    """The scenario and the notes on what was assumed (zones placed by default, ...).

    Raises
    ------
    InstanceError
        No sale left after cleaning, a hold-out that leaves fewer than one history day, a warehouse
        in a region the export does not have, a fleet zone or warehouse that does not exist.
    """
    sales, credits = cleaned.sales, cleaned.credits
    if sales.empty:
        raise InstanceError("no sale left after cleaning (see the cleaning summary)", "import")
    rng = np.random.default_rng(network.seed)
    cfg = network.config()
    orders = _orders(sales)
    start, end = orders["time"].min().normalize(), orders["time"].max().normalize()
    trading = np.sort(orders["time"].dt.normalize().unique())
    if not 0 <= holdout < len(trading):
        raise InstanceError(f"--holdout {holdout}: the export has {len(trading)} trading days", "import")
    days = int((end - start).days) + 1
    holdout_days = int((end - pd.Timestamp(trading[-holdout])).days) + 1 if holdout else 0
    cut = end + pd.Timedelta(days=1 - holdout_days)  # first hold-out day
    past = orders[orders["time"] < cut]
    past_sales = sales.loc[sales["order"].isin(set(past["order"])), ["sku", "category", "price", "quantity"]]
    past_credits = credits[credits["time"] < cut]
    notes: list[str] = []
    zones, xy = _zones(orders, past, network, notes)
    warehouses = _warehouse_specs(network, zones)
    wh_xy = np.array([_warehouse_xy(w, zones, xy, network) for w in warehouses])
    near = np.hypot(*(wh_xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)).argmin(axis=0)  # zone -> warehouse
    demand = orders.assign(ds=orders["time"].dt.normalize()).groupby(["sku", "zone", "ds"], as_index=False).agg(
        y=("quantity", "sum"))  # fmt: skip
    returns = _returns(credits, zones)
    skus = _skus(sales, past_sales, past_credits, network, notes)
    calendar = _calendar(start, days, holdout_days, set(pd.DatetimeIndex(trading)))
    history = calendar.loc[(calendar["holdout"] == 0) & (calendar["event"] == ""), "ds"]
    cfg = _config(cfg, past, len(skus), len(warehouses), days, holdout_days, end, name, network)
    zone_of = dict(zip(zones["zone"], near, strict=True))
    wh_frame, stock, staff = _operations(cfg, warehouses, wh_xy, zone_of, past, demand, returns, history, skus,
                                         rng)  # fmt: skip
    zones = zones.assign(fleet_warehouse=zones["zone"].map(network.fleet).fillna(""))
    unknown = sorted(set(network.fleet.values()) - set(wh_frame["warehouse"])) + sorted(
        set(network.fleet) - set(zones["zone"]))  # fmt: skip
    if unknown:
        raise InstanceError(f"fleet: unknown zone(s) or warehouse(s) {unknown}", "network.yaml")
    points = _customers(cfg, zones, xy, rng)
    scenario = Scenario(
        name=name, seed=network.seed, start=start.date(), days=days, holdout_days=holdout_days, costs=network.costs,
        config=config_to_dict(cfg), skus=skus, zones=zones, promises=_promises(cfg), warehouses=wh_frame,
        customers=points, calendar=calendar, demand=demand, returns=returns, stock=stock,
        vehicles=_vehicles(network), shifts=shifts_frame(cfg), staff=staff, labour_standards=standards_frame(cfg),
        orders=orders,
    )  # fmt: skip
    return scenario, notes


def _orders(sales: pd.DataFrame) -> pd.DataFrame:
    """``orders.csv``: every order at the time and zone of its first line, lines numbered 1, 2, ..."""
    sales = sales.sort_values(["file", "line"], kind="stable")
    first = sales.groupby("order", sort=False)
    orders = pd.DataFrame({
        "order": sales["order"].to_numpy(),
        "time": first["time"].transform("min").dt.floor("min").to_numpy(),
        "zone": first["region"].transform("first").replace("", "unknown").to_numpy(),
        "line": first.cumcount().to_numpy() + 1,
        "sku": sales["sku"].to_numpy(),
        "quantity": sales["quantity"].to_numpy(dtype=np.int64),
    })  # fmt: skip
    return orders.sort_values(["time", "order", "line"], kind="stable", ignore_index=True)


def _zones(orders: pd.DataFrame, past: pd.DataFrame, network: Network,
           notes: list[str]) -> tuple[pd.DataFrame, np.ndarray]:  # fmt: skip
    """One zone per region of ``orders``, its centre (km), radius and share of the history's orders (``past``)."""
    names = sorted(str(z) for z in orders["zone"].unique())
    count = past.drop_duplicates("order")["zone"].value_counts().reindex(names, fill_value=0)
    late = [z for z in names if count[z] == 0]
    if late:
        notes.append(f"{len(late)} region(s) order only in the hold-out and have population_share 0: {late}")
    placed = project({k: (r.lat, r.lon) for k, r in network.regions.items()}, network.origin())
    share = np.round(count.to_numpy() / count.sum(), 6)
    share[np.argmax(share)] += 1.0 - share.sum()
    missing = [z for z in names if z not in placed]
    if missing:
        notes.append(f"{len(missing)} region(s) have no location in network.yaml and were placed on a "
                     f"{network.unplaced_ring_km:g} km ring around the first warehouse: {missing}")  # fmt: skip
    centre = placed.get(network.warehouses[0].region, (0.0, 0.0)) if network.warehouses else (0.0, 0.0)
    if not network.warehouses and names:
        centre = placed.get(str(count.idxmax()), (0.0, 0.0))
    ring = network.unplaced_ring_km
    for k, z in enumerate(missing):
        angle = 2 * math.pi * k / len(missing)
        placed[z] = (round(centre[0] + ring * math.cos(angle), 3), round(centre[1] + ring * math.sin(angle), 3))
    xy = np.array([placed[z] for z in names], dtype=float).reshape(-1, 2)
    radius = [network.regions[z].radius_km if z in network.regions else 10.0 for z in names]
    frame = pd.DataFrame({"zone": names, "x": xy[:, 0], "y": xy[:, 1], "population_share": np.round(share, 6),
                          "radius_km": radius, "fleet_warehouse": ""})  # fmt: skip
    return frame, xy


def _warehouse_specs(network: Network, zones: pd.DataFrame) -> tuple[WarehouseSpec, ...]:
    """The network's warehouses, or one in the zone with the most orders."""
    busiest = str(zones["zone"].iloc[int(zones["population_share"].to_numpy().argmax())])
    specs = network.warehouses or (WarehouseSpec("W1", busiest),)
    unknown = [w.region for w in specs if w.region not in set(zones["zone"])]
    if unknown:
        raise InstanceError(f"warehouses: region(s) {unknown} have no orders in the export; regions: "
                            f"{sorted(zones['zone'])}", "network.yaml")  # fmt: skip
    if len({w.warehouse for w in specs}) < len(specs):
        raise InstanceError("warehouses: duplicate warehouse id", "network.yaml")
    return specs


def _warehouse_xy(w: WarehouseSpec, zones: pd.DataFrame, xy: np.ndarray, network: Network) -> tuple[float, float]:
    if w.lat is None or w.lon is None:
        at = xy[int(np.flatnonzero(zones["zone"].to_numpy() == w.region)[0])]
        return float(at[0]), float(at[1])
    return project({w.warehouse: (w.lat, w.lon)}, network.origin())[w.warehouse]


def _returns(credits: pd.DataFrame, zones: pd.DataFrame) -> pd.DataFrame:
    """Credited units per SKU x zone x credit day (zones without orders fold into 'unknown' if present)."""
    frame = pd.DataFrame({"sku": credits["sku"], "zone": credits["region"].replace("", "unknown"),
                          "ds": credits["time"].dt.normalize(), "y": -credits["quantity"]})  # fmt: skip
    frame = frame[frame["zone"].isin(set(zones["zone"]))]
    return frame.groupby(["sku", "zone", "ds"], as_index=False).agg(y=("y", "sum"))


def _skus(sales: pd.DataFrame, past_sales: pd.DataFrame, past_credits: pd.DataFrame, network: Network,
          notes: list[str]) -> pd.DataFrame:  # fmt: skip
    """``skus.csv``: every SKU of ``sales``, priced and with a return rate from the history's lines only."""
    d = network.skus
    ids = sales.groupby("sku").size().index
    category = (past_sales.groupby("sku")["category"].first().reindex(ids)
                .fillna(sales.groupby("sku")["category"].first()).replace("", d.category))  # fmt: skip
    cat_of = past_sales["sku"].map(category)
    by, by_cat = past_sales.groupby("sku"), past_sales.groupby(cat_of)
    sold = by["quantity"].sum().reindex(ids, fill_value=0)
    back = (-past_credits.groupby("sku")["quantity"].sum()).reindex(ids, fill_value=0)
    cat_rate = (-past_credits.groupby(past_credits["sku"].map(category))["quantity"].sum()).reindex(
        by_cat["quantity"].sum().index, fill_value=0) / by_cat["quantity"].sum()  # fmt: skip
    all_rate = -past_credits["quantity"].sum() / max(int(past_sales["quantity"].sum()), 1)
    new = sold.to_numpy() == 0  # first sells in the hold-out: the category's, else the history's figures
    price = by["price"].median().reindex(ids).fillna(category.map(by_cat["price"].median()))
    price = price.fillna(past_sales["price"].median()).fillna(d.price).clip(lower=0.01)
    rate = (back / sold.where(~new)).fillna(category.map(cat_rate)).fillna(all_rate)
    if new.any():
        notes.append(f"{int(new.sum())} SKU(s) first sell in the hold-out: their price and return rate are "
                     f"their category's over the history (or the whole history's)")  # fmt: skip
    frame = pd.DataFrame({
        "sku": ids.astype(str), "category": category.to_numpy(), "price": price.round(4).to_numpy(),
        "unit_cost": (price * d.unit_cost_share).clip(lower=0.01).round(4).to_numpy(),
        "weight_kg": d.weight_kg, "volume_l": d.volume_l,
        "return_rate": rate.clip(upper=d.return_rate_cap).round(4).to_numpy(),
        "return_delay_days": d.return_delay_days, "lead_time_mean_days": d.lead_time_mean_days,
        "lead_time_sd_days": d.lead_time_sd_days, "pack": d.pack,
    })  # fmt: skip
    return frame[TABLE_BY_NAME["skus"].column_names]


def _calendar(start: pd.Timestamp, days: int, holdout_days: int, trading: set[pd.Timestamp]) -> pd.DataFrame:
    ds = pd.date_range(start, periods=days, freq="D")
    return pd.DataFrame({
        "ds": ds, "weekday": ds.weekday.to_numpy(dtype=np.int64),
        "event": ["" if d in trading else "closed" for d in ds], "promotion": 0, "festival": 0, "price_index": 1.0,
        "holdout": (np.arange(days) >= days - holdout_days).astype(np.int64),
    })  # fmt: skip


def _config(cfg: ScenarioConfig, past: pd.DataFrame, n_skus: int, n_w: int, days: int, holdout_days: int,
            end: pd.Timestamp, name: str, network: Network) -> ScenarioConfig:  # fmt: skip
    """The network's generator configuration with the sizes and the order shape of the history's orders."""
    lines = past.groupby("order", sort=False).size().to_numpy()
    demand = dataclasses.replace(
        cfg.demand, lines_probs=_shape(lines), quantity_probs=_shape(past["quantity"].to_numpy())
    )
    return dataclasses.replace(cfg, name=name, n_skus=n_skus, n_warehouses=n_w, days=days, holdout_days=holdout_days,
                               end_date=end.strftime("%Y-%m-%d"), demand=demand, costs=network.costs)  # fmt: skip


def _shape(values: np.ndarray) -> tuple[float, ...]:
    """Shares of 1, 2, ... up to the ``TAIL`` quantile (the tail folded into the last), summing to one."""
    cap = max(1, int(np.quantile(values, TAIL)))
    counts = np.bincount(np.minimum(values, cap), minlength=cap + 1)[1:].astype(float)
    share = np.round(counts / counts.sum(), 6)
    share[np.argmax(share)] += 1.0 - share.sum()
    return tuple(round(float(v), 6) for v in share)


def _operations(cfg: ScenarioConfig, specs: tuple[WarehouseSpec, ...], wh_xy: np.ndarray, zone_of: dict[str, int],
                past: pd.DataFrame, demand: pd.DataFrame, returns: pd.DataFrame, history: pd.Series,
                skus: pd.DataFrame, rng: np.random.Generator,
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """Warehouses sized from the history's trading days (``past``: its orders), their opening stock and staff."""
    n_w, ids = len(specs), [w.warehouse for w in specs]
    hist = demand[demand["ds"].isin(set(history))].assign(w=lambda f: f["zone"].map(zone_of))
    n_days = max(len(history), 1)
    units_day = np.zeros((n_w, n_days))
    day_index = {d: i for i, d in enumerate(history)}
    di = hist["ds"].map(day_index).to_numpy(dtype=np.int64)
    np.add.at(units_day, (hist["w"].to_numpy(dtype=np.int64), di), hist["y"].to_numpy(dtype=float))
    heads = past.drop_duplicates("order").assign(ds=lambda f: f["time"].dt.normalize())
    heads = heads[heads["ds"].isin(set(history))]
    orders_day = np.zeros((n_w, n_days))
    np.add.at(orders_day, (heads["zone"].map(zone_of).to_numpy(dtype=np.int64),
                           heads["ds"].map(day_index).to_numpy(dtype=np.int64)), 1.0)  # fmt: skip
    lines_per_order = float(np.dot(np.arange(1, len(cfg.demand.lines_probs) + 1), cfg.demand.lines_probs))
    upo = lines_per_order * float(np.dot(np.arange(1, len(cfg.demand.quantity_probs) + 1), cfg.demand.quantity_probs))
    ret = returns[returns["ds"].isin(set(history))]
    returned = np.zeros((n_w, n_days))
    np.add.at(returned, (ret["zone"].map(zone_of).to_numpy(dtype=np.int64), ret["ds"].map(day_index).to_numpy(
        dtype=np.int64)), ret["y"].to_numpy(dtype=float))  # fmt: skip
    sku_index = {s: i for i, s in enumerate(skus["sku"])}
    on_hand = np.maximum(np.round(cfg.stock.cover_days * _mean_daily(hist, history, sku_index, n_w)),
                         _largest_line(past, sku_index, zone_of, n_w)).astype(np.int64)  # fmt: skip
    stock = pd.DataFrame({"sku": np.repeat(skus["sku"].to_numpy(), n_w), "warehouse": np.tile(ids, len(skus)),
                          "on_hand": on_hand.ravel()})  # fmt: skip
    g = cfg.geography
    volume_m3 = (on_hand * skus["volume_l"].to_numpy()[:, None]).sum(axis=0) / 1000.0
    rows = []
    for w, spec in enumerate(specs):
        cap = spec.order_capacity_per_day or max(
            1, math.ceil(g.capacity_cover * np.quantile(orders_day[w], g.capacity_quantile))
        )
        space = spec.space_m3 if spec.space_m3 is not None else round(float(volume_m3[w]) / g.space_utilisation, 1)
        fixed = spec.fixed_cost_per_day if spec.fixed_cost_per_day is not None else round(space * g.rent_per_m3_day, 2)
        rows.append({"warehouse": spec.warehouse, "zone": spec.region, "x": wh_xy[w, 0], "y": wh_xy[w, 1],
                     "order_capacity_per_day": int(cap), "handling_cost_per_order": spec.handling_cost_per_order,
                     "space_m3": space, "fixed_cost_per_day": fixed, "open_minute": spec.open_minute,
                     "close_minute": spec.close_minute})  # fmt: skip
    hours = workload_hours(cfg, units_day, returned, lines_per_order, upo)
    return pd.DataFrame(rows), stock, draw_staff(cfg, ids, hours, rng)


def _mean_daily(hist: pd.DataFrame, history: pd.Series, sku_index: dict[str, int], n_w: int) -> np.ndarray:
    """(S, W) mean units per trading day of the history, counted from each SKU's first sale."""
    total = np.zeros((len(sku_index), n_w))
    s = hist["sku"].map(sku_index).to_numpy(dtype=np.int64)
    np.add.at(total, (s, hist["w"].to_numpy(dtype=np.int64)), hist["y"].to_numpy(dtype=float))
    first = hist.groupby("sku")["ds"].min()
    days = pd.Series(np.searchsorted(history.to_numpy(), first.to_numpy()), index=first.index)
    active = np.full(len(sku_index), max(len(history), 1), dtype=float)
    active[first.index.map(sku_index).to_numpy(dtype=np.int64)] = np.maximum(len(history) - days.to_numpy(), 1)
    return total / active[:, None]


def _largest_line(orders: pd.DataFrame, sku_index: dict[str, int], zone_of: dict[str, int], n_w: int) -> np.ndarray:
    """(S, W) the largest line in ``orders`` of each SKU among the zones each warehouse is nearest to."""
    out = np.zeros((len(sku_index), n_w))
    np.maximum.at(out, (orders["sku"].map(sku_index).to_numpy(dtype=np.int64),
                        orders["zone"].map(zone_of).to_numpy(dtype=np.int64)),
                  orders["quantity"].to_numpy(dtype=float))  # fmt: skip
    return out


def _customers(cfg: ScenarioConfig, zones: pd.DataFrame, xy: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    g, n = cfg.geography, cfg.geography.customers_per_zone
    rows = []
    for z, zone in enumerate(zones["zone"]):
        pts = xy[z] + rng.normal(0.0, float(zones["radius_km"].iloc[z]), size=(n, 2))
        windows = rng.integers(len(g.windows), size=n)
        service = rng.uniform(*g.service_minutes, size=n)
        rows += [{"customer": f"{zone}-C{k + 1:02d}", "zone": zone, "x": round(float(pts[k, 0]), 3),
                  "y": round(float(pts[k, 1]), 3), "service_time": round(float(service[k]), 2),
                  "tw_start": g.windows[windows[k]][0], "tw_end": g.windows[windows[k]][1]}
                 for k in range(n)]  # fmt: skip
    return pd.DataFrame(rows, columns=TABLE_BY_NAME["customers"].column_names)


def _promises(cfg: ScenarioConfig) -> pd.DataFrame:
    g = cfg.geography
    return pd.DataFrame({"promise": list(g.promise_ids), "max_transit_days": list(g.promise_days),
                         "share": list(g.promise_shares)})  # fmt: skip


def _vehicles(network: Network) -> pd.DataFrame:
    columns = TABLE_BY_NAME["vehicles"].column_names
    return pd.DataFrame([{c: v.get(c) for c in columns} for v in network.vehicles], columns=columns)
