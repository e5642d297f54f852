"""Where a routing day stands: the time, each vehicle's position and availability, stops served, late orders.

A state is read next to the instance and the plan it refers to; :func:`optiops.reoptimise` re-plans
the rest of the day from it. Cross-checks against the instance and the plan (known vehicles, served
stops on their planned routes, a time inside the day) happen where both are at hand, in
:mod:`optiops.routing.remaining`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from optiops.model.routing import Stop


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VehicleState(_Frozen):
    """One vehicle at the state's time; a vehicle a state does not list works, at its last served stop or depot."""

    vehicle_type: str
    vehicle: int = Field(0, ge=0, description="Index of the vehicle within its type, as in the plan.")
    position: str = Field(description="Id of the last stop it served, or of its start depot when none yet.")
    available: bool = Field(True, description="False: broken down; its unserved stops go to other vehicles.")


class RoutingState(_Frozen):
    """The state of a routing day at ``time``: what is done is fixed, the rest may be re-planned."""

    kind: Literal["routing-state"] = "routing-state"
    schema_version: Literal[1] = 1
    time: float = Field(ge=0, description="The current time, in the instance's time unit.")
    vehicles: list[VehicleState] = Field(default_factory=list)
    served: list[str] = Field(
        default_factory=list, description="Stops already served; each must be on its vehicle's planned route."
    )
    new_stops: list[Stop] = Field(default_factory=list, description="Late orders to insert into the rest of the day.")
