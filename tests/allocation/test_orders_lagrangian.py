"""Order allocation: the Lagrangian bound, one-order reinsertion and the neighbourhoods of the core method."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from optiops.allocation.check_orders import check_orders
from optiops.allocation.generate import OrderGeneratorConfig, generate_orders
from optiops.allocation.greedy import greedy_allocation
from optiops.allocation.lagrangian import Pricing, lagrangian_bound, priced_plan, reduced_costs
from optiops.allocation.neighbourhoods import (
    MAX_DP_LINES,
    contested_pairs,
    deviation,
    free_orders,
    plan_state,
    reinsert,
    reinsert_state,
    relatedness,
    stock_use,
    sub_instance,
)
from optiops.allocation.orders import _shipments, build_order_model, solve_orders
from optiops.allocation.orders_core import LNS_PARAMS, _fixed_answer, _launch, _merge, _solve_job
from optiops.allocation.orders_model import OrderModelOptions, lines_cost, plan_cost, start_vector
from optiops.kernels.orders import order_costs, reinsert_orders
from optiops.model.orders import OrderAllocationPlan, OrderArrays
from optiops.solvers import MipOptions, get_backend


@pytest.fixture(scope="module")
def day() -> OrderArrays:
    """A small generated day: 300 orders over 4 warehouses."""
    return generate_orders(OrderGeneratorConfig(n_orders=300, n_warehouses=4), seed=3)


@pytest.fixture(scope="module")
def pricing(day: OrderArrays) -> Pricing:
    """200 subgradient steps from zero prices towards the greedy plan's cost."""
    upper = plan_cost(day, greedy_allocation(day, retries=10).line_wh)
    p = Pricing(np.zeros_like(day.stock), np.zeros_like(day.capacity))
    return lagrangian_bound(day, p, upper, 200, time.perf_counter() + 30)


def test_bound_is_below_the_optimum(day: OrderArrays, pricing: Pricing) -> None:
    """The Lagrangian bound never exceeds the cost the whole model proves optimal."""
    plan = solve_orders(day, "highs", MipOptions(time_limit=20, threads=1), OrderModelOptions(method="full"))
    assert plan.status == "optimal" and plan.objective is not None
    assert pricing.iterations == 200 and pricing.bound <= plan.objective + 1e-6


def test_reduced_costs_are_zero_at_the_priced_optimum(day: OrderArrays, pricing: Pricing) -> None:
    """Every order's priced optimum uses warehouses of reduced cost 0, and no reduced cost is negative."""
    reduced, whole = reduced_costs(day, pricing.best_lam, pricing.best_mu)
    line_wh = priced_plan(day, pricing.best_lam, pricing.best_mu)
    assert np.allclose(reduced[day.line_order, line_wh], 0.0)
    assert (reduced[np.isfinite(reduced)] >= -1e-9).all() and (np.isinf(whole) | (whole > 0)).all()


def test_reinsertion_keeps_the_plan_feasible_and_no_dearer(day: OrderArrays) -> None:
    """One-order reinsertion of the greedy plan passes the checker and costs at most the greedy plan."""
    greedy = greedy_allocation(day, retries=10).line_wh
    line_wh = reinsert(day, greedy, seed=1)
    check = check_orders(day, OrderAllocationPlan(shipments=_shipments(day, line_wh)))
    assert check.feasible and check.objective <= plan_cost(day, greedy) + 1e-9


def test_incremental_reinsertion_leaves_no_order_a_cheaper_place(day: OrderArrays) -> None:
    """Incremental passes try only the orders that gained an option, and the ones that were busy when
    they gained it; on this day, once they settle, a full pass over every order finds nothing, also
    after stock and parcels are freed while some orders are busy.  (In general the filter can miss an
    option that closes and reopens within one pass, so the search runs a full pass now and then.)"""
    state = plan_state(day, greedy_allocation(day, retries=10).line_wh)
    rng = np.random.default_rng(1)
    reinsert_state(day, state, rng, passes=100, pairs_too=False, incremental=True)
    assert state.marks is not None
    assert reinsert_state(day, state, rng, passes=100, pairs_too=False, incremental=True) == 0.0

    def full_pass() -> float:
        every = np.arange(day.n_orders, dtype=np.int64)
        return reinsert_orders(day.line_ptr, day.line_sku, day.line_qty, np.ascontiguousarray(day.line_candidates),
                               day.open_base, every, state.line_wh.copy(), state.stock_left.copy(),
                               state.cap_left.copy(), MAX_DP_LINES)  # fmt: skip

    assert full_pass() == 0.0
    busy = np.zeros(day.n_orders, dtype=bool)
    busy[::3] = True  # a neighbourhood holds a third of the orders while stock and a parcel are freed
    state.busy |= busy
    state.stock_left[day.line_sku[:40]] += 3.0
    state.cap_left += 1.0
    cost = plan_cost(day, state.line_wh)
    saved = reinsert_state(day, state, rng, passes=100, pairs_too=False, incremental=True)
    assert saved > 0.0 and np.isclose(plan_cost(day, state.line_wh), cost - saved)
    assert state.pending is not None and state.pending[busy].any() and not state.pending[~busy].any()
    state.busy &= ~busy  # the neighbourhood ends as _merge ends it: its orders are pending
    state.pending |= busy
    saved = reinsert_state(day, state, rng, passes=100, pairs_too=False, incremental=True)
    assert saved > 0.0 and not state.pending.any()
    assert full_pass() == 0.0 and (state.stock_left >= 0).all() and (state.cap_left >= 0).all()


def test_incremental_reinsertion_skips_orders_a_freed_parcel_cannot_help(
    day: OrderArrays, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After parcels free in the warehouses that are some order's cheapest (and had none left), an
    incremental pass tries only the orders that cost more than a parcel from one of them (any
    allocation using it costs at least that); the orders' costs add up to the plan's."""
    import optiops.allocation.neighbourhoods as nb

    state = plan_state(day, greedy_allocation(day, retries=10).line_wh)
    rng = np.random.default_rng(1)
    full = np.zeros(day.n_warehouses, dtype=bool)
    full[np.argmin(np.where(day.order_allowed, day.parcel_cost, np.inf), axis=1)] = True  # someone's cheapest
    held = state.cap_left[full].copy()
    state.cap_left[full] = 0.0  # as if a running neighbourhood had been granted every parcel left there
    reinsert_state(day, state, rng, passes=100, pairs_too=False, incremental=True)
    costs = order_costs(day.line_ptr, state.line_wh, day.open_base, day.split_penalty)
    assert np.isclose(costs.sum(), plan_cost(day, state.line_wh))
    one = int(np.flatnonzero(np.diff(day.line_ptr) > 1)[0])
    assert costs[one] == pytest.approx(
        lines_cost(
            day,
            np.arange(day.line_ptr[one], day.line_ptr[one + 1]),
            state.line_wh[day.line_ptr[one] : day.line_ptr[one + 1]],
        )
    )
    state.cap_left[full] += held + 1.0  # handed back, and one parcel more
    tried: list[np.ndarray] = []
    real = nb.reinsert_orders
    monkeypatch.setattr(nb, "reinsert_orders", lambda *a: tried.append(a[5].copy()) or real(*a))
    reinsert_state(day, state, rng, passes=1, pairs_too=False, incremental=True)
    could = (day.line_candidates[:, full]).any(axis=1)
    reach = np.zeros(day.n_orders, dtype=bool)
    reach[day.line_order[could]] = True
    helped = (np.where(day.order_allowed, day.parcel_cost, np.inf)[:, full] < costs[:, None] - 1e-9).any(axis=1)
    assert len(tried) == 1 and 0 < len(tried[0]) < reach.sum()
    assert helped[tried[0]].all() and reach[tried[0]].all()


def test_pair_moves_after_reinsertion_keep_the_plan_feasible_and_no_dearer(day: OrderArrays) -> None:
    """Each contested pair is a split order and an order shipping, from one of the split order's
    warehouses, a SKU the split order ships elsewhere; moving pairs keeps the plan feasible and no dearer."""
    single = reinsert(day, greedy_allocation(day, retries=10).line_wh, seed=1, pairs_too=False)
    n_w = day.n_warehouses
    used = np.bincount(day.line_sku * n_w + single, weights=day.line_qty, minlength=day.stock.size)
    stock_left = np.ascontiguousarray(day.stock.T) - used.reshape(len(day.sku_ids), n_w)
    pairs = contested_pairs(day, single, stock_left, np.random.default_rng(1))
    assert len(pairs) > 0 and len(np.unique(pairs, axis=0)) == len(pairs)
    for a, b in pairs[:50].tolist():
        a_lines = range(day.line_ptr[a], day.line_ptr[a + 1])
        a_at = {int(single[k]) for k in a_lines}
        assert len(a_at) > 1  # a is split
        shared = {(int(day.line_sku[k]), int(single[k])) for k in range(day.line_ptr[b], day.line_ptr[b + 1])}
        assert any((int(day.line_sku[k]), w) in shared for k in a_lines for w in a_at if w != single[k])
    both = reinsert(day, single, seed=1)
    check = check_orders(day, OrderAllocationPlan(shipments=_shipments(day, both)))
    assert check.feasible and check.objective <= plan_cost(day, single) + 1e-9


def test_plan_deviation_sums_to_the_gap(day: OrderArrays, pricing: Pricing) -> None:
    """Deviations plus the prices of unused stock and capacity are the plan's gap to the bound at those prices."""
    lam, mu = pricing.best_lam, pricing.best_mu
    line_wh = greedy_allocation(day, retries=10).line_wh
    keep = np.ones((day.n_orders, day.n_warehouses), dtype=bool)
    dev = deviation(day, relatedness(day, keep, 100, lam, mu), line_wh)
    n_w, n_s = day.n_warehouses, len(day.sku_ids)
    used = np.bincount(line_wh * n_s + day.line_sku, weights=day.line_qty, minlength=n_w * n_s).reshape(n_w, n_s)
    load = np.bincount(np.unique(day.line_order * n_w + line_wh) % n_w, minlength=n_w)
    slack = float((lam * (day.stock - used)).sum() + mu @ (day.capacity - load))
    assert (dev >= -1e-9).all()
    assert dev.sum() + slack == pytest.approx(plan_cost(day, line_wh) - pricing.bound)


def test_neighbourhoods_free_the_related_orders(day: OrderArrays, pricing: Pricing) -> None:
    """A warehouse group frees every order shipping from it; a contested-SKU one only orders holding its SKUs."""
    line_wh = greedy_allocation(day, retries=10).line_wh
    keep = np.ones((day.n_orders, day.n_warehouses), dtype=bool)
    rel = relatedness(day, keep, 100, pricing.best_lam, pricing.best_mu)
    rng = np.random.default_rng(1)
    members, free = free_orders(day, rel, ("warehouse", 0), line_wh, keep, rng)
    assert 0 in members and free[day.line_order[line_wh == 0]].all()
    skus, free = free_orders(day, rel, ("skus", 0), line_wh, keep, rng)
    holds = np.zeros(day.n_orders, dtype=bool)
    holds[day.line_order[np.isin(day.line_sku, list(skus))]] = True
    assert not (free & ~holds).any()


def test_sub_instance_leaves_the_others_stock(day: OrderArrays) -> None:
    """The freed orders see the stock and capacity the other orders leave."""
    line_wh = greedy_allocation(day, retries=10).line_wh
    free = np.arange(day.n_orders) % 3 == 0
    sub, orders, lines = sub_instance(day, free, line_wh)
    kept = ~free[day.line_order]
    n_w, n_s = day.n_warehouses, len(day.sku_ids)
    used = np.bincount(line_wh[kept] * n_s + day.line_sku[kept], weights=day.line_qty[kept], minlength=n_w * n_s)
    assert np.allclose(sub.stock, day.stock - used.reshape(n_w, n_s))
    assert sub.n_orders == free.sum() and np.array_equal(sub.line_sku, day.line_sku[lines])
    assert np.array_equal(orders, np.flatnonzero(free))


def test_lagrangian_steps_split_over_threads_give_the_same_prices(day: OrderArrays) -> None:
    """Solving the orders' programmes in two slices at once changes nothing but the time."""
    upper = plan_cost(day, greedy_allocation(day, retries=10).line_wh)
    one, two = (Pricing(np.zeros_like(day.stock), np.zeros_like(day.capacity)) for _ in range(2))
    lagrangian_bound(day, one, upper, 50, time.perf_counter() + 30, threads=1)
    lagrangian_bound(day, two, upper, 50, time.perf_counter() + 30, threads=2)
    assert one.iterations == two.iterations == 50
    assert two.bound == pytest.approx(one.bound, rel=1e-12)
    assert np.allclose(one.best_lam, two.best_lam) and np.allclose(one.best_mu, two.best_mu)


def test_parallel_neighbourhoods_merge_into_a_feasible_plan(day: OrderArrays) -> None:
    """Two neighbourhoods launched at once are granted no more than is left, reinsertion meanwhile
    leaves their orders alone, a dearer answer is handed back, and both answers merge into a feasible plan."""
    line_wh = greedy_allocation(day, retries=10).line_wh
    state = plan_state(day, line_wh)
    keep = np.ones((day.n_orders, day.n_warehouses), dtype=bool)
    home = np.argmin(np.where(day.order_allowed, day.parcel_cost, np.inf), axis=1)
    left = state.stock_left.copy()
    jobs = [_launch(day, state, home == 0, keep, [])]
    jobs.append(_launch(day, state, home == 1, keep, jobs))
    shared = jobs[0].reach & jobs[1].reach & (left >= 2)
    assert shared.any()  # first come takes all; the second gets half of what the first could not use
    assert np.array_equal(jobs[0].share_stock[jobs[0].reach], left[jobs[0].reach])
    assert np.array_equal(jobs[1].share_stock[shared], np.zeros(int(shared.sum())))
    only = jobs[1].reach & ~jobs[0].reach
    assert np.array_equal(jobs[1].share_stock[only], left[only])

    def accounted() -> np.ndarray:
        idle = np.flatnonzero(~state.busy[day.line_order])
        return state.stock_left + stock_use(day, idle, state.line_wh) + sum(j.grant_stock for j in jobs)

    assert (state.stock_left >= 0).all() and (state.cap_left >= 0).all()
    assert np.allclose(accounted(), day.stock.T)
    held = state.line_wh[state.busy[day.line_order]].copy()
    reinsert_state(day, state, np.random.default_rng(1))
    assert np.array_equal(state.line_wh[state.busy[day.line_order]], held)
    assert np.allclose(accounted(), day.stock.T) and (state.stock_left >= 0).all()
    mip = get_backend("highs")
    answers = [
        _solve_job(job, mip, MipOptions(time_limit=10, threads=1), OrderModelOptions(), time.perf_counter() + 10)[0]
        for job in jobs
    ]
    assert all(a is not None for a in answers)
    before = state.stock_left.copy()
    assert not _merge(day, state, jobs[0], np.full(len(jobs[0].lines), -1))  # no answer: its share comes back
    assert np.allclose(state.stock_left, before + jobs[0].share_stock)
    state.busy[jobs[0].free] = True  # launched again with the same grant
    state.stock_left -= jobs[0].share_stock
    state.cap_left -= jobs[0].share_cap
    for job, answer in zip(jobs, answers, strict=True):
        _merge(day, state, job, answer)
    assert not state.busy.any()
    check = check_orders(day, OrderAllocationPlan(shipments=_shipments(day, state.line_wh)))
    assert check.feasible and check.objective <= plan_cost(day, line_wh) + 1e-9
    fresh = plan_state(day, state.line_wh)
    assert np.allclose(state.stock_left, fresh.stock_left) and np.allclose(state.cap_left, fresh.cap_left)


def test_lp_filter_keeps_the_start_and_finds_a_plan_no_dearer(day: OrderArrays) -> None:
    """A neighbourhood MIP after its LP relaxation has priced variables out (at the search's cut):
    fewer variables, an answer no dearer than the start and within 1 % of the unfiltered MIP's; a
    backend that reports no reduced costs skips the filter."""
    state = plan_state(day, greedy_allocation(day, retries=10).line_wh)
    keep = np.ones((day.n_orders, day.n_warehouses), dtype=bool)
    job = _launch(day, state, np.ones(day.n_orders, dtype=bool), keep, [])
    mip, opts, mo = get_backend("highs"), MipOptions(time_limit=10, threads=1), OrderModelOptions(lns_fix="off")
    assert mo.lp_filter is not None
    cut = mo.lp_filter * np.where(day.order_allowed, day.parcel_cost, np.inf).min(axis=1).mean()
    plain, _ = _solve_job(job, mip, opts, mo, time.perf_counter() + 10)
    filtered, t_cut = _solve_job(job, mip, opts, mo, time.perf_counter() + 10, rc_cut=cut)
    assert plain is not None and filtered is not None
    assert t_cut["vars_kept"] < t_cut["vars_offered"] and t_cut["lp_filter_s"] > 0.0
    start = lines_cost(day, job.lines, job.start_wh)
    assert lines_cost(day, job.lines, filtered) <= start + 1e-9
    assert lines_cost(day, job.lines, filtered) <= lines_cost(day, job.lines, plain) * 1.01

    class NoReducedCosts:  # the HiGHS backend without the flag, as cbc, scip and cpsat are
        name, accepts_start = "highs", True

        def solve(self, *args: Any, **kwargs: Any) -> Any:
            return mip.solve(*args, **kwargs)

    _, t_none = _solve_job(job, NoReducedCosts(), opts, mo, time.perf_counter() + 10, rc_cut=cut)  # type: ignore[arg-type]
    assert t_none["lp_filter_s"] == 0.0 and t_none["vars_kept"] == t_none["vars_offered"]


def test_lp_fix_solves_a_smaller_mip_and_answers_no_dearer_than_the_start(
    day: OrderArrays, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With lns_fix, a neighbourhood's answer comes from a MIP over the orders its LP leaves fractional or
    moves (``holders``: more of them), fits the grant and costs no more than the start; an LP that
    keeps the plan as it is needs no MIP at all."""
    import optiops.allocation.orders_core as orders_module

    state = plan_state(day, greedy_allocation(day, retries=10).line_wh)
    keep = np.ones((day.n_orders, day.n_warehouses), dtype=bool)
    job = _launch(day, state, np.ones(day.n_orders, dtype=bool), keep, [])
    mip, opts = get_backend("highs"), MipOptions(time_limit=10, threads=1)
    start = lines_cost(day, job.lines, job.start_wh)
    plain, _ = _solve_job(job, mip, opts, OrderModelOptions(lns_fix="off"), time.perf_counter() + 10)
    assert plain is not None and lines_cost(day, job.lines, plain) < start - 1e-6  # room to improve
    built: list[int] = []
    real = orders_module.build_order_model
    monkeypatch.setattr(
        orders_module, "build_order_model", lambda sub, *a, **k: built.append(sub.n_orders) or real(sub, *a, **k)
    )
    freed = {}
    for fix in ("moved", "holders"):
        built.clear()
        answer, timings = _solve_job(job, mip, opts, OrderModelOptions(lns_fix=fix), time.perf_counter() + 10)
        assert answer is not None and timings["fixed_answers"] == 1.0
        assert len(built) == 2 and 0 < built[1] < built[0] == day.n_orders
        freed[fix] = built[1]
        assert lines_cost(day, job.lines, answer) <= start + 1e-9
        assert lines_cost(day, job.lines, answer) <= lines_cost(day, job.lines, plain) * 1.01
    assert freed["holders"] >= freed["moved"]
    om = real(job.sub, "binary", keep=job.sub_keep[job.sub.line_order])
    same, timings = _fixed_answer(job.sub, om, start_vector(job.sub, om, job.start_wh), job, mip, opts,
                                  OrderModelOptions(lns_fix="moved"))  # fmt: skip
    assert same is not None and np.array_equal(same, job.start_wh) and timings["mip_s"] == 0.0
    assert _merge(day, state, job, answer)
    check = check_orders(day, OrderAllocationPlan(shipments=_shipments(day, state.line_wh)))
    assert check.feasible and check.objective <= plan_cost(day, job.start_wh) + 1e-9


def test_neighbourhood_mips_get_the_lns_params(day: OrderArrays, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search's MIPs get HiGHS's LNS_PARAMS by default, none with lns_params={}, and the caller's own
    params win over them."""
    import optiops.allocation.orders_core as orders_module

    real, seen = get_backend("highs"), []

    class Recording:
        name, accepts_start, reports_reduced_costs, exact_continuous = "highs", True, True, True

        def solve(self, model: Any, options: MipOptions, start: Any = None) -> Any:
            if model.integer.any():
                seen.append(dict(options.params))
            return real.solve(model, options, start=start)

    monkeypatch.setattr(orders_module, "get_backend", lambda name: Recording())  # the master LP's
    monkeypatch.setattr("optiops.allocation.orders.get_backend", lambda name: Recording())  # the solve's
    cases = [(OrderModelOptions(method="core"), {}, LNS_PARAMS["highs"]),
             (OrderModelOptions(method="core", lns_params={}), {}, {}),
             (OrderModelOptions(method="core"), {"presolve_rule_off": 0}, {"presolve_rule_off": 0})]  # fmt: skip
    for mo, params, expected in cases:
        seen.clear()
        plan = solve_orders(day, "highs", MipOptions(time_limit=2, threads=1, seed=1, params=params), mo)
        assert check_orders(day, plan).feasible
        assert seen and all(p == expected for p in seen)


def test_neighbourhood_size_is_lns_orders_or_the_share_of_the_day(
    day: OrderArrays, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search's neighbourhoods free about max(lns_orders, lns_share x orders) orders."""
    import optiops.allocation.orders_core as orders_module

    sizes: list[int] = []
    real = orders_module.relatedness
    monkeypatch.setattr(
        orders_module, "relatedness", lambda arr, keep, size, *a: sizes.append(size) or real(arr, keep, size, *a)
    )
    for mo, expected in [(OrderModelOptions(method="core", lns_orders=10, lns_share=0.5), round(0.5 * day.n_orders)),
                         (OrderModelOptions(method="core", lns_orders=10, lns_share=0.0), 10)]:  # fmt: skip
        sizes.clear()
        solve_orders(day, "highs", MipOptions(time_limit=1, threads=1, seed=1), mo)
        assert sizes and set(sizes) == {expected}


def test_no_reinsertion_in_the_search_with_zero_passes(day: OrderArrays, monkeypatch: pytest.MonkeyPatch) -> None:
    """reinsert_passes=0 turns reinsertion between merges off, the periodic full pass included."""
    import optiops.allocation.orders_core as orders_module

    passes: list[int] = []
    real = orders_module.reinsert_state
    monkeypatch.setattr(orders_module, "FULL_REINSERT_EVERY", 1)
    monkeypatch.setattr(
        orders_module, "reinsert_state", lambda arr, st, rng, n, **k: passes.append(n) or real(arr, st, rng, n, **k)
    )
    solve_orders(
        day, "highs", MipOptions(time_limit=2, threads=1, seed=1), OrderModelOptions(method="core", reinsert_passes=0)
    )
    assert passes and set(passes) == {0}


def test_search_goes_on_with_whole_mips_once_the_fixed_neighbourhoods_stall(
    day: OrderArrays, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With lns_fix the search ends its passes with whole neighbourhood MIPs (from the narrowest core
    again), never the other way round; without it every neighbourhood is a whole MIP."""
    import optiops.allocation.orders_core as orders_module

    modes: list[str] = []
    real = orders_module._solve_job
    monkeypatch.setattr(
        orders_module,
        "_solve_job",
        lambda job, mip, opts, mo, *a: modes.append(mo.lns_fix) or real(job, mip, opts, mo, *a),
    )
    for fix in ("moved", "off"):
        modes.clear()
        mo = OrderModelOptions(method="core", lns_fix=fix, lns_orders=60, core_widenings=1, lagrangian_iterations=50)
        plan = solve_orders(day, "highs", MipOptions(time_limit=20, threads=1, seed=1), mo)
        assert check_orders(day, plan).feasible and plan.stats["whole_mips"] == (fix == "moved")
        switch = modes.index("off")
        assert set(modes[:switch]) == ({"moved"} if fix == "moved" else set()) and set(modes[switch:]) == {"off"}


def test_highs_thread_counts_are_tracked_per_calling_thread(day: OrderArrays) -> None:
    """A solve with 2 threads, one with 1 on a worker thread, then one with 1 on this thread: all solve
    (HiGHS keeps a scheduler per calling thread; tracking one count per process made the last one fail)."""
    model = build_order_model(day).model
    mip = get_backend("highs")
    assert mip.solve(model, MipOptions(time_limit=10, threads=2)).status == "optimal"
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(mip.solve, model, MipOptions(time_limit=10, threads=1)).result().status == "optimal"
    assert mip.solve(model, MipOptions(time_limit=10, threads=1)).status == "optimal"


def test_core_search_on_two_threads_is_checked_and_widens_its_core(day: OrderArrays) -> None:
    """The core method with two threads returns a feasible plan between the bound and the greedy plan;
    on a small day its passes run dry, so the core widens."""
    mo = OrderModelOptions(method="core", core_widenings=2)
    plan = solve_orders(day, "highs", MipOptions(time_limit=8, threads=2, seed=1), mo)
    check = check_orders(day, plan)
    assert check.feasible and plan.bound is not None and plan.objective is not None
    assert plan.bound <= plan.objective <= plan_cost(day, greedy_allocation(day, retries=10).line_wh) + 1e-9
    assert plan.stats["workers"] == 2 and plan.stats["core_widenings"] >= 1
