"""Warehouse network (capacitated facility location) and order-to-warehouse allocation formulations."""

from optiops.allocation.check import FacilityCheck, check_facility
from optiops.allocation.facility import (
    AUTO_ORDER,
    FacilityModel,
    build_facility_model,
    choose_backend,
    diagnose_facility,
    solve_facility,
)

__all__ = [
    "AUTO_ORDER",
    "FacilityCheck",
    "FacilityModel",
    "build_facility_model",
    "check_facility",
    "choose_backend",
    "diagnose_facility",
    "solve_facility",
]
