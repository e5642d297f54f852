"""What every routing backend shares: options, results, the backend protocol, cost scaling."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from optiops.exceptions import InstanceError
from optiops.model.routing import Rounding, RoutingInstance
from optiops.model.routing_arrays import RoutingArrays
from optiops.routing.warm import WarmOptions

DEFAULT_TIME_LIMIT = 5.0
"""Seconds of search when none is given: ``optiops solve``, ``optiops.solve`` and :class:`SolveOptions` alike."""

Progress = Callable[[float, float], None]
"""Called as ``progress(elapsed_s, best_cost)`` whenever a backend improves its best solution."""


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: one frozen object passed down instead of many keywords."""

    backend: str = "auto"
    time_limit: float = DEFAULT_TIME_LIMIT
    seed: int = 1
    rounding: Rounding | None = None
    params: dict[str, Any] = field(default_factory=dict)
    progress: Progress | None = None
    stop: Callable[[], bool] | None = None  # true: end the search now and keep the best plan found
    # warm start: (vehicle type, vehicle, stop nodes) routes the search starts from; stops they leave
    # out are inserted by the search
    initial: tuple[tuple[int, int, tuple[int, ...]], ...] | None = None


@dataclass(frozen=True)
class BackendResult:
    """Routes a backend found, in node indices, and what the backend claims about them."""

    sequences: list[tuple[int, int, list[int]]]
    solver_objective: float | None
    status: str
    runtime_s: float
    stats: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    """A routing solver adapter."""

    name: str
    warm: WarmOptions  # how a re-plan's warm start is completed for this backend's search

    def unsupported(self, inst: RoutingInstance, arrays: RoutingArrays) -> list[str]:
        """Why this backend cannot solve ``inst`` exactly (empty when it can)."""
        ...

    def solve(self, inst: RoutingInstance, arrays: RoutingArrays, opts: SolveOptions) -> BackendResult:
        """Search for up to ``opts.time_limit`` seconds."""
        ...


def cost_scale(arrays: RoutingArrays) -> int:
    """Smallest power of ten C (1 ... 10**6) that turns every cost coefficient into an integer to
    within one part in a million; the solvers' integer objective is C * scale * cost.

    Raises :class:`InstanceError` when no such C keeps the objective inside 64-bit integers.
    """
    coeffs = np.abs(np.concatenate([arrays.vt_cd, arrays.vt_ct, arrays.vt_fixed, arrays.penalty]))
    coeffs = coeffs[coeffs > 0]  # fixed costs may be negative (a re-plan's vehicles already out)
    n_veh = int(arrays.vt_count.sum())
    for k in range(7):
        c = 10**k
        err = np.abs(c * coeffs - np.round(c * coeffs))
        if np.all(err <= 1e-6 * c * coeffs):
            break
    bound = c * (
        float(arrays.vt_cd.max()) * float(arrays.dist_int.max()) * (arrays.n_nodes + n_veh)
        + float(arrays.vt_ct.max()) * float(arrays.horizon_int) * n_veh
        + arrays.scale * (float(np.abs(arrays.vt_fixed).max()) * n_veh + float(arrays.penalty.sum()))
    )
    if bound >= 2.0**62:
        raise InstanceError(
            f"costs: scaling the cost coefficients by {c} (to keep them exact) overflows 64-bit integers; "
            "use fewer decimals or smaller units"
        )
    return c


def int_costs(arrays: RoutingArrays) -> dict[str, np.ndarray]:
    """Integer cost coefficients for the solvers, consistent with :func:`cost_scale`."""
    c, s = cost_scale(arrays), arrays.scale
    return {
        "cd": np.round(c * arrays.vt_cd).astype(np.int64),  # per distance unit in solver units
        "ct": np.round(c * arrays.vt_ct).astype(np.int64),
        "fixed": np.round(c * s * arrays.vt_fixed).astype(np.int64),
        "penalty": np.round(c * s * arrays.penalty).astype(np.int64),
        "divisor": np.array([c * s]),
    }


def fleet_bound(arrays: RoutingArrays) -> np.ndarray:
    """Vehicles worth offering per type: never more than visits; when nothing time-related
    limits a route (no windows, shifts or maximum durations), no more than enough to carry
    everything twice over.

    Unlimited fleets (VRPLIB CVRP gives none) otherwise cost the searches time on empty routes.
    Time limits can need many more routes than capacity does, so there the fleet is kept.
    """
    n_visits = arrays.n_nodes - arrays.n_depots
    out = np.minimum(arrays.vt_count, n_visits)
    timed = (
        arrays.tw_ptr[-1] > 0  # any window, depots included
        or bool((arrays.vt_max_dur_int < arrays.horizon_int).any())
        or bool((arrays.vt_shift_hi_int < arrays.horizon_int).any())
    )
    if timed:
        return np.maximum(out, 1)
    total = (arrays.delivery + arrays.pickup + np.maximum(arrays.ship, 0)).sum(axis=0)
    for t in range(len(out)):
        caps = arrays.vt_cap[t]
        need = max((math.ceil(q / c) for q, c in zip(total, caps, strict=True) if c > 0), default=1)
        out[t] = min(out[t], 2 * need + 2)
    return np.maximum(out, 1)
