"""Pydantic instance and plan models, one module per domain."""

from optiops.model.plan import RoutePlan, RoutingPlan, Visit
from optiops.model.routing import (
    Depot,
    RoutingInstance,
    Shipment,
    ShipmentEnd,
    Stop,
    Travel,
    VehicleType,
)

__all__ = [
    "Depot",
    "RoutePlan",
    "RoutingInstance",
    "RoutingPlan",
    "Shipment",
    "ShipmentEnd",
    "Stop",
    "Travel",
    "VehicleType",
    "Visit",
]
