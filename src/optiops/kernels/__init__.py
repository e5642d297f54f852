"""numba hot loops only: arrays in, arrays or scalars out (``@njit(cache=True)``)."""

from optiops.kernels.routing import N_ROUTE_COLS, evaluate_routes, visit_positions
from optiops.kernels.routing import warmup as _warmup_routing


def warmup() -> None:
    """Compile or load every kernel before timed work."""
    _warmup_routing()


__all__ = ["N_ROUTE_COLS", "evaluate_routes", "visit_positions", "warmup"]
