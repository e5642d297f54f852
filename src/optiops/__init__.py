"""optiops: optimisation engine for e-commerce fulfilment operations.

Library face::

    import optiops
    inst = optiops.load("instances/routing/city-deliveries.yaml")
    res = optiops.solve(inst, backend="auto", time_limit=10, seed=1)
    check = optiops.evaluate(inst, res.plan)
    optiops.save(res.plan, "plan.json")
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from optiops._logging import logger
from optiops.evaluate import Evaluation, evaluate
from optiops.exceptions import InfeasibleError, InstanceError, OptiopsError, SolverError
from optiops.io import load, load_plan, save
from optiops.model import RoutingInstance, RoutingPlan
from optiops.routing import SolveOptions, SolveResult
from optiops.routing import solve as _solve_routing

try:
    __version__ = version("optiops")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"


def solve(
    instance: RoutingInstance,
    backend: str = "auto",
    time_limit: float = 10.0,
    seed: int = 1,
    options: SolveOptions | None = None,
) -> SolveResult:
    """Solve an instance; pass ``options`` for everything else (rounding, params, progress)."""
    opts = options or SolveOptions(backend=backend, time_limit=time_limit, seed=seed)
    return _solve_routing(instance, opts)


__all__ = [
    "Evaluation",
    "InfeasibleError",
    "InstanceError",
    "OptiopsError",
    "RoutingInstance",
    "RoutingPlan",
    "SolveOptions",
    "SolveResult",
    "SolverError",
    "__version__",
    "evaluate",
    "load",
    "load_plan",
    "logger",
    "save",
    "solve",
]
