"""Warehouse network (capacitated facility location), order-to-warehouse allocation and inventory placement."""

from optiops.allocation.check import FacilityCheck, check_facility
from optiops.allocation.check_orders import Cause, OrderCheck, check_orders, diagnose_orders
from optiops.allocation.check_placement import PlacementCheck, check_placement
from optiops.allocation.facility import (
    AUTO_ORDER,
    FacilityModel,
    build_facility_model,
    choose_backend,
    diagnose_facility,
    solve_facility,
)
from optiops.allocation.generate import OrderGeneratorConfig, generate_orders
from optiops.allocation.greedy import GreedyPlan, greedy_allocation
from optiops.allocation.orders import OrderModelOptions, build_order_model, solve_orders
from optiops.allocation.placement import (
    PlacementModel,
    build_placement_model,
    diagnose_placement,
    solve_placement,
)

__all__ = [
    "AUTO_ORDER",
    "Cause",
    "FacilityCheck",
    "FacilityModel",
    "GreedyPlan",
    "OrderCheck",
    "OrderGeneratorConfig",
    "OrderModelOptions",
    "PlacementCheck",
    "PlacementModel",
    "build_facility_model",
    "build_order_model",
    "build_placement_model",
    "check_facility",
    "check_orders",
    "check_placement",
    "choose_backend",
    "diagnose_facility",
    "diagnose_orders",
    "diagnose_placement",
    "generate_orders",
    "greedy_allocation",
    "solve_facility",
    "solve_orders",
    "solve_placement",
]
