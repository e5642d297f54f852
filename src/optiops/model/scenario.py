"""A scenario: a whole e-commerce operation as a set of tables, the way a planner exports it.

A scenario folder holds ``scenario.yaml`` (metadata and the generator configuration), ``costs.yaml``
(:class:`Costs`) and one CSV file per table of :data:`TABLES`.  Every table is described here once —
columns, types, bounds, the table a column refers to — and the reader (:mod:`optiops.scenario.read`)
validates a folder against these specs, the writer writes them in this column order, and the docs
(``docs/scenario.md``) list them.

In memory a :class:`Scenario` is a frozen dataclass of pandas frames (one per table, columns typed as
the spec says, dates as ``datetime64``): the payload is tables that the later planning steps filter
and aggregate, not documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Literal

import pandas as pd

from optiops.model.events import Events

ColumnKind = Literal["str", "int", "float", "date"]


@dataclass(frozen=True)
class Column:
    """One column of a scenario table.

    ``minimum``/``maximum`` bound numeric values; ``ref`` names the table whose key the value must be;
    ``empty_ok`` lets a text column be empty.
    """

    name: str
    kind: ColumnKind
    description: str
    minimum: float | None = None
    maximum: float | None = None
    ref: str | None = None
    empty_ok: bool = False


@dataclass(frozen=True)
class TableSpec:
    """One table: its file name is ``<name>.csv``; ``key`` columns are unique together."""

    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def file(self) -> str:
        """File name inside the scenario folder."""
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        """Column names in file order."""
        return [c.name for c in self.columns]


def _c(name: str, kind: ColumnKind, description: str, **kw: Any) -> Column:
    return Column(name, kind, description, **kw)


_NONNEG: dict[str, Any] = {"minimum": 0.0}

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "skus",
        "The assortment: one row per SKU.",
        ("sku",),
        (
            _c("sku", "str", "SKU id."),
            _c("category", "str", "Category (apparel, beauty, home, electronics by default)."),
            _c("price", "float", "List price per unit (CNY), before promotions.", minimum=0.01),
            _c("unit_cost", "float", "Purchase cost per unit (CNY); the value holding costs apply to.", minimum=0.01),
            _c("weight_kg", "float", "Shipping weight of one unit (kg).", **_NONNEG),
            _c("volume_l", "float", "Storage volume of one unit (litres).", **_NONNEG),
            _c("return_rate", "float", "Share of sold units the customers return.", minimum=0.0, maximum=0.99),
            _c("return_delay_days", "int", "Mean days from sale until a returned unit is sellable again.", **_NONNEG),
            _c("lead_time_mean_days", "float", "Mean replenishment lead time (days).", **_NONNEG),
            _c("lead_time_sd_days", "float", "Standard deviation of the lead time (days).", **_NONNEG),
            _c("pack", "int", "Replenishment orders are multiples of this case size.", minimum=1),
        ),
    ),
    TableSpec(
        "zones",
        "Delivery zones (a city or district), coordinates in km on one plane.",
        ("zone",),
        (
            _c("zone", "str", "Zone id."),
            _c("x", "float", "Centre, km east of the region's corner."),
            _c("y", "float", "Centre, km north of the region's corner."),
            _c("population_share", "float", "Share of the orders placed in the zone.", minimum=0.0, maximum=1.0),
            _c("radius_km", "float", "Spread of the zone's customer points around its centre (km).", **_NONNEG),
            _c(
                "fleet_warehouse",
                "str",
                "Warehouse whose own fleet delivers here (same city); empty: parcel carrier.",
                ref="warehouses",
                empty_ok=True,
            ),
        ),
    ),
    TableSpec(
        "promises",
        "Delivery promise classes offered to customers.",
        ("promise",),
        (
            _c("promise", "str", "Promise id (next-day, two-day, standard)."),
            _c("max_transit_days", "int", "Warehouses farther (in transit days) cannot keep it.", minimum=1),
            _c("share", "float", "Share of orders asking for it.", minimum=0.0, maximum=1.0),
        ),
    ),
    TableSpec(
        "warehouses",
        "Fulfilment centres.",
        ("warehouse",),
        (
            _c("warehouse", "str", "Warehouse id."),
            _c("zone", "str", "Zone it stands in.", ref="zones"),
            _c("x", "float", "Location (km)."),
            _c("y", "float", "Location (km)."),
            _c("order_capacity_per_day", "int", "Most orders (parcels) it can ship in a day.", minimum=1),
            _c(
                "handling_cost_per_order",
                "float",
                "Packaging and consumables per parcel (CNY, labour excluded).",
                **_NONNEG,
            ),
            _c("space_m3", "float", "Storage space (m3).", **_NONNEG),
            _c("fixed_cost_per_day", "float", "Rent and overheads per day while open (CNY).", **_NONNEG),
            _c("open_minute", "int", "Opening time (minutes from midnight).", minimum=0, maximum=1440),
            _c("close_minute", "int", "Closing time (minutes from midnight).", minimum=0, maximum=1440),
        ),
    ),
    TableSpec(
        "customers",
        "Customer points for routing, with their delivery windows.",
        ("customer",),
        (
            _c("customer", "str", "Customer point id."),
            _c("zone", "str", "Zone of the point.", ref="zones"),
            _c("x", "float", "Location (km)."),
            _c("y", "float", "Location (km)."),
            _c("service_time", "float", "Minutes at the door.", **_NONNEG),
            _c("tw_start", "int", "Promised window start (minutes from midnight).", minimum=0, maximum=1440),
            _c("tw_end", "int", "Promised window end (minutes from midnight).", minimum=0, maximum=1440),
        ),
    ),
    TableSpec(
        "calendar",
        "One row per day of the scenario.",
        ("ds",),
        (
            _c("ds", "date", "Date."),
            _c("weekday", "int", "0 = Monday ... 6 = Sunday.", minimum=0, maximum=6),
            _c("event", "str", "Name of the sales event of the day, if any.", empty_ok=True),
            _c("promotion", "int", "1 on promotion days (price cut), else 0.", minimum=0, maximum=1),
            _c("festival", "int", "1 on the festival peak days (double-eleven), else 0.", minimum=0, maximum=1),
            _c("price_index", "float", "Selling price over list price on the day.", minimum=0.01, maximum=1.0),
            _c("holdout", "int", "1 on the days the plan is judged on (the 'future'), else 0.", minimum=0, maximum=1),
        ),
    ),
    TableSpec(
        "demand",
        "Units ordered per SKU x zone x day; a missing row is zero.",
        ("sku", "zone", "ds"),
        (
            _c("sku", "str", "SKU.", ref="skus"),
            _c("zone", "str", "Zone of the customers.", ref="zones"),
            _c("ds", "date", "Order date.", ref="calendar"),
            _c("y", "int", "Units ordered.", **_NONNEG),
        ),
    ),
    TableSpec(
        "returns",
        "Units returned per SKU x zone x pickup day (sale day + pickup delay).",
        ("sku", "zone", "ds"),
        (
            _c("sku", "str", "SKU.", ref="skus"),
            _c("zone", "str", "Zone the return is picked up in.", ref="zones"),
            _c("ds", "date", "Pickup date.", ref="calendar"),
            _c("y", "int", "Units returned.", **_NONNEG),
        ),
    ),
    TableSpec(
        "stock",
        "Stock on hand at the start of the first day.",
        ("sku", "warehouse"),
        (
            _c("sku", "str", "SKU.", ref="skus"),
            _c("warehouse", "str", "Warehouse.", ref="warehouses"),
            _c("on_hand", "int", "Units.", **_NONNEG),
        ),
    ),
    TableSpec(
        "vehicles",
        "Own delivery fleet per warehouse (same-city deliveries and returns pickups).",
        ("warehouse", "vehicle_type"),
        (
            _c("warehouse", "str", "Home depot.", ref="warehouses"),
            _c("vehicle_type", "str", "Vehicle type (van, e-trike)."),
            _c("count", "int", "Vehicles of the type.", minimum=0),
            _c("capacity", "int", "Parcels per route.", minimum=1),
            _c("fixed_cost", "float", "Cost of using one vehicle for a day (CNY).", **_NONNEG),
            _c("cost_per_km", "float", "CNY per km.", **_NONNEG),
            _c("cost_per_hour", "float", "CNY per hour of route (driver).", **_NONNEG),
            _c("speed_kmh", "float", "Average speed (km/h).", minimum=1.0),
            _c("shift_start", "int", "Earliest departure (minutes from midnight).", minimum=0, maximum=1440),
            _c("shift_end", "int", "Latest return (minutes from midnight).", minimum=0, maximum=1440),
        ),
    ),
    TableSpec(
        "shifts",
        "Shift types worked in every warehouse.",
        ("shift",),
        (
            _c("shift", "str", "Shift id."),
            _c("start", "str", "Start time HH:MM."),
            _c("minutes", "int", "Length (minutes).", minimum=1),
            _c("forbidden_successors", "str", "Shifts (';'-separated) not allowed on the next day.", empty_ok=True),
        ),
    ),
    TableSpec(
        "staff",
        "Warehouse employees and their contracts.",
        ("employee",),
        (
            _c("employee", "str", "Employee id."),
            _c("warehouse", "str", "Warehouse they work in.", ref="warehouses"),
            _c("contract", "str", "full-time or part-time."),
            _c("skills", "str", "Skills (';'-separated) matching labour_standards.skill."),
            _c("min_minutes_per_week", "int", "Least paid minutes per week.", **_NONNEG),
            _c("max_minutes_per_week", "int", "Most minutes per week.", **_NONNEG),
            _c("max_shifts_per_week", "int", "Most shifts per week.", minimum=0, maximum=7),
            _c("max_consecutive_shifts", "int", "Longest run of worked days.", minimum=1),
            _c("hourly_wage", "float", "CNY per paid hour.", **_NONNEG),
        ),
    ),
    TableSpec(
        "labour_standards",
        "Engineered time per task and driver.",
        ("task",),
        (
            _c("task", "str", "Task (receive, put-away, pick, pack, returns)."),
            _c("driver", "str", "What the time is per: unit, line, order or returned unit."),
            _c("seconds", "float", "Standard seconds per driver unit.", minimum=0.0),
            _c("skill", "str", "Skill an employee needs for the task."),
        ),
    ),
)

TABLE_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}

# Optional: the recorded order lines of a real operation (``optiops import orders``); when a folder has
# it, the plan and the replay ship these orders instead of drawing orders from the daily demand.
ORDERS_TABLE = TableSpec(
    "orders",
    "Recorded order lines (optional): the orders the plan and the replay ship when present.",
    ("order", "line"),
    (
        _c("order", "str", "Order id."),
        _c("time", "str", "Time the order was placed, ISO YYYY-MM-DDTHH:MM (local time)."),
        _c("zone", "str", "Zone of the customer.", ref="zones"),
        _c("line", "int", "Line number within the order (1, 2, ...).", minimum=1),
        _c("sku", "str", "SKU.", ref="skus"),
        _c("quantity", "int", "Units ordered.", minimum=1),
    ),
)
DRIVERS = ("unit", "line", "order", "return")


@dataclass(frozen=True)
class Costs:
    """Cost parameters of the operation (``costs.yaml``); money in ``currency``.

    Parameters
    ----------
    currency : str
        Currency of every amount.
    parcel_base_cost, parcel_cost_per_km : float
        Carrier tariff of one parcel: base plus per road km from the warehouse to the zone.
    parcel_first_kg, parcel_cost_per_kg : float
        Weight included in the base, and the surcharge per kg above it.
    road_factor : float
        Road km over straight-line km.
    km_per_day : float
        Road km a parcel covers per day of transit (transit days = ceil(km / km_per_day), at least 1).
    split_penalty : float
        Extra cost of every parcel of an order beyond its first.
    holding_rate : float
        Holding cost per year as a fraction of the unit cost.
    replenishment_order_cost : float
        Fixed cost of one purchase order: a warehouse's order to one supplier on one day, whatever its
        lines (the scenario buys each category from one supplier).
    replenishment_line_cost : float
        Cost of one line of a purchase order (one SKU received and put away).
    shortage_cost_share : float
        Cost of a unit of demand not served, as a share of its price (lost margin and goodwill).
    returns_pickup_cost, returns_processing_cost : float
        Reverse logistics per returned unit: the pickup (return freight) and the inspection,
        refurbishing and re-shelving (together about 1.8 times the forward cost of a unit, as the
        report finds).
    late_delivery_cost : float
        Price a plan puts on a broken delivery promise, per parcel or returned unit (the voucher that
        compensates the customer and the contact that reschedules it); the routing step adds it to the
        carrier tariff as the price of a fleet visit it hands to the carrier.
    overtime_factor : float
        Wage multiplier of hours beyond the contract.
    temp_labour_cost_per_hour : float
        Cost of an agency worker hour (festival peaks).
    overtime_cap_share : float
        Most overtime a warehouse can work in a day, as a share of the hours rostered that day.
    returns_unsellable_share : float
        Share of returned units written off at inspection instead of going back into stock.
    supplier_outage_share, supplier_outage_days : float
        Supply reliability (not a cost; read by the replay): the share of days a SKU's supplier cannot
        ship it, in outages of this mean length (days). A purchase-order line placed during an outage
        is refused at confirmation and the planner orders again at a later review.
    transfer_cost_per_unit, transfer_cost_per_shipment : float
        Moving stock between two warehouses (read by the replay): per unit (line-haul freight and the
        donor's pick; the receiver puts the units away as inbound work), and per shipment, one
        warehouse's units to one other warehouse on one day (its space on the region's line-haul
        truck and the dock paperwork).
    transfer_lead_days : int
        Days from the morning a transfer leaves to the morning its units can ship at the receiver.
    """

    currency: str = "CNY"
    parcel_base_cost: float = 2.3
    parcel_cost_per_km: float = 0.004
    parcel_first_kg: float = 1.0
    parcel_cost_per_kg: float = 1.5
    road_factor: float = 1.25
    km_per_day: float = 450.0
    split_penalty: float = 1.5
    holding_rate: float = 0.25
    replenishment_order_cost: float = 40.0
    replenishment_line_cost: float = 5.0
    shortage_cost_share: float = 0.3
    returns_pickup_cost: float = 5.0
    returns_processing_cost: float = 7.5
    late_delivery_cost: float = 10.0
    overtime_factor: float = 1.5
    temp_labour_cost_per_hour: float = 38.0
    overtime_cap_share: float = 0.25
    returns_unsellable_share: float = 0.1
    supplier_outage_share: float = 0.0
    supplier_outage_days: float = 14.0
    transfer_cost_per_unit: float = 0.6
    transfer_cost_per_shipment: float = 60.0
    transfer_lead_days: int = 1

    def as_dict(self) -> dict[str, Any]:
        """The parameters as a plain mapping (for ``costs.yaml``)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, eq=False)
class Scenario:
    """An operation over ``days`` days from ``start``; the last ``holdout_days`` are the judged future.

    Every table attribute is a pandas frame with the columns of its :data:`TABLES` spec, in that order;
    ``config`` is the generator configuration (a plain mapping; empty for a hand-made folder);
    ``orders`` the recorded order lines of :data:`ORDERS_TABLE` (``time`` as ``datetime64``), or ``None``;
    ``events`` the disruptions of the hold-out (``events.yaml``), or ``None``.
    """

    name: str
    seed: int | None
    start: dt.date
    days: int
    holdout_days: int
    costs: Costs
    config: dict[str, Any]
    skus: pd.DataFrame
    zones: pd.DataFrame
    promises: pd.DataFrame
    warehouses: pd.DataFrame
    customers: pd.DataFrame
    calendar: pd.DataFrame
    demand: pd.DataFrame
    returns: pd.DataFrame
    stock: pd.DataFrame
    vehicles: pd.DataFrame
    shifts: pd.DataFrame
    staff: pd.DataFrame
    labour_standards: pd.DataFrame
    orders: pd.DataFrame | None = None
    events: Events | None = None

    @property
    def end(self) -> dt.date:
        """Last day of the scenario."""
        return self.start + dt.timedelta(days=self.days - 1)

    @property
    def history_end(self) -> dt.date:
        """Last day before the hold-out (the last day a planner knows)."""
        return self.start + dt.timedelta(days=self.days - self.holdout_days - 1)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in :data:`TABLES` order."""
        return {spec.name: getattr(self, spec.name) for spec in TABLES}
