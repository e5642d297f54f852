"""optiops: optimisation engine for e-commerce fulfilment operations.

Library face::

    import optiops
    inst = optiops.load("instances/routing/city-deliveries.yaml")
    res = optiops.solve(inst, backend="auto", time_limit=10, seed=1)
    check = optiops.evaluate(inst, res.plan)
    optiops.save(res.plan, "plan.json")
"""

from __future__ import annotations

import dataclasses
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
    backend: str | None = None,
    time_limit: float | None = None,
    seed: int | None = None,
    options: SolveOptions | None = None,
) -> SolveResult:
    """Solve an instance (defaults: ``auto`` backend, 10 s, seed 1).

    ``options`` carries everything else (rounding, backend params, progress); ``backend``,
    ``time_limit`` and ``seed`` given here override the same fields of ``options``.
    """
    opts = options or SolveOptions()
    if backend is not None:
        opts = dataclasses.replace(opts, backend=backend)
    if time_limit is not None:
        opts = dataclasses.replace(opts, time_limit=time_limit)
    if seed is not None:
        opts = dataclasses.replace(opts, seed=seed)
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
