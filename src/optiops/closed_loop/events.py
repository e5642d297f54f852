"""The hold-out's events in the replay: what each changes on its days, the same for both plans.

Each event type registers one function (:data:`MARKS`) that writes its effect into the
:class:`DayEvents` of the days it touches; the engine reads those at fixed points of the day.
The baseline answers by the rules of common practice, the optimised plan where it has a cheap,
honest response (docs/events.md):

- **warehouse outage**: the warehouse's order capacity and working hours shrink by the share
  (closed: its stock cannot ship). The baseline's rule already ships from the next nearest warehouse
  holding the item once the nearest one is full; the optimised plan's allocation MIP re-allocates
  against the reduced capacity.
- **vehicle breakdown**: the stops the vehicle had not started by then go to the carrier, late; the
  optimised plan re-plans the rest of the day's routes instead (:mod:`optiops.closed_loop.replan`).
- **staff absence**: the absent people's shift hours are not worked; overtime up to the cap covers
  what it can. The optimised plan re-rosters its named roster with fewest changes
  (:mod:`optiops.closed_loop.named`) and calls in temporary staff, at their price, for the absent
  hours the re-roster did not cover, for work that would otherwise wait until tomorrow.
- **demand surge**: demand of the SKU or category multiplied on its days (the orders of both plans).
  From the day it is announced, the optimised plan raises its order-up-to level by the surge's extra
  demand over the lead time and review period; the baseline's moving average sees it only afterwards.
- **supplier delay**: the supplier's purchase orders in transit arrive later; both plans keep their
  review rules.
- **late orders**: a share of the day's orders arrives after the dispatch cut-off; their parcels
  leave the next day, except those the optimised plan's re-plan inserts into the day's routes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from optiops.model.events import DemandSurge, minute_of
from optiops.model.scenario import Scenario
from optiops.plan.fleet import stop_units
from optiops.scenario.events import vehicle_of

if TYPE_CHECKING:
    from optiops.closed_loop.engine import Context, PlanState
    from optiops.model.events import LateOrders, StaffAbsence, SupplierDelay, VehicleBreakdown, WarehouseOutage
    from optiops.plan.orders import DayOrders
    from optiops.plan.routing_step import ScoredPlan

EVENT_COLUMNS = ("events", "outage_capacity_lost", "absent_hours", "reroster_hours", "reroster_changes",
                 "temp_hours", "breakdown_stops", "replanned_stops", "late_arrival_orders", "surge_units",
                 "delayed_units")  # fmt: skip
SURGE_LEVEL_DAYS = 28  # the optimised plan's base level under a surge: its items' mean demand over these days


@dataclasses.dataclass(eq=False)
class DayEvents:
    """What the events change on one hold-out day (the same in both plans)."""

    labels: list[str]
    capacity_lost: np.ndarray  # (W,) share of order capacity and working hours lost
    absent_hours: np.ndarray  # (W,) shift hours of the people absent (the mean shift of shifts.csv each)
    absences: list[tuple[int, tuple[str, ...], int]] = dataclasses.field(default_factory=list)  # wh, named, people
    breakdowns: list[tuple[str, str, int, float]] = dataclasses.field(default_factory=list)  # wh, type, index, minute
    late_share: float = 0.0
    late_orders: dict[str, float] = dataclasses.field(default_factory=dict)  # order -> minute the re-plan knows it
    delays: list[tuple[np.ndarray, int]] = dataclasses.field(default_factory=list)  # (items, extra days)
    surges: list[tuple[np.ndarray, float, int, int]] = dataclasses.field(default_factory=list)  # known, by day index
    surge_units: float = 0.0


Mark = Callable[[Any, "Context", list[DayEvents]], None]
MARKS: dict[str, Mark] = {}


def marks(kind: str) -> Callable[[Mark], Mark]:
    """Register the function that marks an event type's effects on its days."""

    def register(fn: Mark) -> Mark:
        MARKS[kind] = fn
        return fn

    return register


def day_events(ctx: Context, events: tuple[Any, ...], n_days: int, surge_units: np.ndarray) -> list[DayEvents]:
    """The effects of ``events`` on each of the ``n_days`` replayed days (``surge_units``: extra units per day)."""
    n_w = len(ctx.grid.warehouses)
    days = [DayEvents([], np.zeros(n_w), np.zeros(n_w), surge_units=float(surge_units[k])) for k in range(n_days)]
    for event in events:
        MARKS[event.type](event, ctx, days)
    return days


def _index(ctx: Context, day: dt.date) -> int:
    return (pd.Timestamp(day) - ctx.first_day).days


def _span(ctx: Context, start: dt.date, end: dt.date, days: list[DayEvents]) -> range:
    return range(max(_index(ctx, start), 0), min(_index(ctx, end) + 1, len(days)))


def _items(ctx: Context, sku: str | None = None, category: str | None = None) -> np.ndarray:
    """(N,) bool: the items (SKU x warehouse) of a SKU or of a category."""
    g = ctx.grid
    skus = np.asarray(g.skus) == sku if sku is not None else g.category.astype(str) == category
    return np.repeat(skus, len(g.warehouses))


@marks("warehouse_outage")
def _outage(event: WarehouseOutage, ctx: Context, days: list[DayEvents]) -> None:
    w = ctx.grid.warehouses.index(event.warehouse)
    for k in _span(ctx, event.start, event.end, days):
        days[k].capacity_lost[w] = 1.0 - (1.0 - days[k].capacity_lost[w]) * (1.0 - event.capacity_share)
        days[k].labels.append(f"warehouse_outage {event.warehouse} {event.capacity_share:.0%}")


@marks("vehicle_breakdown")
def _breakdown(event: VehicleBreakdown, ctx: Context, days: list[DayEvents]) -> None:
    kind, index = vehicle_of(event.vehicle)
    for k in _span(ctx, event.day, event.day, days):
        days[k].breakdowns.append((event.warehouse, kind, index, float(minute_of(event.time))))
        days[k].labels.append(f"vehicle_breakdown {event.warehouse} {event.vehicle} {event.time}")


@marks("staff_absence")
def _absence(event: StaffAbsence, ctx: Context, days: list[DayEvents]) -> None:
    w = ctx.grid.warehouses.index(event.warehouse)
    shift_hours = float(ctx.scenario.shifts["minutes"].mean()) / 60.0  # a day's work of one person
    for k in _span(ctx, event.day, event.day, days):
        days[k].absent_hours[w] += event.head_count * shift_hours
        days[k].absences.append((w, event.employees, event.people or 0))
        days[k].labels.append(f"staff_absence {event.warehouse} {event.head_count} people")


@marks("demand_surge")
def _surge(event: DemandSurge, ctx: Context, days: list[DayEvents]) -> None:
    items = _items(ctx, event.sku, event.category)
    first, last = _index(ctx, event.start), _index(ctx, event.end)
    what = event.sku or event.category
    for k in _span(ctx, event.known, event.end, days):
        days[k].surges.append((items, event.factor, first, last))
        if k == _index(ctx, event.known) and event.known < event.start:
            days[k].labels.append(f"demand_surge {what} x{event.factor:g} announced for {event.start}")
    for k in _span(ctx, event.start, event.end, days):
        days[k].labels.append(f"demand_surge {what} x{event.factor:g}")


@marks("supplier_delay")
def _delay(event: SupplierDelay, ctx: Context, days: list[DayEvents]) -> None:
    for k in _span(ctx, event.day, event.day, days):
        days[k].delays.append((_items(ctx, category=event.supplier), event.extra_days))
        days[k].labels.append(f"supplier_delay {event.supplier} +{event.extra_days} days")


@marks("late_orders")
def _late(event: LateOrders, ctx: Context, days: list[DayEvents]) -> None:
    for k in _span(ctx, event.day, event.day, days):
        days[k].late_share = 1.0 - (1.0 - days[k].late_share) * (1.0 - event.share)
        days[k].labels.append(f"late_orders {event.share:.0%}")


def surged(scenario: Scenario, seed: int) -> tuple[Scenario, pd.Series]:
    """The scenario with its surges' demand multiplied, and the extra units per date.

    Multiplied units are rounded at random (down or up with the fraction's odds), so a factor keeps
    its mean on small quantities; the draws are seeded, the same in both plans.
    """
    surges = [e for e in (scenario.events.events if scenario.events else ()) if isinstance(e, DemandSurge)]
    if not surges:
        return scenario, pd.Series(dtype=float)
    demand = scenario.demand
    y = demand["y"].to_numpy(dtype=float)
    factor = np.ones(len(demand))
    for e in surges:
        hit = demand["sku"] == e.sku if e.sku is not None else demand["sku"].isin(
            scenario.skus.loc[scenario.skus["category"] == e.category, "sku"])  # fmt: skip
        hit &= demand["ds"].between(pd.Timestamp(e.start), pd.Timestamp(e.end))
        factor[hit.to_numpy()] *= e.factor
    scaled = y * factor
    rng = np.random.default_rng([seed, 17])
    new = np.floor(scaled + rng.random(len(scaled))).astype(np.int64)
    new = np.where(factor == 1.0, y, new).astype(np.int64)
    extra = pd.Series(new - y).groupby(demand["ds"].to_numpy()).sum()
    return dataclasses.replace(scenario, demand=demand.assign(y=new)), extra


def late_arrivals(ctx: Context, d: int, orders: DayOrders, share: float) -> dict[str, float]:
    """The orders of day ``d`` that arrive after the cut-off, and the minute each reaches the re-plan.

    ``share`` of the orders, drawn with the replay's seed. The cut-off is when the first vehicles
    leave (their earliest shift start; 08:00 without a fleet); each late order's hour of arrival is
    drawn from the intraday profile's hours from then on, and the re-plan learns of it on the full
    hour after.
    """
    ids = orders.orders["order"].to_numpy(dtype=str)
    if share <= 0 or not len(ids):
        return {}
    rng = np.random.default_rng([ctx.options.seed, 19, d])
    late = ids[rng.random(len(ids)) < share]
    vehicles = ctx.scenario.vehicles
    cut = int(vehicles["shift_start"].min()) // 60 if len(vehicles) else 8
    profile = np.asarray(ctx.arrivals[cut:], dtype=float)
    weights = profile / profile.sum() if profile.sum() > 0 else np.full(len(profile), 1.0 / len(profile))
    hours = cut + np.random.default_rng([ctx.options.seed, 23, d]).choice(len(profile), size=len(late), p=weights)
    return {str(o): float((h + 1) * 60) for o, h in zip(late, hours, strict=True)}


def delay_arrivals(state: PlanState, d: int, delays: list[tuple[np.ndarray, int]]) -> float:
    """Move the delayed suppliers' purchase orders due from day ``d`` on later; the units moved."""
    moved = 0.0
    for items, extra in delays:
        block = state.arrivals[d:, items]
        later = np.zeros_like(block)
        later[extra:] = block[:-extra]
        later[-1] += block[-extra:].sum(axis=0)  # due past the padding: on its last day
        state.arrivals[d:, items] = later
        moved += float(block.sum())
    return moved


def surge_lift(ctx: Context, state: PlanState, d: int, k: int, ev: DayEvents) -> np.ndarray | None:
    """The optimised plan's raise of ``s`` and ``S``: a known surge's extra units over lead time plus review.

    ``None`` when no surge is known on day ``k``. The item's level is its mean demand over the last
    ``SURGE_LEVEL_DAYS`` days.
    """
    if not ev.surges:
        return None
    lift = np.zeros(ctx.grid.n)
    level = state.seen[max(d - SURGE_LEVEL_DAYS, 0) : d].mean(axis=0)
    horizon = k + np.ceil(ctx.grid.lt_mean).astype(np.int64) + state.policy.review
    for items, factor, first, last in ev.surges:
        days = np.clip(np.minimum(horizon, last) - max(first, k) + 1, 0, None)
        lift += np.where(items, level * (factor - 1.0) * days, 0.0)
    return lift


def capacity_scenario(ctx: Context, scenario: Scenario, ev: DayEvents) -> Scenario:
    """The day's allocation view of ``scenario``: order capacity cut by the outages, closed warehouses' stock gone."""
    lost = ev.capacity_lost
    if not lost.any():
        return scenario
    wh = scenario.warehouses
    capacity = np.floor(wh["order_capacity_per_day"].to_numpy(dtype=float) * (1.0 - lost)).astype(np.int64)
    closed = [w for w, share in zip(ctx.grid.warehouses, lost, strict=True) if share >= 1.0]
    stock = scenario.stock[~scenario.stock["warehouse"].isin(closed)]
    return dataclasses.replace(scenario, warehouses=wh.assign(order_capacity_per_day=capacity), stock=stock)


def broken_routes(instances: dict[str, Any], scored: dict[str, ScoredPlan],
                  breakdowns: list[tuple[str, str, int, float]]) -> tuple[set[str], float]:  # fmt: skip
    """The stops broken-down vehicles had not started by the breakdown, and their parcels and returned units."""
    moved: set[str] = set()
    units = 0.0
    for wh, kind, index, minute in breakdowns:
        if wh not in scored:
            continue
        size = {st.id: stop_units(st) for st in instances[wh].stops}
        for r in scored[wh].plan.routes:
            if r.vehicle_type != kind or r.vehicle != index:
                continue
            for v in r.visits:
                if v.kind != "depot" and v.start is not None and v.start > minute and v.node not in moved:
                    moved.add(v.node)
                    units += size[v.node]
    return moved, units


def event_columns(ctx: Context, ev: DayEvents, work: dict[str, Any], route: dict[str, float], delayed: float) -> dict:
    """The day's columns of ``daily.csv`` that show the events (only in replays with events).

    ``work``: the day's warehouse work, with the plan's absent hours, re-rostered hours and changes,
    temp hours. ``route``: the day's routing KPI parts, with the stops a breakdown handed to the
    carrier and (optimised plan) those the re-plan gave another vehicle or inserted (late orders).
    """
    capacity = ctx.scenario.warehouses["order_capacity_per_day"].to_numpy(dtype=float)
    return {"events": "; ".join(ev.labels), "outage_capacity_lost": float((capacity * ev.capacity_lost).sum()),
            "absent_hours": work["absent_hours"], "reroster_hours": work["reroster_hours"],
            "reroster_changes": work["reroster_changes"], "temp_hours": work["temp_hours"],
            "breakdown_stops": route["breakdown_stops"], "replanned_stops": route.get("replanned_stops", 0.0),
            "late_arrival_orders": float(len(ev.late_orders)),
            "surge_units": ev.surge_units, "delayed_units": delayed}  # fmt: skip
