"""The core method for large order days: Lagrangian prices and bound, a price-directed start, and a large
neighbourhood search on the core of the MIP (:mod:`optiops.allocation.orders_model`).

A Lagrangian relaxation of the stock and capacity rows (:func:`~optiops.allocation.lagrangian.lagrangian_bound`)
gives a lower bound valid for the whole model and prices for scarce stock and capacity; a greedy plan
directed by those prices, improved by one-order reinsertion (:func:`~optiops.allocation.neighbourhoods.reinsert`),
is the start; then the search re-solves, on the backend, the same formulation for a few thousand related
orders at a time (:mod:`optiops.allocation.neighbourhoods`), restricted to their core (the (order,
warehouse) pairs whose Lagrangian reduced cost is within ``core_margin`` of the order's best, plus the
current ones), with the stock and capacity the other orders leave.  Each neighbourhood's LP relaxation
comes first: the orders it leaves integral and in place stay, and only the others go to the MIP
(``lns_fix``, relaxation-enforced neighbourhood search); once that finds nothing more, whole
neighbourhood MIPs follow.  The time left raises the bound.  The core is the idea of Ceria, Nobili and
Sassano (1998) and Caprara, Fischetti and Toth (1999) for large set covering; the search is Shaw's
(1998) large neighbourhood search with a MIP as the repair.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from optiops._logging import logger
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
from optiops.allocation.orders_model import (
    GREEDY_RETRIES,
    OrderModel,
    OrderModelOptions,
    Outcome,
    build_order_model,
    largest_candidates,
    line_warehouses,
    lines_cost,
    plan_cost,
    start_vector,
)
from optiops.exceptions import SolverError
from optiops.model.orders import OrderArrays
from optiops.solvers import MipBackend, MipOptions, MipResult, get_backend, solve_from
from optiops.solvers.linear import FloatArray, IntArray

BIG = 1e9  # ranks a warehouse that cannot ship the whole order after every one that can
DEFAULT_CORE_LIMIT = 60.0  # seconds of the core method when the options give no time limit
FULL_REINSERT_EVERY = 10  # every tenth reinsertion after a merge tries every idle order, not only the touched ones
LP_START_ROOM = 0.3  # the LP start runs only when at least this share of the time is left for the search

#: Neighbourhood MIP options per backend.  HiGHS: probing and enumeration presolve off (bits 15 and 16
#: of ``presolve_rule_off``); its neighbourhoods close at the root and presolve took most of their time
#: (docs/allocation.md, "Settings").
LNS_PARAMS: dict[str, dict[str, object]] = {"highs": {"presolve_rule_off": (1 << 15) | (1 << 16)}}


def solve_core(arr: OrderArrays, mip: MipBackend, options: MipOptions, mo: OrderModelOptions) -> Outcome:
    """Lagrangian prices and bound, a price-directed start, core neighbourhoods on the backend, more bound."""
    from optiops.kernels.orders import warmup

    warmup()  # the first call on a machine compiles the kernels (then cached): not part of the search budget
    t1 = time.perf_counter()
    limit = options.time_limit if options.time_limit is not None else DEFAULT_CORE_LIMIT
    deadline = t1 + limit
    greedy = greedy_allocation(arr, retries=GREEDY_RETRIES)
    t2 = time.perf_counter()
    upper = plan_cost(arr, greedy.line_wh) if greedy.complete else 2.0 * float(arr.parcel_cost.max()) * arr.n_lines
    pricing = Pricing(np.zeros_like(arr.stock), np.zeros_like(arr.capacity))
    lagrangian_bound(arr, pricing, upper, mo.lagrangian_iterations, t2 + mo.lagrangian_share * limit, options.threads)
    t3 = time.perf_counter()
    reduced, whole = reduced_costs(arr, pricing.best_lam, pricing.best_mu)
    rank_cost = np.where(np.isfinite(whole), whole, BIG + arr.parcel_cost)
    priced = greedy_allocation(arr, rank_cost, priced_plan(arr, pricing.best_lam, pricing.best_mu), GREEDY_RETRIES)
    starts = [(plan_cost(arr, g.line_wh), k, g.line_wh) for k, g in enumerate([greedy, priced]) if g.complete]
    if not starts:
        raise SolverError("neither greedy plan ships every line, so the core method has no start; use method='full'")
    start_cost, _, line_wh = min(starts)
    line_wh = reinsert(arr, line_wh, options.seed)
    t4 = time.perf_counter()
    logger.debug("bound %.2f after %d steps; start %.2f, after reinsertion %.2f", pricing.bound, pricing.iterations,
                 start_cost, plan_cost(arr, line_wh))  # fmt: skip
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
    lagrangian_bound(arr, pricing, plan_cost(arr, line_wh), 100 * mo.lagrangian_iterations, deadline, options.threads)
    stats = {**lns, **lp_stats, "lagrangian_s": (t3 - t2) + (time.perf_counter() - t5),
             "lagrangian_iterations": pricing.iterations}  # fmt: skip
    res = MipResult(status="feasible", backend=mip.name, objective=plan_cost(arr, line_wh), solve_s=lns["mip_s"],
                    build_s=lns["translate_s"])  # fmt: skip
    return Outcome(line_wh, "solver" if found else "greedy", res, pricing.bound, start_cost,
                    lns["formulation_s"], (t2 - t1) + (t4 - t3) + lp_stats.get("lp_s", 0.0), stats)  # fmt: skip


def _lp_start(arr: OrderArrays, pricing: Pricing, line_wh: IntArray, rank_cost: FloatArray, limit: float,
              search_end: float, options: MipOptions,
              mo: OrderModelOptions) -> tuple[IntArray, dict[str, float]]:  # fmt: skip
    """The cheaper of ``line_wh`` and the master LP's start, both after reinsertion; and what the LP did.

    ``lp_pool_steps`` more subgradient steps (at most 5 % of the time) fill the pool with their priced
    optima (which may also move ``pricing``'s best prices); HiGHS solves the master LP (its solve at
    most 10 % of the time, and never past half the time left for the search); :func:`lp_guided_plan`
    rounds it.  Building the LP, rounding and reinsertion come on top.
    """
    t, cost = time.perf_counter(), plan_cost(arr, line_wh)
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
    stats["lp_start_objective"], stats["lp_s"] = plan_cost(arr, guided), time.perf_counter() - t
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
    start_cost = plan_cost(arr, state.line_wh)
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
                logger.debug("plan %.2f", plan_cost(arr, state.line_wh))
    return state.line_wh, plan_cost(arr, state.line_wh) < start_cost - 1e-9, stats


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
                cost = plan_cost(self.arr, self.state.line_wh)
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
    units) on the others; parcels likewise per warehouse: first come takes all (the fairer rules tried:
    docs/allocation.md, "Settings").  While a neighbourhood runs, the reinsertion cannot use the stock
    and parcels it was granted.
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
    return _Job(free, lines, lines_cost(arr, lines, start_wh), grant_stock, grant_cap, share_stock, share_cap, reach,
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
    start = start_vector(sub, om, job.start_wh)
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
    return line_warehouses(sub, om, res.x), timings


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
    line_wh = largest_candidates(sub, om, value)
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
    start = start_vector(rest, rom, job.start_wh[rest_lines]) if mo.mip_start else None
    res = solve_from(mip, rom.model, options, start)
    timings["mip_s"], timings["translate_s"] = res.solve_s, res.build_s
    if not res.has_solution or res.x is None:
        return None, timings
    line_wh[rest_lines] = line_warehouses(rest, rom, res.x)
    return line_wh, timings


def _merge(arr: OrderArrays, state: PlanState, job: _Job, new_wh: IntArray | None) -> bool:
    """Put a finished neighbourhood's answer into the plan when it is cheaper and fits its grant; hand back
    what it leaves unused.  Returns whether the answer was taken."""
    state.busy &= ~job.free
    taken, trial = False, state.line_wh
    if new_wh is not None and (new_wh >= 0).all() and lines_cost(arr, job.lines, new_wh) < job.old_cost - 1e-9:
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
