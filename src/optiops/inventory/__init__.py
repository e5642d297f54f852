"""Safety stock and reorder policies at a service target, checked by Monte Carlo simulation.

:func:`solve_inventory` runs the whole chain for an instance; the pieces (analytic policies,
simulation, simulation correction, service-level allocation MIP) are importable on their own.
"""

from optiops.inventory.allocate import ServiceTargets, allocate_service, build_menu, menu_levels
from optiops.inventory.correct import correct_policy
from optiops.inventory.policy import Items, Policy, analytic_policy, weeks_of_cover_policy
from optiops.inventory.simulate import DemandPool, SimulationOptions, simulate, summarise
from optiops.inventory.solve import InventoryOptions, items_from_instance, solve_inventory

__all__ = [
    "DemandPool",
    "InventoryOptions",
    "Items",
    "Policy",
    "ServiceTargets",
    "SimulationOptions",
    "allocate_service",
    "analytic_policy",
    "build_menu",
    "correct_policy",
    "items_from_instance",
    "menu_levels",
    "simulate",
    "solve_inventory",
    "summarise",
    "weeks_of_cover_policy",
]
