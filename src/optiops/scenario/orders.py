"""Recorded orders (``orders.csv``): their checks at the boundary, and one day of them as a shop sees it.

A scenario imported from a real order export (``optiops import orders``) keeps its order lines. The
plan and the replay then ship those orders instead of splitting the daily demand into drawn orders,
so ``demand.csv`` must be exactly the recorded lines summed per SKU x zone x day: the reader checks
it, as it checks ``history.csv`` against the demand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError
from optiops.model.scenario import Scenario
from optiops.scenario.arrow_table import codes, combined_codes, duplicated_rows

MAX_PROBLEMS = 10


def recorded_orders(scenario: Scenario, table: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """The parsed ``orders.csv`` with ``time`` as ``datetime64``, checked against the scenario.

    Parameters
    ----------
    scenario : Scenario
        The scenario the orders belong to (calendar, demand).
    table : pandas.DataFrame
        ``orders.csv`` parsed column by column (``time`` still text).
    path : str or Path
        The file, for the messages.

    Returns
    -------
    pandas.DataFrame
        The order lines, ``time`` parsed.

    Raises
    ------
    InstanceError
        A time that is not ISO or falls outside the calendar, an order whose lines disagree on
        time or zone, a SKU twice in one order, or lines that do not sum to ``demand.csv``.
    """
    times = pd.to_datetime(table["time"], format="ISO8601", errors="coerce").astype("datetime64[ns]")
    bad = np.flatnonzero(times.isna().to_numpy())
    _raise([f"line {i + 2}, column 'time': {table['time'].iloc[i]!r} is not an ISO time (YYYY-MM-DDTHH:MM)"
            for i in bad], path)  # fmt: skip
    orders = table.assign(time=times)
    day = orders["time"].dt.normalize()
    first, last = pd.Timestamp(scenario.start), pd.Timestamp(scenario.end)
    outside = np.flatnonzero(((day < first) | (day > last)).to_numpy())
    _raise([f"line {i + 2}, column 'time': {table['time'].iloc[i]} is outside the calendar ({first:%Y-%m-%d} to "
            f"{last:%Y-%m-%d})" for i in outside], path)  # fmt: skip
    problems = []
    order = codes(orders["order"])
    for column in ("time", "zone"):
        mixed = _mixed(order[0], codes(orders[column])[0])
        problems += [f"line {i + 2}, column {column!r}: order {orders['order'].iloc[i]!r} has lines with "
                     f"different {column}s" for i in np.flatnonzero(mixed)]  # fmt: skip
    twice = np.flatnonzero(duplicated_rows(order, codes(orders["sku"])))
    problems += [f"line {i + 2}, column 'sku': {orders['sku'].iloc[i]!r} twice in order {orders['order'].iloc[i]!r}"
                 for i in twice]  # fmt: skip
    _raise(problems, path)
    if not _sums_to_demand(scenario, orders, day):
        _raise(_demand_problems(scenario, orders.assign(ds=day)), path)
    return orders


def _mixed(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Rows whose group (integer codes) holds more than one value (integer codes)."""
    frame = pd.DataFrame({"g": group, "c": values}).groupby("g")["c"]
    return (frame.transform("min") != frame.transform("max")).to_numpy()


def _sums_to_demand(scenario: Scenario, orders: pd.DataFrame, day: pd.Series) -> bool:
    """Whether the lines summed per SKU x zone x day equal ``demand.csv`` (on integer keys, no messages)."""
    demand = scenario.demand
    pairs = ((orders["sku"], demand["sku"]), (orders["zone"], demand["zone"]), (day, demand["ds"]))
    key = combined_codes(*(codes(pd.concat([a, b], ignore_index=True)) for a, b in pairs))
    n, size = len(orders), int(key.max(initial=-1)) + 1
    lines = np.bincount(key[:n], weights=orders["quantity"].to_numpy(dtype=float), minlength=size)
    return bool(np.array_equal(lines, np.bincount(key[n:], weights=demand["y"].to_numpy(dtype=float), minlength=size)))


def _demand_problems(scenario: Scenario, orders: pd.DataFrame) -> list[str]:
    """Where the lines summed per SKU x zone x day differ from ``demand.csv``."""
    units = orders.groupby(["sku", "zone", "ds"], as_index=False).agg(y=("quantity", "sum"))
    both = units.merge(scenario.demand, on=["sku", "zone", "ds"], how="outer", suffixes=("", "_demand"))
    both = both.fillna({"y": 0, "y_demand": 0})
    bad = both[both["y"] != both["y_demand"]]
    return [f"column 'quantity': {sku} in zone {zone} on {ds:%Y-%m-%d} sums to {y:g} units, but demand.csv has "
            f"{y_demand:g}" for sku, zone, ds, y, y_demand in bad[["sku", "zone", "ds", "y", "y_demand"]]
            .itertuples(index=False)]  # fmt: skip


def day_orders(scenario: Scenario, day: pd.Timestamp, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The recorded orders placed on ``day``: orders (order, zone, promise, customer) and their lines.

    An export holds neither the delivery promise nor a point to route to, so each order draws its
    promise class by the promise shares and a customer point of its zone uniformly, from ``rng``.

    Parameters
    ----------
    scenario : Scenario
        A scenario with ``orders``.
    day : pandas.Timestamp
        The day.
    rng : numpy.random.Generator
        Draws the promises and customer points.

    Returns
    -------
    tuple of pandas.DataFrame
        Orders in the order they were placed; lines (order, line, sku, quantity) grouped by order.
    """
    assert scenario.orders is not None
    rec = scenario.orders
    todays = rec[rec["time"].dt.normalize() == pd.Timestamp(day)].sort_values(["time", "order", "line"], kind="stable")
    head = todays.drop_duplicates("order")
    shares = scenario.promises["share"].to_numpy(dtype=float)
    promise = scenario.promises["promise"].to_numpy(dtype=str)[rng.choice(len(shares), size=len(head),
                                                                          p=shares / shares.sum())]  # fmt: skip
    points = {str(z): c.to_numpy(dtype=str) for z, c in scenario.customers.groupby("zone")["customer"]}
    customer = [str(points[z][rng.integers(len(points[z]))]) if z in points else "" for z in head["zone"]]
    orders = pd.DataFrame({"order": head["order"].to_numpy(dtype=str), "zone": head["zone"].to_numpy(dtype=str),
                           "promise": promise, "customer": customer})  # fmt: skip
    lines = todays[["order", "line", "sku", "quantity"]].reset_index(drop=True)
    return orders, lines.astype({"line": np.int64, "quantity": np.int64})


def intraday_profile(scenario: Scenario) -> np.ndarray | None:
    """Share of the recorded orders placed in each hour of the day (24 values), history days only.

    ``None`` without recorded orders (the plans then use their e-commerce profile) or without any
    order before the hold-out.
    """
    if scenario.orders is None:
        return None
    heads = scenario.orders.drop_duplicates("order")
    heads = heads[heads["time"] < pd.Timestamp(scenario.history_end) + pd.Timedelta(days=1)]
    if heads.empty:
        return None
    counts = np.bincount(heads["time"].dt.hour.to_numpy(), minlength=24).astype(float)
    return counts / counts.sum()


def _raise(problems: list[str], source: str | Path) -> None:
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        shown = problems[:MAX_PROBLEMS] + ([f"... and {extra} more problem(s)"] if extra > 0 else [])
        raise InstanceError(shown, str(source))
