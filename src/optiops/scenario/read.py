"""Read and validate a scenario folder; every problem names the file, the line and the column.

The boundary validates once: column names and types, bounds, unique keys, references between
tables (a demand row naming an unknown SKU or zone, a date outside the calendar), and the rules that
span tables (a consecutive calendar of ``days`` days, windows that end after they start, skills the
labour standards know, ``history.csv`` equal to the demand of the history days).  Lines are numbered
as a planner sees them in the file: the header is line 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from optiops.exceptions import InstanceError
from optiops.model.scenario import DRIVERS, ORDERS_TABLE, TABLE_BY_NAME, TABLES, Column, Costs, Scenario, TableSpec
from optiops.scenario.arrow_table import read_typed_table
from optiops.scenario.events import EVENTS_FILE, read_events
from optiops.scenario.orders import recorded_orders
from optiops.scenario.write import COSTS_FILE, HISTORY_FILE, SCENARIO_FILE, history_frame

MAX_PROBLEMS = 10


def read_scenario(folder: str | Path) -> Scenario:
    """Read a scenario folder written by :func:`optiops.scenario.write_scenario` (or by hand).

    Parameters
    ----------
    folder : str or Path
        Folder holding ``scenario.yaml``, ``costs.yaml`` and the CSV tables (``history.csv``,
        ``orders.csv`` and ``events.yaml`` are optional); any CSV may be gzipped instead (``demand.csv.gz``).

    Returns
    -------
    Scenario
        Typed frames, dates as ``datetime64``.

    Raises
    ------
    InstanceError
        A missing file or column, a value of the wrong type or out of bounds, a duplicate key, an unknown
        reference, or tables that contradict each other; the message names file, line and column.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InstanceError("not a scenario folder (expected a folder with scenario.yaml and CSV tables)", str(folder))
    meta = _read_yaml(folder / SCENARIO_FILE)
    costs = _costs(_read_yaml(folder / COSTS_FILE), str(folder / COSTS_FILE))
    tables = {spec.name: _read_table(table_path(folder, spec.file), spec) for spec in TABLES}
    for spec in TABLES:
        _raise(_references(spec, tables), table_path(folder, spec.file))
    scenario = _scenario(meta, costs, tables, str(folder / SCENARIO_FILE))
    _cross_checks(scenario, folder)
    if table_path(folder, HISTORY_FILE).is_file():
        _check_history(scenario, table_path(folder, HISTORY_FILE))
    orders_path = table_path(folder, ORDERS_TABLE.file)
    if orders_path.is_file():
        orders = _read_table(orders_path, ORDERS_TABLE)
        _raise(_references(ORDERS_TABLE, {**tables, ORDERS_TABLE.name: orders}), orders_path)
        scenario = dataclasses.replace(scenario, orders=recorded_orders(scenario, orders, orders_path))
    if (folder / EVENTS_FILE).is_file():
        scenario = dataclasses.replace(scenario, events=read_events(folder / EVENTS_FILE, scenario))
    return scenario


def table_path(folder: Path, name: str) -> Path:
    """``folder / name``, or its gzipped twin ``name.gz`` when only that exists."""
    plain, packed = folder / name, folder / f"{name}.gz"
    return packed if not plain.is_file() and packed.is_file() else plain


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InstanceError("missing file", str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InstanceError(f"not valid YAML: {exc}", str(path)) from exc
    if not isinstance(data, dict):
        raise InstanceError("expected a mapping of keys to values", str(path))
    return data


def _costs(data: dict[str, Any], source: str) -> Costs:
    _raise(cost_problems(data), source)
    return Costs(**data)


def cost_problems(data: dict[str, Any], prefix: str = "") -> list[str]:
    """Every broken rule of a ``costs.yaml`` mapping (or a ``costs`` block elsewhere, keys shown after ``prefix``)."""
    known = {f.name: f for f in fields(Costs)}
    problems = [f"{prefix}{key}: unknown key" for key in data if key not in known]
    for key, value in data.items():
        if key in known and key != "currency" and (not isinstance(value, int | float) or isinstance(value, bool)):
            problems.append(f"{prefix}{key}: {value!r} is not a number")
        elif key in known and key != "currency" and value < 0:
            problems.append(f"{prefix}{key}: negative value {value}")
    if not problems and data.get("supplier_outage_share", 0.0) >= 1.0:
        problems.append(f"{prefix}supplier_outage_share: must be below 1 (a supplier that never ships)")
    if not problems and data.get("supplier_outage_days", 1.0) < 1.0:
        problems.append(f"{prefix}supplier_outage_days: an outage lasts at least one day")
    lead = data.get("transfer_lead_days", 1)
    if not problems and (lead != int(lead) or lead < 1):
        problems.append(f"{prefix}transfer_lead_days: {lead!r} is not a whole number of days of at least 1")
    return problems


def _read_table(path: Path, spec: TableSpec) -> pd.DataFrame:
    """One CSV table, columns parsed to their kinds; every bad cell reported."""
    if not path.is_file():
        raise InstanceError("missing file", str(path))
    typed = read_typed_table(path, spec)  # Arrow, column-wise; None: the cell-by-cell reader names the problem
    return _read_cells(path, spec) if typed is None else typed


def _read_cells(path: Path, spec: TableSpec) -> pd.DataFrame:
    """One CSV table parsed cell by cell, every bad cell reported (the reader of files Arrow does not take)."""
    try:  # utf-8-sig: spreadsheet exports start with a byte-order mark
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, EOFError) as exc:
        raise InstanceError(f"cannot read the table: {exc}", str(path)) from exc  # OSError: a broken .gz
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in spec.column_names if c not in raw.columns]
    unknown = [c for c in raw.columns if c not in spec.column_names]
    problems = [f"missing column(s) {missing}; columns found: {list(raw.columns)}"] if missing else []
    problems += [f"unknown column(s) {unknown}; expected {spec.column_names}"] if unknown else []
    _raise(problems, path)
    out, problems = {}, []
    for col in spec.columns:
        out[col.name], bad = _parse(raw[col.name], col)
        problems += bad
    frame = pd.DataFrame(out)
    dup = np.flatnonzero(frame.duplicated(list(spec.key), keep="first").to_numpy()).tolist()
    problems += [f"line {i + 2}, column(s) {list(spec.key)}: duplicate {_key(frame, spec, i)}" for i in dup]
    _raise(problems, path)
    return frame


def _key(frame: pd.DataFrame, spec: TableSpec, i: int) -> str:
    return ", ".join(f"{frame[k].iloc[i]}" for k in spec.key)


def _parse(column: pd.Series, col: Column) -> tuple[pd.Series, list[str]]:
    """A text column parsed to ``col.kind``, and one problem per bad cell."""
    text = column.astype(str).str.strip()

    def where(i: int | np.integer) -> str:
        return f"line {i + 2}, column {col.name!r}"

    empty = (text == "").to_numpy()
    if col.kind == "str":
        bad = [] if col.empty_ok else [f"{where(i)}: empty value" for i in np.flatnonzero(empty)]
        return text, bad
    if col.kind == "date":
        dates = pd.to_datetime(text, format="ISO8601", errors="coerce").astype("datetime64[ns]")
        bad_rows = np.flatnonzero(dates.isna().to_numpy())
        return dates, [f"{where(i)}: {text.iloc[i]!r} is not an ISO date (YYYY-MM-DD)" for i in bad_rows]
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    problems = [f"{where(i)}: {text.iloc[i]!r} is not a number" for i in np.flatnonzero(~np.isfinite(values))]
    ok = np.isfinite(values)
    if col.kind == "int":
        problems += [f"{where(i)}: {text.iloc[i]!r} is not a whole number"
                     for i in np.flatnonzero(ok & (values != np.round(values)))]  # fmt: skip
    if col.minimum is not None:
        low = np.flatnonzero(ok & (values < col.minimum))
        problems += [f"{where(i)}: {values[i]:g} is below the minimum {col.minimum:g}" for i in low]
    if col.maximum is not None:
        problems += [f"{where(i)}: {values[i]:g} is above the maximum {col.maximum:g}"
                     for i in np.flatnonzero(ok & (values > col.maximum))]  # fmt: skip
    if col.kind == "int":
        return pd.Series(np.where(ok, values, 0).astype(np.int64)), problems
    return pd.Series(values), problems


def _references(spec: TableSpec, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every value of a referring column that is not a key of the referred table."""
    problems = []
    frame = tables[spec.name]
    for col in spec.columns:
        if col.ref is None:
            continue
        target = TABLE_BY_NAME[col.ref]
        keys = tables[col.ref][target.key[0]]
        values = frame[col.name]
        unknown = ~values.isin(keys).to_numpy()
        if col.empty_ok:
            unknown &= (values != "").to_numpy()
        what = "date outside the calendar" if col.kind == "date" else f"unknown {target.key[0]}"
        problems += [f"line {i + 2}, column {col.name!r}: {what} {_text(values.iloc[i])!r} (not in {target.file})"
                     for i in np.flatnonzero(unknown)]  # fmt: skip
    return problems


def _text(value: Any) -> str:
    return value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)


def _scenario(meta: dict[str, Any], costs: Costs, tables: dict[str, Any], source: str) -> Scenario:
    """The Scenario from the metadata of ``scenario.yaml`` and the parsed tables."""
    problems = [f"{key}: missing" for key in ("name", "start", "days", "holdout_days") if key not in meta]
    _raise(problems, source)
    try:
        start = dt.date.fromisoformat(str(meta["start"]))
    except ValueError:
        raise InstanceError(f"start: {meta['start']!r} is not an ISO date", source) from None
    days, holdout = meta["days"], meta["holdout_days"]
    if not isinstance(days, int) or days < 1:
        problems.append(f"days: {days!r} is not a positive whole number")
    elif not isinstance(holdout, int) or not 0 <= holdout < days:
        problems.append(f"holdout_days: {holdout!r} must be a whole number in 0..days-1")
    config = meta.get("config") or {}
    if not isinstance(config, dict):
        problems.append("config: expected a mapping")
    _raise(problems, source)
    seed = meta.get("seed")
    return Scenario(name=str(meta["name"]), seed=seed if isinstance(seed, int) else None, start=start, days=days,
                    holdout_days=holdout, costs=costs, config=config, **tables)  # fmt: skip


def _cross_checks(s: Scenario, folder: Path) -> None:
    """Rules that span columns or tables, reported against the file that breaks them."""
    dates = pd.date_range(pd.Timestamp(s.start), periods=s.days, freq="D")
    cal = s.calendar["ds"]
    if len(cal) != s.days or not (cal.to_numpy() == dates.to_numpy()).all():
        found = f"found {len(cal)} rows from {_text(cal.min())} to {_text(cal.max())}"
        want = f"expected one row per day from {s.start} to {s.end} in order ({s.days} days, as scenario.yaml says)"
        _raise([f"{want}, {found}"], table_path(folder, "calendar.csv"))
    _raise(_order_problems(s.warehouses, "open_minute", "close_minute"), table_path(folder, "warehouses.csv"))
    _raise(_order_problems(s.customers, "tw_start", "tw_end"), table_path(folder, "customers.csv"))
    _raise(_order_problems(s.vehicles, "shift_start", "shift_end"), table_path(folder, "vehicles.csv"))
    drivers = s.labour_standards["driver"]
    _raise([f"line {i + 2}, column 'driver': {drivers.iloc[i]!r} is not one of {list(DRIVERS)}"
            for i in np.flatnonzero(~drivers.isin(DRIVERS).to_numpy())],
           table_path(folder, "labour_standards.csv"))  # fmt: skip
    skills = set(s.labour_standards["skill"])
    _raise([f"line {i + 2}, column 'skills': unknown skill {k!r} (not in labour_standards.csv)"
            for i, text in enumerate(s.staff["skills"]) for k in str(text).split(";") if k not in skills],
           table_path(folder, "staff.csv"))  # fmt: skip
    for table, column in (("zones", "population_share"), ("promises", "share")):
        total = float(getattr(s, table)[column].sum())
        if abs(total - 1.0) > 1e-3:
            _raise([f"column {column!r}: the shares sum to {total:g}, not 1"], table_path(folder, f"{table}.csv"))


def _order_problems(frame: pd.DataFrame, lo: str, hi: str) -> list[str]:
    bad = np.flatnonzero((frame[hi] < frame[lo]).to_numpy())
    return [f"line {i + 2}, column {hi!r}: {frame[hi].iloc[i]} is before {lo} {frame[lo].iloc[i]}" for i in bad]


# history.csv as optiops forecast reads it (io.demand.read_demand), for the Arrow fast path
_HISTORY = TableSpec("history", "Units per SKU and day over the history days.", ("unique_id", "ds"), (
    Column("unique_id", "str", "SKU."), Column("ds", "date", "Day."), Column("y", "float", "Units.", minimum=0.0),
))  # fmt: skip


def _check_history(s: Scenario, path: Path) -> None:
    """``history.csv`` must be the demand of the history days, summed over zones."""
    from optiops.io.demand import read_demand

    expected = history_frame(s)
    if _is_daily_copy(read_typed_table(path, _HISTORY), expected):
        return
    read_demand(path)  # the forecaster's own validation
    raw = pd.read_csv(path, dtype={"unique_id": str})
    raw["ds"] = pd.to_datetime(raw["ds"])
    raw["line"] = np.arange(len(raw)) + 2
    both = raw.merge(expected, on=["unique_id", "ds"], how="outer", suffixes=("", "_demand"))
    both = both.fillna({"y": 0, "y_demand": 0, "line": -1})
    bad = both[both["y"] != both["y_demand"]]
    problems = []
    for uid, ds, y, y_demand, line in zip(bad["unique_id"], bad["ds"], bad["y"], bad["y_demand"], bad["line"],
                                          strict=True):  # fmt: skip
        where = f"line {int(line)}" if line > 0 else "missing row"
        problems.append(f"{where}, column 'y': {uid} on {_text(ds)} has {float(y):g}, but demand.csv sums to "
                        f"{float(y_demand):g} over the zones")  # fmt: skip
    _raise(problems, path)


def _is_daily_copy(typed: pd.DataFrame | None, expected: pd.DataFrame) -> bool:
    """Whether the Arrow-read history is ``expected`` row for row, with daily steps.

    Such a file passes every check of :func:`optiops.io.demand.read_demand` (ids, ISO dates, demand
    at least zero, no duplicate, one frequency) and of the comparison with the demand; any other
    file takes the slow path, which names its problems.
    """
    from optiops.io.demand import infer_freq

    if typed is None or len(typed) != len(expected):
        return False
    same = all(np.array_equal(typed[c].to_numpy(), expected[c].to_numpy()) for c in ("unique_id", "ds"))
    if not same or not np.array_equal(typed["y"].to_numpy(dtype=float), expected["y"].to_numpy(dtype=float)):
        return False
    try:
        return infer_freq(pd.DatetimeIndex(typed["ds"]), pd.factorize(typed["unique_id"])[0]) == "D"
    except ValueError:  # no series with two dates: the slow path says so
        return False


def _raise(problems: list[str], source: str | Path) -> None:
    if not problems:
        return
    extra = len(problems) - MAX_PROBLEMS
    shown = problems[:MAX_PROBLEMS] + ([f"... and {extra} more problem(s)"] if extra > 0 else [])
    raise InstanceError(shown, str(source))
