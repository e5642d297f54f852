"""optiops: optimisation engine for e-commerce fulfilment operations.

Library face, the same for every problem kind (routing, facility, placement, order-allocation,
roster, task-day, inventory, scenario; :mod:`optiops.kinds`)::

    import optiops
    inst = optiops.load("instances/routing/city-deliveries.yaml")
    res = optiops.solve(inst, backend="auto", time_limit=10, seed=1)
    check = optiops.evaluate(inst, res.plan)
    optiops.save(res.plan, "plan.json")

``optiops.Client(url)`` submits jobs to an ``optiops serve`` server (:mod:`optiops.service`).
"""

from __future__ import annotations

import dataclasses
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from optiops._logging import logger
from optiops.evaluate import Evaluation  # binds the module first, so the function below keeps the name
from optiops.exceptions import InfeasibleError, InstanceError, OptiopsError, SolverError
from optiops.io import load_plan, save
from optiops.kinds import Check, Options, Result
from optiops.model import RoutingInstance, RoutingPlan
from optiops.routing import SolveOptions, SolveResult

try:
    __version__ = version("optiops")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"


def load(path: str | Path, rounding: str | None = None, capacity: float | None = None) -> Any:
    """Read and validate an instance of any kind from any of its formats (see :func:`optiops.kinds.load`)."""
    from optiops import kinds

    return kinds.load(path, rounding=rounding, capacity=capacity)


def solve(
    instance: Any,
    backend: str | None = None,
    time_limit: float | None = None,
    seed: int | None = None,
    options: Options | SolveOptions | None = None,
) -> Result:
    """Solve an instance of any kind (defaults: ``auto`` backend, the kind's time limit, seed 1).

    ``options`` (:class:`optiops.kinds.Options`, or the routing :class:`SolveOptions`) carries
    everything else; ``backend``, ``time_limit`` and ``seed`` given here override its fields.
    """
    from optiops import kinds

    if isinstance(options, SolveOptions):
        opts = Options(backend=options.backend, time_limit=options.time_limit, seed=options.seed,
                       params=options.params, rounding=options.rounding, progress=options.progress)  # fmt: skip
    else:
        opts = options or Options()
    if backend is not None:
        opts = dataclasses.replace(opts, backend=backend)
    if time_limit is not None:
        opts = dataclasses.replace(opts, time_limit=time_limit)
    if seed is not None:
        opts = dataclasses.replace(opts, seed=seed)
    return kinds.solve(instance, opts)


def evaluate(instance: Any, plan: Any, rounding: str | None = None) -> Check:
    """Recompute a plan's cost and feasibility with its kind's independent checker.

    ``rounding`` (routing) is the metric to judge in; default the plan's own, then the instance's.
    """
    from optiops import kinds

    return kinds.check(instance, plan, Options(rounding=rounding))


def reoptimise(
    instance: RoutingInstance,
    plan: RoutingPlan,
    state: Any,
    backend: str | None = None,
    time_limit: float | None = None,
    seed: int | None = None,
) -> Result:
    """Re-plan the rest of a routing day from its current state, warm-started from ``plan``'s routes.

    ``state`` is a :class:`~optiops.model.routing_state.RoutingState` (or a path to its JSON): the
    time, each vehicle's position and availability, stops served (kept as they are) and late orders.
    The result's plan is the whole day, served part and re-plan, checked by
    :func:`optiops.routing.replan_check.check_replan`; ``detail`` is the
    :class:`~optiops.routing.reoptimise.ReplanResult`. Defaults: ``auto`` backend, 0.85 s for the whole re-plan, seed 1.
    """
    from optiops.model.routing_state import RoutingState
    from optiops.routing.reoptimise import REPLAN_TIME_LIMIT
    from optiops.routing.reoptimise import reoptimise as replan

    if isinstance(state, str | Path):
        from optiops.io.documents import read_as

        state = read_as(state, RoutingState)
    opts = SolveOptions(backend=backend or "auto", time_limit=REPLAN_TIME_LIMIT if time_limit is None else time_limit,
                        seed=1 if seed is None else seed)  # fmt: skip
    res = replan(instance, plan, state, opts)
    return Result(kind="routing", plan=res.plan, status=res.plan.status, objective=res.plan.objective,
                  runtime_s=res.plan.runtime_s, stats=res.stats, detail=res)  # fmt: skip


def replay(scenario: Any, options: Any = None, progress: Any = None) -> Any:
    """Play a scenario's hold-out day by day, closed loop, with the baseline and the optimised plan.

    ``scenario`` is a :class:`~optiops.model.scenario.Scenario` or a scenario folder; ``options`` a
    :class:`optiops.closed_loop.ReplayOptions`. Returns a :class:`optiops.closed_loop.ReplayResult`
    (KPIs, the daily rows and the stock ledger as DataFrames). See docs/replay.md.
    """
    from optiops.closed_loop import replay as run_replay
    from optiops.scenario.read import read_scenario

    if isinstance(scenario, str | Path):
        scenario = read_scenario(scenario)
    return run_replay(scenario, options, progress)


def __getattr__(name: str) -> Any:
    # the service client is imported on first use, so ``import optiops`` stays as light as it was
    if name == "Client":
        from optiops.service.client import Client

        return Client
    raise AttributeError(f"module 'optiops' has no attribute {name!r}")


__all__ = [
    "Check",
    "Client",
    "Evaluation",
    "InfeasibleError",
    "InstanceError",
    "Options",
    "OptiopsError",
    "Result",
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
    "reoptimise",
    "replay",
    "save",
    "solve",
]
