"""numba hot loops only: arrays in, arrays or scalars out (``@njit(cache=True)``)."""

from optiops.kernels.dispatch import dispatch_order
from optiops.kernels.dispatch import warmup as _warmup_dispatch
from optiops.kernels.intermittent import adida_levels, croston_levels, imapa_levels, ses_levels, tsb_levels
from optiops.kernels.intermittent import warmup as _warmup_intermittent
from optiops.kernels.inventory import warmup_compile as _warmup_inventory
from optiops.kernels.orders import warmup as _warmup_orders
from optiops.kernels.routing import N_ROUTE_COLS, evaluate_routes, visit_positions
from optiops.kernels.routing import warmup as _warmup_routing


def warmup() -> None:
    """Compile or load every kernel before timed work."""
    _warmup_routing()
    _warmup_intermittent()
    _warmup_inventory()
    _warmup_orders()
    _warmup_dispatch()


__all__ = [
    "N_ROUTE_COLS",
    "adida_levels",
    "croston_levels",
    "dispatch_order",
    "evaluate_routes",
    "imapa_levels",
    "ses_levels",
    "tsb_levels",
    "visit_positions",
    "warmup",
]
