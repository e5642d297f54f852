"""Inventory instances as a CSV folder, policy tables a planner writes, and the CSV outputs of a plan.

The folder (header row required; unknown columns and keys are errors; a blank cell takes the default):

- ``items.csv``: one row per item (a SKU in a warehouse), columns :data:`ITEM_COLUMNS`; ``sku``,
  ``lead_time_mean`` and ``unit_cost`` must be present.
- optional ``settings.yaml``: the instance-level fields (:data:`SETTINGS_KEYS`).
- optional ``history.csv``: demand history in long format (``unique_id`` = ``sku@warehouse`` or the
  ``sku`` alone when it names one item, ``ds`` ISO dates, ``y``), read by :func:`optiops.io.demand.read_demand`.

Every problem names the file, the line and the column. See ``docs/formats/inventory.md``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from optiops.exceptions import InstanceError
from optiops.io.demand import read_demand
from optiops.io.documents import DOCUMENT_SUFFIXES, read_as, read_document
from optiops.io.errors import field_path
from optiops.model.inventory import InventoryInstance, InventoryPlan, PolicyRow

ITEM_COLUMNS = (
    "sku", "warehouse", "demand_mean", "demand_sd", "lead_time_mean", "lead_time_sd", "review_period", "moq",
    "pack", "unit_cost", "holding_rate", "order_cost", "shortage_cost", "shortage", "return_rate", "return_delay",
    "target", "space", "on_hand",
)  # fmt: skip
REQUIRED_ITEM_COLUMNS = ("sku", "lead_time_mean", "unit_cost")
SETTINGS_KEYS = ("kind", "schema_version", "name", "period_days", "horizon", "service", "target", "policy",
                 "distribution", "correct", "history_half_life", "simulation", "constraints")  # fmt: skip
PLAN_POLICY_COLUMNS = (
    "item", "sku", "warehouse", "policy", "review_period", "reorder_point", "order_up_to", "order_quantity",
    "safety_stock", "target", "achieved_csl", "fill_rate", "mean_on_hand", "days_of_inventory", "cost",
)  # fmt: skip
ORDER_COLUMNS = ("item", "period", "quantity", "arrival")
MAX_PROBLEMS = 20

_TEXT = {"sku", "warehouse", "shortage"}
_WHOLE = {"review_period", "return_delay"}
_NESTED = {"lead_time_mean": ("lead_time", "mean"), "lead_time_sd": ("lead_time", "sd"),
           "return_rate": ("returns", "rate"), "return_delay": ("returns", "delay")}  # fmt: skip
_COLUMN_OF = {nested: column for column, nested in _NESTED.items()}
_ITEM_REF = re.compile(r"items\[(\d+)\](?:\.(\w+))?")


@dataclass(frozen=True)
class _Table:
    """Rows of one CSV file with the line each starts on (the header is line 1)."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def _read_table(path: Path, allowed: tuple[str, ...], required: tuple[str, ...]) -> _Table:
    """Read a CSV file with a header; unknown or missing columns are an error naming the file."""
    rows = []
    try:  # utf-8-sig: spreadsheet exports start with a byte-order mark
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = tuple((h or "").strip() for h in reader.fieldnames or [])
            line = reader.line_num + 1
            for raw in reader:
                rows.append((line, {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}))
                line = reader.line_num + 1
    except OSError as exc:
        raise InstanceError(f"cannot read: {exc.strerror}", str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InstanceError(f"not UTF-8 text (byte {exc.start}): export the file as CSV UTF-8", str(path)) from exc
    except csv.Error as exc:
        raise InstanceError(f"malformed CSV: {exc}", str(path)) from exc
    unknown = [c for c in header if c not in allowed]
    if unknown:
        raise InstanceError(f"unknown columns {unknown}; allowed: {list(allowed)}", str(path))
    missing = [c for c in required if c not in header]
    if missing:
        raise InstanceError(f"missing columns {missing}", str(path))
    return _Table(path, header, tuple(rows))


def _number(raw: str, whole: bool = False) -> float | int:
    """A CSV cell as a finite number (a whole number when ``whole``), or ValueError saying why not."""
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{raw!r} is not a finite number")
    if whole:
        if value != int(value):
            raise ValueError(f"{raw!r} is not a whole number")
        return int(value)
    return value


def _item(line: int, row: dict[str, str], problems: list[str]) -> dict[str, Any]:
    """One ``items.csv`` row as the nested mapping of :class:`optiops.model.inventory.Item` (blanks left out)."""
    item: dict[str, Any] = {}
    for column in ITEM_COLUMNS:
        raw = row.get(column, "")
        if raw == "":
            continue
        try:
            value = raw if column in _TEXT else _number(raw, column in _WHOLE)
        except ValueError as exc:
            problems.append(f"line {line}, column {column!r}: {exc}")
            continue
        if column in _NESTED:
            parent, key = _NESTED[column]
            item.setdefault(parent, {})[key] = value
        else:
            item[column] = value
    return item


def item_key(sku: str, warehouse: str) -> str:
    """The item name used everywhere: ``sku@warehouse``, or the SKU alone without a warehouse."""
    return f"{sku}@{warehouse}" if warehouse else sku


def _resolve(name: str, keys: dict[str, int], by_sku: dict[str, list[int]]) -> tuple[int | None, str]:
    """Index of the item ``name`` refers to (its key, or a SKU stocked in one warehouse), else a reason."""
    if name in keys:
        return keys[name], ""
    owners = by_sku.get(name, [])
    if len(owners) == 1:
        return owners[0], ""
    if owners:
        return None, f"SKU {name!r} is stocked in several warehouses: write sku@warehouse"
    return None, f"no item {name!r} in the instance"


def _attach_history(path: Path, items: list[dict[str, Any]]) -> None:
    """Put each series of ``history.csv`` on the item its ``unique_id`` names."""
    hist = read_demand(path)
    keys = {item_key(str(it.get("sku", "")), str(it.get("warehouse", ""))): k for k, it in enumerate(items)}
    by_sku: dict[str, list[int]] = {}
    for k, it in enumerate(items):
        by_sku.setdefault(str(it.get("sku", "")), []).append(k)
    problems: list[str] = []
    for s, name in enumerate(hist.ids):
        idx, reason = _resolve(name, keys, by_sku)
        if idx is None:
            problems.append(f"column 'unique_id': {reason} (items.csv)")
            continue
        items[idx]["history"] = hist.values[hist.offsets[s] : hist.offsets[s + 1]].tolist()
    _raise(problems, str(path))


def _settings(path: Path) -> dict[str, Any]:
    """The instance-level fields of ``settings.yaml`` (empty when the file does not exist)."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except OSError as exc:
        raise InstanceError(f"cannot read: {exc.strerror}", str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InstanceError(f"not UTF-8 text (byte {exc.start})", str(path)) from exc
    except yaml.YAMLError as exc:
        raise InstanceError(f"malformed YAML: {exc}", str(path)) from exc
    if not isinstance(data, dict):
        raise InstanceError(f"must be a mapping of {', '.join(SETTINGS_KEYS[2:])}", str(path))
    unknown = sorted(str(k) for k in data if k not in SETTINGS_KEYS)
    if unknown:
        raise InstanceError(f"unknown keys {unknown}; allowed: {', '.join(SETTINGS_KEYS)}", str(path))
    return data


def _where_in_item(rest: tuple[Any, ...]) -> str:
    """The items.csv column (or file) a field path below ``items[k]`` comes from."""
    if not rest:
        return ""
    if rest[0] == "history":
        return ", history (history.csv)"
    if rest[0] in ("lead_time", "returns"):
        default = "lead_time_mean" if rest[0] == "lead_time" else "return_rate"
        column = _COLUMN_OF.get((rest[0], rest[1]), default) if len(rest) > 1 else default
        return f", column {column!r}"
    return f", column {rest[0]!r}"


def _folder_problems(exc: ValidationError, data: dict[str, Any], lines: list[int]) -> list[str]:
    """Pydantic errors of a folder's instance, each placed in its file, line and column."""

    def item_ref(m: re.Match[str]) -> str:
        return f"items.csv line {lines[int(m.group(1))]}" + (_where_in_item((m.group(2),)) if m.group(2) else "")

    problems = []
    for e in exc.errors():
        loc, msg = tuple(e["loc"]), e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown field"
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            problems.append(f"items.csv line {lines[loc[1]]}{_where_in_item(loc[2:])}: {msg}")
        elif loc:
            problems.append(f"settings.yaml: {field_path(loc, data)}: {msg}")
        else:
            problems.append(_ITEM_REF.sub(item_ref, msg))
    return problems


def read_inventory_folder(folder: str | Path) -> InventoryInstance:
    """Read an inventory instance from a folder with ``items.csv`` (and optional ``settings.yaml``, ``history.csv``).

    Parameters
    ----------
    folder
        The folder.

    Returns
    -------
    InventoryInstance
        The validated instance; its name defaults to the folder's name.

    Raises
    ------
    InstanceError
        Naming the file, line and column of every problem found (up to 20).
    """
    folder = Path(folder)
    if not (folder / "items.csv").is_file():
        raise InstanceError("missing items.csv (a CSV inventory instance needs one row per item)", str(folder))
    settings = _settings(folder / "settings.yaml")
    table = _read_table(folder / "items.csv", ITEM_COLUMNS, REQUIRED_ITEM_COLUMNS)
    problems: list[str] = []
    items = [_item(line, row, problems) for line, row in table.rows]
    _raise(problems, str(table.path))
    if (folder / "history.csv").exists():
        _attach_history(folder / "history.csv", items)
    data = {"kind": "inventory", "name": folder.name, **settings, "items": items}
    try:
        return InventoryInstance.model_validate(data)
    except ValidationError as exc:
        _raise(_folder_problems(exc, data, [line for line, _ in table.rows]), str(folder))
        raise  # unreachable: _raise raised


def is_inventory_input(path: str | Path) -> bool:
    """True for a folder holding ``items.csv`` or a YAML/JSON document with ``kind: inventory``."""
    path = Path(path)
    if path.is_dir():
        return (path / "items.csv").is_file()
    if path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES:
        return read_document(path).get("kind") == "inventory"
    return False


def load_inventory(path: str | Path) -> InventoryInstance:
    """Read an inventory instance from a YAML/JSON document or a CSV folder.

    Parameters
    ----------
    path
        ``.yaml``/``.yml``/``.json`` file with ``kind: inventory``, or a folder with ``items.csv``.

    Returns
    -------
    InventoryInstance
        The validated instance.

    Raises
    ------
    InstanceError
        The path does not exist, or the instance is malformed (file, field and reason).
    """
    path = Path(path)
    if path.is_dir():
        return read_inventory_folder(path)
    if not path.is_file():
        raise InstanceError("no such file or folder", str(path))
    if path.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise InstanceError("an inventory instance is a .yaml/.yml/.json file or a folder with items.csv", str(path))
    return read_as(path, InventoryInstance)


def read_policies(path: str | Path, inst: InventoryInstance) -> list[PolicyRow]:
    """A policy for every item of ``inst``, in instance order, from a CSV table or a plan document.

    Parameters
    ----------
    path
        A CSV with columns ``item`` (or ``sku`` and ``warehouse``), ``reorder_point``, ``order_up_to``
        and optionally ``order_quantity`` (0: order up to S) and ``review_period`` (default: the item's);
        the other columns of ``policies.csv`` are allowed and ignored. Or a ``plan.json``/``.yaml`` of
        ``kind: inventory-plan``.
    inst
        The instance the policies are for.

    Returns
    -------
    list of PolicyRow
        One row per item of ``inst`` (``order_up_to`` defaults to ``reorder_point + order_quantity``).

    Raises
    ------
    InstanceError
        A row names no item of the instance or repeats one, an item has no row, or a value is not a
        number or out of range; naming the file, line and column.
    """
    path = Path(path)
    if path.suffix.lower() in DOCUMENT_SUFFIXES:
        return plan_policies(read_as(path, InventoryPlan), inst, str(path))
    table = _read_table(path, PLAN_POLICY_COLUMNS, ("reorder_point",))
    if "item" not in table.header and "sku" not in table.header:
        raise InstanceError("missing columns ['item'] (or 'sku' and 'warehouse')", str(path))
    problems: list[str] = []
    entries = []
    for line, row in table.rows:
        column = "item" if row.get("item") else "sku"
        name = row.get("item") or item_key(row.get("sku", ""), row.get("warehouse", ""))
        entries.append((f"line {line}, column {column!r}", name, _levels(line, row, problems)))
    _raise(problems, str(path))
    return _align(entries, inst, "column 'item'", str(path))


def plan_policies(plan: InventoryPlan, inst: InventoryInstance, source: str) -> list[PolicyRow]:
    """The policies of an inventory plan aligned with ``inst``'s items (one each, in item order).

    Raises
    ------
    InstanceError
        A policy names no item of the instance or repeats one, or an item has none (naming ``source``).
    """
    entries = [(f"policies[{k}].item", row.item, row.model_dump()) for k, row in enumerate(plan.policies)]
    return _align(entries, inst, "policies", source)


def _levels(line: int, row: dict[str, str], problems: list[str]) -> dict[str, Any]:
    """Reorder point, order-up-to level, order quantity and review period of one policy row."""
    values: dict[str, Any] = {}
    for column in ("reorder_point", "order_up_to", "order_quantity", "review_period"):
        raw = row.get(column, "")
        if raw == "":
            if column == "reorder_point" or (column == "order_up_to" and not row.get("order_quantity")):
                problems.append(f"line {line}, column {column!r}: missing")
            continue
        try:
            values[column] = _number(raw, whole=column == "review_period")
        except ValueError as exc:
            problems.append(f"line {line}, column {column!r}: {exc}")
            continue
        low = 1 if column == "review_period" else 0
        if values[column] < low:
            problems.append(f"line {line}, column {column!r}: must be at least {low}, found {raw}")
    s, big_s = values.get("reorder_point"), values.get("order_up_to")
    if s is not None and big_s is not None and big_s < s and not values.get("order_quantity"):
        problems.append(f"line {line}, column 'order_up_to': {big_s:g} is below the reorder point {s:g}")
    return values


def _align(
    entries: list[tuple[str, str, dict[str, Any]]], inst: InventoryInstance, missing_where: str, source: str
) -> list[PolicyRow]:
    """Match policy entries ``(where, item name, values)`` to the instance's items: one each, in item order."""
    keys = {it.key: k for k, it in enumerate(inst.items)}
    by_sku: dict[str, list[int]] = {}
    for k, it in enumerate(inst.items):
        by_sku.setdefault(it.sku, []).append(k)
    found: dict[int, tuple[str, dict[str, Any]]] = {}
    problems = []
    for where, name, values in entries:
        idx, reason = _resolve(name, keys, by_sku)
        if idx is None:
            problems.append(f"{where}: {reason}")
        elif idx in found:
            problems.append(f"{where}: item {inst.items[idx].key!r} already has a policy ({found[idx][0]})")
        else:
            found[idx] = (where, values)
    problems += [f"{missing_where}: no policy for item {it.key!r} (every item of the instance needs one)"
                 for k, it in enumerate(inst.items) if k not in found]  # fmt: skip
    _raise(problems, source)
    rows = []
    for k, it in enumerate(inst.items):
        v = found[k][1]
        q = float(v.get("order_quantity") or 0.0)
        s = float(v["reorder_point"])
        rows.append(PolicyRow(
            item=it.key, sku=it.sku, warehouse=it.warehouse, policy=str(v.get("policy") or "given"),
            review_period=int(v.get("review_period") or it.review_period), reorder_point=s,
            order_up_to=float(v["order_up_to"]) if v.get("order_up_to") is not None else s + q, order_quantity=q,
        ))  # fmt: skip
    return rows


def _raise(problems: list[str], source: str) -> None:
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        raise InstanceError(problems[:MAX_PROBLEMS] + ([f"... and {extra} more"] if extra > 0 else []), source)


def _table_text(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows([{k: "" if v is None else v for k, v in row.items()} for row in rows])
    return buf.getvalue()


def policies_csv(plan: InventoryPlan) -> str:
    """The policy table of a plan as CSV text (columns :data:`PLAN_POLICY_COLUMNS`; blank: not measured).

    Parameters
    ----------
    plan
        The plan.

    Returns
    -------
    str
        One row per item; ``optiops simulate`` reads it back as a policy file.
    """
    return _table_text(PLAN_POLICY_COLUMNS, [row.model_dump() for row in plan.policies])


def orders_csv(plan: InventoryPlan) -> str:
    """The replenishment plan as CSV text: ``item, period, quantity, arrival``.

    Parameters
    ----------
    plan
        The plan.

    Returns
    -------
    str
        One row per order, in item then period order.
    """
    return _table_text(ORDER_COLUMNS, [line.model_dump() for line in plan.orders])
