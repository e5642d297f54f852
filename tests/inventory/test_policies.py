"""Analytic levels, the simulation correction and the service-level allocation MIP."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats

from optiops.exceptions import InfeasibleError
from optiops.inventory import (
    DemandPool,
    Items,
    ServiceTargets,
    SimulationOptions,
    allocate_service,
    analytic_policy,
    build_menu,
    correct_policy,
    menu_levels,
    simulate,
    summarise,
    weeks_of_cover_policy,
)
from optiops.solvers import list_backends


def make_items(mean: list[float], sd: list[float], target: float = 0.95, lt: float = 2.0, review: int = 1,
               **over: object) -> Items:  # fmt: skip
    n = len(mean)
    f = np.ones(n)
    items = Items(
        ids=tuple(f"i{k}" for k in range(n)), mean=np.array(mean, float), sd=np.array(sd, float), lt_mean=f * lt,
        lt_sd=f * 0, review=np.full(n, review, dtype=np.int64), moq=f * 0, pack=f * 0, unit_cost=f,
        holding_rate=f * 0.01, order_cost=f * 0, shortage_cost=f * 0, lost_sales=np.zeros(n, bool),
        return_rate=f * 0, return_delay=np.zeros(n, dtype=np.int64), target=f * target,
    )  # fmt: skip
    return dataclasses.replace(items, **over) if over else items


def test_normal_order_up_to_level_is_the_protection_quantile() -> None:
    """(R, S) normal: S = mu (L + R) + z sigma sqrt(L + R), rounded up."""
    items = make_items([10.0], [3.0], target=0.95, lt=2.0, review=1)
    p = analytic_policy(items)
    expected = 30.0 + stats.norm.ppf(0.95) * 3.0 * np.sqrt(3.0)
    assert p.order_up_to[0] == np.ceil(expected)
    assert p.reorder[0] == p.order_up_to[0] and p.quantity[0] == 0


def test_returns_lower_the_level() -> None:
    """Returned units come back into stock, so the same target needs a lower level."""
    plain = analytic_policy(make_items([10.0], [3.0]))
    with_returns = analytic_policy(make_items([10.0], [3.0], return_rate=np.array([0.3])))
    assert with_returns.order_up_to[0] < plain.order_up_to[0]


def test_fill_rate_target_uses_the_loss_function() -> None:
    """The fill-rate level solves sigma_P G(k) = (1 - beta) mu R."""
    items = make_items([10.0], [4.0], target=0.98, lt=1.0, review=2, target_kind="fill_rate")
    p = analytic_policy(items, integer_units=False)
    sd_p = 4.0 * np.sqrt(3.0)
    k = (p.order_up_to[0] - 30.0) / sd_p
    loss = stats.norm.pdf(k) - k * stats.norm.sf(k)
    assert loss * sd_p == pytest.approx(0.02 * 10.0 * 2, rel=1e-6)


def test_sq_policy_orders_eoq_multiples() -> None:
    """(s, Q): Q is the EOQ rounded to the pack, S = s + Q."""
    items = make_items([10.0], [3.0], order_cost=np.array([50.0]), pack=np.array([6.0]))
    p = analytic_policy(items, "sQ")
    q = np.ceil(np.sqrt(2 * 10.0 * 50.0 / 0.01) / 6.0) * 6.0
    assert p.quantity[0] == q and p.order_up_to[0] == p.reorder[0] + q


def test_correction_meets_targets_where_the_normal_misses() -> None:
    """Lumpy demand: the analytic normal level misses 95 % in simulation, the corrected one meets it."""
    pool = DemandPool.from_lists([np.array([0.0] * 9 + [40.0]), np.array([8.0, 10.0, 12.0, 9.0, 11.0])])
    mean = [4.0, 10.0]
    sd = [float(np.std([0.0] * 9 + [40.0], ddof=1)), float(np.std([8, 10, 12, 9, 11], ddof=1))]
    items = make_items(mean, sd, target=0.95, lt=1.0)
    opts = SimulationOptions(n_scenarios=300, n_periods=24, warmup=8, seed=3)
    analytic = analytic_policy(items)
    before = simulate(items, analytic, pool, opts)["achieved_csl"].to_numpy()
    corrected = correct_policy(items, analytic, pool, opts)
    after = simulate(items, corrected, pool, opts)["achieved_csl"].to_numpy()
    assert before[0] < 0.95  # the normal approximation under-protects the lumpy item
    assert (after >= 0.95 - 1e-9).all()
    # minimal: one unit less misses the target
    lower = simulate(items, corrected.shifted(np.array([-1.0, -1.0])), pool, opts)["achieved_csl"].to_numpy()
    assert ((lower < 0.95) | (corrected.reorder - 1 < 0)).all()


def test_weeks_of_cover_scales_with_the_period() -> None:
    """Four weeks of cover on monthly periods is about 0.92 months of demand."""
    items = make_items([30.0], [5.0], period_days=365.25 / 12)
    assert weeks_of_cover_policy(items, 4).order_up_to[0] == np.ceil(30.0 * 28 / (365.25 / 12))


@pytest.mark.parametrize("backend", [b for b in ("highs", "cbc", "scip") if b in list_backends()])
def test_allocation_meets_aggregate_fill_rate_at_least_holding(backend: str) -> None:
    """The MIP reaches the aggregate fill rate in its own simulation, cheaper than a uniform level."""
    rng = np.random.default_rng(5)
    series = [rng.poisson(lam, 40).astype(float) for lam in (0.3, 2.0, 8.0, 20.0)]
    pool = DemandPool.from_lists(series)
    items = make_items([s.mean() for s in series], [s.std(ddof=1) for s in series], lt=1.0)
    opts = SimulationOptions(n_scenarios=100, n_periods=12, warmup=6, seed=2)
    base = analytic_policy(items)
    high = base.order_up_to * 2 + 3
    menu = build_menu(items, base, menu_levels(np.zeros(4), high, int(high.max()) + 1), pool, opts)  # every unit
    uniform = analytic_policy(dataclasses.replace(items, target=np.full(4, 0.9)))
    fill = summarise(simulate(items, uniform, pool, opts), 1.0)["fill_rate"]
    chosen, res = allocate_service(items, base, menu, ServiceTargets(fill_rate=fill), backend=backend)
    got = summarise(simulate(items, chosen, pool, opts), 1.0)
    assert res.status == "optimal"
    assert got["fill_rate"] >= fill - 1e-9
    assert got["mean_on_hand"] <= summarise(simulate(items, uniform, pool, opts), 1.0)["mean_on_hand"] + 1e-9


def test_unreachable_service_target_is_diagnosed() -> None:
    """A fill rate the highest menu level cannot reach names the constraint."""
    pool = DemandPool.from_lists([np.array([5.0, 50.0])])
    items = make_items([27.5], [30.0], lt=1.0)
    opts = SimulationOptions(n_scenarios=50, n_periods=6, warmup=2)
    base = analytic_policy(items)
    menu = build_menu(items, base, menu_levels(np.zeros(1), np.array([3.0]), 4), pool, opts)
    with pytest.raises(InfeasibleError, match=r"fill rate 0\.990"):
        allocate_service(items, base, menu, ServiceTargets(fill_rate=0.99))


def test_take_selects_items_and_their_rules_in_order() -> None:
    """``take`` keeps every per-item array (and the ids) aligned, in the order asked."""
    items = make_items([1.0, 2.0, 3.0], [0.5, 1.0, 1.5])
    policy = analytic_policy(items)
    sub, sub_policy = items.take(np.array([2, 0])), policy.take(np.array([2, 0]))
    assert sub.ids == (items.ids[2], items.ids[0]) and sub.n == 2
    assert sub.mean.tolist() == [3.0, 1.0] and sub.sd.tolist() == [1.5, 0.5]
    assert sub_policy.order_up_to.tolist() == [policy.order_up_to[2], policy.order_up_to[0]]
    assert sub_policy.name == policy.name


def test_a_subset_keeps_its_random_streams() -> None:
    """Simulating some items alone gives them the service they get among all (the correction relies on it)."""
    from optiops.inventory.correct import achieved

    rng = np.random.default_rng(8)
    series = [rng.poisson(m, 40).astype(float) for m in (0.3, 2.0, 5.0, 9.0, 1.0)]
    pool = DemandPool.from_lists(series)
    items = make_items([float(s.mean()) for s in series], [float(s.std(ddof=1)) for s in series], lt=3.0)
    opts = SimulationOptions(n_scenarios=50, n_periods=20, warmup=5, seed=4)
    policy = analytic_policy(items)
    every = achieved(items, policy, pool, opts)
    some = np.array([3, 1])
    assert np.array_equal(achieved(items, policy, pool, opts, some), every[some])
    assert not np.array_equal(achieved(items, policy, pool, opts, some), every[[0, 2]])
