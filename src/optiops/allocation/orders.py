"""Daily order-to-warehouse allocation: which warehouse ships which order line.

Formulation (ours; ``z_ow`` = order o gets a parcel from warehouse w, ``x_lw`` = line l ships from w)::

    minimise    sum_ow (h_w + s_w,zone(o) + p) z_ow  -  p * |orders|     h handling, s shipping, p split penalty
    subject to  sum_w x_lw = 1                       every line, once
                x_lw <= z_o(l)w                      a line needs its order's parcel from w
                sum_l q_l x_lw <= stock_w,sku(l)     per warehouse and SKU
                sum_o z_ow <= capacity_w             parcels per warehouse and day
                z binary, x binary (or continuous, see below)

The objective is handling plus shipping per parcel plus ``p`` per parcel beyond an order's first, since
``sum_w z_ow - 1`` is the number of extra parcels of order o.  Only pairs the promise allows and whose
stock covers the line get variables; a single-line order has no ``x`` (its ``z`` is its line's
variable); stock and capacity rows that cannot bind (candidate demand within the stock or capacity)
are left out.  Every block is built at once with numpy.

``line_vars="continuous"`` relaxes ``x`` of unit-quantity lines to ``[0, 1]``: exact, because for fixed
``z`` (and fixed binary lines) what remains per SKU is a bipartite b-matching of unit lines to
warehouses with integral stocks, whose polytope is integral; a fractional answer is turned into an
integral one of the same cost by a maximum flow (:func:`_integral_lines`).

Two methods share this formulation:

- ``full``: the whole model on the MIP backend, with the greedy plan of
  :func:`~optiops.allocation.generate.greedy_allocation` as MIP start (backends that take one) and as
  the plan returned when the solver finds nothing better.  Exact; ``auto`` uses it up to
  ``full_max_vars`` variables.
- ``core`` (large days: 100,000 orders give 2.5 million variables, far beyond what HiGHS solves in
  minutes; see ``docs/allocation.md``): a Lagrangian relaxation of the stock and capacity rows
  (:func:`~optiops.allocation.lagrangian.lagrangian_bound`) gives a lower bound valid for the whole
  model and prices for scarce stock and capacity; a greedy plan directed by those prices, improved by
  one-order reinsertion (:func:`~optiops.allocation.neighbourhoods.reinsert`), is the start; then a
  large neighbourhood search re-solves, on the backend, the same formulation for a few thousand
  related orders at a time (around one or a few warehouses, or holding contested SKUs: see
  :mod:`optiops.allocation.neighbourhoods`), restricted to their core (the (order, warehouse) pairs
  whose Lagrangian reduced cost is within ``core_margin`` of the order's best, plus the current ones),
  with the stock and capacity the other orders leave.  Each neighbourhood's LP relaxation comes first:
  the orders it leaves integral and in place stay, and only the others go to the MIP (``lns_fix``,
  relaxation-enforced neighbourhood search); once that finds nothing more, whole neighbourhood MIPs
  follow.  The time left raises the bound.  The plan is
  feasible for the whole model; its gap is measured against the Lagrangian bound.  The core is the
  idea of Ceria, Nobili and Sassano (1998) and Caprara, Fischetti and Toth (1999) for large set
  covering; the search is Shaw's (1998) large neighbourhood search with a MIP as the repair.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import maximum_flow

from optiops._logging import logger
from optiops.allocation.check_orders import check_orders, diagnose_orders
from optiops.allocation.facility import choose_backend
from optiops.allocation.greedy import greedy_allocation
from optiops.allocation.lagrangian import Pricing, lagrangian_bound, priced_plan, reduced_costs
from optiops.allocation.master import ColumnPool, lp_guided_plan, master_lp
from optiops.allocation.neighbourhoods import (
    PlanState,
    Relatedness,
    free_orders,
    parcel_use,
    pass_keys,
    plan_state,
    reinsert,
    reinsert_state,
    relatedness,
    stock_use,
    sub_instance,
)
from optiops.exceptions import InfeasibleError, SolverError
from optiops.model.orders import (
    OrderAllocationInstance,
    OrderAllocationPlan,
    OrderArrays,
    PlanSource,
    Shipments,
    order_arrays,
)
from optiops.solvers import (
    LinearModel,
    LinearModelBuilder,
    MipBackend,
    MipOptions,
    MipResult,
    get_backend,
    relative_gap,
    solve_from,
)
from optiops.solvers.linear import FloatArray, IntArray

LineVars = Literal["binary", "continuous"]
BIG = 1e9  # ranks a warehouse that cannot ship the whole order after every one that can
GREEDY_RETRIES = 10  # greedy passes with the incomplete orders moved ahead
DEFAULT_CORE_LIMIT = 60.0  # seconds of the core method when the options give no time limit
FULL_REINSERT_EVERY = 10  # every tenth reinsertion after a merge tries every idle order, not only the touched ones
LP_START_ROOM = 0.3  # the LP start runs only when at least this share of the time is left for the search
Method = Literal["auto", "full", "core"]
LnsFix = Literal["off", "moved", "holders"]


@dataclass(frozen=True)
class OrderModelOptions:
    """Formulation choices.

    Parameters
    ----------
    method : {"auto", "full", "core"}
        See the module notes; ``auto`` is ``full`` up to ``full_max_vars`` variables, else ``core``.
    line_vars : {"binary", "continuous"}
        ``continuous`` relaxes the line variables of unit-quantity lines (exact, see the module notes).
    mip_start : bool
        Hand the greedy plan to backends that accept a MIP start.
    full_max_vars : int
        Largest full model ``auto`` solves whole.  On a 10,000-order day (120,090 variables) HiGHS
        ends 30 s 6 % above the bound on the full model, the core method 0.3 %.
    core_margin : float
        Core pairs: Lagrangian reduced cost within this share of the mean cheapest parcel cost (at first;
        see ``core_widenings``).  Larger cores mean larger neighbourhood models and fewer of them.  With
        whole neighbourhood MIPs, 0.05 beat 0.1 at 100k orders (about 1.0 % against 1.2-1.35 % in 120 s);
        with ``lns_fix`` (LP first), 0.1 beats 0.05 and 0.2 (see ``lns_share``).
    lagrangian_share : float
        Share of the time limit the first Lagrangian phase may take.
    lagrangian_iterations : int
        Most subgradient steps of the first phase.
    lns_orders : int
        About how many orders a neighbourhood frees, at least (see ``lns_share``).
    lns_share : float
        ... or this share of the day's orders when that is more.  100k-order day, 120 s, two threads,
        ``lns_fix="moved"``, runs in one morning, gap to the bound (seeds 1 / 2) by share and core
        margin: 0.1 and 0.05: 0.503 %; 0.2: 0.482 / 0.445 % (0.05), 0.461 % (0.1), 0.505 % (0.2);
        0.3: 0.476 / 0.483 % (0.05), 0.438 / 0.444 % (0.1), 0.582 % (0.2); 0.5 and 0.05: 0.566 %.
        Whole neighbourhood MIPs at 0.1 and 0.05 the same hour: 0.538 %.  0.25 with a margin of 0.1
        sits inside the plateau.  The 10k day keeps 5,000 orders (``lns_orders``).
    core_widenings : int
        Times the core margin doubles when a pass of neighbourhoods saves less than ``pass_saving``.  10k-order day,
        60 s, 2 threads: a margin of 0.2 throughout ended at 0.18 % where 0.05 stopped at a local
        optimum 0.31 % above the bound; 0.5 made the neighbourhood MIPs too slow (1.15 %).
    pass_saving : float
        A pass of neighbourhoods that saves less than this share of the plan's cost widens the core; at
        the widest core the search stops after a pass that saves nothing at all.
    reinsert_passes : int
        Most passes of one-order reinsertion after each neighbourhood's answer is merged.
    lns_time : float
        Most seconds for one neighbourhood.
    bound_share : float
        Share of the time limit kept for the last Lagrangian phase (the bound).
    lp_start : bool
        Also build a start from the master LP over the orders' priced optima of ``lp_pool_steps`` more
        subgradient steps and the plan (:mod:`optiops.allocation.master`); the cheaper start is kept.
    lp_pool_steps : int
        Subgradient steps whose priced optima join the pool of columns.
    lp_filter : float or None
        Before each neighbourhood MIP, solve its LP relaxation and leave out the variables the LP
        leaves at zero with a reduced cost of at least this share of the mean cheapest parcel cost
        (those of the start stay).  HiGHS spends most of a neighbourhood's time in MIP presolve; on
        ten neighbourhoods of the 100k-order day, 0.5 (about 3.5 cost units) kept 90 % of the
        variables, found the same optimum in 6 of 7 and took about half the time, LP included.
        None: off; also off for a backend that reports no reduced costs (``reports_reduced_costs``),
        and when less than a second is left.  Stats: ``lp_filter_s``, ``vars_offered`` and
        ``vars_kept`` (sums over the neighbourhoods).
    lns_params : dict or None
        Backend options for the neighbourhood MIPs, on top of ``MipOptions.params`` (which win).
        None: :data:`LNS_PARAMS` for the backend; ``{}``: the backend's own defaults.
    lns_fix : {"off", "moved", "holders"}
        Solve a neighbourhood's LP relaxation first and keep the orders it leaves integral and where
        they are in the plan at the LP's allocation; only the others go to the MIP, with the stock and
        parcels the kept ones leave (relaxation-enforced neighbourhood search, Berthold 2014).
        ``moved`` frees the orders the LP leaves fractional or moves; ``holders`` also the orders whose
        LP allocation takes the last unit of a cell (SKU, warehouse) a freed order could use.  When the
        fixed MIP has no answer the whole neighbourhood MIP follows.  ``off``: the whole MIP.  Needs a
        backend that solves LPs (``reports_reduced_costs``).  Stats: the LPs count in ``lp_filter_s``;
        ``fixed_answers`` counts the answers of fixed MIPs, ``whole_mips`` is 1 once the search went on
        with whole MIPs (see :func:`_improve`), ``reinsert_s`` is the main thread's reinsertion time.
    """

    method: Method = "auto"
    line_vars: LineVars = "binary"
    mip_start: bool = True
    full_max_vars: int = 50_000
    core_margin: float = 0.1
    lagrangian_share: float = 0.2
    lagrangian_iterations: int = 100_000
    lns_orders: int = 5_000
    lns_share: float = 0.25
    core_widenings: int = 2
    pass_saving: float = 1e-4
    reinsert_passes: int = 5
    lns_time: float = 10.0
    bound_share: float = 0.1
    lp_start: bool = True
    lp_pool_steps: int = 100
    lp_filter: float | None = 0.5
    lns_params: dict[str, object] | None = None
    lns_fix: LnsFix = "moved"


#: Neighbourhood MIP options per backend.  HiGHS: probing and enumeration presolve off (bits 15 and 16
#: of ``presolve_rule_off``).  Its neighbourhoods close at the root; presolve took most of their time,
#: and on 12 neighbourhoods saved from a 100k-order run these two rules cost about a quarter of it
#: (13.0-13.4 s against 16.4-20.3 s in all) without changing one optimum.
LNS_PARAMS: dict[str, dict[str, object]] = {"highs": {"presolve_rule_off": (1 << 15) | (1 << 16)}}


@dataclass(frozen=True, eq=False)
class OrderModel:
    """The MIP and where its variables are: ``z`` columns first, then ``x``.

    ``cand_line``/``cand_wh``/``cand_col`` list every (line, warehouse) candidate and the column that
    says the line ships from there (a ``z`` column for single-line orders).
    """

    model: LinearModel
    z_order: IntArray
    z_wh: IntArray
    cand_line: IntArray
    cand_wh: IntArray
    cand_col: IntArray


def build_order_model(arr: OrderArrays, line_vars: LineVars = "binary", keep: np.ndarray | None = None) -> OrderModel:
    """The MIP of an instance, built from arrays without per-term Python loops.

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    line_vars : {"binary", "continuous"}
        Integrality of the line variables of unit-quantity lines.
    keep : numpy.ndarray of bool, optional
        (L, W) restricts the candidate (line, warehouse) pairs further (the core method).

    Returns
    -------
    OrderModel
        The model and its variable layout.
    """
    n_o, n_w, n_s = arr.n_orders, arr.n_warehouses, len(arr.sku_ids)
    ok = arr.line_candidates if keep is None else arr.line_candidates & keep
    single = (np.diff(arr.line_ptr) == 1)[arr.line_order]
    z_ok = np.logical_or.reduceat(ok, arr.line_ptr[:-1], axis=0)
    z_o, z_w = np.nonzero(z_ok)
    z_index = np.full((n_o, n_w), -1, dtype=np.int64)
    z_index[z_o, z_w] = np.arange(len(z_o))
    ll, ww = np.nonzero(ok)
    is_x = ~single[ll]
    b = LinearModelBuilder(name=arr.name or "orders", offset=-arr.split_penalty * n_o)
    cost = arr.parcel_cost[z_o, z_w] + arr.split_penalty
    z = b.add_vars(len(z_o), cost=cost, upper=1.0, integer=True)
    x_int = np.ones(int(is_x.sum()), dtype=bool) if line_vars == "binary" else arr.line_qty[ll[is_x]] != 1
    x = b.add_vars(len(x_int), upper=1.0, integer=x_int)
    col = z_index[arr.line_order[ll], ww]
    col[is_x] = x
    b.add_rows(rows=ll, cols=col, vals=1.0, lower=1.0, upper=1.0, n_rows=arr.n_lines)
    k = len(x)
    z_of_x = z_index[arr.line_order[ll[is_x]], ww[is_x]]
    b.add_rows(rows=np.repeat(np.arange(k), 2), cols=np.column_stack([x, z_of_x]).ravel(),
               vals=np.tile([1.0, -1.0], k), upper=0.0, n_rows=k)  # fmt: skip
    # stock rows only where the candidate demand could exceed the stock
    key = ww * n_s + arr.line_sku[ll]
    qty = arr.line_qty[ll]
    demand = np.bincount(key, weights=qty, minlength=n_w * n_s)
    stock = arr.stock.ravel()
    tight = demand[key] > stock[key]
    tight_keys, tight_row = np.unique(key[tight], return_inverse=True)
    b.add_rows(rows=tight_row, cols=col[tight], vals=qty[tight], upper=stock[tight_keys], n_rows=len(tight_keys))
    loaded = np.bincount(z_w, minlength=n_w) > arr.capacity
    rows_w = np.cumsum(loaded) - 1
    sel = loaded[z_w]
    b.add_rows(rows=rows_w[z_w[sel]], cols=z[sel], vals=1.0, upper=arr.capacity[loaded], n_rows=int(loaded.sum()))
    return OrderModel(b.build(), z_o, z_w, ll, ww, col)


@dataclass
class _Outcome:
    """What a method found: the plan's lines (or None), the MIP result and the figures for the plan."""

    line_wh: IntArray | None
    source: PlanSource
    res: MipResult
    bound: float | None
    start_cost: float | None
    formulation_s: float
    start_s: float
    stats: dict[str, float] = field(default_factory=dict)


def solve_orders(
    inst: OrderAllocationInstance | OrderArrays,
    backend: str = "auto",
    options: MipOptions | None = None,
    model_options: OrderModelOptions | None = None,
) -> OrderAllocationPlan:
    """Allocate every order line to a warehouse at least cost and check the plan independently.

    Parameters
    ----------
    inst : OrderAllocationInstance or OrderArrays
        The instance (arrays for large generated instances).
    backend : str
        ``highs``, ``scip``, ``cbc``, ``cpsat`` or ``auto`` (see :func:`~optiops.allocation.choose_backend`).
    options : MipOptions, optional
        Time limit (of the whole search: Lagrangian steps and MIP; the model build comes on top),
        threads, relative gap, seed, backend parameters.
    model_options : OrderModelOptions, optional
        Method, line variables, MIP start, core settings.

    Returns
    -------
    OrderAllocationPlan
        The warehouse of every line; costs, parcels and splits as recomputed by the checker; status,
        bound and gap (the backend's with ``full``, the Lagrangian bound with ``core``);
        ``source="greedy"`` when the solver returned nothing better than the greedy plan, status
        ``no_solution`` when there is no plan at all.

    Raises
    ------
    InfeasibleError
        Before any solver runs for the causes of :func:`~optiops.allocation.check_orders.diagnose_orders`;
        after the solve when the solver proves that stock and capacity cannot be shared out in time.
    SolverError
        When the backend is unknown, unavailable or fails.
    """
    options = options or MipOptions()
    mo = model_options or OrderModelOptions()
    t0 = time.perf_counter()
    arr = order_arrays(inst)
    causes = diagnose_orders(arr)
    if causes:
        raise InfeasibleError("no plan can ship every order line:\n  " + "\n  ".join(c.message for c in causes),
                              [name for c in causes for name in c.culprits])  # fmt: skip
    mip = get_backend(choose_backend(backend))
    cand = arr.line_candidates
    multi = np.diff(arr.line_ptr) > 1
    n_full = int(cand.sum() + np.logical_or.reduceat(cand, arr.line_ptr[:-1], axis=0)[multi].sum())
    method = mo.method if mo.method != "auto" else "full" if n_full <= mo.full_max_vars else "core"
    if not mip.exact_continuous:  # CP-SAT only approximates continuous variables: keep every line binary
        mo = replace(mo, line_vars="binary")
    out = _solve_full(arr, mip, options, mo) if method == "full" else _solve_core(arr, mip, options, mo)
    res = out.res
    status = res.status if out.source == "solver" else "feasible"
    plan = OrderAllocationPlan(
        instance=arr.name, status=status if out.line_wh is not None else "no_solution", source=out.source,
        method=method, backend=res.backend, time_limit_s=options.time_limit, solver_objective=res.objective,
        start_objective=out.start_cost, bound=out.bound, build_s=out.formulation_s + res.build_s,
        start_s=out.start_s, solve_s=res.solve_s + out.stats.get("lagrangian_s", 0.0),
        stats={"full_vars": n_full, **out.stats},
        shipments=_shipments(arr, out.line_wh) if out.line_wh is not None else Shipments(),
    )  # fmt: skip
    if out.line_wh is None:
        return plan.model_copy(update={"runtime_s": time.perf_counter() - t0})
    check = check_orders(arr, plan)
    if check.violations:
        logger.warning("%s plan for %s breaks %d rules: %s", mip.name, arr.name, len(check.violations),
                       "; ".join(check.violations[:3]))  # fmt: skip
    gap = relative_gap(check.objective, out.bound)
    if method == "core" and gap is not None and gap <= options.rel_gap and not check.violations:
        plan = plan.model_copy(update={"status": "optimal"})
    return plan.model_copy(update={
        "objective": check.objective, "handling_cost": check.handling_cost, "shipping_cost": check.shipping_cost,
        "split_cost": check.split_cost, "parcels": check.parcels, "split_orders": check.split_orders,
        "extra_parcels": check.extra_parcels, "violations": check.violations, "gap": gap,
        "runtime_s": time.perf_counter() - t0,
    })  # fmt: skip


def _solve_full(arr: OrderArrays, mip: MipBackend, options: MipOptions, mo: OrderModelOptions) -> _Outcome:
    """The whole model on the backend, the greedy plan as start and fallback."""
    t1 = time.perf_counter()
    greedy = greedy_allocation(arr, retries=GREEDY_RETRIES)
    t2 = time.perf_counter()
    om = build_order_model(arr, mo.line_vars)
    formulation_s = time.perf_counter() - t2
    start = _start_vector(arr, om, greedy.line_wh) if greedy.complete else None
    start_cost = om.model.objective(start) if start is not None else None
    res = solve_from(mip, om.model, options, start if mo.mip_start else None)
    _raise_on_failure(mip, res, arr)
    line_wh = _line_warehouses(arr, om, res.x) if res.has_solution and res.x is not None else None
    source: PlanSource = "solver"
    if start_cost is not None and (res.objective is None or start_cost < res.objective - 1e-9):
        line_wh, source = greedy.line_wh, "greedy"
    stats = {"vars": float(om.model.n_vars), "rows": float(om.model.n_rows), "nonzeros": float(om.model.nnz)}
    return _Outcome(line_wh, source, res, res.bound, start_cost, formulation_s, t2 - t1, stats)


def _solve_core(arr: OrderArrays, mip: MipBackend, options: MipOptions, mo: OrderModelOptions) -> _Outcome:
    """Lagrangian prices and bound, a price-directed start, core neighbourhoods on the backend, more bound."""
    from optiops.kernels.orders import warmup

    warmup()  # the first call on a machine compiles the kernels (then cached): not part of the search budget
    t1 = time.perf_counter()
    limit = options.time_limit if options.time_limit is not None else DEFAULT_CORE_LIMIT
    deadline = t1 + limit
    greedy = greedy_allocation(arr, retries=GREEDY_RETRIES)
    t2 = time.perf_counter()
    upper = _cost(arr, greedy.line_wh) if greedy.complete else 2.0 * float(arr.parcel_cost.max()) * arr.n_lines
    pricing = Pricing(np.zeros_like(arr.stock), np.zeros_like(arr.capacity))
    lagrangian_bound(arr, pricing, upper, mo.lagrangian_iterations, t2 + mo.lagrangian_share * limit, options.threads)
    t3 = time.perf_counter()
    reduced, whole = reduced_costs(arr, pricing.best_lam, pricing.best_mu)
    rank_cost = np.where(np.isfinite(whole), whole, BIG + arr.parcel_cost)
    priced = greedy_allocation(arr, rank_cost, priced_plan(arr, pricing.best_lam, pricing.best_mu), GREEDY_RETRIES)
    starts = [(_cost(arr, g.line_wh), k, g.line_wh) for k, g in enumerate([greedy, priced]) if g.complete]
    if not starts:
        raise SolverError("neither greedy plan ships every line, so the core method has no start; use method='full'")
    start_cost, _, line_wh = min(starts)
    line_wh = reinsert(arr, line_wh, options.seed)
    t4 = time.perf_counter()
    logger.debug("bound %.2f after %d steps; start %.2f, after reinsertion %.2f", pricing.bound, pricing.iterations,
                 start_cost, _cost(arr, line_wh))  # fmt: skip
    lp_stats: dict[str, float] = {}
    search_end = t1 + (1 - mo.bound_share) * limit
    if mo.lp_start and search_end - time.perf_counter() > LP_START_ROOM * limit:
        line_wh, lp_stats = _lp_start(arr, pricing, line_wh, rank_cost, limit, search_end, options, mo)
        reduced, _ = reduced_costs(arr, pricing.best_lam, pricing.best_mu)  # the pool's steps may have moved them
    scale = np.where(arr.order_allowed, arr.parcel_cost, np.inf).min(axis=1).mean()

    def core(level: int) -> tuple[NDArray[np.bool_], Relatedness] | None:
        if level > mo.core_widenings:
            return None
        keep = reduced <= mo.core_margin * 2.0**level * scale
        size = max(mo.lns_orders, round(mo.lns_share * arr.n_orders))
        return keep, relatedness(arr, keep, size, pricing.best_lam, pricing.best_mu)

    rc_cut = None if mo.lp_filter is None else mo.lp_filter * scale
    line_wh, found, lns = _improve(arr, line_wh, core, mip, options, mo, search_end, rc_cut)
    t5 = time.perf_counter()
    lagrangian_bound(arr, pricing, _cost(arr, line_wh), 100 * mo.lagrangian_iterations, deadline, options.threads)
    stats = {**lns, **lp_stats, "lagrangian_s": (t3 - t2) + (time.perf_counter() - t5),
             "lagrangian_iterations": pricing.iterations}  # fmt: skip
    res = MipResult(status="feasible", backend=mip.name, objective=_cost(arr, line_wh), solve_s=lns["mip_s"],
                    build_s=lns["translate_s"])  # fmt: skip
    return _Outcome(line_wh, "solver" if found else "greedy", res, pricing.bound, start_cost,
                    lns["formulation_s"], (t2 - t1) + (t4 - t3) + lp_stats.get("lp_s", 0.0), stats)  # fmt: skip


def _lp_start(arr: OrderArrays, pricing: Pricing, line_wh: IntArray, rank_cost: FloatArray, limit: float,
              search_end: float, options: MipOptions,
              mo: OrderModelOptions) -> tuple[IntArray, dict[str, float]]:  # fmt: skip
    """The cheaper of ``line_wh`` and the master LP's start, both after reinsertion; and what the LP did.

    ``lp_pool_steps`` more subgradient steps (at most 5 % of the time) fill the pool with their priced
    optima (which may also move ``pricing``'s best prices); HiGHS solves the master LP (its solve at
    most 10 % of the time, and never past half the time left for the search); :func:`lp_guided_plan`
    rounds it.  Building the LP, rounding and reinsertion come on top (about 3 s of the 8 s at 100k).
    """
    t, cost = time.perf_counter(), _cost(arr, line_wh)
    pool = ColumnPool(arr)
    pool.add(line_wh)
    pool.add(priced_plan(arr, pricing.best_lam, pricing.best_mu))
    lagrangian_bound(arr, pricing, cost, mo.lp_pool_steps, t + 0.05 * limit, options.threads,
                     collect=pool.add)  # fmt: skip
    lp_limit = max(min(0.1 * limit, 0.5 * (search_end - time.perf_counter())), 0.01)
    lp = master_lp(arr, pool, get_backend("highs"), MipOptions(time_limit=lp_limit, threads=1, seed=options.seed))
    stats = {"lp_columns": float(len(pool)), "lp_s": time.perf_counter() - t}
    if lp is None:
        return line_wh, stats
    guided, stats["lp_repaired"] = lp_guided_plan(arr, pool, lp[0], rank_cost)
    stats["lp_objective"] = lp[1]
    if guided is None:
        return line_wh, stats
    guided = reinsert(arr, guided, options.seed)
    stats["lp_start_objective"], stats["lp_s"] = _cost(arr, guided), time.perf_counter() - t
    logger.debug("master LP %.2f over %d columns; its start %.2f after reinsertion", lp[1], len(pool),
                 stats["lp_start_objective"])  # fmt: skip
    return (guided if stats["lp_start_objective"] < cost - 1e-9 else line_wh), stats


@dataclass(eq=False)
class _Job:
    """A neighbourhood handed to a worker: its orders, what it was granted and the sub-instance to solve."""

    free: NDArray[np.bool_]
    lines: IntArray
    old_cost: float
    grant_stock: FloatArray  # (S, W) the free orders' own use plus their share of what was left
    grant_cap: FloatArray  # (W,)
    share_stock: FloatArray
    share_cap: FloatArray
    reach: NDArray[np.bool_]  # (S, W) cells the free orders could use
    start_wh: IntArray  # the warehouses of its lines in the plan when it was launched
    sub: OrderArrays
    sub_keep: NDArray[np.bool_]


def _improve(arr: OrderArrays, line_wh: IntArray, core: Callable[[int], tuple[NDArray[np.bool_], Relatedness] | None],
             mip: MipBackend, options: MipOptions, mo: OrderModelOptions, deadline: float,
             rc_cut: float | None = None) -> tuple[IntArray, bool, dict[str, float]]:  # fmt: skip
    """Large neighbourhood search: re-solve a few thousand related orders at a time, until ``deadline``.

    Warehouse groups and contested-SKU neighbourhoods alternate (:mod:`optiops.allocation.neighbourhoods`).  The free
    orders get their core pairs and their current ones, the stock and capacity the others leave, and
    the current plan as start; the answer replaces their part of the plan when it is cheaper, and
    one-order reinsertion of the other orders follows (Shaw 1998).  Passes repeat until one improves
    less than ``pass_saving``; then ``core(level)`` gives a wider core (doubled margin) and passes go
    on.  Once it gives None (the widest core), passes go on until one saves nothing.  With
    ``mo.lns_fix``, the search then starts over from the narrowest core with whole neighbourhood MIPs.

    With ``options.threads`` = k > 1, k neighbourhoods are solved at once (one HiGHS thread each) on
    disjoint orders.  Each is granted its orders' own stock and parcels plus a share of what the plan
    leaves, in whole units (see :func:`_launch`), so any answer merges into a feasible plan.
    Reinsertion between them moves only the orders no neighbourhood holds, within what is left.  The
    order in which neighbourhoods finish depends on timing, so such runs are not exactly repeatable;
    with one thread they are.
    """
    workers = max(1, options.threads)
    rng = np.random.default_rng(options.seed)
    state = plan_state(arr, line_wh)
    start_cost = _cost(arr, state.line_wh)
    stats = {"neighbourhoods": 0.0, "formulation_s": 0.0, "translate_s": 0.0, "mip_s": 0.0, "vars": 0.0,
             "workers": float(workers), "answers_taken": 0.0, "lp_filter_s": 0.0, "vars_offered": 0.0,
             "vars_kept": 0.0, "fixed_answers": 0.0, "reinsert_s": 0.0}  # fmt: skip
    lns_params = LNS_PARAMS.get(mip.name, {}) if mo.lns_params is None else mo.lns_params
    sub_options = replace(options, threads=1, params={**lns_params, **options.params})
    running: dict[Future[tuple[IntArray | None, dict[str, float]]], _Job] = {}
    first = core(0)
    if first is None:
        return state.line_wh, False, stats
    stats["core_widenings"], stats["whole_mips"] = 0.0, 0.0
    fixing = mo.lns_fix != "off" and getattr(mip, "reports_reduced_costs", False)
    passes = _Passes(arr, state, core, first, rng, mo.pass_saving, start_cost, stats, fixing)
    whole_mo = replace(mo, lns_fix="off")

    def fill() -> None:  # launch neighbourhoods until every worker has one
        while len(running) < workers and time.perf_counter() < deadline:
            got = passes.next_free()
            if got is None:
                return
            job = _launch(arr, state, got, passes.keep, running.values())
            job_mo = whole_mo if passes.whole else mo
            running[pool.submit(_solve_job, job, mip, sub_options, job_mo, deadline, rc_cut)] = job

    merges = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while True:
            fill()
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                job = running.pop(fut)
                new_wh, timings = fut.result()
                for name, value in timings.items():
                    stats[name] = max(stats[name], value) if name == "vars" else stats[name] + value
                stats["answers_taken"] += _merge(arr, state, job, new_wh)
            if workers > 1:  # keep the workers busy while the other orders are reinserted
                fill()
            t_reinsert = time.perf_counter()
            if t_reinsert < deadline:
                merges += 1
                rounds = mo.reinsert_passes
                if rounds > 0 and merges % FULL_REINSERT_EVERY == 0:  # the incremental filter can miss an order
                    rounds -= 1  # one full pass; what it changes, the incremental passes follow
                    if reinsert_state(arr, state, rng, 1, incremental=False) <= 1e-9:
                        rounds = 0
                reinsert_state(arr, state, rng, rounds, incremental=True)
                stats["reinsert_s"] += time.perf_counter() - t_reinsert
            if logger.isEnabledFor(logging.DEBUG):  # the plan's cost takes 60 ms at 100k orders
                logger.debug("plan %.2f", _cost(arr, state.line_wh))
    return state.line_wh, _cost(arr, state.line_wh) < start_cost - 1e-9, stats


class _Passes:
    """The sequence of neighbourhoods: passes over the keys of :func:`pass_keys`.

    A pass that saves less than ``pass_saving`` of the cost widens the core; at the widest core passes
    go on until one saves nothing.  Then, when ``then_whole`` (neighbourhoods solved with ``lns_fix``),
    the passes start over at the narrowest core with ``whole`` set (whole neighbourhood MIPs).
    """

    def __init__(self, arr: OrderArrays, state: PlanState,
                 core: Callable[[int], tuple[NDArray[np.bool_], Relatedness] | None],
                 first: tuple[NDArray[np.bool_], Relatedness], rng: np.random.Generator, pass_saving: float,
                 start_cost: float, stats: dict[str, float], then_whole: bool = False) -> None:  # fmt: skip
        self.arr, self.state, self.core, self.rng = arr, state, core, rng
        self.pass_saving, self.stats = pass_saving, stats
        self.keep, self.rel = first
        self.pass_cost, self.keys = start_cost, iter(pass_keys(self.rel, rng))
        self.seen: set[tuple[str, frozenset[int]]] = set()
        self.level, self.widest, self.whole, self.then_whole = 0, False, False, then_whole

    def next_free(self) -> NDArray[np.bool_] | None:
        """The orders of the next neighbourhood (none of them busy); None when the search is over, or when
        the pass is done and a neighbourhood still runs (its answer counts for the pass)."""
        while True:
            key = next(self.keys, None)
            if key is None:
                if self.state.busy.any():
                    return None
                cost = _cost(self.arr, self.state.line_wh)
                if cost > self.pass_cost - self.pass_saving * cost:  # the pass saved too little: widen the core
                    wider = None if self.widest else self.core(self.level + 1)
                    self.widest = wider is None
                    if wider is not None:
                        self.level += 1
                        self.keep, self.rel = wider
                        self.stats["core_widenings"] += 1
                    elif cost > self.pass_cost - 1e-9:  # at the widest core a pass saved nothing
                        narrowest = self.core(0) if self.then_whole and not self.whole else None
                        if narrowest is None:  # stop
                            return None
                        self.keep, self.rel = narrowest
                        self.level, self.widest, self.whole = 0, False, True
                        self.stats["whole_mips"] = 1.0
                        logger.debug("the fixed neighbourhoods found nothing more; whole neighbourhood MIPs")
                self.pass_cost, self.seen, self.keys = cost, set(), iter(pass_keys(self.rel, self.rng))
                continue
            members, free = free_orders(self.arr, self.rel, key, self.state.line_wh, self.keep, self.rng)
            free &= ~self.state.busy
            if (key[0], members) in self.seen or not free.any():
                continue
            self.seen.add((key[0], members))
            logger.debug("%s %s: %d orders", key[0], sorted(members), int(free.sum()))
            return free


def _launch(arr: OrderArrays, state: PlanState, free: NDArray[np.bool_], keep: NDArray[np.bool_],
            running: Iterable[_Job]) -> _Job:  # fmt: skip
    """Take the ``free`` orders out of reach of the others and grant them their share of what is left.

    All that is left on a cell (SKU, warehouse) no running neighbourhood could use, half of it (whole
    units) on the others; parcels likewise per warehouse: first come takes all.  Two fairer rules (halves
    from the first launch on; a third of the parcels kept for the reinsertion) ended single 120-s runs
    of the 100k day at 0.87 % and 0.81 %, but on a machine then about 20 % slower than in the runs of
    this rule (0.73-0.78 %), so that comparison is open.  While a neighbourhood runs, the reinsertion
    cannot use the stock and parcels it was granted.
    """
    lines = np.flatnonzero(free[arr.line_order])
    own_stock, own_cap = stock_use(arr, lines, state.line_wh), parcel_use(arr, lines, state.line_wh)
    sub_keep = keep[free]
    sub_order = np.searchsorted(np.flatnonzero(free), arr.line_order[lines])  # each line's order in the sub-instance
    sub_keep[sub_order, state.line_wh[lines]] = True
    line_keep = sub_keep[sub_order] & arr.line_candidates[lines]
    li, wi = np.nonzero(line_keep)
    reach = np.zeros_like(state.stock_left, dtype=bool)
    reach[arr.line_sku[lines][li], wi] = True
    others = np.zeros_like(reach)  # cells a running neighbourhood could use
    for job in running:
        others |= job.reach
    share_stock = np.where(reach, np.floor(state.stock_left / np.where(others, 2, 1)), 0.0)
    share_cap = np.where(reach.any(axis=0), np.floor(state.cap_left / np.where(others.any(axis=0), 2, 1)), 0.0)
    state.stock_left -= share_stock
    state.cap_left -= share_cap
    state.busy |= free
    grant_stock, grant_cap = own_stock + share_stock, own_cap + share_cap
    sub, _, _ = sub_instance(arr, free, state.line_wh, stock=np.ascontiguousarray(grant_stock.T), capacity=grant_cap)
    start_wh = state.line_wh[lines]
    return _Job(free, lines, _lines_cost(arr, lines, start_wh), grant_stock, grant_cap, share_stock, share_cap, reach,
                start_wh, sub, sub_keep)  # fmt: skip


def _solve_job(job: _Job, mip: MipBackend, options: MipOptions, mo: OrderModelOptions, deadline: float,
               rc_cut: float | None = None) -> tuple[IntArray | None, dict[str, float]]:  # fmt: skip
    """A worker: the neighbourhood's model on its core, the current plan as start; its lines' warehouses or None.

    With ``rc_cut``, the model's LP relaxation first leaves out the variables it prices out (see
    ``OrderModelOptions.lp_filter``); the start's variables stay, so the start remains feasible.  With
    ``mo.lns_fix``, the same LP fixes the orders it leaves integral first (:func:`_fixed_answer`).
    """
    t = time.perf_counter()
    sub = job.sub
    om = build_order_model(sub, mo.line_vars, keep=job.sub_keep[sub.line_order])
    start = _start_vector(sub, om, job.start_wh)
    formulation_s = time.perf_counter() - t
    model = om.model
    timings = {"neighbourhoods": 1.0, "formulation_s": formulation_s, "translate_s": 0.0, "mip_s": 0.0,
               "lp_filter_s": 0.0, "vars": float(om.model.n_vars), "vars_offered": float(om.model.n_vars),
               "vars_kept": float(om.model.n_vars), "fixed_answers": 0.0}  # fmt: skip
    t_budget = time.perf_counter()
    budget = min(deadline - t_budget, mo.lns_time)  # LP and MIP together
    wants_lp = rc_cut is not None or mo.lns_fix != "off"
    if wants_lp and getattr(mip, "reports_reduced_costs", False) and budget > 1.0:
        lp = mip.solve(replace(model, integer=np.zeros(model.n_vars, dtype=bool)), replace(options, time_limit=budget))
        timings["lp_filter_s"] = lp.solve_s + lp.build_s
        if mo.lns_fix != "off" and lp.x is not None:
            left = max(budget - (time.perf_counter() - t_budget), 0.1)
            answer, fix_timings = _fixed_answer(sub, om, lp.x, job, mip, replace(options, time_limit=left), mo)
            timings["mip_s"] += fix_timings["mip_s"]
            timings["translate_s"] += fix_timings["translate_s"]
            if answer is not None:
                timings["fixed_answers"] = 1.0
                return answer, timings
        if rc_cut is not None and lp.reduced_costs is not None and lp.x is not None:
            keep = (start > 0.5) | (lp.x > 1e-6) | (lp.reduced_costs < rc_cut)
            model = replace(model, upper=np.where(keep, model.upper, 0.0))
            timings["vars_kept"] = float(keep.sum())
    sub_options = replace(options, time_limit=max(budget - (time.perf_counter() - t_budget), 0.1))
    res = solve_from(mip, model, sub_options, start if mo.mip_start else None)
    timings["translate_s"] += res.build_s
    timings["mip_s"] += res.solve_s
    if not res.has_solution or res.x is None:
        return None, timings
    return _line_warehouses(sub, om, res.x), timings


def _fixed_answer(sub: OrderArrays, om: OrderModel, x: np.ndarray, job: _Job, mip: MipBackend, options: MipOptions,
                  mo: OrderModelOptions) -> tuple[IntArray | None, dict[str, float]]:  # fmt: skip
    """The neighbourhood's answer with the orders the LP solution ``x`` leaves integral and in place fixed.

    Freed: every order with a fractional variable, or whose LP allocation differs from the plan's
    (``job.start_wh``); with ``mo.lns_fix == "holders"`` also every order whose LP allocation takes
    the last unit of a cell a freed order could use.  The freed orders are solved on their core with the
    stock and parcels the fixed ones leave, their part of the plan as start (the fixed orders are where
    the plan has them, so it fits).  None when that MIP finds nothing.
    """
    value = x[om.cand_col]
    frac = (x > 1e-6) & (x < 1 - 1e-6)
    free = np.zeros(sub.n_orders, dtype=bool)
    free[om.z_order[frac[: len(om.z_order)]]] = True
    free[sub.line_order[om.cand_line[frac[om.cand_col]]]] = True
    line_wh = _largest_candidates(sub, om, value)
    free[sub.line_order[line_wh != job.start_wh]] = True
    if mo.lns_fix == "holders":
        n_s = len(sub.sku_ids)
        key = om.cand_wh * n_s + sub.line_sku[om.cand_line]
        used = value > 0.5
        taken = np.bincount(key[used], weights=sub.line_qty[om.cand_line[used]], minlength=sub.stock.size)
        left = sub.stock.ravel() - taken
        wanted = np.zeros(sub.stock.size, dtype=bool)
        wanted[key[free[sub.line_order[om.cand_line]]]] = True
        holds = used & (wanted & (left < 1 - 1e-9))[key]
        free[sub.line_order[om.cand_line[holds]]] = True
    timings = {"mip_s": 0.0, "translate_s": 0.0}
    if not free.any():
        return line_wh, timings
    rest, _, rest_lines = sub_instance(sub, free, line_wh)
    if (rest.stock < -1e-9).any() or (rest.capacity < -1e-9).any():
        return None, timings
    rom = build_order_model(rest, mo.line_vars, keep=job.sub_keep[free][rest.line_order])
    start = _start_vector(rest, rom, job.start_wh[rest_lines]) if mo.mip_start else None
    res = solve_from(mip, rom.model, options, start)
    timings["mip_s"], timings["translate_s"] = res.solve_s, res.build_s
    if not res.has_solution or res.x is None:
        return None, timings
    line_wh[rest_lines] = _line_warehouses(rest, rom, res.x)
    return line_wh, timings


def _merge(arr: OrderArrays, state: PlanState, job: _Job, new_wh: IntArray | None) -> bool:
    """Put a finished neighbourhood's answer into the plan when it is cheaper and fits its grant; hand back
    what it leaves unused.  Returns whether the answer was taken."""
    state.busy &= ~job.free
    taken, trial = False, state.line_wh
    if new_wh is not None and (new_wh >= 0).all() and _lines_cost(arr, job.lines, new_wh) < job.old_cost - 1e-9:
        trial = state.line_wh.copy()
        trial[job.lines] = new_wh
        stock_back = job.grant_stock - stock_use(arr, job.lines, trial)
        cap_back = job.grant_cap - parcel_use(arr, job.lines, trial)
        taken = bool((stock_back >= -1e-9).all() and (cap_back >= -1e-9).all())
        if not taken:
            logger.warning("a neighbourhood's answer exceeds the stock or parcels it was granted; not taken")
    state.pending |= job.free  # their grant was a share: what else is left now may suit them
    if taken:
        state.line_wh[job.lines] = trial[job.lines]
        state.stock_left += stock_back
        state.cap_left += cap_back
    else:
        state.stock_left += job.share_stock
        state.cap_left += job.share_cap
    return taken


def _lines_cost(arr: OrderArrays, lines: IntArray, wh: IntArray) -> float:
    """Cost of the whole orders whose ``lines`` these are, line ``lines[i]`` shipping from ``wh[i]``."""
    n_w = arr.n_warehouses
    parcel = np.unique(arr.line_order[lines] * n_w + wh)
    order, wh = parcel // n_w, parcel % n_w
    return float(arr.parcel_cost[order, wh].sum() + arr.split_penalty * (len(parcel) - len(np.unique(order))))


def _raise_on_failure(mip: MipBackend, res: MipResult, arr: OrderArrays) -> None:
    """An infeasible or failed solve as our exception."""
    if res.status == "infeasible":
        raise InfeasibleError(f"{mip.name} proved that stock and handling capacity cannot be shared out so that "
                              "every line ships within its promise, although each SKU and the capacity suffice "
                              "in total; add stock near the zones of the next-day orders or capacity")  # fmt: skip
    if res.status in ("error", "unbounded"):
        raise SolverError(f"{mip.name} failed on {arr.name or 'the instance'}: {res.status} ({res.message})")


def _cost(arr: OrderArrays, line_wh: IntArray) -> float:
    """Cost of a complete allocation: handling and shipping per parcel, the penalty per extra parcel."""
    return _lines_cost(arr, np.arange(arr.n_lines), line_wh)


def _start_vector(arr: OrderArrays, om: OrderModel, line_wh: IntArray) -> np.ndarray:
    """The model's variables for an allocation: each line's column, and the parcel of each (order, warehouse)."""
    x0 = np.zeros(om.model.n_vars)
    x0[om.cand_col[line_wh[om.cand_line] == om.cand_wh]] = 1.0
    n_w = arr.n_warehouses
    z_key = om.z_order * n_w + om.z_wh  # sorted: np.nonzero is row-major
    x0[np.searchsorted(z_key, np.unique(arr.line_order * n_w + line_wh))] = 1.0
    return x0


def _line_warehouses(arr: OrderArrays, om: OrderModel, x: np.ndarray) -> IntArray:
    """The warehouse of every line: its candidate of largest value (all of them 0 or 1 but for noise)."""
    value = x[om.cand_col]
    if ((value > 1e-6) & (value < 1 - 1e-6)).any():
        value = _integral_lines(arr, om, x)
    return _largest_candidates(arr, om, value)


def _largest_candidates(arr: OrderArrays, om: OrderModel, value: np.ndarray) -> IntArray:
    """(L,) every line's warehouse of largest candidate ``value``; -1 for a line without candidates."""
    best = np.lexsort((-value, om.cand_line))
    first = np.r_[True, om.cand_line[best][1:] != om.cand_line[best][:-1]]
    line_wh = np.full(arr.n_lines, -1, dtype=np.int64)
    line_wh[om.cand_line[best[first]]] = om.cand_wh[best[first]]
    return line_wh


def _integral_lines(arr: OrderArrays, om: OrderModel, x: np.ndarray) -> np.ndarray:
    """Integral candidate values of the same cost for a solution whose continuous line variables are fractional.

    Lines whose value is already 0/1 keep it.  The fractional (unit-quantity) lines are routed by a
    maximum flow, source -> line -> (warehouse, SKU) -> sink, over the parcels the solution opened,
    with the stock the integral lines leave: integral capacities give an integral maximum flow, and
    the fractional solution shows that it ships every line (the b-matching argument of the module notes).
    """
    value = x[om.cand_col].copy()
    n_w, n_s = arr.n_warehouses, len(arr.sku_ids)
    frac_line = np.zeros(arr.n_lines, dtype=bool)
    frac_line[om.cand_line[(value > 1e-6) & (value < 1 - 1e-6)]] = True
    fixed = ~frac_line[om.cand_line] & (value > 0.5)
    key = om.cand_wh * n_s + arr.line_sku[om.cand_line]
    left = arr.stock.ravel() - np.bincount(key[fixed], weights=arr.line_qty[om.cand_line[fixed]], minlength=n_w * n_s)
    z_open = np.zeros((arr.n_orders, n_w), dtype=bool)
    z_open[om.z_order, om.z_wh] = x[: len(om.z_order)] > 0.5
    arcs = np.flatnonzero(frac_line[om.cand_line] & z_open[arr.line_order[om.cand_line], om.cand_wh])
    lines, line_node = np.unique(om.cand_line[arcs], return_inverse=True)
    keys, key_node = np.unique(key[arcs], return_inverse=True)
    n_l, n_k = len(lines), len(keys)
    sink = n_l + n_k + 1
    tail = np.concatenate([np.zeros(n_l, dtype=np.int64), 1 + line_node, 1 + n_l + np.arange(n_k)])
    head = np.concatenate([1 + np.arange(n_l), 1 + n_l + key_node, np.full(n_k, sink)])
    capacity = np.concatenate([np.ones(n_l + len(arcs)), np.floor(left[keys] + 1e-9)]).astype(np.int32)
    graph = sp.csr_array((capacity, (tail, head)), shape=(sink + 1, sink + 1))
    flow = maximum_flow(graph, 0, sink).flow.tocsr()
    if flow.sum(axis=1)[0] < n_l - 0.5:
        raise SolverError("the continuous line variables could not be made integral (stock not whole units?)")
    value[frac_line[om.cand_line]] = 0.0
    value[arcs] = np.asarray(flow[1 + line_node, 1 + n_l + key_node]).ravel()
    return value


def _shipments(arr: OrderArrays, line_wh: IntArray) -> Shipments:
    """The plan's columns: one row per line, from its warehouse."""
    return Shipments(
        order=np.asarray(arr.order_ids, dtype=object)[arr.line_order].tolist(),
        sku=np.asarray(arr.sku_ids, dtype=object)[arr.line_sku].tolist(),
        warehouse=np.asarray(arr.warehouse_ids, dtype=object)[line_wh].tolist(), quantity=arr.line_qty.tolist(),
    )  # fmt: skip
