"""Solve a routing instance on a backend and have the evaluator check what comes back."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optiops._logging import logger
from optiops.evaluate import Evaluation, KernelData, build_plan, evaluate_sequences
from optiops.exceptions import InfeasibleError, InstanceError, SolverError
from optiops.kernels.routing import warmup
from optiops.model.plan import RoutingPlan
from optiops.model.routing import RoutingInstance
from optiops.model.routing_arrays import RoundingError, RoutingArrays, routing_arrays
from optiops.routing.common import Backend, BackendResult, SolveOptions
from optiops.routing.nearest import NearestNeighbourBackend
from optiops.routing.ortools_backend import OrToolsBackend
from optiops.routing.pyvrp_backend import PyVrpBackend

BACKENDS: dict[str, Backend] = {
    "ortools": OrToolsBackend(),
    "pyvrp": PyVrpBackend(),
    "nearest": NearestNeighbourBackend(),
}
AUTO_ORDER = ("pyvrp", "ortools")  # strongest first, measured on routing-solomon / routing-x


@dataclass(frozen=True)
class SolveResult:
    """A checked plan, the evaluator's verdict and what the backend said."""

    plan: RoutingPlan
    evaluation: Evaluation
    backend: BackendResult
    stats: dict[str, Any] = field(default_factory=dict)


def list_backends() -> list[str]:
    """Names accepted by ``backend=``."""
    return ["auto", *BACKENDS]


def choose_backend(inst: RoutingInstance, arrays: RoutingArrays, name: str) -> Backend:
    """The named backend, or for ``auto`` the strongest one that supports the instance."""
    if name == "auto":
        for candidate in AUTO_ORDER:
            if not BACKENDS[candidate].unsupported(inst, arrays):
                return BACKENDS[candidate]
        raise SolverError("no backend supports this instance")
    if name not in BACKENDS:
        raise SolverError(f"unknown backend {name!r}; choose one of {list_backends()}")
    backend = BACKENDS[name]
    reasons = backend.unsupported(inst, arrays)
    if reasons:
        raise SolverError(f"backend {name!r} does not support {', '.join(reasons)}; use ortools or auto")
    return backend


def diagnose(arrays: RoutingArrays) -> list[tuple[str, str]]:
    """(node id, reason) of each required visit no vehicle type can serve on its own."""
    a = arrays
    f = a.floats
    problems = []
    for node in range(a.n_depots, a.n_nodes):
        if not a.required[node]:
            continue
        lo = a.tw_lo_int[a.tw_ptr[node] : a.tw_ptr[node + 1]]
        hi = a.tw_hi_int[a.tw_ptr[node] : a.tw_ptr[node + 1]]
        reasons = set()
        for t in range(len(a.vt_ids)):
            s, e = a.vt_start[t], a.vt_end[t]
            arrive = a.vt_shift_lo_int[t] + a.time_int[s, node]
            open_ = [k for k in range(len(lo)) if hi[k] >= arrive] if len(lo) else [None]
            if not open_:
                reasons.add(f"earliest arrival {f(np.array(arrive)):g} is after its last time window ends")
                continue
            begin = arrive if open_[0] is None else max(arrive, lo[open_[0]])
            back = begin + a.service_int[node] + a.time_int[node, e]
            if back > a.vt_shift_hi_int[t]:
                reasons.add("a vehicle serving it cannot be back at its depot before the shift ends")
                continue
            if a.time_int[s, node] + a.service_int[node] + a.time_int[node, e] > a.vt_max_dur_int[t]:
                reasons.add("the round trip alone exceeds the maximum route duration")
                continue
            break
        else:
            problems.append((a.node_ids[node], "; ".join(sorted(reasons))))
    return problems


def infeasible_error(problems: list[tuple[str, str]]) -> InfeasibleError:
    """The error for :func:`diagnose`'s findings, naming every stop to blame."""
    lines = "\n  ".join(f"{node!r}: {reason}" for node, reason in problems)
    return InfeasibleError(f"no plan can serve these required stops:\n  {lines}", [n for n, _ in problems])


def solve(inst: RoutingInstance, opts: SolveOptions | None = None) -> SolveResult:
    """Solve ``inst``; the returned plan's objective and status come from the evaluator.

    Raises :class:`InfeasibleError` (naming the stops) when a required stop cannot be served.
    """
    opts = opts or SolveOptions()
    warmup()  # loading compiled kernels is start-up, not search time
    t0 = time.perf_counter()
    try:
        arrays = routing_arrays(inst, opts.rounding)
    except RoundingError as exc:
        raise InstanceError(str(exc), inst.name) from exc
    problems = diagnose(arrays)
    if problems:
        raise infeasible_error(problems)
    backend = choose_backend(inst, arrays, opts.backend)
    prep_s = time.perf_counter() - t0
    remaining = max(0.05, opts.time_limit - prep_s)
    res = backend.solve(inst, arrays, dataclasses.replace(opts, time_limit=remaining))
    ev = evaluate_sequences(arrays, res.sequences, KernelData.from_arrays(arrays))
    meta = {
        "instance": inst.name, "backend": backend.name, "seed": opts.seed,
        "time_limit_s": opts.time_limit, "runtime_s": time.perf_counter() - t0,
        "solver_objective": res.solver_objective,
    }  # fmt: skip
    plan = build_plan(arrays, res.sequences, ev, **meta)
    if res.status == "no_solution":
        plan = plan.model_copy(update={"status": "no_solution"})
    stats = dict(res.stats)
    if res.solver_objective is not None and ev.feasible:
        stats["objective_difference"] = res.solver_objective - ev.objective
        if abs(res.solver_objective - ev.objective) > 1e-6 * max(1.0, abs(ev.objective)) + 0.01:
            logger.warning(
                "%s reported %.6g, the evaluator recomputed %.6g",
                backend.name,
                res.solver_objective,
                ev.objective,
            )
    return SolveResult(plan=plan, evaluation=ev, backend=res, stats=stats)
