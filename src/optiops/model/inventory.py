"""Inventory instances (``kind: inventory``) and plans (``kind: inventory-plan``).

An instance lists items (a SKU in a warehouse) with their demand — a forecast mean and spread per
period, or a history the solver forecasts and bootstraps from — lead time, review period, order
constraints, costs, returns and service target; plus the policy family, the service measure, the
simulation settings and optional aggregate constraints (inventory budget, warehouse space, aggregate
fill rate or cycle service level) that switch on the service-level allocation MIP.

All quantities are per *period* (``period_days`` days: 1 for daily data); the holding rate is per
year and converted.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Fraction = Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LeadTime(_Frozen):
    """Replenishment lead time in periods."""

    mean: NonNeg = Field(description="Mean lead time (periods, >= 0).")
    sd: NonNeg = Field(0.0, description="Standard deviation (periods).")


class Returns(_Frozen):
    """Customer returns that come back into sellable stock."""

    rate: float = Field(ge=0, lt=1, description="Fraction of sold units returned.")
    delay: int = Field(0, ge=0, description="Periods from sale until the returned unit is sellable again.")


class Item(_Frozen):
    """A SKU stocked in one warehouse."""

    sku: str = Field(min_length=1)
    warehouse: str = Field("", description="Warehouse id (items are unique per SKU x warehouse).")
    demand_mean: NonNeg | None = Field(None, description="Forecast demand per period (omit to forecast `history`).")
    demand_sd: NonNeg | None = Field(None, description="Standard deviation of demand per period.")
    history: list[NonNeg] | None = Field(
        None, description="Past demand per period, oldest first: forecast when `demand_mean` is omitted, and "
        "bootstrapped by the simulation."
    )  # fmt: skip
    lead_time: LeadTime
    review_period: int = Field(1, ge=1, description="Periods between reviews.")
    moq: NonNeg = Field(0.0, description="Minimum order quantity.")
    pack: NonNeg = Field(0.0, description="Orders are multiples of this (0: any quantity).")
    unit_cost: Positive = Field(description="Value of one unit.")
    holding_rate: NonNeg = Field(0.25, description="Holding cost per year as a fraction of the unit cost.")
    order_cost: NonNeg = Field(0.0, description="Fixed cost per order.")
    shortage_cost: NonNeg = Field(0.0, description="Cost per unit not served from stock.")
    shortage: Literal["backorder", "lost_sale"] = "backorder"
    returns: Returns | None = None
    target: Fraction | None = Field(None, description="Service target of this item (default: the instance's).")
    space: NonNeg = Field(0.0, description="Space one unit takes (for warehouse space limits).")
    on_hand: NonNeg | None = Field(None, description="Stock now, for the replenishment plan (default: the level S).")

    @model_validator(mode="after")
    def _demand_given(self) -> Item:
        if self.demand_mean is None and not self.history:
            raise ValueError("give demand_mean (and demand_sd) or a non-empty history")
        return self

    @property
    def key(self) -> str:
        return f"{self.sku}@{self.warehouse}" if self.warehouse else self.sku


class SimulationSettings(_Frozen):
    """How policies are scored by simulation."""

    scenarios: int = Field(500, ge=1, description="Replications per item.")
    periods: int = Field(52, ge=1, description="Scored periods per replication.")
    warmup: int = Field(26, ge=0, description="Unscored periods simulated first.")
    seed: int = 1


class Constraints(_Frozen):
    """Aggregate limits; any of them switches on the service-level allocation MIP."""

    budget: NonNeg | None = Field(None, description="Most value of mean on-hand stock.")
    space: dict[str, NonNeg] = Field(default_factory=dict, description="Most space of mean stock per warehouse.")
    fill_rate: Fraction | None = Field(None, description="Aggregate fill rate to reach.")
    csl: Fraction | None = Field(None, description="Aggregate cycle service level to reach.")


class InventoryInstance(_Frozen):
    """Safety stock and reorder policies for many items at a service target."""

    kind: Literal["inventory"] = "inventory"
    schema_version: Literal[1] = 1
    name: str = ""
    period_days: Positive = Field(1.0, description="Days per period (1: daily data).")
    horizon: int = Field(28, ge=1, description="Periods of the replenishment plan.")
    service: Literal["csl", "fill_rate"] = Field(
        "csl", description="What targets mean: cycle service level or fill rate."
    )
    target: Fraction = Field(0.95, description="Default service target of every item.")
    policy: Literal["RS", "sS", "sQ"] = Field("RS", description="(R, S), (s, S) or (s, Q).")
    distribution: Literal["normal", "gamma", "empirical"] = Field("normal", description="Lead-time demand model.")
    correct: bool = Field(True, description="Correct the analytic levels by simulation until targets are met.")
    history_half_life: Positive | None = Field(
        None, description="Weigh histories by recency: a period this many periods older counts half (None: alike)."
    )
    simulation: SimulationSettings = SimulationSettings()
    constraints: Constraints | None = None
    items: list[Item] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> InventoryInstance:
        problems = []
        seen: set[str] = set()
        for k, item in enumerate(self.items):
            if item.key in seen:
                problems.append(f"items[{k}]: duplicate item {item.key!r} (sku x warehouse)")
            seen.add(item.key)
        if self.distribution == "empirical":
            problems += [f"items[{k}].history: needed by distribution 'empirical'"
                         for k, item in enumerate(self.items) if not item.history]  # fmt: skip
        if self.constraints:
            houses = {item.warehouse for item in self.items}
            problems += [f"constraints.space.{w}: no item is stocked in warehouse {w!r}"
                         for w in self.constraints.space if w not in houses]  # fmt: skip
        if problems:
            raise ValueError("; ".join(problems))
        return self


class PolicyRow(_Frozen):
    """One item's policy and its simulated performance."""

    item: str
    sku: str
    warehouse: str = ""
    policy: str
    review_period: int
    reorder_point: float
    order_up_to: float
    order_quantity: float = 0.0
    safety_stock: float = 0.0
    target: float | None = None
    achieved_csl: float | None = None
    fill_rate: float | None = None
    mean_on_hand: float | None = None
    days_of_inventory: float | None = None
    cost: float | None = None


class OrderLine(_Frozen):
    """A replenishment order of the plan (expected demand, mean lead time)."""

    item: str
    period: int = Field(description="Period the order is placed (0: now).")
    quantity: float
    arrival: int = Field(description="Period it is expected to arrive.")


class InventoryPlan(_Frozen):
    """Policies, their simulated performance and a replenishment plan."""

    kind: Literal["inventory-plan"] = "inventory-plan"
    schema_version: Literal[1] = 1
    name: str = ""
    policies: list[PolicyRow]
    orders: list[OrderLine] = Field(default_factory=list)
    summary: dict[str, float] = Field(default_factory=dict)
    method: str = ""
    runtime_s: float = 0.0
