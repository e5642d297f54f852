"""A routing instance as a folder of CSV files, the way planners export it from their systems.

Files (header row required; unknown columns are an error):

- ``depots.csv``: ``id, x, y[, tw_start, tw_end]``
- ``stops.csv``: ``id, x, y, delivery, pickup, service_time, tw_start, tw_end, time_windows,
  required, skip_penalty`` (only ``id, x, y`` are needed). With several capacity dimensions use
  ``delivery_<dim>`` / ``pickup_<dim>``. ``time_windows`` holds several windows as ``60-120;300-360``.
- ``vehicles.csv``: ``id, count, capacity (or capacity_<dim>), fixed_cost, cost_per_distance,
  cost_per_time, start_depot, end_depot, shift_start, shift_end, max_duration``
- optional ``distance_matrix.csv`` / ``time_matrix.csv``: square, a header of node ids in node order
- optional ``instance.yaml``: ``name, rounding, dimensions, travel`` (metric, speed)
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from optiops.exceptions import InstanceError
from optiops.io.errors import problems_of
from optiops.model.routing import RoutingInstance

_COMMON = {
    "depots.csv": {"id", "x", "y", "tw_start", "tw_end"},
    "stops.csv": {"id", "x", "y", "delivery", "pickup", "service_time", "tw_start", "tw_end",
                  "time_windows", "required", "skip_penalty"},
    "vehicles.csv": {"id", "count", "capacity", "fixed_cost", "cost_per_distance", "cost_per_time",
                     "start_depot", "end_depot", "shift_start", "shift_end", "max_duration"},
}  # fmt: skip


class _Rows:
    """Rows of one CSV file with converters that name file, line and column on failure."""

    def __init__(self, path: Path, allowed: set[str], required: set[str]) -> None:
        self.path = path
        try:  # utf-8-sig: spreadsheet exports start with a byte-order mark
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                self.rows = [{(k or "").strip(): v for k, v in row.items()} for row in reader]
                header = [h.strip() for h in reader.fieldnames or []]
        except OSError as exc:
            raise InstanceError(f"cannot read: {exc.strerror}", str(path)) from exc
        except UnicodeDecodeError as exc:
            raise InstanceError(f"not UTF-8 text (byte {exc.start}): export the file as CSV UTF-8", str(path)) from exc
        unknown = [c for c in header if c not in allowed]
        if unknown:
            raise InstanceError(f"unknown columns {unknown}; allowed: {sorted(allowed)}", str(path))
        missing = sorted(required - set(header))
        if missing:
            raise InstanceError(f"missing columns {missing}", str(path))

    def get(self, k: int, row: dict[str, str], col: str, conv: Callable[[str], Any]) -> Any:
        value = (row.get(col) or "").strip()
        if value == "":
            return None
        try:
            return conv(value)
        except ValueError as exc:
            raise InstanceError(f"line {k + 2}, column {col!r}: cannot read {value!r} ({exc})", str(self.path)) from exc


def _bool(v: str) -> bool:
    low = v.lower()
    if low in ("true", "1", "yes", "y"):
        return True
    if low in ("false", "0", "no", "n"):
        return False
    raise ValueError("expected true or false")


def _windows(v: str) -> list[list[float]]:
    out = []
    for part in v.split(";"):
        lo, sep, hi = part.strip().partition("-")
        if not sep:
            raise ValueError("expected windows like 60-120;300-360")
        out.append([float(lo), float(hi)])
    return out


def _vector(rows: _Rows, k: int, row: dict[str, str], base: str, dims: list[str]) -> Any:
    if len(dims) == 1:
        return rows.get(k, row, base, int)
    values = [rows.get(k, row, f"{base}_{d}", int) for d in dims]
    return None if all(v is None for v in values) else [v or 0 for v in values]


def _window(rows: _Rows, k: int, row: dict[str, str], a: str, b: str) -> list[float] | None:
    lo, hi = rows.get(k, row, a, float), rows.get(k, row, b, float)
    if lo is None and hi is None:
        return None
    return [lo if lo is not None else 0.0, hi if hi is not None else float("inf")]


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def _matrix(path: Path, node_ids: list[str]) -> list[list[float]]:
    """A square matrix whose header row must name the nodes in node order (depots, then stops)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = [r for r in csv.reader(fh) if r]
    except UnicodeDecodeError as exc:
        raise InstanceError(f"not UTF-8 text (byte {exc.start})", str(path)) from exc
    header = [h.strip() for h in rows[0]] if rows else []
    if header != node_ids:
        raise InstanceError(
            f"header must list the node ids in node order (depots, then stops): expected {node_ids}, found {header}",
            str(path),
        )
    try:
        return [[float(x) for x in r] for r in rows[1:]]
    except ValueError as exc:
        raise InstanceError(f"non-numeric matrix entry ({exc})", str(path)) from exc


def _meta(folder: Path) -> dict[str, Any]:
    path = folder / "instance.yaml"
    if not path.exists():
        return {}
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except UnicodeDecodeError as exc:
        raise InstanceError(f"not UTF-8 text (byte {exc.start})", str(path)) from exc
    except yaml.YAMLError as exc:
        raise InstanceError(f"malformed YAML: {exc}", str(path)) from exc
    if not isinstance(meta, dict):
        raise InstanceError("must be a mapping of name, rounding, dimensions, travel", str(path))
    unknown = sorted(set(meta) - {"name", "rounding", "dimensions", "travel"})
    if unknown:
        raise InstanceError(f"unknown keys {unknown}; allowed: name, rounding, dimensions, travel", str(path))
    return meta


def read_csv_folder(folder: Path) -> RoutingInstance:
    """Read a routing instance from a folder of CSV files."""
    meta = _meta(folder)
    for name in ("depots.csv", "stops.csv", "vehicles.csv"):
        if not (folder / name).exists():
            raise InstanceError(f"missing {name} (a CSV routing instance needs depots, stops, vehicles)", str(folder))
    dims: list[str] = list(meta.get("dimensions", ["load"]))
    # one dimension: plain delivery/pickup/capacity columns; several: <base>_<dim> columns only
    vec_bases = ("delivery", "pickup", "capacity")
    multi = {f"{b}_{d}" for b in vec_bases for d in dims} if len(dims) > 1 else set()
    plain = set() if len(dims) > 1 else set(vec_bases)
    data: dict[str, Any] = {"kind": "routing", "name": meta.get("name", folder.name)}
    data.update({k: meta[k] for k in ("rounding", "dimensions", "travel") if k in meta})

    depots = _Rows(folder / "depots.csv", _COMMON["depots.csv"], {"id", "x", "y"})
    data["depots"] = [
        _drop_none({"id": r["id"], "x": depots.get(k, r, "x", float), "y": depots.get(k, r, "y", float),
                    "time_window": _window(depots, k, r, "tw_start", "tw_end")})
        for k, r in enumerate(depots.rows)
    ]  # fmt: skip
    stops = _Rows(folder / "stops.csv", (_COMMON["stops.csv"] - set(vec_bases)) | plain | multi, {"id", "x", "y"})
    data["stops"] = []
    for k, r in enumerate(stops.rows):
        tws = stops.get(k, r, "time_windows", _windows)
        single = _window(stops, k, r, "tw_start", "tw_end")
        data["stops"].append(
            _drop_none({
                "id": r["id"], "x": stops.get(k, r, "x", float), "y": stops.get(k, r, "y", float),
                "delivery": _vector(stops, k, r, "delivery", dims),
                "pickup": _vector(stops, k, r, "pickup", dims),
                "service_time": stops.get(k, r, "service_time", float),
                "time_windows": tws if tws is not None else ([single] if single else None),
                "required": stops.get(k, r, "required", _bool),
                "skip_penalty": stops.get(k, r, "skip_penalty", float),
            })
        )  # fmt: skip
    veh = _Rows(
        folder / "vehicles.csv", (_COMMON["vehicles.csv"] - set(vec_bases)) | plain | multi, {"id", "start_depot"}
    )
    data["vehicle_types"] = [
        _drop_none({
            "id": r["id"], "count": veh.get(k, r, "count", int),
            "capacity": _vector(veh, k, r, "capacity", dims),
            "fixed_cost": veh.get(k, r, "fixed_cost", float),
            "cost_per_distance": veh.get(k, r, "cost_per_distance", float),
            "cost_per_time": veh.get(k, r, "cost_per_time", float),
            "start_depot": r["start_depot"], "end_depot": (r.get("end_depot") or None),
            "shift": _window(veh, k, r, "shift_start", "shift_end"),
            "max_duration": veh.get(k, r, "max_duration", float),
        })
        for k, r in enumerate(veh.rows)
    ]  # fmt: skip
    for name, key in (("distance_matrix.csv", "distance_matrix"), ("time_matrix.csv", "time_matrix")):
        if (folder / name).exists():
            travel = dict(data.get("travel", {}))
            travel["metric"] = "matrix"
            node_ids = [d["id"] for d in data["depots"]] + [s["id"] for s in data["stops"]]
            travel[key] = _matrix(folder / name, node_ids)
            data["travel"] = travel
    try:
        return RoutingInstance.model_validate(data)
    except ValidationError as exc:
        raise InstanceError(problems_of(exc, data), str(folder)) from exc
