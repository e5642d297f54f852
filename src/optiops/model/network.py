"""Warehouse network models: the capacitated facility location instance and its plan.

A :class:`FacilityInstance` says which warehouses could be opened (capacity, fixed cost), which demand
zones or customers must be served (demand), and what serving a customer from a warehouse costs: per
unit (``cost_basis: per_unit``) or for all of the customer's demand (``cost_basis: total``, as in the
OR-Library files).  Cross-field rules (unique ids, a cost matrix of the right shape) live in the
instance validator, so the error names the field path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
CostBasis = Literal["per_unit", "total"]
FacilityStatus = Literal["optimal", "feasible", "infeasible", "unbounded", "no_solution", "error"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Warehouse(_Frozen):
    """A warehouse that may be opened."""

    id: str = Field(min_length=1, description="Unique among warehouses.")
    capacity: NonNeg = Field(description="Most demand units it can serve when open.")
    fixed_cost: NonNeg = Field(0.0, description="Cost of opening it.")


class Customer(_Frozen):
    """A demand zone or customer that must be served in full."""

    id: str = Field(min_length=1, description="Unique among customers.")
    demand: NonNeg = Field(description="Demand units.")


class FacilityInstance(_Frozen):
    """Capacitated facility location: open warehouses and allocate every customer's demand to them."""

    kind: Literal["facility"] = "facility"
    schema_version: Literal[1] = 1
    name: str = ""
    warehouses: list[Warehouse] = Field(min_length=1)
    customers: list[Customer] = Field(min_length=1)
    cost: list[list[Annotated[float, Field(allow_inf_nan=False)]]] = Field(
        description="cost[i][j]: serving customer j from warehouse i (one row per warehouse)."
    )
    cost_basis: CostBasis = Field(
        "per_unit", description="per_unit: cost per demand unit; total: cost of serving all of j's demand."
    )
    single_sourcing: bool = Field(False, description="Each customer is served by exactly one warehouse.")

    @model_validator(mode="after")
    def _check(self) -> FacilityInstance:
        problems = []
        ids = {"warehouses": [w.id for w in self.warehouses], "customers": [c.id for c in self.customers]}
        for field, names in ids.items():
            seen: set[str] = set()
            for k, name in enumerate(names):
                if name in seen:
                    problems.append(f"{field}[{k}].id: duplicate id {name!r}")
                seen.add(name)
        m, n = len(self.warehouses), len(self.customers)
        if len(self.cost) != m:
            problems.append(f"cost: has {len(self.cost)} rows, expected one per warehouse ({m})")
        for i, row in enumerate(self.cost):
            if len(row) != n:
                problems.append(f"cost[{i}]: has {len(row)} entries, expected one per customer ({n})")
        if problems:
            raise ValueError("; ".join(problems))
        return self


@dataclass(frozen=True, eq=False)
class FacilityArrays:
    """The numpy view of a :class:`FacilityInstance`, derived once at the boundary."""

    capacity: NDArray[np.float64]  # (m,)
    fixed_cost: NDArray[np.float64]  # (m,)
    demand: NDArray[np.float64]  # (n,)
    assign_cost: NDArray[np.float64]  # (m, n): cost of serving *all* of customer j from warehouse i

    @property
    def shape(self) -> tuple[int, int]:
        """(warehouses, customers)."""
        m, n = self.assign_cost.shape
        return m, n


def facility_arrays(inst: FacilityInstance) -> FacilityArrays:
    """Arrays of an instance; the assignment cost is for the whole demand, whatever the cost basis.

    Parameters
    ----------
    inst : FacilityInstance
        The instance.

    Returns
    -------
    FacilityArrays
        Capacities, fixed costs, demands and the (warehouse x customer) cost of full assignment.
    """
    demand = np.array([c.demand for c in inst.customers], dtype=float)
    cost = np.asarray(inst.cost, dtype=float).reshape(len(inst.warehouses), len(inst.customers))
    if inst.cost_basis == "per_unit":
        cost = cost * demand[None, :]
    return FacilityArrays(
        capacity=np.array([w.capacity for w in inst.warehouses], dtype=float),
        fixed_cost=np.array([w.fixed_cost for w in inst.warehouses], dtype=float),
        demand=demand,
        assign_cost=cost,
    )


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Allocation(_Model):
    """Part (or all) of one customer's demand served by one warehouse."""

    warehouse: str
    customer: str
    fraction: float = Field(ge=0, le=1 + 1e-6, description="Share of the customer's demand.")
    units: float | None = Field(None, description="Demand units: fraction x demand.")
    cost: float | None = Field(None, description="Assignment cost of this share.")


class FacilityPlan(_Model):
    """Which warehouses open and who serves whom, plus how the plan was obtained."""

    kind: Literal["facility-plan"] = "facility-plan"
    instance: str = ""
    status: FacilityStatus = "feasible"
    backend: str = ""
    time_limit_s: float | None = None
    open: list[str] = Field(default_factory=list, description="Ids of the open warehouses.")
    allocations: list[Allocation] = Field(default_factory=list, description="Non-zero allocations only.")
    objective: float | None = Field(None, description="Total cost recomputed by the checker.")
    fixed_cost: float | None = None
    assignment_cost: float | None = None
    solver_objective: float | None = Field(None, description="Cost as the backend reported it.")
    bound: float | None = Field(None, description="Best proven lower bound on the optimal cost.")
    gap: float | None = Field(None, description="(objective - bound) / objective.")
    build_s: float | None = Field(None, description="Seconds building the model (formulation + backend form).")
    solve_s: float | None = None
    runtime_s: float | None = None
    violations: list[str] = Field(default_factory=list, description="Rules the checker found broken; empty if valid.")
    stats: dict[str, float] = Field(
        default_factory=dict,
        description="How the solve went: Lagrangian seconds and iterations, warehouses kept in the MIP and fixed open.",
    )

    @property
    def proven_optimal(self) -> bool:
        """True when the backend proved the plan optimal (within its relative gap)."""
        return self.status == "optimal"
