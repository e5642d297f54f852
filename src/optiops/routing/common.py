"""What every routing backend shares: options, results, the backend protocol, cost scaling."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from optiops.model.routing import Rounding, RoutingInstance
from optiops.model.routing_arrays import RoutingArrays

Progress = Callable[[float, float], None]
"""Called as ``progress(elapsed_s, best_cost)`` whenever a backend improves its best solution."""


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: one frozen object passed down instead of many keywords."""

    backend: str = "auto"
    time_limit: float = 10.0
    seed: int = 1
    rounding: Rounding | None = None
    params: dict[str, Any] = field(default_factory=dict)
    progress: Progress | None = None


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

    def unsupported(self, inst: RoutingInstance, arrays: RoutingArrays) -> list[str]:
        """Why this backend cannot solve ``inst`` exactly (empty when it can)."""
        ...

    def solve(self, inst: RoutingInstance, arrays: RoutingArrays, opts: SolveOptions) -> BackendResult:
        """Search for up to ``opts.time_limit`` seconds."""
        ...


def cost_scale(arrays: RoutingArrays) -> int:
    """Integer factor C so that C * (cost coefficients) are integers (up to 1/100 of a unit).

    Solver objective in integers = C * scale * cost; C = 1 when every coefficient is integral.
    """
    coeffs = np.concatenate([arrays.vt_cd, arrays.vt_ct, arrays.vt_fixed, arrays.penalty])
    return 1 if np.all(np.abs(coeffs - np.round(coeffs)) < 1e-12) else 100


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
    """Vehicles worth offering per type: never more than visits; without time windows, no more
    than enough to carry everything twice over.

    Unlimited fleets (VRPLIB CVRP gives none) otherwise cost the searches time on empty routes.
    Time windows can need many more routes than capacity does, so there the fleet is kept.
    """
    n_visits = arrays.n_nodes - arrays.n_depots
    out = np.minimum(arrays.vt_count, n_visits)
    if arrays.tw_ptr[-1] > arrays.tw_ptr[arrays.n_depots]:
        return np.maximum(out, 1)
    total = (arrays.delivery + arrays.pickup + np.maximum(arrays.ship, 0)).sum(axis=0)
    for t in range(len(out)):
        caps = arrays.vt_cap[t]
        need = max((math.ceil(q / c) for q, c in zip(total, caps, strict=True) if c > 0), default=1)
        out[t] = min(out[t], 2 * need + 2)
    return np.maximum(out, 1)
