"""Warehouse network (capacitated facility location) and order-to-warehouse allocation formulations."""

from optiops.allocation.check import FacilityCheck, check_facility
from optiops.allocation.check_orders import Cause, OrderCheck, check_orders, diagnose_orders
from optiops.allocation.facility import (
    AUTO_ORDER,
    FacilityModel,
    build_facility_model,
    choose_backend,
    diagnose_facility,
    solve_facility,
)
from optiops.allocation.generate import OrderGeneratorConfig, generate_orders, greedy_allocation
from optiops.allocation.orders import OrderModelOptions, build_order_model, solve_orders

__all__ = [
    "AUTO_ORDER",
    "Cause",
    "FacilityCheck",
    "FacilityModel",
    "OrderCheck",
    "OrderGeneratorConfig",
    "OrderModelOptions",
    "build_facility_model",
    "build_order_model",
    "check_facility",
    "check_orders",
    "choose_backend",
    "diagnose_facility",
    "diagnose_orders",
    "generate_orders",
    "greedy_allocation",
    "solve_facility",
    "solve_orders",
]
