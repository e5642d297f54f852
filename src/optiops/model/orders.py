"""Daily order-to-warehouse allocation: the instance, its array view and the plan.

An :class:`OrderAllocationInstance` lists warehouses (handling capacity in parcels per day, handling
cost per parcel, stock per SKU), delivery zones, the shipping cost of one parcel from each warehouse
to each zone, promise classes (next-day, 2-day, ...) that say which warehouses may serve a zone in
time, the day's orders (zone, promise class, lines of SKU and quantity) and the penalty for every
parcel beyond the first of an order.

Pydantic is the boundary (files, hand-made instances); the solvers, the generator and the checker work
on :class:`OrderArrays`, derived once by :func:`order_arrays` (100,000 orders are too many to walk as
pydantic objects in every step).  :func:`order_instance` turns arrays back into a document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
OrderStatus = Literal["optimal", "feasible", "infeasible", "unbounded", "no_solution", "error"]
PlanSource = Literal["solver", "greedy"]
PlanMethod = Literal["full", "core"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OrderWarehouse(_Frozen):
    """A warehouse that ships parcels."""

    id: str = Field(min_length=1, description="Unique among warehouses.")
    capacity: int = Field(
        ge=0, description="Most parcels it can handle in the day (a split order counts once per warehouse)."
    )
    handling_cost: NonNeg = Field(0.0, description="Cost of picking and packing one parcel.")
    stock: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="Units on hand per SKU; a SKU not listed has none."
    )


class Zone(_Frozen):
    """A delivery zone (postcode area)."""

    id: str = Field(min_length=1, description="Unique among zones.")


class PromiseClass(_Frozen):
    """A delivery promise; give ``max_transit_days`` (with the instance's ``transit_days``) or ``allowed``."""

    id: str = Field(min_length=1, description="Unique among promise classes, e.g. next-day.")
    max_transit_days: float | None = Field(
        None, ge=0, description="Warehouses slower than this to the zone cannot serve it."
    )
    allowed: list[list[bool]] | None = Field(
        None, description="allowed[w][z]: warehouse w may serve zone z in this promise."
    )


class OrderLine(_Frozen):
    """One SKU of an order; a line ships whole from one warehouse."""

    sku: str = Field(min_length=1)
    quantity: int = Field(1, ge=1, description="Units.")


class Order(_Frozen):
    """A customer order of the day."""

    id: str = Field(min_length=1, description="Unique among orders.")
    zone: str = Field(description="Id of the delivery zone.")
    promise: str = Field(description="Id of the promise class.")
    lines: list[OrderLine] = Field(min_length=1, description="At most one line per SKU.")


class OrderAllocationInstance(_Frozen):
    """Which warehouse ships which order line today, at least cost, within stock, capacity and promise."""

    kind: Literal["order-allocation"] = "order-allocation"
    schema_version: Literal[1] = 1
    name: str = ""
    warehouses: list[OrderWarehouse] = Field(min_length=1)
    zones: list[Zone] = Field(min_length=1)
    shipping_cost: list[list[NonNeg]] = Field(description="shipping_cost[w][z]: one parcel from warehouse w to zone z.")
    transit_days: list[list[NonNeg]] | None = Field(None, description="transit_days[w][z], for max_transit_days.")
    promise_classes: list[PromiseClass] = Field(min_length=1)
    orders: list[Order] = Field(min_length=1)
    split_penalty: NonNeg = Field(0.0, description="Cost of every parcel of an order beyond its first.")

    @model_validator(mode="after")
    def _check(self) -> OrderAllocationInstance:
        m, n = len(self.warehouses), len(self.zones)
        problems = _duplicates({"warehouses": [w.id for w in self.warehouses], "zones": [z.id for z in self.zones],
                                "promise_classes": [p.id for p in self.promise_classes],
                                "orders": [o.id for o in self.orders]})  # fmt: skip
        problems += _shape("shipping_cost", self.shipping_cost, m, n)
        if self.transit_days is not None:
            problems += _shape("transit_days", self.transit_days, m, n)
        for k, p in enumerate(self.promise_classes):
            if (p.max_transit_days is None) == (p.allowed is None):
                problems.append(f"promise_classes[{k}] ({p.id!r}): give exactly one of max_transit_days and allowed")
            elif p.allowed is not None:
                problems += _shape(f"promise_classes[{k}].allowed", p.allowed, m, n)
            elif self.transit_days is None:
                problems.append(f"promise_classes[{k}] ({p.id!r}): max_transit_days needs the instance's transit_days")
        zones, classes = {z.id for z in self.zones}, {p.id for p in self.promise_classes}
        for k, o in enumerate(self.orders):
            if o.zone not in zones:
                problems.append(f"orders[{k}] ({o.id!r}).zone: unknown zone {o.zone!r}")
            if o.promise not in classes:
                problems.append(f"orders[{k}] ({o.id!r}).promise: unknown promise class {o.promise!r}")
            skus = [line.sku for line in o.lines]
            if len(set(skus)) != len(skus):
                problems.append(f"orders[{k}] ({o.id!r}).lines: a SKU appears twice; merge the lines")
            if len(problems) > 20:
                break
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _duplicates(ids: dict[str, list[str]]) -> list[str]:
    problems = []
    for what, names in ids.items():
        seen: set[str] = set()
        for k, name in enumerate(names):
            if name in seen:
                problems.append(f"{what}[{k}].id: duplicate id {name!r}")
            seen.add(name)
    return problems


def _shape(what: str, matrix: Sequence[Sequence[object]], m: int, n: int) -> list[str]:
    if len(matrix) != m:
        return [f"{what}: has {len(matrix)} rows, expected one per warehouse ({m})"]
    return [f"{what}[{i}]: has {len(row)} entries, expected one per zone ({n})" for i, row in enumerate(matrix)
            if len(row) != n]  # fmt: skip


FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class OrderArrays:
    """The numpy view of an order allocation instance; lines of order ``o`` are ``line_ptr[o]:line_ptr[o+1]``.

    Shapes: W warehouses, Z zones, P promise classes, S SKUs, O orders, L lines.
    """

    name: str
    warehouse_ids: list[str]
    zone_ids: list[str]
    class_ids: list[str]
    sku_ids: list[str]
    order_ids: list[str]
    capacity: FloatArray  # (W,) parcels per day
    handling_cost: FloatArray  # (W,) per parcel
    stock: FloatArray  # (W, S) units
    shipping_cost: FloatArray  # (W, Z) per parcel
    allowed: NDArray[np.bool_]  # (P, W, Z)
    order_zone: IntArray  # (O,)
    order_class: IntArray  # (O,)
    line_ptr: IntArray  # (O + 1,)
    line_sku: IntArray  # (L,)
    line_qty: FloatArray  # (L,)
    split_penalty: float = 0.0

    @property
    def n_orders(self) -> int:
        """Number of orders."""
        return len(self.order_ids)

    @property
    def n_lines(self) -> int:
        """Number of order lines."""
        return len(self.line_sku)

    @property
    def n_warehouses(self) -> int:
        """Number of warehouses."""
        return len(self.warehouse_ids)

    @cached_property
    def line_order(self) -> IntArray:
        """(L,) the order of every line."""
        return np.repeat(np.arange(self.n_orders, dtype=np.int64), np.diff(self.line_ptr))

    @cached_property
    def order_allowed(self) -> NDArray[np.bool_]:
        """(O, W) warehouse w may serve order o within its promise."""
        return self.allowed[self.order_class, :, self.order_zone]

    @cached_property
    def line_candidates(self) -> NDArray[np.bool_]:
        """(L, W) line l may ship from w: the promise allows w for its order and w holds the quantity."""
        return self.order_allowed[self.line_order] & (self.line_qty[:, None] <= self.stock[:, self.line_sku].T)

    @cached_property
    def parcel_cost(self) -> FloatArray:
        """(O, W) handling plus shipping of one parcel of order o from warehouse w (no split penalty)."""
        return self.handling_cost[None, :] + self.shipping_cost[:, self.order_zone].T

    @cached_property
    def open_base(self) -> FloatArray:
        """(O, W) cost of opening a parcel of order o at warehouse w, split penalty included; ``inf`` where
        the promise forbids w (the per-order kernels of :mod:`optiops.kernels.orders` take it as is)."""
        return np.where(self.order_allowed, self.parcel_cost + self.split_penalty, np.inf)


def order_arrays(inst: OrderAllocationInstance | OrderArrays) -> OrderArrays:
    """Arrays of an instance (arrays are returned unchanged).

    Parameters
    ----------
    inst : OrderAllocationInstance or OrderArrays
        The instance.

    Returns
    -------
    OrderArrays
        SKUs are sorted by id; everything else keeps the instance's order.
    """
    if isinstance(inst, OrderArrays):
        return inst
    sku_ids = sorted({s for w in inst.warehouses for s in w.stock} | {ln.sku for o in inst.orders for ln in o.lines})
    sku_index = {s: k for k, s in enumerate(sku_ids)}
    zone_index = {z.id: k for k, z in enumerate(inst.zones)}
    class_index = {p.id: k for k, p in enumerate(inst.promise_classes)}
    stock = np.zeros((len(inst.warehouses), len(sku_ids)))
    for i, w in enumerate(inst.warehouses):
        stock[i, [sku_index[s] for s in w.stock]] = list(w.stock.values())
    transit = np.asarray(inst.transit_days if inst.transit_days is not None else [], dtype=float)
    allowed = np.stack([np.asarray(p.allowed, dtype=bool) if p.allowed is not None
                        else transit <= float(p.max_transit_days or 0.0) for p in inst.promise_classes])  # fmt: skip
    lines = [ln for o in inst.orders for ln in o.lines]
    return OrderArrays(
        name=inst.name, warehouse_ids=[w.id for w in inst.warehouses], zone_ids=list(zone_index),
        class_ids=list(class_index), sku_ids=sku_ids, order_ids=[o.id for o in inst.orders],
        capacity=np.array([w.capacity for w in inst.warehouses], dtype=float),
        handling_cost=np.array([w.handling_cost for w in inst.warehouses], dtype=float),
        stock=stock, shipping_cost=np.asarray(inst.shipping_cost, dtype=float).reshape(stock.shape[0], len(zone_index)),
        allowed=allowed.reshape(len(class_index), stock.shape[0], len(zone_index)),
        order_zone=np.array([zone_index[o.zone] for o in inst.orders], dtype=np.int64),
        order_class=np.array([class_index[o.promise] for o in inst.orders], dtype=np.int64),
        line_ptr=np.concatenate([[0], np.cumsum([len(o.lines) for o in inst.orders])]).astype(np.int64),
        line_sku=np.array([sku_index[ln.sku] for ln in lines], dtype=np.int64),
        line_qty=np.array([ln.quantity for ln in lines], dtype=float),
        split_penalty=float(inst.split_penalty),
    )  # fmt: skip


def order_instance(arr: OrderArrays) -> OrderAllocationInstance:
    """The validated document of an array instance (promise classes as ``allowed`` matrices).

    Parameters
    ----------
    arr : OrderArrays
        The arrays (e.g. from the generator).

    Returns
    -------
    OrderAllocationInstance
        An instance whose :func:`order_arrays` equals ``arr`` up to SKU order.
    """
    sku = np.asarray(arr.sku_ids, dtype=object)
    stock = [{arr.sku_ids[k]: int(arr.stock[i, k]) for k in np.flatnonzero(arr.stock[i] > 0)}
             for i in range(arr.n_warehouses)]  # fmt: skip
    line_sku, line_qty = sku[arr.line_sku].tolist(), arr.line_qty.astype(int).tolist()
    ptr = arr.line_ptr.tolist()
    zones, classes = arr.order_zone.tolist(), arr.order_class.tolist()
    orders = [
        {"id": oid, "zone": arr.zone_ids[zones[o]], "promise": arr.class_ids[classes[o]],
         "lines": [{"sku": line_sku[k], "quantity": line_qty[k]} for k in range(ptr[o], ptr[o + 1])]}
        for o, oid in enumerate(arr.order_ids)
    ]  # fmt: skip
    return OrderAllocationInstance.model_validate({
        "kind": "order-allocation", "name": arr.name,
        "warehouses": [{"id": w, "capacity": int(c), "handling_cost": float(h), "stock": s}
                       for w, c, h, s in zip(arr.warehouse_ids, arr.capacity, arr.handling_cost, stock, strict=True)],
        "zones": [{"id": z} for z in arr.zone_ids], "shipping_cost": arr.shipping_cost.tolist(),
        "promise_classes": [{"id": p, "allowed": arr.allowed[k].tolist()} for k, p in enumerate(arr.class_ids)],
        "orders": orders, "split_penalty": arr.split_penalty,
    })  # fmt: skip


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Shipments(_Model):
    """The plan's lines as columns (one entry per order line and warehouse that ships it)."""

    order: list[str] = Field(default_factory=list)
    sku: list[str] = Field(default_factory=list)
    warehouse: list[str] = Field(default_factory=list)
    quantity: list[float] = Field(default_factory=list)

    @model_validator(mode="after")
    def _same_length(self) -> Shipments:
        lengths = {len(self.order), len(self.sku), len(self.warehouse), len(self.quantity)}
        if len(lengths) > 1:
            raise ValueError(f"shipment columns differ in length: {sorted(lengths)}")
        return self


class OrderAllocationPlan(_Model):
    """Which warehouse ships which order line, the cost breakdown, and how the plan was obtained."""

    kind: Literal["order-allocation-plan"] = "order-allocation-plan"
    instance: str = ""
    status: OrderStatus = "feasible"
    source: PlanSource = Field("solver", description="solver, or greedy when the solver returned nothing better.")
    method: PlanMethod = Field("full", description="full model, or Lagrangian core (bound: Lagrangian).")
    backend: str = ""
    time_limit_s: float | None = None
    shipments: Shipments = Field(default_factory=Shipments)
    objective: float | None = Field(None, description="Total cost recomputed by the checker.")
    handling_cost: float | None = None
    shipping_cost: float | None = None
    split_cost: float | None = Field(None, description="split_penalty x extra parcels.")
    parcels: int | None = None
    split_orders: int | None = Field(None, description="Orders shipped in more than one parcel.")
    extra_parcels: int | None = Field(None, description="Parcels beyond the first of each order.")
    solver_objective: float | None = Field(None, description="Cost of the solver's solution as the model states it.")
    start_objective: float | None = Field(None, description="Cost of the greedy start plan.")
    bound: float | None = Field(None, description="Best proven lower bound on the optimal cost.")
    gap: float | None = Field(None, description="(objective - bound) / objective.")
    build_s: float | None = Field(None, description="Seconds building the model (formulation + backend form).")
    start_s: float | None = Field(None, description="Seconds computing the greedy start.")
    solve_s: float | None = None
    runtime_s: float | None = None
    stats: dict[str, float] = Field(default_factory=dict, description="Model size, Lagrangian steps and seconds.")
    violations: list[str] = Field(default_factory=list, description="Rules the checker found broken; empty if valid.")
