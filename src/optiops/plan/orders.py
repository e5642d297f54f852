"""The next day as orders: the hold-out day's demand split into customer orders, and its returns pickups.

The scenario states demand as units per SKU x zone x day.  The allocation and routing steps need
what a shop sees instead: orders with lines, each from a customer point of its zone and with a
delivery promise.  :func:`next_day_orders` splits a zone's units of the first hold-out day into
orders with the generator's own order shape (``demand.lines_probs``: 1, 2, ... lines per order;
``demand.quantity_probs``: 1, 2, ... units per line; :mod:`optiops.scenario.demand`): an order draws
its number of lines, takes that many different SKUs of the zone's remaining units (a SKU with more
units left is likelier) and a quantity per line capped by what is left, until every unit is in an
order.  The units of the orders therefore sum exactly to the day's demand.  Each order gets a
promise class by the promise shares and a customer point of its zone, uniformly.

Returns of the day (``returns.csv``) in the zones an own fleet serves become pickups, one per
returned unit, each at a customer point of its zone; returns elsewhere go back by carrier and are
not routed.  Everything is drawn from one generator seeded with ``options.seed``.

A scenario with recorded orders (``orders.csv``, :mod:`optiops.scenario.orders`) plays those orders
of the day instead; only their promises and customer points are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError
from optiops.model.scenario import Scenario
from optiops.plan.base import PlanOptions
from optiops.scenario.config import config_from_dict
from optiops.scenario.orders import day_orders

ORDER_COLUMNS = ["order", "zone", "promise", "customer"]
LINE_COLUMNS = ["order", "line", "sku", "quantity"]
PICKUP_COLUMNS = ["pickup", "zone", "warehouse", "customer", "sku", "units"]


@dataclass(frozen=True, eq=False)
class DayOrders:
    """One day of orders and returns pickups.

    Attributes
    ----------
    day
        The date played.
    orders
        One row per order: ``order`` id, ``zone``, ``promise`` class, ``customer`` point (empty when
        the zone has no customer points).
    lines
        One row per order line: ``order``, ``line`` (1, 2, ... within the order), ``sku``, ``quantity``;
        grouped by order, in the order of ``orders``; a SKU appears at most once per order.
    pickups
        One row per returned unit picked up by an own fleet: ``pickup`` id, ``zone``, ``warehouse``
        (the zone's fleet warehouse), ``customer``, ``sku``, ``units`` (1).
    """

    day: pd.Timestamp
    orders: pd.DataFrame
    lines: pd.DataFrame
    pickups: pd.DataFrame

    @property
    def units(self) -> int:
        """Units over all order lines."""
        return int(self.lines["quantity"].sum())


def next_day(scenario: Scenario) -> pd.Timestamp:
    """The first hold-out day of a scenario.

    Parameters
    ----------
    scenario : Scenario
        The scenario.

    Returns
    -------
    pandas.Timestamp
        The first calendar day flagged ``holdout``.

    Raises
    ------
    InstanceError
        When the calendar has no hold-out day.
    """
    days = scenario.calendar.loc[scenario.calendar["holdout"] == 1, "ds"]
    if days.empty:
        raise InstanceError("calendar: no hold-out day (holdout = 1) to plan the next day on", scenario.name)
    return pd.Timestamp(days.min())


def next_day_orders(scenario: Scenario, options: PlanOptions, day: pd.Timestamp | None = None) -> DayOrders:
    """Orders with lines and returns pickups of the next day, reproducible from ``options.seed``.

    Parameters
    ----------
    scenario : Scenario
        The scenario (demand, returns, zones, promises, customer points, generator configuration).
    options : PlanOptions
        ``seed`` seeds every draw.
    day : pandas.Timestamp, optional
        The day to play; default the first hold-out day (:func:`next_day`).

    Returns
    -------
    DayOrders
        Orders whose units sum, per SKU and zone, to the day's demand; pickups of the fleet zones.
    """
    day = next_day(scenario) if day is None else pd.Timestamp(day)
    rng = np.random.default_rng(options.seed)
    points: dict[str, list[str]] = {str(z): list(c) for z, c in scenario.customers.groupby("zone")["customer"]}
    if scenario.orders is not None:  # a real operation's recorded orders, not a draw from its demand
        recorded, recorded_lines = day_orders(scenario, day, rng)
        return DayOrders(day=day, orders=recorded, lines=recorded_lines,
                         pickups=_pickups(scenario, day, points, rng))  # fmt: skip
    demand = config_from_dict(scenario.config).demand
    lines_p, qty_p = _probs(demand.lines_probs), _probs(demand.quantity_probs)
    promises = scenario.promises
    todays = scenario.demand[scenario.demand["ds"] == day]
    order_rows: list[tuple[str, str]] = []  # (zone, customer)
    line_rows: list[tuple[int, int, str, int]] = []  # (order index, line, sku, quantity)
    for zone, group in todays.groupby("zone", sort=True):
        skus, units = group["sku"].to_numpy(), group["y"].to_numpy(dtype=np.int64)
        for lines in _split_units(units, lines_p, qty_p, rng):
            k = len(order_rows)
            line_rows += [(k, j + 1, str(skus[s]), q) for j, (s, q) in enumerate(lines)]
            order_rows.append((str(zone), _customer(points.get(str(zone), []), rng)))
    width = len(str(max(len(order_rows), 1)))
    ids = [f"O{k + 1:0{width}d}" for k in range(len(order_rows))]
    shares = _probs(promises["share"].to_numpy(dtype=float))
    promise = promises["promise"].to_numpy()[rng.choice(len(shares), size=len(ids), p=shares)]
    orders = pd.DataFrame({"order": ids, "zone": [z for z, _ in order_rows], "promise": promise.astype(str),
                           "customer": [c for _, c in order_rows]}, columns=ORDER_COLUMNS)  # fmt: skip
    table = pd.DataFrame([(ids[k], j, s, q) for k, j, s, q in line_rows], columns=LINE_COLUMNS)
    table = table.astype({"line": np.int64, "quantity": np.int64})
    return DayOrders(day=day, orders=orders, lines=table, pickups=_pickups(scenario, day, points, rng))


def _probs(values: tuple[float, ...] | np.ndarray) -> np.ndarray:
    """Probabilities normalised to sum to one (shares read from files sum to one only nearly)."""
    p = np.asarray(values, dtype=float)
    return p / p.sum()


def _split_units(
    units: np.ndarray, lines_p: np.ndarray, qty_p: np.ndarray, rng: np.random.Generator
) -> list[list[tuple[int, int]]]:
    """A zone's units per SKU split into orders, each a list of (SKU position, quantity) of distinct SKUs."""
    left = units.astype(np.int64).copy()
    orders = []
    while (total := left.sum()) > 0:
        n_lines = min(int(rng.choice(len(lines_p), p=lines_p)) + 1, int((left > 0).sum()))
        skus = rng.choice(len(left), size=n_lines, replace=False, p=left / total)
        lines = []
        for s in skus:
            q = min(int(rng.choice(len(qty_p), p=qty_p)) + 1, int(left[s]))
            left[s] -= q
            lines.append((int(s), q))
        orders.append(lines)
    return orders


def _customer(points: list[str], rng: np.random.Generator) -> str:
    """A customer point of the zone, uniformly; empty when the zone has none."""
    return str(points[int(rng.integers(len(points)))]) if points else ""


def _pickups(scenario: Scenario, day: pd.Timestamp, points: dict[str, list[str]],
             rng: np.random.Generator) -> pd.DataFrame:  # fmt: skip
    """One pickup per returned unit of the day in the zones an own fleet serves."""
    fleet = scenario.zones.loc[scenario.zones["fleet_warehouse"] != "", ["zone", "fleet_warehouse"]]
    todays = scenario.returns[(scenario.returns["ds"] == day) & scenario.returns["zone"].isin(fleet["zone"])]
    unit = todays.loc[todays.index.repeat(todays["y"].to_numpy(dtype=np.int64))]
    warehouse = fleet.set_index("zone")["fleet_warehouse"]
    width = len(str(max(len(unit), 1)))
    return pd.DataFrame({
        "pickup": [f"R{k + 1:0{width}d}" for k in range(len(unit))],
        "zone": unit["zone"].to_numpy(dtype=str),
        "warehouse": warehouse.reindex(unit["zone"]).to_numpy(dtype=str),
        "customer": [_customer(points.get(z, []), rng) for z in unit["zone"]],
        "sku": unit["sku"].to_numpy(dtype=str),
        "units": np.ones(len(unit), dtype=np.int64),
    }, columns=PICKUP_COLUMNS)  # fmt: skip
