"""MIP options, results and the protocol every MIP adapter implements.

Every adapter reports the same way: ``objective`` is recomputed from the returned ``x`` as
``cost @ x + offset`` (the backend's own figure stays in ``stats['solver_objective']``), ``bound``
is the backend's best proven lower bound, and ``gap`` is ``(objective - bound) / max(|objective|, 1e-10)``
computed here, so that gaps of different backends can be compared.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol, cast

import numpy as np

from optiops.exceptions import SolverError
from optiops.solvers.linear import FloatArray, LinearModel

MipStatus = Literal["optimal", "feasible", "infeasible", "unbounded", "no_solution", "error"]
HAS_SOLUTION: frozenset[str] = frozenset({"optimal", "feasible"})


@dataclass(frozen=True)
class MipOptions:
    """How to run a MIP backend.

    Parameters
    ----------
    time_limit : float or None
        Wall-clock seconds for the solve (not the model translation); ``None`` is no limit.
    threads : int
        Threads the backend may use; SCIP is single-threaded, CBC gets a thread pool only above 1.
    rel_gap : float
        Stop when ``(primal - bound) / |primal|`` falls below this.  The default, 1e-6, is tight
        enough that an "optimal" objective near 1e6 is exact to the rounding of published optima.
    seed : int
        Random seed passed to the backend.
    params : dict
        Backend-specific parameters passed through unchanged: HiGHS option names, SCIP parameter
        names (``"limits/nodes": 1000``), CP-SAT ``SatParameters`` fields, CBC command-line options.
    stop : callable or None
        ``stop()`` returning true ends the search early, as a time limit would: the best solution
        found so far is returned (status ``feasible``), or none (``no_solution``). Only HiGHS asks
        it (its interrupt callbacks); the other backends run to their limits.
    progress : callable or None
        ``progress(elapsed_s, best, bound)`` as the search goes: on every improving solution and at
        the backend's periodic log lines once it has one (``bound`` its proven bound, or ``None``).
        Only HiGHS calls it.
    """

    time_limit: float | None = None
    threads: int = 1
    rel_gap: float = 1e-6
    seed: int = 1
    params: dict[str, Any] = field(default_factory=dict)
    stop: Callable[[], bool] | None = field(default=None, compare=False)
    progress: Callable[[float, float, float | None], None] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.time_limit is not None and not self.time_limit > 0:
            raise SolverError(f"time_limit must be positive, got {self.time_limit}")
        if self.threads < 1:
            raise SolverError(f"threads must be at least 1, got {self.threads}")
        if not 0 <= self.rel_gap < 1:
            raise SolverError(f"rel_gap must lie in [0, 1), got {self.rel_gap}")


@dataclass(frozen=True, eq=False)
class MipResult:
    """What a MIP backend returned, reported the same way by every adapter.

    Attributes
    ----------
    status : str
        ``optimal`` (proven within ``rel_gap``), ``feasible`` (a solution, limit reached),
        ``infeasible``, ``unbounded``, ``no_solution`` (limit reached before any solution) or ``error``.
    objective : float or None
        ``cost @ x + offset`` of the returned solution.
    bound : float or None
        Best proven lower bound on the optimum.
    gap : float or None
        Relative gap between ``objective`` and ``bound`` (see the module docstring).
    x : numpy.ndarray or None
        Value of every variable, ``None`` without a solution.
    solve_s, build_s : float
        Seconds in the backend's solve, and translating the model into the backend's form.
    reduced_costs : numpy.ndarray or None
        For a model without integer variables solved to optimality, each variable's reduced cost,
        when the backend reports it (HiGHS does); else None.
    """

    status: MipStatus
    backend: str
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    x: FloatArray | None = None
    solve_s: float = 0.0
    build_s: float = 0.0
    message: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    reduced_costs: FloatArray | None = None

    @property
    def has_solution(self) -> bool:
        """True when ``x`` holds a solution (status optimal or feasible)."""
        return self.status in HAS_SOLUTION and self.x is not None


class MipBackend(Protocol):
    """One MIP solver behind the common interface.

    ``exact_continuous`` is False for a backend that solves continuous variables only approximately
    (CP-SAT scales them onto an integer grid); formulations then prefer an all-integer model.
    """

    name: str
    exact_continuous: bool

    def available(self) -> bool:
        """True when the solver can be imported and run on this machine."""
        ...

    def solve(self, model: LinearModel, options: MipOptions) -> MipResult:
        """Translate ``model`` into the backend's form and solve it."""
        ...


def solve_from(mip: MipBackend, model: LinearModel, options: MipOptions, start: np.ndarray | None) -> MipResult:
    """Solve ``model``, passing ``start`` (one value per variable) to backends that declare ``accepts_start``.

    Parameters
    ----------
    mip : MipBackend
        The backend.
    model : LinearModel
        The model.
    options : MipOptions
        Limits, threads, gap, seed and backend parameters.
    start : numpy.ndarray or None
        A MIP start; backends without ``accepts_start`` are called without it.

    Returns
    -------
    MipResult
        The backend's result.
    """
    if start is not None and getattr(mip, "accepts_start", False):
        solve = cast(Callable[..., MipResult], mip.solve)
        return solve(model, options, start=start)
    return mip.solve(model, options)


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """``(objective - bound) / max(|objective|, 1e-10)``, clipped at 0; ``None`` if either is missing.

    Parameters
    ----------
    objective : float or None
        Primal objective (minimisation).
    bound : float or None
        Dual (lower) bound.

    Returns
    -------
    float or None
        The gap; ``inf`` when the bound is not finite.
    """
    if objective is None or bound is None or math.isnan(bound):
        return None
    if not math.isfinite(bound):
        return math.inf
    return max(0.0, (objective - bound) / max(abs(objective), 1e-10))


def make_result(
    model: LinearModel,
    backend: str,
    status: MipStatus,
    x: FloatArray | None,
    bound: float | None,
    solve_s: float,
    build_s: float,
    message: str = "",
    stats: dict[str, Any] | None = None,
) -> MipResult:
    """Assemble a :class:`MipResult` the same way for every backend.

    Parameters
    ----------
    model : LinearModel
        The model that was solved (for the objective of ``x``).
    backend : str
        Backend name.
    status : str
        Mapped status; a solution-less status drops ``x``.
    x : numpy.ndarray or None
        Variable values, when the backend has a solution.
    bound : float or None
        Best bound the backend proved; for ``optimal`` without a bound, the objective.
    solve_s, build_s : float
        Timings.
    message : str
        Backend status text, for logs and error reports.
    stats : dict, optional
        Extra backend figures (nodes, backend objective).

    Returns
    -------
    MipResult
        The uniform result.
    """
    if status not in HAS_SOLUTION or x is None:
        x = None
        if status in HAS_SOLUTION:
            status = "no_solution"
    objective = model.objective(x) if x is not None else None
    if bound is not None and not np.isfinite(bound) and bound > 0:
        bound = None  # an "infinite" lower bound of a minimisation means no bound was reported
    if status == "optimal" and bound is None:
        bound = objective
    return MipResult(
        status=status, backend=backend, objective=objective, bound=bound,
        gap=relative_gap(objective, bound), x=x, solve_s=solve_s, build_s=build_s,
        message=message, stats=dict(stats or {}),
    )  # fmt: skip


def settle_infeasible_or_unbounded(backend: MipBackend, model: LinearModel, options: MipOptions) -> MipStatus:
    """Tell ``infeasible`` from ``unbounded`` when a backend's presolve could only say "one of the two".

    The same backend solves the feasibility problem (all costs zero): a solution there means the
    original model is unbounded.

    Parameters
    ----------
    backend : MipBackend
        The backend that gave the ambiguous answer.
    model : LinearModel
        The model.
    options : MipOptions
        The options of the original solve.

    Returns
    -------
    str
        ``infeasible``, ``unbounded`` or ``error``.
    """
    zero = replace(model, cost=np.zeros_like(model.cost), offset=0.0)
    res = backend.solve(zero, options)
    if res.has_solution:
        return "unbounded"
    return "infeasible" if res.status == "infeasible" else "error"
