"""Facility, order-allocation and placement instances as a folder of CSV files.

Every file has a header row; unknown columns are errors; a blank cell takes the field's default.
Pairs (costs, demand, stock) come in long format, one row per pair.  An optional ``settings.yaml``
holds the instance-level fields.  Which kind a folder holds is told by its files (or by ``kind`` in
``settings.yaml``):

- **facility** (``customers.csv``): ``warehouses.csv`` (id, capacity, fixed_cost), ``customers.csv``
  (id, demand), ``costs.csv`` (warehouse, customer, cost; every pair); settings ``name``,
  ``cost_basis``, ``single_sourcing``.
- **placement** (``skus.csv``): ``warehouses.csv`` (id, space, max_skus, stocking_cost), ``skus.csv``
  (id, volume, holding_cost, cover, base_stock), ``zones.csv`` (id), ``demand.csv`` (sku, zone, units;
  a missing pair orders nothing), ``shipping.csv`` (warehouse, zone, cost; every pair); settings
  ``name``, ``split_cost``.
- **order-allocation** (``lines.csv``): ``warehouses.csv`` (id, capacity, handling_cost), ``stock.csv``
  (warehouse, sku, units), ``zones.csv`` (id), ``shipping.csv`` (warehouse, zone, cost, and optionally
  transit_days; every pair), ``promises.csv`` (id, max_transit_days), ``lines.csv`` (order, zone,
  promise, sku, quantity: one row per line, an order's rows together); settings ``name``,
  ``split_penalty``.  Promise classes given as allowed pairs need the YAML/JSON form.

Every problem names the file, the line and the column (or the field, for ``settings.yaml``).  See
``docs/formats/network-csv.md``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from optiops.exceptions import InstanceError
from optiops.model.network import FacilityInstance
from optiops.model.orders import OrderAllocationInstance
from optiops.model.placement import PlacementInstance

MAX_PROBLEMS = 20
MARKERS = {"customers.csv": "facility", "skus.csv": "placement", "lines.csv": "order-allocation"}
SETTINGS = {
    "facility": ("kind", "name", "cost_basis", "single_sourcing"),
    "placement": ("kind", "name", "split_cost"),
    "order-allocation": ("kind", "name", "split_penalty"),
}
Row = tuple[int, dict[str, str]]  # (line number, cells)
MATRIX_FILES = {"cost": "costs.csv", "demand": "demand.csv", "shipping_cost": "shipping.csv",
                "transit_days": "shipping.csv", "orders": "lines.csv"}  # fmt: skip


def folder_kind(path: str | Path) -> str | None:
    """The kind of instance a CSV folder holds (``facility``, ``placement``, ``order-allocation``), or None.

    Parameters
    ----------
    path : str or Path
        A folder (anything else gives None).

    Returns
    -------
    str or None
        The kind its marker file (or ``settings.yaml``'s ``kind``) names.
    """
    folder = Path(path)
    if not folder.is_dir():
        return None
    settings = folder / "settings.yaml"
    if settings.is_file():
        try:
            kind = (yaml.safe_load(settings.read_text(encoding="utf-8")) or {}).get("kind")
        except (yaml.YAMLError, AttributeError, OSError):
            kind = None
        if kind in SETTINGS:
            return str(kind)
    for marker, kind in MARKERS.items():
        if (folder / marker).is_file():
            return kind
    return None


class _Problems:
    """Collects problems; raises one :class:`InstanceError` naming them all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.items: list[str] = []

    def add(self, text: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(text)

    def raise_any(self) -> None:
        if self.items:
            raise InstanceError("; ".join(self.items), str(self.folder))


def _read(folder: Path, name: str, columns: tuple[str, ...], required: tuple[str, ...], problems: _Problems,
          optional_file: bool = False) -> list[Row]:  # fmt: skip
    """Rows of ``name`` (header line 1), checking the header against ``columns``/``required``."""
    path = folder / name
    if not path.is_file():
        if not optional_file:
            problems.add(f"{name}: missing (needed for this kind of folder)")
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in reader.fieldnames or []]
            unknown = [h for h in header if h not in columns]
            missing = [c for c in required if c not in header]
            if unknown:
                problems.add(f"{name}: unknown column(s) {', '.join(unknown)}; allowed: {', '.join(columns)}")
            if missing:
                problems.add(f"{name}: missing column(s) {', '.join(missing)}")
            rows = []
            for raw in reader:
                cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
                if any(cells.values()):
                    rows.append((reader.line_num, cells))
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.add(f"{name}: cannot read ({exc})")
        return []


def _number(name: str, line: int, column: str, text: str, problems: _Problems, whole: bool = False) -> Any:
    """The number in a cell, or None (and a problem) when it is not one."""
    try:
        value = float(text)
    except ValueError:
        problems.add(f"{name} line {line}, column {column}: {text!r} is not a number")
        return None
    if whole:
        if value != int(value):
            problems.add(f"{name} line {line}, column {column}: {text!r} is not a whole number")
            return None
        return int(value)
    return value


def _objects(name: str, rows: list[Row], numeric: dict[str, bool], problems: _Problems) -> list[dict[str, Any]]:
    """One mapping per row: blank cells left out (the default applies), numbers parsed."""
    out = []
    for line, cells in rows:
        obj: dict[str, Any] = {}
        for column, text in cells.items():
            if text == "":
                continue
            obj[column] = _number(name, line, column, text, problems, numeric[column]) if column in numeric else text
        out.append(obj)
    return out


def _pairs(name: str, rows: list[Row], keys: tuple[str, str], ids: tuple[list[str], list[str]], value: str,
           problems: _Problems, complete: bool, whole: bool = False) -> list[list[float]]:  # fmt: skip
    """A matrix from long rows ``(row id, column id, value)``; ``complete`` asks for every pair."""
    index = [{k: i for i, k in enumerate(id_list)} for id_list in ids]
    matrix: list[list[Any]] = [[None] * len(ids[1]) for _ in ids[0]]
    for line, cells in rows:
        a, b = cells.get(keys[0], ""), cells.get(keys[1], "")
        if a not in index[0] or b not in index[1]:
            which = keys[0] if a not in index[0] else keys[1]
            problems.add(f"{name} line {line}, column {which}: unknown id {cells.get(which, '')!r}")
            continue
        i, j = index[0][a], index[1][b]
        if matrix[i][j] is not None:
            problems.add(f"{name} line {line}: the pair {a!r}, {b!r} appears twice")
            continue
        number = _number(name, line, value, cells.get(value, ""), problems, whole)
        matrix[i][j] = number if number is not None else 0.0
    gaps = [(ids[0][i], ids[1][j]) for i in range(len(ids[0])) for j in range(len(ids[1])) if matrix[i][j] is None]
    if complete and gaps:
        shown = ", ".join(f"{a}/{b}" for a, b in gaps[:5])
        problems.add(f"{name}: {len(gaps)} {keys[0]}/{keys[1]} pair(s) have no row (e.g. {shown})")
    return [[0.0 if v is None else v for v in row] for row in matrix]


def _settings(folder: Path, kind: str, problems: _Problems) -> dict[str, Any]:
    path = folder / "settings.yaml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, OSError) as exc:
        problems.add(f"settings.yaml: malformed ({exc})")
        return {}
    if not isinstance(data, dict):
        problems.add("settings.yaml: must be a mapping of field: value")
        return {}
    for key in data:
        if key not in SETTINGS[kind]:
            problems.add(f"settings.yaml: unknown field {key!r}; allowed: {', '.join(SETTINGS[kind])}")
    data.pop("kind", None)
    return data


def _validate(
    model: type[BaseModel], data: dict[str, Any], folder: Path, sources: dict[str, tuple[str, list[Row]]]
) -> Any:
    """Validate; each error names the CSV file, line and column it comes from."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:MAX_PROBLEMS]:
            loc = err["loc"]
            where = ".".join(str(p) for p in loc)
            if loc and loc[0] in sources and len(loc) >= 2 and isinstance(loc[1], int):
                name, rows = sources[str(loc[0])]
                line = rows[loc[1]][0] if loc[1] < len(rows) else "?"
                column = f", column {loc[2]}" if len(loc) > 2 else ""
                where = f"{name} line {line}{column}"
            elif loc and str(loc[0]) in MATRIX_FILES:
                where = f"{MATRIX_FILES[str(loc[0])]} ({where}: the pair's row)"
            elif loc and str(loc[0]) in data and str(loc[0]) not in sources:
                where = f"settings.yaml {where}"
            problems.append(f"{where}: {err['msg']}")
        raise InstanceError("; ".join(problems), str(folder)) from exc


def read_facility_folder(folder: str | Path) -> FacilityInstance:
    """Read a facility instance from a CSV folder (see the module docstring).

    Parameters
    ----------
    folder : str or Path
        The folder.

    Returns
    -------
    FacilityInstance
        The validated instance.

    Raises
    ------
    InstanceError
        Naming file, line and column of every problem found (up to 20).
    """
    folder, problems = Path(folder), _Problems(Path(folder))
    settings = _settings(folder, "facility", problems)
    wrows = _read(folder, "warehouses.csv", ("id", "capacity", "fixed_cost"), ("id", "capacity"), problems)
    crows = _read(folder, "customers.csv", ("id", "demand"), ("id", "demand"), problems)
    costs = _read(folder, "costs.csv", ("warehouse", "customer", "cost"), ("warehouse", "customer", "cost"), problems)
    warehouses = _objects("warehouses.csv", wrows, {"capacity": False, "fixed_cost": False}, problems)
    customers = _objects("customers.csv", crows, {"demand": False}, problems)
    ids = ([str(w.get("id", "")) for w in warehouses], [str(c.get("id", "")) for c in customers])
    cost = _pairs("costs.csv", costs, ("warehouse", "customer"), ids, "cost", problems, complete=True)
    problems.raise_any()
    data = {"kind": "facility", **settings, "warehouses": warehouses, "customers": customers, "cost": cost}
    sources = {"warehouses": ("warehouses.csv", wrows), "customers": ("customers.csv", crows)}
    return _validate(FacilityInstance, data, folder, sources)


def read_placement_folder(folder: str | Path) -> PlacementInstance:
    """Read a placement instance from a CSV folder (see the module docstring).

    Parameters
    ----------
    folder : str or Path
        The folder.

    Returns
    -------
    PlacementInstance
        The validated instance.

    Raises
    ------
    InstanceError
        Naming file, line and column of every problem found (up to 20).
    """
    folder, problems = Path(folder), _Problems(Path(folder))
    settings = _settings(folder, "placement", problems)
    wrows = _read(folder, "warehouses.csv", ("id", "space", "max_skus", "stocking_cost"), ("id", "space"), problems)
    srows = _read(folder, "skus.csv", ("id", "volume", "holding_cost", "cover", "base_stock"), ("id",), problems)
    zrows = _read(folder, "zones.csv", ("id",), ("id",), problems)
    drows = _read(folder, "demand.csv", ("sku", "zone", "units"), ("sku", "zone", "units"), problems)
    shrows = _read(folder, "shipping.csv", ("warehouse", "zone", "cost"), ("warehouse", "zone", "cost"), problems)
    warehouses = _objects("warehouses.csv", wrows, {"space": False, "max_skus": True, "stocking_cost": False}, problems)
    skus = _objects(
        "skus.csv", srows, dict.fromkeys(("volume", "holding_cost", "cover", "base_stock"), False), problems
    )
    zones = [cells.get("id", "") for _, cells in zrows]
    wids, sids = [str(w.get("id", "")) for w in warehouses], [str(s.get("id", "")) for s in skus]
    demand = _pairs("demand.csv", drows, ("sku", "zone"), (sids, zones), "units", problems, complete=False)
    shipping = _pairs("shipping.csv", shrows, ("warehouse", "zone"), (wids, zones), "cost", problems, complete=True)
    problems.raise_any()
    data = {"kind": "placement", **settings, "warehouses": warehouses, "skus": skus, "zones": zones,
            "demand": demand, "shipping_cost": shipping}  # fmt: skip
    sources = {"warehouses": ("warehouses.csv", wrows), "skus": ("skus.csv", srows), "zones": ("zones.csv", zrows)}
    return _validate(PlacementInstance, data, folder, sources)


def read_orders_folder(folder: str | Path) -> OrderAllocationInstance:
    """Read an order-allocation day from a CSV folder (see the module docstring).

    Parameters
    ----------
    folder : str or Path
        The folder.

    Returns
    -------
    OrderAllocationInstance
        The validated instance.

    Raises
    ------
    InstanceError
        Naming file, line and column of every problem found (up to 20).
    """
    folder, problems = Path(folder), _Problems(Path(folder))
    settings = _settings(folder, "order-allocation", problems)
    wrows = _read(folder, "warehouses.csv", ("id", "capacity", "handling_cost"), ("id", "capacity"), problems)
    strows = _read(folder, "stock.csv", ("warehouse", "sku", "units"), ("warehouse", "sku", "units"), problems)
    zrows = _read(folder, "zones.csv", ("id",), ("id",), problems)
    shrows = _read(folder, "shipping.csv", ("warehouse", "zone", "cost", "transit_days"),
                   ("warehouse", "zone", "cost"), problems)  # fmt: skip
    prows = _read(folder, "promises.csv", ("id", "max_transit_days"), ("id", "max_transit_days"), problems)
    lrows = _read(folder, "lines.csv", ("order", "zone", "promise", "sku", "quantity"),
                  ("order", "zone", "promise", "sku"), problems)  # fmt: skip
    warehouses = _objects("warehouses.csv", wrows, {"capacity": True, "handling_cost": False}, problems)
    index = {str(w.get("id", "")): w for w in warehouses}
    for line, cells in strows:
        w = index.get(cells.get("warehouse", ""))
        if w is None:
            problems.add(f"stock.csv line {line}, column warehouse: unknown id {cells.get('warehouse', '')!r}")
            continue
        units = _number("stock.csv", line, "units", cells.get("units", ""), problems, whole=True)
        stock = w.setdefault("stock", {})
        if cells.get("sku", "") in stock:
            problems.add(f"stock.csv line {line}: SKU {cells.get('sku')!r} listed twice for {w['id']!r}")
        elif units is not None:
            stock[cells.get("sku", "")] = units
    zones = [{"id": cells.get("id", "")} for _, cells in zrows]
    pair_ids = ([str(w.get("id", "")) for w in warehouses], [z["id"] for z in zones])
    shipping = _pairs("shipping.csv", shrows, ("warehouse", "zone"), pair_ids, "cost", problems, complete=True)
    with_transit = [(line, cells) for line, cells in shrows if cells.get("transit_days", "") != ""]
    transit = (_pairs("shipping.csv", with_transit, ("warehouse", "zone"), pair_ids, "transit_days", problems,
                      complete=True) if with_transit else None)  # fmt: skip
    promises = _objects("promises.csv", prows, {"max_transit_days": False}, problems)
    orders: dict[str, dict[str, Any]] = {}
    for line, cells in lrows:
        oid = cells.get("order", "")
        order = orders.setdefault(oid, {"id": oid, "zone": cells.get("zone", ""), "promise": cells.get("promise", ""),
                                        "lines": []})  # fmt: skip
        if (cells.get("zone", ""), cells.get("promise", "")) != (order["zone"], order["promise"]):
            problems.add(f"lines.csv line {line}: order {oid!r} has another zone or promise than its first line")
        qty = cells.get("quantity", "")
        line_obj: dict[str, Any] = {"sku": cells.get("sku", "")}
        if qty:
            line_obj["quantity"] = _number("lines.csv", line, "quantity", qty, problems, whole=True)
        order["lines"].append(line_obj)
    problems.raise_any()
    data: dict[str, Any] = {
        "kind": "order-allocation", **settings, "warehouses": warehouses, "zones": zones, "shipping_cost": shipping,
        "promise_classes": promises, "orders": list(orders.values()),
    }  # fmt: skip
    if transit is not None:
        data["transit_days"] = transit
    sources = {"warehouses": ("warehouses.csv", wrows), "zones": ("zones.csv", zrows),
               "promise_classes": ("promises.csv", prows)}  # fmt: skip
    return _validate(OrderAllocationInstance, data, folder, sources)


READERS = {"facility": read_facility_folder, "placement": read_placement_folder,
           "order-allocation": read_orders_folder}  # fmt: skip
