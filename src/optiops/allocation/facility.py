"""Capacitated facility location: which warehouses to open and which customers each serves.

Formulation (ours; y_i opens warehouse i, x_ij is the share of customer j's demand served by i)::

    minimise    sum_i f_i y_i + sum_ij c_ij x_ij           c_ij: cost of serving all of j from i
    subject to  sum_i x_ij = 1                     for every customer j
                sum_j d_j x_ij <= u_i y_i          for every warehouse i        (capacity)
                x_ij <= y_i                        for every pair               (strong linking)
                sum_i u_i y_i >= sum_j d_j                                      (cover, a valid cut)
                y binary, x in [0, 1] (binary with single sourcing)

The strong linking rows make the LP relaxation much tighter and are kept by default
(``linking="strong"``): with HiGHS (1 thread) the 19 OR-Library cap instances are proven optimal in
0.67 s in all with them and 3.21 s without (each instance 2-10x slower without), and on 100 x 250
sub-instances of capa/capb/capc the strong model ends 10 s with the smaller or equal gap.
``linking="aggregate"`` keeps only the capacity rows (plus strong rows for zero-demand customers, which
the capacity rows alone would not tie to an open warehouse).

For a backend that only approximates continuous variables (CP-SAT) the model counts integer demand
units ``v_ij = d_j x_ij`` instead of shares: exact for whole-number demands, since for fixed open
warehouses the rest is a transportation problem with integral vertices.

Every array is built at once with numpy; the model is then handed to any MIP backend of
:mod:`optiops.solvers`, and the plan is re-checked by :func:`optiops.allocation.check.check_facility`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from optiops._logging import logger
from optiops.allocation.check import check_facility
from optiops.allocation.facility_lagrange import fixings, lagrangian
from optiops.exceptions import InfeasibleError, SolverError
from optiops.model.network import Allocation, FacilityArrays, FacilityInstance, FacilityPlan, facility_arrays
from optiops.solvers import (
    LinearModel,
    LinearModelBuilder,
    MipBackend,
    MipOptions,
    MipResult,
    get_backend,
    list_backends,
    solve_from,
)

Linking = Literal["strong", "aggregate"]
Presolve = Literal["lagrangian", "off"]
STOPPED_LIMIT = 0.01  # seconds a MIP still gets once the run is stopped (a backend needs a positive limit)
AUTO_ORDER = ("highs", "scip", "cbc", "cpsat")  # strongest first, measured on allocation-orlib
DROP_BELOW = 1e-7  # allocation shares below this are solver noise, not part of the plan
OPTIMAL_GAP = 1e-5  # a backend's "optimal" is believed up to this gap between the plan's cost and the bound
LAGRANGE_SHARE = 0.25  # most of the time limit the Lagrangian search may take
RESTRICTED = 15  # warehouses of the MIP that looks for a better plan first (with 20, capb-7000 missed 60 s)
RESTRICTED_SHARE = 0.3  # of the time left, most the restricted MIP may take
# Backend parameters for the reduced MIP once it starts from a plan within a fraction of a percent of the
# optimum.  HiGHS's sub-MIP heuristics (RINS, RENS, root reduced cost) then only cost time: on the
# capb-6000/7000 reductions they took 20-24 s of 64-67 s without finding a better plan.
FROM_PLAN_PARAMS: dict[str, dict[str, object]] = {
    "highs": {"mip_heuristic_run_rins": False, "mip_heuristic_run_rens": False,
              "mip_heuristic_run_root_reduced_cost": False},
}  # fmt: skip


@dataclass(frozen=True, eq=False)
class FacilityModel:
    """The MIP of an instance and where its variables are: ``y`` (k) then ``x`` (k x n, row-major).

    ``index`` lists the instance's warehouses the model holds (all of them unless a reduction left
    some out); ``split`` and ``start`` translate between the model's variables and whole-instance arrays.
    """

    model: LinearModel
    n_warehouses: int
    n_customers: int
    scale: np.ndarray  # (n,): x_ij counts shares / scale_j (1, or the demand with integer units)
    index: np.ndarray  # (k,): the instance's warehouse of each of the model's

    def split(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(y, the m x n matrix of shares) of the whole instance from a solution vector."""
        k, n = len(self.index), self.n_customers
        y, shares = np.zeros(self.n_warehouses), np.zeros((self.n_warehouses, n))
        y[self.index] = x[:k]
        shares[self.index] = x[k : k + k * n].reshape(k, n) / self.scale[None, :]
        return y, shares

    def start(self, is_open: np.ndarray, shares: np.ndarray) -> np.ndarray:
        """The solution vector of a whole-instance plan (open mask, m x n shares) held by the model."""
        idx = self.index
        return np.concatenate([is_open[idx].astype(float), (shares[idx] * self.scale[None, :]).ravel()])


def diagnose_facility(inst: FacilityInstance) -> list[str]:
    """Causes that make every plan infeasible, found without a solver.

    Parameters
    ----------
    inst : FacilityInstance
        The instance.

    Returns
    -------
    list of str
        Empty when no cause is found; otherwise one sentence per cause.
    """
    return [message for message, _ in _diagnose(inst)]


def _diagnose(inst: FacilityInstance) -> list[tuple[str, str | None]]:
    """(cause, customer to blame or None) for every cause of infeasibility found without a solver."""
    arr = facility_arrays(inst)
    demand, capacity = float(arr.demand.sum()), float(arr.capacity.sum())
    causes: list[tuple[str, str | None]] = []
    if capacity < demand:
        causes.append((
            f"total warehouse capacity {capacity:,.6g} is below total demand {demand:,.6g} "
            f"(short by {demand - capacity:,.6g} units, even with every warehouse open)", None,
        ))  # fmt: skip
    if inst.single_sourcing:
        largest = float(arr.capacity.max())
        causes += [
            (f"customer {inst.customers[j].id!r} has demand {arr.demand[j]:,.6g}, more than the largest "
             f"warehouse capacity {largest:,.6g}, and single sourcing forbids splitting it", inst.customers[j].id)
            for j in np.flatnonzero(arr.demand > largest)
        ]  # fmt: skip
    return causes


def build_facility_model(
    inst: FacilityInstance, linking: Linking = "strong", units: bool = False, warehouses: np.ndarray | None = None,
    must_open: np.ndarray | None = None,
) -> FacilityModel:  # fmt: skip
    """The MIP of ``inst``, built from arrays without per-term Python loops.

    Parameters
    ----------
    inst : FacilityInstance
        The instance.
    linking : {"strong", "aggregate"}
        ``strong`` adds ``x_ij <= y_i`` for every pair; ``aggregate`` only for zero-demand customers.
    units : bool
        Model integer demand units ``v_ij = d_j x_ij`` (integer variables) instead of shares, for
        backends without exact continuous variables (CP-SAT).  Exact when every demand is a whole
        number: for fixed open warehouses the rest is a transportation problem, whose vertices are
        integral.  Zero-demand customers keep a 0/1 share.
    warehouses : numpy.ndarray, optional
        Indices of the warehouses the model holds (default all); the others stay closed.
    must_open : numpy.ndarray, optional
        Bool per warehouse of the instance: these are open in every plan of the model.

    Returns
    -------
    FacilityModel
        The model, its variable layout and the scale of each customer's variables.

    Raises
    ------
    SolverError
        When ``units`` is asked for and a demand is not a whole number.
    """
    full = facility_arrays(inst)
    index = np.arange(full.shape[0]) if warehouses is None else np.asarray(warehouses, dtype=np.int64)
    arr = FacilityArrays(capacity=full.capacity[index], fixed_cost=full.fixed_cost[index], demand=full.demand,
                         assign_cost=full.assign_cost[index])  # fmt: skip
    m, n = arr.shape
    scale = np.ones(n)
    if units:
        if not np.array_equal(arr.demand, np.round(arr.demand)):
            raise SolverError("integer demand units need whole-number demands; scale the demands of the instance")
        scale = np.where(arr.demand > 0, arr.demand, 1.0)
    b = LinearModelBuilder(name=inst.name or "facility")
    lower = 0.0 if must_open is None else must_open[index].astype(float)
    y = b.add_vars(m, cost=arr.fixed_cost, lower=lower, upper=1.0, integer=True)
    x = b.add_vars(m * n, cost=(arr.assign_cost / scale).ravel(), upper=_x_upper(arr, inst.single_sourcing, scale),
                   integer=inst.single_sourcing or units).reshape(m, n)  # fmt: skip
    # every customer is served in full: row j holds x[:, j]
    b.add_rows(rows=np.tile(np.arange(n), m), cols=x, vals=1.0, lower=scale, upper=scale)
    # capacity: sum_j d_j x_ij - u_i y_i <= 0
    b.add_rows(
        rows=np.concatenate([np.repeat(np.arange(m), n), np.arange(m)]),
        cols=np.concatenate([x.ravel(), y]),
        vals=np.concatenate([np.tile(arr.demand / scale, m), -arr.capacity]),
        upper=np.zeros(m),
    )
    pairs = np.ones((m, n), dtype=bool) if linking == "strong" else np.broadcast_to(arr.demand == 0, (m, n))
    rows_i, cols_j = np.nonzero(pairs)
    k = len(rows_i)
    b.add_rows(rows=np.repeat(np.arange(k), 2), cols=np.column_stack([x[rows_i, cols_j], y[rows_i]]).ravel(),
               vals=np.column_stack([np.ones(k), -scale[cols_j]]).ravel(), upper=np.zeros(k))  # fmt: skip
    # cover: the open warehouses can hold all demand (implied, but it tightens the relaxation)
    b.add_rows(rows=np.zeros(m, dtype=np.int64), cols=y, vals=arr.capacity, lower=[arr.demand.sum()])
    return FacilityModel(model=b.build(), n_warehouses=full.shape[0], n_customers=n, scale=scale, index=index)


def solve_facility(
    inst: FacilityInstance,
    backend: str = "auto",
    options: MipOptions | None = None,
    linking: Linking = "strong",
    presolve: Presolve = "lagrangian",
) -> FacilityPlan:
    """Solve a capacitated facility location instance and check the plan independently.

    Parameters
    ----------
    inst : FacilityInstance
        The instance.
    backend : str
        ``highs``, ``scip``, ``cbc``, ``cpsat`` or ``auto`` (the first available of
        :data:`AUTO_ORDER`, strongest first as measured on the OR-Library set).
    options : MipOptions, optional
        Time limit, threads, relative gap, seed, backend parameters.
    linking : {"strong", "aggregate"}
        See :func:`build_facility_model`.
    presolve : {"lagrangian", "off"}
        ``lagrangian`` (split demand only): first a Lagrangian bound and plans
        (:mod:`optiops.allocation.facility_lagrange`, a quarter of the time limit at most), then a MIP
        over the best-ranked warehouses for a better plan, then the MIP over every warehouse the
        bound cannot rule out, started from the best plan where the backend takes a start.  The
        warehouses left out are exactly those no plan cheaper than the best one opens, so
        ``optimal`` still means proven optimal.  ``off`` hands the whole model to the backend.

    Returns
    -------
    FacilityPlan
        Open warehouses and non-zero allocations; ``objective`` and the cost breakdown are the
        checker's; ``status`` ``optimal`` or ``feasible``, or ``no_solution`` when the time limit
        ended the search before any plan was found.

    Raises
    ------
    InfeasibleError
        Before any solver runs when total capacity is below total demand (or, with single sourcing,
        a customer is larger than every warehouse); after the solve when the solver proves that no
        single-sourcing assignment fits the capacities.
    SolverError
        When the backend is unknown, unavailable or fails.
    """
    options = options or MipOptions()
    t0 = time.perf_counter()
    causes = _diagnose(inst)
    if causes:
        raise InfeasibleError(
            "no plan can serve every customer:\n  " + "\n  ".join(msg for msg, _ in causes),
            [who for _, who in causes if who is not None],
        )
    mip = get_backend(choose_backend(backend))
    # a backend that only approximates continuous variables gets integer demand units (exact)
    units = not mip.exact_continuous and not inst.single_sourcing
    run = _Run(inst, mip, options, linking, units, t0)
    if presolve == "lagrangian" and not inst.single_sourcing:
        res, fm = run.reduced()
    else:
        fm = run.build()
        res = run.solve(fm, full=True)
    if res.status == "infeasible":
        raise InfeasibleError(
            f"{mip.name} proved that no single-sourcing assignment fits the warehouse capacities "
            "(total capacity suffices, but customers cannot be packed whole); allow split deliveries "
            "or add capacity"
            if inst.single_sourcing
            else f"{mip.name} reports the model infeasible although total capacity covers demand"
        )
    if res.status in ("error", "unbounded"):
        raise SolverError(f"{mip.name} failed on {inst.name or 'the instance'}: {res.status} ({res.message})")
    plan = run.plan(fm, res)
    check = check_facility(inst, plan)
    plan = plan.model_copy(update={
        "objective": check.objective, "fixed_cost": check.fixed_cost, "assignment_cost": check.assignment_cost,
        "violations": check.violations,
    }) if plan.open else plan  # fmt: skip
    if check.violations and plan.open:
        logger.warning("%s plan for %s breaks %d rules: %s", mip.name, inst.name, len(check.violations),
                       "; ".join(check.violations[:3]))  # fmt: skip
    return plan


class _Run:
    """One solve of an instance: the models it builds, the time they take and the best plan met."""

    def __init__(
        self, inst: FacilityInstance, mip: MipBackend, options: MipOptions, linking: Linking, units: bool, t0: float
    ) -> None:  # fmt: skip
        self.inst, self.mip, self.options, self.linking, self.units, self.t0 = inst, mip, options, linking, units, t0
        self.arr = facility_arrays(inst)
        self.deadline = None if options.time_limit is None else t0 + options.time_limit
        self.build_s = 0.0
        self.bound = -math.inf  # a bound proven outside the last MIP (the Lagrangian one)
        self.best: tuple[float, np.ndarray, np.ndarray] | None = None  # cost, open, shares of the best plan
        self.stats: dict[str, float] = {}

    def left(self) -> float | None:
        """Seconds to the deadline (None without a time limit)."""
        return None if self.deadline is None else max(self.deadline - time.perf_counter(), 0.01)

    def build(self, warehouses: np.ndarray | None = None, must_open: np.ndarray | None = None) -> FacilityModel:
        """The model over ``warehouses`` (all by default), its build time counted."""
        t = time.perf_counter()
        fm = build_facility_model(self.inst, self.linking, units=self.units, warehouses=warehouses, must_open=must_open)
        self.build_s += time.perf_counter() - t
        return fm

    def solve(self, fm: FacilityModel, time_limit: float | None = None, from_plan: bool = False,
              full: bool = False) -> MipResult:  # fmt: skip
        """Solve ``fm`` within ``time_limit`` (default: what is left), from the best plan if it fits.

        ``from_plan`` says the best plan is close to the optimum: the backend then gets
        :data:`FROM_PLAN_PARAMS` (under any ``params`` of the options). ``full``: ``fm`` is the whole
        instance, so its backend's bound bounds the instance.
        """
        limit = self.left() if time_limit is None else time_limit
        if self.options.stop is not None and self.options.stop():
            limit = STOPPED_LIMIT  # stopped from outside: the backend only hands back what it has
        params = (
            {**FROM_PLAN_PARAMS.get(self.mip.name, {}), **self.options.params} if from_plan else self.options.params
        )
        opts = replace(self.options, time_limit=limit, params=params, progress=self._progress(full))
        start = None
        if self.best is not None and getattr(self.mip, "accepts_start", False):
            _, is_open, shares = self.best
            if not (is_open & ~np.isin(np.arange(len(is_open)), fm.index)).any():
                start = fm.start(is_open, shares)
        res = solve_from(self.mip, fm.model, opts, start)
        self.build_s += res.build_s
        if res.has_solution and res.x is not None and res.objective is not None:
            y, shares = fm.split(res.x)
            self.offer(res.objective, y > 0.5, shares)
        return res

    def _progress(self, full: bool) -> Callable[[float, float, float | None], None] | None:
        """The options' ``progress`` in the instance's terms: seconds since the start, the best plan met,
        and only a bound that holds for the whole instance (the Lagrangian's; a sub-model's bounds
        only that sub-model unless ``full``)."""
        report = self.options.progress
        if report is None:
            return None

        def tell(elapsed: float, best: float, bound: float | None) -> None:
            if self.best is not None:
                best = min(best, self.best[0])
            valid = self.bound if math.isfinite(self.bound) else None
            if full and bound is not None:
                valid = bound if valid is None else max(valid, bound)
            report(time.perf_counter() - self.t0, best, valid)

        return tell

    def offer(self, cost: float, is_open: np.ndarray, shares: np.ndarray) -> None:
        """Keep the plan if it is the cheapest so far."""
        if self.best is None or cost < self.best[0]:
            self.best = (cost, is_open, shares)

    def reduced(self) -> tuple[MipResult, FacilityModel]:
        """Lagrangian bound and plans, a MIP over the best-ranked warehouses, then the reduced MIP."""
        share = None if self.options.time_limit is None else LAGRANGE_SHARE * self.options.time_limit
        lag = lagrangian(self.arr, None if share is None else self.t0 + share, rel_gap=self.options.rel_gap,
                         stop=self.options.stop)  # fmt: skip
        self.bound = lag.bound
        self.stats.update(lagrange_s=lag.seconds, lagrange_iterations=lag.iterations)
        if lag.shares is not None:
            self.offer(lag.upper, lag.open, lag.shares)
        report = self._progress(full=False)
        if report is not None and self.best is not None:
            report(0.0, self.best[0], None)  # the Lagrangian's plan and bound
        if self.best is None:
            fm = self.build()
            return self.solve(fm, full=True), fm
        closed, opened, values = fixings(self.arr, lag.multipliers, self.best[0])
        restricted = np.flatnonzero(~closed)
        if len(restricted) > RESTRICTED:
            ranked = np.argsort(np.where(closed, np.inf, values), kind="stable")
            chosen = np.zeros(len(values), dtype=bool)
            chosen[ranked[:RESTRICTED]] = True
            chosen |= opened | self.best[1]
            fm = self.build(np.flatnonzero(chosen), opened)
            left, t = self.left(), time.perf_counter()
            self.solve(fm, None if left is None else left * RESTRICTED_SHARE)
            closed, opened, _ = fixings(self.arr, lag.multipliers, self.best[0])
            self.stats.update(restricted=int(chosen.sum()), restricted_s=time.perf_counter() - t)
        keep = np.flatnonzero(~closed)
        self.stats.update(kept=len(keep), fixed_open=int(opened.sum()))
        fm = self.build(keep, opened)
        return self.solve(fm, from_plan=True), fm

    def plan(self, fm: FacilityModel, res: MipResult) -> FacilityPlan:
        """The plan of the best solution met; ``status`` and ``bound`` from the last MIP and the bound."""
        runtime_s = time.perf_counter() - self.t0
        best = self.best
        bound = res.bound
        if math.isfinite(self.bound):
            bound = self.bound if bound is None else max(bound, self.bound)
        status = res.status
        if best is not None:
            gap = (best[0] - bound) / abs(best[0]) if bound is not None and best[0] else None
            if gap is not None and gap <= self.options.rel_gap:
                status = "optimal"
            elif status != "feasible" and not (status == "optimal" and gap is not None and gap <= OPTIMAL_GAP):
                status = "feasible"  # a plan, but no proof within the tolerance, whatever the backend says
        else:
            gap = res.gap
        base = FacilityPlan(
            instance=self.inst.name, status=status, backend=res.backend, time_limit_s=self.options.time_limit,
            solver_objective=best[0] if best is not None else res.objective, bound=bound, gap=gap, build_s=self.build_s,
            solve_s=runtime_s - self.build_s, runtime_s=runtime_s, stats=self.stats,
        )  # fmt: skip
        if best is None:
            return base
        _, is_open, share = best
        share = np.clip(share, 0.0, 1.0)
        if self.inst.single_sourcing:
            share = np.round(share)
        demand, cost = self.arr.demand, self.arr.assign_cost
        allocations = [
            Allocation(warehouse=self.inst.warehouses[i].id, customer=self.inst.customers[j].id,
                       fraction=float(share[i, j]), units=float(share[i, j] * demand[j]),
                       cost=float(share[i, j] * cost[i, j]))
            for i, j in zip(*np.nonzero(share > DROP_BELOW), strict=True)
        ]  # fmt: skip
        return base.model_copy(
            update={"open": [self.inst.warehouses[i].id for i in np.flatnonzero(is_open)], "allocations": allocations}
        )


def choose_backend(name: str) -> str:
    """The backend ``name`` stands for: itself, or for ``auto`` the first available of ``AUTO_ORDER``.

    Parameters
    ----------
    name : str
        A backend name or ``auto``.

    Returns
    -------
    str
        A backend name.
    """
    if name != "auto":
        return name
    available = list_backends()
    for candidate in AUTO_ORDER:
        if candidate in available:
            return candidate
    raise SolverError("no MIP backend is available (install highspy, ortools or pulp)")


def _x_upper(arr: FacilityArrays, single_sourcing: bool, scale: np.ndarray) -> np.ndarray:
    """``scale``, or 0 where single sourcing makes a pair impossible (demand above that capacity)."""
    upper = np.broadcast_to(scale, arr.shape).copy()
    if single_sourcing:
        upper[arr.demand[None, :] > arr.capacity[:, None]] = 0.0
    return upper.ravel()
