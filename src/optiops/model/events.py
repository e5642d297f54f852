"""Disruptions of a scenario's hold-out (``events.yaml``): what happens, where and when.

Every event names its ``type``; the fields are checked here on their own (kinds, bounds, dates in
order), and against the scenario (warehouses, vehicles, staff, SKUs, suppliers, hold-out days) by
:func:`optiops.scenario.events.read_events`. The replay applies them in both plans
(:mod:`optiops.closed_loop.events`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class WarehouseOutage(_Event):
    """A warehouse loses ``capacity_share`` of its order capacity and its working hours from ``from`` to ``to``."""

    type: Literal["warehouse_outage"] = "warehouse_outage"
    warehouse: str
    start: dt.date = Field(alias="from", description="First day of the outage.")
    end: dt.date = Field(alias="to", description="Last day of the outage (inclusive).")
    capacity_share: float = Field(gt=0.0, le=1.0, description="Share of the capacity lost (1: closed).")

    @model_validator(mode="after")
    def _in_order(self) -> WarehouseOutage:
        if self.end < self.start:
            raise ValueError(f"to: {self.end} is before from {self.start}")
        return self


class VehicleBreakdown(_Event):
    """A vehicle of a warehouse's fleet breaks down at ``time`` on ``day``; stops it had not served by then are left."""

    type: Literal["vehicle_breakdown"] = "vehicle_breakdown"
    warehouse: str
    vehicle: str = Field(description="A vehicle type of vehicles.csv ('van'), or its k-th vehicle ('van-2').")
    day: dt.date
    time: str = Field(description="HH:MM.")

    @field_validator("time", mode="before")
    @classmethod
    def _sexagesimal(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted 13:55 as the base-60 number 835: the minutes from midnight
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value // 60:02d}:{value % 60:02d}"
        return value

    @field_validator("time")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not TIME.match(value) or minute_of(value) > 1440:
            raise ValueError(f"{value!r} is not a time HH:MM")
        return value


class StaffAbsence(_Event):
    """``people`` (or the named ``employees``) of a warehouse do not come to work on ``day``."""

    type: Literal["staff_absence"] = "staff_absence"
    warehouse: str
    day: dt.date
    people: int | None = Field(None, ge=1)
    employees: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _who(self) -> StaffAbsence:
        if (self.people is None) == (not self.employees):
            raise ValueError("give either people or employees")
        return self

    @property
    def head_count(self) -> int:
        return self.people if self.people is not None else len(self.employees)


class DemandSurge(_Event):
    """Demand of a SKU or a category is multiplied by ``factor`` from ``from`` to ``to``, known from ``announced``."""

    type: Literal["demand_surge"] = "demand_surge"
    sku: str | None = None
    category: str | None = None
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    factor: float = Field(ge=0.0)
    announced: dt.date | None = Field(None, description="Day the surge becomes known (default: its first day).")

    @model_validator(mode="after")
    def _target(self) -> DemandSurge:
        if (self.sku is None) == (self.category is None):
            raise ValueError("give either sku or category")
        if self.end < self.start:
            raise ValueError(f"to: {self.end} is before from {self.start}")
        if self.announced is not None and self.announced > self.start:
            raise ValueError(f"announced: {self.announced} is after the surge starts ({self.start})")
        return self

    @property
    def known(self) -> dt.date:
        return self.announced or self.start


class SupplierDelay(_Event):
    """Purchase orders of ``supplier`` still in transit on ``day`` arrive ``extra_days`` later."""

    type: Literal["supplier_delay"] = "supplier_delay"
    supplier: str = Field(description="A category of skus.csv: the scenario buys each category from one supplier.")
    day: dt.date
    extra_days: int = Field(ge=1, le=60)


class LateOrders(_Event):
    """``share`` of the day's orders arrive after the dispatch cut-off and leave the next day."""

    type: Literal["late_orders"] = "late_orders"
    day: dt.date
    share: float = Field(gt=0.0, le=1.0)


Event = Annotated[
    WarehouseOutage | VehicleBreakdown | StaffAbsence | DemandSurge | SupplierDelay | LateOrders,
    Field(discriminator="type"),
]
EVENT_TYPES = ("warehouse_outage", "vehicle_breakdown", "staff_absence", "demand_surge", "supplier_delay",
               "late_orders")  # fmt: skip


class Events(BaseModel):
    """The content of ``events.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["events"] = "events"
    events: tuple[Event, ...] = ()


def minute_of(clock: str) -> int:
    """'HH:MM' as minutes from midnight."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)
