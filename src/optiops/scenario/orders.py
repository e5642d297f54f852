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
from optiops.model.scenario import ORDERS_TABLE, Scenario

MAX_PROBLEMS = 10


# what str.strip() removes (Python's whitespace): a cell padded with one goes to the generic reader
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def read_orders_table(path: str | Path) -> pd.DataFrame | None:
    """``orders.csv`` parsed by Arrow with its declared types, or ``None`` when any cell needs the generic reader.

    The generic reader (:func:`optiops.scenario.read.read_scenario`) checks a table cell by cell and
    names every bad one; a clean file passes the same checks here column-wise, with the same result
    frame. Anything else (a cell that does not parse, is padded or empty, out of bounds, a duplicate
    key, other columns) returns ``None``, so that the generic reader reports it in its own words.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv

    kinds = {"str": pa.string(), "int": pa.int64()}
    types = {c.name: kinds[c.kind] for c in ORDERS_TABLE.columns}
    try:
        table = csv.read_csv(path, convert_options=csv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                                      quoted_strings_can_be_null=False))  # fmt: skip
    except (pa.ArrowInvalid, OSError, EOFError):
        return None
    if table.column_names != ORDERS_TABLE.column_names or table.num_rows == 0:
        return None
    for col in ORDERS_TABLE.columns:
        values = table[col.name]
        if col.kind == "str":
            if pc.any(pc.not_equal(pc.utf8_trim(values, WHITESPACE), values)).as_py():
                return None
            if not col.empty_ok and pc.any(pc.equal(pc.utf8_length(values), 0)).as_py():
                return None
        elif (
            values.null_count
            or (col.minimum is not None and pc.min(values).as_py() < col.minimum)
            or (col.maximum is not None and pc.max(values).as_py() > col.maximum)
        ):
            return None
    encoded = pc.dictionary_encode(table["order"]).combine_chunks()  # Arrow hashes the ids faster than pandas
    order = (encoded.indices.to_numpy(zero_copy_only=False), len(encoded.dictionary))
    if _duplicated(order, _codes(table["line"].to_numpy())).any():  # the key (order, line)
        return None
    return table.to_pandas()


def _codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes of the values and how many distinct ones there are."""
    codes, uniques = pd.factorize(values)
    return codes, len(uniques)


def _combined(*columns: tuple[np.ndarray, int]) -> np.ndarray:
    """One code per distinct combination of coded columns (0, 1, ... in order of appearance)."""
    key = np.zeros(len(columns[0][0]), dtype=np.int64)
    for codes, n in columns:
        key = pd.factorize(key * n + codes)[0]  # re-coded each time: never beyond rows x distinct values
    return key


def _duplicated(*columns: tuple[np.ndarray, int]) -> np.ndarray:
    """Rows whose combination of coded columns came before (``DataFrame.duplicated``)."""
    return pd.Series(_combined(*columns)).duplicated().to_numpy()


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
    order = _codes(orders["order"])
    for column in ("time", "zone"):
        mixed = _mixed(order[0], _codes(orders[column])[0])
        problems += [f"line {i + 2}, column {column!r}: order {orders['order'].iloc[i]!r} has lines with "
                     f"different {column}s" for i in np.flatnonzero(mixed)]  # fmt: skip
    twice = np.flatnonzero(_duplicated(order, _codes(orders["sku"])))
    problems += [f"line {i + 2}, column 'sku': {orders['sku'].iloc[i]!r} twice in order {orders['order'].iloc[i]!r}"
                 for i in twice]  # fmt: skip
    _raise(problems, path)
    if not _sums_to_demand(scenario, orders, day):
        _raise(_demand_problems(scenario, orders.assign(ds=day)), path)
    return orders


def _mixed(group: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Rows whose group (integer codes) holds more than one value (integer codes)."""
    frame = pd.DataFrame({"g": group, "c": codes}).groupby("g")["c"]
    return (frame.transform("min") != frame.transform("max")).to_numpy()


def _sums_to_demand(scenario: Scenario, orders: pd.DataFrame, day: pd.Series) -> bool:
    """Whether the lines summed per SKU x zone x day equal ``demand.csv`` (on integer keys, no messages)."""
    demand = scenario.demand
    pairs = ((orders["sku"], demand["sku"]), (orders["zone"], demand["zone"]), (day, demand["ds"]))
    key = _combined(*(_codes(pd.concat([a, b], ignore_index=True)) for a, b in pairs))
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
