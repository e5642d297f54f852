"""Inventory placement instances and plans: which SKUs to stock in which warehouse.

A :class:`PlacementInstance` gives forecast demand per SKU and zone (units per period), warehouses
with space and a cap on the SKUs they stock, the shipping cost per unit from each warehouse to each
zone, and what stocking costs: per unit held (holding) and per SKU stocked in a warehouse (slotting).
Each zone orders mostly from one warehouse, its *primary*; every unit it gets from another
warehouse costs ``split_cost`` (an extra parcel of a split order), so placement trades holding cost
against shipping cost and split rate.

Cross-field rules (unique ids, matrices of the right shape) live in the validator, so the error
names the field path.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
PlacementStatus = Literal["optimal", "feasible", "infeasible", "no_solution", "error"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlacementWarehouse(_Frozen):
    """A warehouse that may stock SKUs."""

    id: str = Field(min_length=1, description="Unique among warehouses.")
    space: NonNeg = Field(description="Space for stock, in the unit of the SKUs' volume.")
    max_skus: int | None = Field(None, ge=0, description="Most SKUs it may stock; none: no cap.")
    stocking_cost: NonNeg = Field(0.0, description="Cost per period of each SKU stocked here (slotting, listing).")


class PlacementSku(_Frozen):
    """A SKU and what holding it costs."""

    id: str = Field(min_length=1, description="Unique among SKUs.")
    volume: NonNeg = Field(1.0, description="Space one unit takes.")
    holding_cost: NonNeg = Field(0.0, description="Cost of one unit in stock for one period.")
    cover: NonNeg = Field(1.0, description="Periods of the demand a warehouse serves that it holds in stock.")
    base_stock: NonNeg = Field(0.0, description="Units held wherever the SKU is stocked (safety stock, display).")


class PlacementInstance(_Frozen):
    """SKUs, zones and warehouses; demand by SKU and zone; shipping costs by warehouse and zone."""

    kind: Literal["placement"] = "placement"
    schema_version: Literal[1] = 1
    name: str = ""
    warehouses: list[PlacementWarehouse] = Field(min_length=1)
    skus: list[PlacementSku] = Field(min_length=1)
    zones: list[str] = Field(min_length=1, description="Zone ids, unique.")
    demand: list[list[NonNeg]] = Field(
        description="demand[k][z]: forecast units of SKU k ordered from zone z per period."
    )
    shipping_cost: list[list[NonNeg]] = Field(description="shipping_cost[w][z]: one unit from warehouse w to zone z.")
    split_cost: NonNeg = Field(
        0.0, description="Cost of each unit a zone gets from a warehouse other than its primary."
    )

    @model_validator(mode="after")
    def _check(self) -> PlacementInstance:
        problems = []
        ids = {"warehouses": [w.id for w in self.warehouses], "skus": [s.id for s in self.skus], "zones": self.zones}
        for field, names in ids.items():
            seen: set[str] = set()
            for k, name in enumerate(names):
                if name in seen:
                    problems.append(f"{field}[{k}]: duplicate id {name!r}")
                seen.add(name)
        for field, rows, cols, what in [
            ("demand", self.demand, len(self.zones), ("SKU", "zone")),
            ("shipping_cost", self.shipping_cost, len(self.zones), ("warehouse", "zone")),
        ]:
            expected = len(self.skus) if field == "demand" else len(self.warehouses)
            if len(rows) != expected:
                problems.append(f"{field}: has {len(rows)} rows, expected one per {what[0]} ({expected})")
            for i, row in enumerate(rows):
                if len(row) != cols:
                    problems.append(f"{field}[{i}]: has {len(row)} entries, expected one per {what[1]} ({cols})")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Stocking(_Model):
    """One SKU stocked in one warehouse."""

    sku: str
    warehouse: str
    units: float = Field(ge=0, description="Units held: cover x demand served + base stock.")


class Flow(_Model):
    """The share of one SKU's demand in one zone that one warehouse serves."""

    sku: str
    zone: str
    warehouse: str
    share: float = Field(ge=0, le=1 + 1e-6)
    units: float = Field(ge=0, description="Units per period: share x demand.")


class PlacementPlan(_Model):
    """Where each SKU is stocked, who serves each zone's demand, and how the plan was obtained."""

    kind: Literal["placement-plan"] = "placement-plan"
    instance: str = ""
    status: PlacementStatus = "feasible"
    backend: str = ""
    time_limit_s: float | None = None
    stocked: list[Stocking] = Field(default_factory=list)
    flows: list[Flow] = Field(default_factory=list, description="Non-zero shares only.")
    primary: dict[str, str] = Field(default_factory=dict, description="Zone id -> its primary warehouse id.")
    objective: float | None = Field(None, description="Total cost per period, recomputed by the checker.")
    holding_cost: float | None = None
    stocking_cost: float | None = None
    shipping_cost: float | None = None
    split_cost: float | None = None
    split_rate: float | None = Field(None, description="Share of demand units served from a non-primary warehouse.")
    bound: float | None = Field(None, description="Best proven lower bound on the optimal cost.")
    gap: float | None = None
    method: Literal["full", "fixed-primaries"] = Field(
        "full", description="full: the whole MIP; fixed-primaries: MIPs with the primaries fixed, Lagrangian bound."
    )
    primary_rounds: int = Field(0, description="Rounds of primaries tried by the fixed-primaries method.")
    bound_s: float | None = Field(None, description="Seconds of the Lagrangian bound (fixed primaries).")
    build_s: float | None = None
    solve_s: float | None = None
    runtime_s: float | None = None
    violations: list[str] = Field(default_factory=list, description="Rules the checker found broken; empty if valid.")


def placement_arrays(inst: PlacementInstance) -> dict[str, np.ndarray]:
    """The instance as numpy arrays for the model, its diagnosis and its bound.

    Keys: ``demand`` (SKUs x zones), ``ship`` (warehouses x zones); per warehouse ``space``, ``cap``
    (``max_skus``, the number of SKUs when unset) and ``stocking``; per SKU ``volume``, ``holding``,
    ``cover`` and ``base``.
    """
    return {
        "demand": np.asarray(inst.demand, dtype=float).reshape(len(inst.skus), len(inst.zones)),
        "ship": np.asarray(inst.shipping_cost, dtype=float).reshape(len(inst.warehouses), len(inst.zones)),
        "space": np.array([w.space for w in inst.warehouses], dtype=float),
        "cap": np.array([len(inst.skus) if w.max_skus is None else w.max_skus for w in inst.warehouses], dtype=float),
        "stocking": np.array([w.stocking_cost for w in inst.warehouses], dtype=float),
        "volume": np.array([s.volume for s in inst.skus], dtype=float),
        "holding": np.array([s.holding_cost for s in inst.skus], dtype=float),
        "cover": np.array([s.cover for s in inst.skus], dtype=float),
        "base": np.array([s.base_stock for s in inst.skus], dtype=float),
    }
