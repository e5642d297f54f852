"""Routing plans: what a backend returns and what the evaluator checks. Plans are data."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PlanStatus = Literal["feasible", "infeasible", "no_solution"]
VisitKind = Literal["depot", "stop", "pickup", "delivery"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Visit(_Model):
    """One place on a route, with the schedule the evaluator computed."""

    node: str = Field(description="Depot or stop id; shipment ends are '<shipment>:pickup|delivery'.")
    kind: VisitKind = "stop"
    arrival: float | None = None
    start: float | None = Field(None, description="Start of service (after any waiting).")
    departure: float | None = None
    load: list[float] | None = Field(None, description="Load on board after this visit.")


class RoutePlan(_Model):
    """One vehicle's route; ``visits`` starts and ends at its depots."""

    vehicle_type: str
    vehicle: int = Field(0, ge=0, description="Index of the vehicle within its type.")
    visits: list[Visit]
    distance: float | None = None
    duration: float | None = None
    cost: float | None = None


class RoutingPlan(_Model):
    """A solution of a routing instance plus how it was obtained."""

    kind: Literal["routing-plan"] = "routing-plan"
    instance: str = ""
    status: PlanStatus = "feasible"
    backend: str = ""
    seed: int = 0
    time_limit_s: float | None = None
    runtime_s: float | None = None
    rounding: Literal["none", "round", "dimacs", "exact", ""] = Field(
        "", description="The metric the plan was solved in; empty = the instance's."
    )
    objective: float | None = Field(None, description="Total cost recomputed by the evaluator.")
    solver_objective: float | None = Field(None, description="Cost as the backend reported it.")
    routes: list[RoutePlan] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Stops and shipments not served.")
    violations: list[str] = Field(default_factory=list)

    def sequences(self) -> list[tuple[str, int, list[str]]]:
        """(vehicle type, vehicle index, visited node ids without depots) per route."""
        return [(r.vehicle_type, r.vehicle, [v.node for v in r.visits if v.kind != "depot"]) for r in self.routes]
