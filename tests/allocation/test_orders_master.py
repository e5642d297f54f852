"""Order allocation: the pool of whole-order columns, the master LP over it and the plan it guides."""

from __future__ import annotations

import time

import numpy as np
import pytest

from optiops.allocation.check_orders import check_orders
from optiops.allocation.generate import OrderGeneratorConfig, generate_orders
from optiops.allocation.greedy import greedy_allocation
from optiops.allocation.lagrangian import Pricing, lagrangian_bound, reduced_costs
from optiops.allocation.master import ColumnPool, lp_guided_plan, master_lp
from optiops.allocation.neighbourhoods import reinsert
from optiops.allocation.orders import OrderModelOptions, _shipments, solve_orders
from optiops.allocation.orders_core import BIG
from optiops.allocation.orders_model import plan_cost
from optiops.model.orders import OrderAllocationPlan, OrderArrays
from optiops.solvers import MipOptions, get_backend


@pytest.fixture(scope="module")
def day() -> OrderArrays:
    """A small generated day: 400 orders over 4 warehouses (stock contested)."""
    return generate_orders(OrderGeneratorConfig(n_orders=400, n_warehouses=4), seed=5)


@pytest.fixture(scope="module")
def setting(day: OrderArrays) -> tuple[Pricing, ColumnPool, np.ndarray]:
    """Prices after 200 steps, and a pool of the reinserted greedy plan plus 50 more steps' priced optima."""
    plan = reinsert(day, greedy_allocation(day, retries=10).line_wh, seed=1)
    pricing = Pricing(np.zeros_like(day.stock), np.zeros_like(day.capacity))
    lagrangian_bound(day, pricing, plan_cost(day, plan), 200, time.perf_counter() + 30)
    pool = ColumnPool(day)
    pool.add(plan)
    lagrangian_bound(day, pricing, plan_cost(day, plan), 50, time.perf_counter() + 30, collect=pool.add)
    return pricing, pool, plan


def test_pool_keeps_each_allocation_once(day: OrderArrays) -> None:
    """A plan adds one column per order; the same plan again adds none; one order moved adds one."""
    plan = greedy_allocation(day, retries=10).line_wh
    pool = ColumnPool(day)
    assert pool.add(plan) == day.n_orders and pool.add(plan.copy()) == 0
    o = int(np.flatnonzero(np.diff(day.line_ptr) == 1)[0])
    moved = plan.copy()
    moved[day.line_ptr[o]] = (plan[day.line_ptr[o]] + 1) % day.n_warehouses
    assert pool.add(moved) == 1 and pool.add(plan) == 0 and len(pool) == day.n_orders + 1
    orders, col, line, wh = pool.columns()
    assert (day.line_order[line] == orders[col]).all()
    assert all((pool.wh[j] == [moved, plan][j < day.n_orders][day.line_ptr[o2] : day.line_ptr[o2 + 1]]).all()
               for j, o2 in enumerate(orders.tolist()))  # fmt: skip
    assert (wh == np.where(col < day.n_orders, plan[line], moved[line])).all()


def test_master_lp_lies_between_the_bound_and_the_plan(day: OrderArrays, setting: tuple) -> None:
    """The LP over a subset of columns is no lower than the Lagrangian dual, hence than any Lagrangian
    bound, and no higher than the plan whose columns are in the pool; every order gets one unit."""
    pricing, pool, plan = setting
    lp = master_lp(day, pool, get_backend("highs"), MipOptions(time_limit=20))
    assert lp is not None
    weight, objective = lp
    assert pricing.bound - 1e-6 <= objective <= plan_cost(day, plan) + 1e-6
    orders, _, _, _ = pool.columns()
    assert np.allclose(np.bincount(orders, weights=weight, minlength=day.n_orders), 1.0)


def test_lp_guided_plan_is_feasible(day: OrderArrays, setting: tuple) -> None:
    """The rounded plan ships every line within stock and capacity (the independent checker). The orders
    the LP gives one column whole keep it, all of them when every other order could be placed, else
    all but the few whose stock the repair gave to the orders that fit nowhere."""
    pricing, pool, _ = setting
    lp = master_lp(day, pool, get_backend("highs"), MipOptions(time_limit=20))
    assert lp is not None
    _, whole = reduced_costs(day, pricing.best_lam, pricing.best_mu)
    rank = np.where(np.isfinite(whole), whole, BIG + day.parcel_cost)
    line_wh, repaired = lp_guided_plan(day, pool, lp[0], rank)
    assert line_wh is not None
    check = check_orders(day, OrderAllocationPlan(shipments=_shipments(day, line_wh)))
    assert check.feasible
    orders, _, _, _ = pool.columns()
    whole_cols = np.flatnonzero(lp[0] >= 1 - 1e-6).tolist()
    kept = sum(bool((line_wh[day.line_ptr[o] : day.line_ptr[o + 1]] == pool.wh[j]).all())
               for j, o in zip(whole_cols, orders[whole_cols].tolist(), strict=True))  # fmt: skip
    assert len(whole_cols) > 0.8 * day.n_orders
    assert kept == len(whole_cols) if repaired == 0 else kept >= 0.95 * len(whole_cols)


def test_greedy_priority_orders_go_first(day: OrderArrays) -> None:
    """An order given the top priority gets its cheapest whole-order warehouse even when, without the
    priority, an earlier order took the stock it needed."""
    base = greedy_allocation(day)
    cheapest = np.where(day.order_allowed, day.parcel_cost, np.inf).argmin(axis=1)
    missed = [
        o for o in range(day.n_orders) if (base.line_wh[day.line_ptr[o] : day.line_ptr[o + 1]] != cheapest[o]).any()
    ]
    first = np.zeros(day.n_orders, dtype=np.int64)
    hits = 0
    for o in missed[:20]:
        lines = range(day.line_ptr[o], day.line_ptr[o + 1])
        if not all(day.line_candidates[k, cheapest[o]] for k in lines):
            continue
        first[:] = 0
        first[o] = 1
        got = greedy_allocation(day, priority=first).line_wh
        assert (got[day.line_ptr[o] : day.line_ptr[o + 1]] == cheapest[o]).all()
        hits += 1
    assert hits > 0


def test_core_search_with_the_lp_start_is_checked(day: OrderArrays) -> None:
    """The core method with the LP start returns a checked plan; its stats carry the LP's columns and value,
    and the LP value lies between the bound and the greedy start (whose reinsertion is in the pool)."""
    plan = solve_orders(day, "highs", MipOptions(time_limit=6, threads=1, seed=1), OrderModelOptions(method="core"))
    check = check_orders(day, plan)
    assert check.feasible and plan.bound is not None and plan.objective is not None
    assert plan.stats["lp_columns"] >= day.n_orders
    assert plan.start_objective is not None
    assert plan.bound - 1e-6 <= plan.stats["lp_objective"] <= plan.start_objective + 1e-6


def test_greedy_priority_must_be_one_non_negative_integer_per_order(day: OrderArrays) -> None:
    """A negative priority would overtake the orders a failed pass promotes: refused."""
    with pytest.raises(ValueError, match="non-negative"):
        greedy_allocation(day, priority=np.full(day.n_orders, -1))
