"""``events.yaml``: read and check a scenario's disruptions, write them, and draw a random mix of them.

The boundary checks every event twice: on its own (:mod:`optiops.model.events`: types, bounds, dates
in order) and against the scenario: the warehouse, vehicle, employees, SKU, category or supplier it
names must exist, every date must lie in the hold-out, and a breakdown must happen before its
vehicle's shift ends. Problems name the file, the event's field and the reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError

from optiops.exceptions import InstanceError
from optiops.io.documents import read_document
from optiops.io.errors import field_path
from optiops.model.events import (
    EVENT_TYPES,
    DemandSurge,
    Events,
    LateOrders,
    StaffAbsence,
    SupplierDelay,
    VehicleBreakdown,
    WarehouseOutage,
    minute_of,
)
from optiops.model.scenario import Scenario

EVENTS_FILE = "events.yaml"
MAX_PROBLEMS = 10


def read_events(path: str | Path, scenario: Scenario) -> Events:
    """Read ``events.yaml`` (or any events file) and check it against ``scenario``.

    Parameters
    ----------
    path : str or Path
        A YAML (or JSON) mapping ``{kind: events, events: [...]}`` (docs/events.md).
    scenario : Scenario
        The scenario the events happen in.

    Returns
    -------
    Events

    Raises
    ------
    InstanceError
        A malformed event, or one naming something the scenario does not have or a day outside its
        hold-out; the message names the file, ``events[i].field`` and the reason.
    """
    path = Path(path)
    if not path.is_file():
        raise InstanceError("missing file", str(path))
    data = read_document(path)
    data.setdefault("kind", "events")
    try:
        events = Events.model_validate(data)
    except ValidationError as exc:
        raise InstanceError(_pydantic_problems(exc, data)[:MAX_PROBLEMS], str(path)) from exc
    problems = [p for i, e in enumerate(events.events) for p in event_problems(e, scenario, f"events[{i}]")]
    if problems:
        raise InstanceError(problems[:MAX_PROBLEMS], str(path))
    return events


def _pydantic_problems(exc: ValidationError, data: Any) -> list[str]:
    """``events[i].field: reason`` per error (the union's tag left out of the path)."""
    out = []
    for e in exc.errors():
        loc = tuple(part for part in e["loc"] if part not in EVENT_TYPES)
        msg = "unknown field" if e["type"] == "extra_forbidden" else e["msg"].removeprefix("Value error, ")
        out.append(f"{field_path(loc, data)}: {msg}")
    return out


def event_problems(event: Any, scenario: Scenario, where: str) -> list[str]:
    """Every reference of one event the scenario does not know, and every date outside its hold-out."""
    first = scenario.history_end + dt.timedelta(days=1)
    problems = []
    for name in ("start", "end", "day", "announced"):
        day = getattr(event, name, None)
        if isinstance(day, dt.date) and not first <= day <= scenario.end:
            field = {"start": "from", "end": "to"}.get(name, name)
            problems.append(f"{where}.{field}: {day} is outside the hold-out ({first} to {scenario.end})")
    warehouses = set(scenario.warehouses["warehouse"].astype(str))
    wh = getattr(event, "warehouse", None)
    if wh is not None and wh not in warehouses:
        return [*problems, f"{where}.warehouse: unknown warehouse {wh!r} (not in warehouses.csv)"]
    categories = set(scenario.skus["category"].astype(str))
    if isinstance(event, VehicleBreakdown):
        problems += _vehicle_problems(event, scenario, where)
    elif isinstance(event, StaffAbsence):
        staff = scenario.staff[scenario.staff["warehouse"] == wh]
        unknown = [e for e in event.employees if e not in set(staff["employee"].astype(str))]
        if unknown:
            problems.append(f"{where}.employees: {unknown[0]!r} is not an employee of {wh} (staff.csv)")
        if event.head_count > len(staff):
            problems.append(f"{where}.people: {event.head_count} absent, but {wh} has {len(staff)} employees")
    elif isinstance(event, DemandSurge):
        if scenario.orders is not None:
            problems.append(f"{where}.type: the scenario ships its recorded orders (orders.csv); a demand surge "
                            "cannot change them")  # fmt: skip
        if event.sku is not None and event.sku not in set(scenario.skus["sku"].astype(str)):
            problems.append(f"{where}.sku: unknown SKU {event.sku!r} (not in skus.csv)")
        if event.category is not None and event.category not in categories:
            problems.append(f"{where}.category: unknown category {event.category!r} (not in skus.csv)")
    elif isinstance(event, SupplierDelay) and event.supplier not in categories:
        problems.append(f"{where}.supplier: unknown supplier {event.supplier!r} (the suppliers are the "
                        f"categories of skus.csv: {sorted(categories)})")  # fmt: skip
    return problems


def vehicle_of(name: str) -> tuple[str, int]:
    """'van' -> ('van', 0), 'van-2' -> ('van', 1): the vehicle type and the vehicle's index within it."""
    kind, _, number = name.rpartition("-")
    return (kind, int(number) - 1) if kind and number.isdigit() and int(number) >= 1 else (name, 0)


def _vehicle_problems(event: VehicleBreakdown, scenario: Scenario, where: str) -> list[str]:
    fleet = scenario.vehicles[(scenario.vehicles["warehouse"] == event.warehouse) & (scenario.vehicles["count"] > 0)]
    kind, index = vehicle_of(event.vehicle)
    row = fleet[fleet["vehicle_type"] == kind]
    if row.empty:
        return [f"{where}.vehicle: unknown vehicle {event.vehicle!r} of {event.warehouse} (vehicles.csv has "
                f"{sorted(fleet['vehicle_type'].astype(str)) or 'none'})"]  # fmt: skip
    if index >= int(row["count"].iloc[0]):
        return [f"{where}.vehicle: {event.warehouse} has {int(row['count'].iloc[0])} {kind}(s), not {index + 1}"]
    end = int(row["shift_end"].iloc[0])
    if minute_of(event.time) >= end:
        return [f"{where}.time: {event.time} is after the day ends (the {kind}'s shift ends at "
                f"{end // 60:02d}:{end % 60:02d})"]  # fmt: skip
    return []


def events_yaml(events: Events) -> bytes:
    """``events.yaml``: one mapping per event, dates as ISO dates, empty fields left out."""
    rows = []
    for e in events.events:
        row = e.model_dump(mode="python", by_alias=True, exclude_none=True)
        if not row.get("employees", True):
            del row["employees"]
        rows.append({k: list(v) if isinstance(v, tuple) else v for k, v in row.items()})
    head = "# Disruptions of the hold-out, applied by optiops replay in both plans (docs/events.md)\n"
    body = yaml.dump({"kind": "events", "events": rows}, Dumper=_PlainDumper, sort_keys=False,
                     default_flow_style=False, width=120)  # fmt: skip
    return (head + body).encode()


class _PlainDumper(yaml.SafeDumper):
    """Safe YAML without anchors: a date repeated in an event is written twice, as a planner would."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def generate_events(scenario: Scenario, n: int, seed: int) -> Events:
    """``n`` events drawn over the hold-out: every type in turn (a shuffled round), then again.

    The draws come from their own generator (``seed``, 24), so the scenario's tables do not change.
    Types a scenario cannot have (a breakdown without a fleet) are skipped in the round.
    """
    rng = np.random.default_rng([seed, 24])
    days = pd.date_range(scenario.history_end + dt.timedelta(days=1), scenario.end).date.tolist()
    if n <= 0 or not days:
        return Events()
    makers = {"warehouse_outage": _outage, "vehicle_breakdown": _breakdown, "staff_absence": _absence,
              "demand_surge": _surge, "supplier_delay": _delay, "late_orders": _late}  # fmt: skip
    out: list[Any] = []
    while len(out) < n:
        made = 0
        for k in rng.permutation(len(EVENT_TYPES)):
            event = makers[EVENT_TYPES[k]](scenario, days, rng)
            if event is not None and len(out) < n:
                out.append(event)
                made += 1
        if not made:
            break
    return Events(events=tuple(out))


def _pick(rng: np.random.Generator, values: list[Any]) -> Any:
    return values[int(rng.integers(len(values)))]


def _warehouses(s: Scenario) -> list[str]:
    return s.warehouses["warehouse"].astype(str).tolist()


def _outage(s: Scenario, days: list[dt.date], rng: np.random.Generator) -> WarehouseOutage:
    k = int(rng.integers(len(days)))
    end = days[min(k + int(rng.integers(0, 2)), len(days) - 1)]
    share = _pick(rng, [0.5, 1.0])
    return WarehouseOutage(warehouse=_pick(rng, _warehouses(s)), start=days[k], end=end, capacity_share=share)


def _breakdown(s: Scenario, days: list[dt.date], rng: np.random.Generator) -> VehicleBreakdown | None:
    fleet = s.vehicles[s.vehicles["count"] > 0].reset_index(drop=True)
    if fleet.empty:
        return None
    row = fleet.iloc[int(rng.integers(len(fleet)))]
    vehicle = f"{row['vehicle_type']}-{int(rng.integers(int(row['count']))) + 1}"
    minute = int(rng.integers(int(row["shift_start"]) + 60, max(int(row["shift_start"]) + 61, 14 * 60)))
    return VehicleBreakdown(warehouse=str(row["warehouse"]), vehicle=vehicle, day=_pick(rng, days),
                            time=f"{minute // 60:02d}:{minute % 60:02d}")  # fmt: skip


def _absence(s: Scenario, days: list[dt.date], rng: np.random.Generator) -> StaffAbsence | None:
    sizes = s.staff.groupby("warehouse").size()
    if sizes.empty:
        return None
    wh = _pick(rng, sorted(sizes.index.astype(str)))
    people = min(int(rng.integers(1, 4)), int(sizes[wh]))
    return StaffAbsence(warehouse=wh, day=_pick(rng, days), people=people)


def _surge(s: Scenario, days: list[dt.date], rng: np.random.Generator) -> DemandSurge:
    k = int(rng.integers(len(days)))
    end = days[min(k + int(rng.integers(0, 3)), len(days) - 1)]
    announced = days[max(k - int(rng.integers(1, 8)), 0)]  # a sale is announced a few days ahead
    factor = round(float(rng.uniform(1.5, 3.0)), 2)
    if rng.random() < 0.5:
        return DemandSurge(category=_pick(rng, sorted(set(s.skus["category"].astype(str)))), start=days[k], end=end,
                           factor=factor, announced=announced)  # fmt: skip
    top = s.demand.groupby("sku")["y"].sum().sort_values(ascending=False).index[:20].astype(str).tolist()
    return DemandSurge(sku=_pick(rng, sorted(top)), start=days[k], end=end, factor=factor, announced=announced)


def _delay(s: Scenario, days: list[dt.date], rng: np.random.Generator) -> SupplierDelay:
    supplier = _pick(rng, sorted(set(s.skus["category"].astype(str))))
    return SupplierDelay(supplier=supplier, day=_pick(rng, days), extra_days=int(rng.integers(2, 6)))


def _late(s: Scenario, days: list[dt.date], rng: np.random.Generator) -> LateOrders:
    return LateOrders(day=_pick(rng, days), share=round(float(rng.uniform(0.1, 0.3)), 2))
