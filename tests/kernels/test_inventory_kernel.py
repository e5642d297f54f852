"""The numba inventory simulation agrees with its pure-Python reference and keeps its accounting."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.kernels.reference_inventory import simulate_policies_reference

from optiops.inventory.simulate import NO_GROUPS
from optiops.kernels.inventory import (
    N_RISK,
    N_STATS,
    N_TRACE,
    ST_CYCLES,
    ST_DEMAND,
    ST_EMPTY_PERIODS,
    ST_FILLED,
    ST_ON_HAND,
    ST_ORDERS,
    ST_PERIODS,
    ST_REFUSED,
    ST_RETURNED,
    ST_STOCKOUT_CYCLES,
    ST_STOCKOUT_PERIODS,
    TR_NET,
    TR_ORDER,
    simulate_policies,
)

NO_TRACE = np.zeros((0, 0, N_TRACE))
NO_RISK = np.zeros((0, N_RISK))


def args(skus: list[dict], n_periods: int, warmup: int, n_scenarios: int, bootstrap: bool) -> tuple:
    """Positional kernel arguments for a list of SKU dicts (pool, r, s, S, Q, moq, pack, lt, sd, rate, delay, lost)."""
    pools = [k["pool"] for k in skus]
    offsets = np.cumsum([0] + [len(p) for p in pools]).astype(np.int64)
    pool = np.array([v for p in pools for v in p], dtype=np.float64)

    def col(key: str, dtype: type = np.float64) -> np.ndarray:
        return np.array([k[key] for k in skus], dtype=dtype)

    return (
        pool, offsets, bootstrap, col("r", np.int64), col("s"), col("S"), col("Q"), col("moq"), col("pack"),
        col("lt"), col("sd"), col("rate"), col("delay", np.int64), col("lost", np.bool_), col("init"),
        np.arange(len(skus), dtype=np.int64) + 7, NO_RISK, n_periods, warmup, n_scenarios,
    )  # fmt: skip


sku = st.fixed_dictionaries(
    {
        "pool": st.lists(st.one_of(st.just(0.0), st.integers(1, 20).map(float)), min_size=0, max_size=12),
        "r": st.integers(1, 4),
        "s": st.integers(-5, 30).map(float),
        "S": st.integers(0, 60).map(float),
        "Q": st.sampled_from([0.0, 0.0, 5.0, 12.0]),
        "moq": st.sampled_from([0.0, 3.0]),
        "pack": st.sampled_from([0.0, 1.0, 4.0]),
        "lt": st.integers(0, 5).map(float),
        "sd": st.just(0.0),
        "rate": st.sampled_from([0.0, 0.25]),
        "delay": st.integers(0, 3),
        "lost": st.booleans(),
        "init": st.integers(0, 40).map(float),
    }
)


@settings(max_examples=120, deadline=None)
@given(st.lists(sku, min_size=1, max_size=5), st.integers(1, 40), st.integers(0, 10))
def test_replay_matches_reference(skus: list[dict], n_periods: int, warmup: int) -> None:
    """In replay mode with fixed lead times (no random draws) kernel and reference agree exactly."""
    a = args(skus, n_periods, warmup, 2, bootstrap=False)
    got = simulate_policies(*a, NO_TRACE, *NO_GROUPS)
    np.testing.assert_allclose(got, simulate_policies_reference(*a), rtol=1e-9, atol=1e-9)


def test_bootstrap_is_reproducible_and_per_sku() -> None:
    """Same seed, same numbers; a SKU's result does not depend on the other SKUs in the call."""
    base = {"pool": [0.0, 3.0, 7.0], "r": 1, "s": 8.0, "S": 15.0, "Q": 0.0, "moq": 0.0, "pack": 0.0,
            "lt": 2.0, "sd": 0.7, "rate": 0.2, "delay": 2, "lost": False, "init": 10.0}  # fmt: skip
    other = {**base, "pool": [50.0], "sd": 2.0}
    both = simulate_policies(*args([base, other], 60, 10, 50, True), NO_TRACE, *NO_GROUPS)
    again = simulate_policies(*args([base, other], 60, 10, 50, True), NO_TRACE, *NO_GROUPS)
    alone = simulate_policies(*args([base], 60, 10, 50, True), NO_TRACE, *NO_GROUPS)
    np.testing.assert_array_equal(both, again)
    assert both.shape == (2, N_STATS)
    # alone's seed is 7 as in `both`; the ring differs (other's lead-time spread) but no draw is clipped
    np.testing.assert_allclose(alone[0], both[0])


def test_bootstrap_draws_the_pool_distribution() -> None:
    """Mean bootstrapped demand per period is the pool mean (within sampling error)."""
    pool = [0.0, 0.0, 1.0, 5.0, 14.0]
    k = {"pool": pool, "r": 1, "s": 0.0, "S": 0.0, "Q": 0.0, "moq": 0.0, "pack": 0.0, "lt": 0.0, "sd": 0.0,
         "rate": 0.0, "delay": 0, "lost": True, "init": 0.0}  # fmt: skip
    st_ = simulate_policies(*args([k], 100, 0, 400, True), NO_TRACE, *NO_GROUPS)[0]
    assert st_[ST_PERIODS] == 40_000
    assert abs(st_[ST_DEMAND] / st_[ST_PERIODS] - np.mean(pool)) < 0.15


def test_order_up_to_with_zero_lead_time_never_stocks_out() -> None:
    """(R=1, S) above the largest demand with zero lead time: every cycle served, every unit filled."""
    k = {"pool": [0.0, 4.0, 9.0], "r": 1, "s": 10.0, "S": 10.0, "Q": 0.0, "moq": 0.0, "pack": 0.0, "lt": 0.0,
         "sd": 0.0, "rate": 0.0, "delay": 0, "lost": False, "init": 0.0}  # fmt: skip
    st_ = simulate_policies(*args([k], 30, 5, 20, True), NO_TRACE, *NO_GROUPS)[0]
    assert st_[ST_STOCKOUT_CYCLES] == 0
    assert st_[ST_FILLED] == st_[ST_DEMAND]
    assert st_[ST_CYCLES] == 25 * 20
    assert st_[ST_ORDERS] > 0
    assert st_[ST_ON_HAND] >= 1.0 * 25 * 20  # at least 10 - 9 left every period
    assert st_[ST_EMPTY_PERIODS] == 0


def test_out_of_stock_days_count_empty_shelves_not_only_unmet_demand() -> None:
    """An emptied shelf counts as out of stock even when no demand goes unserved.

    Review every third period up to 2 with no lead time, demand 0, 0, 2 replayed: the third period's
    sale empties the shelf until the next review refills it, so one period in three ends empty.
    """
    k = {"pool": [0.0, 0.0, 2.0], "r": 3, "s": 2.0, "S": 2.0, "Q": 0.0, "moq": 0.0, "pack": 0.0, "lt": 0.0,
         "sd": 0.0, "rate": 0.0, "delay": 0, "lost": True, "init": 2.0}  # fmt: skip
    st_ = simulate_policies(*args([k], 30, 0, 1, False), NO_TRACE, *NO_GROUPS)[0]
    assert st_[ST_STOCKOUT_PERIODS] == 0 and st_[ST_FILLED] == st_[ST_DEMAND] == 20
    assert st_[ST_EMPTY_PERIODS] == 10


def test_trace_records_scenario_zero() -> None:
    """The trace's net stock follows arrivals minus demand for a replayed path."""
    k = {"pool": [3.0], "r": 1, "s": 0.0, "S": 0.0, "Q": 0.0, "moq": 0.0, "pack": 0.0, "lt": 0.0, "sd": 0.0,
         "rate": 0.0, "delay": 0, "lost": False, "init": 10.0}  # fmt: skip
    trace = np.zeros((1, 5, N_TRACE))
    simulate_policies(*args([k], 5, 0, 1, False), trace, *NO_GROUPS)
    # net 10 -> 7 -> 4 -> 1 -> -2; then ip -2 <= s = 0 orders 2 up to S = 0, arriving at once: 0 - 3
    np.testing.assert_allclose(trace[0, :, TR_NET], [7.0, 4.0, 1.0, -2.0, -3.0])
    np.testing.assert_allclose(trace[0, :, TR_ORDER], [0.0, 0.0, 0.0, 0.0, 2.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(sku, min_size=1, max_size=6), st.integers(1, 30), st.integers(0, 8), st.integers(1, 3))
def test_order_days_are_the_scored_periods_in_which_a_group_member_orders(
    skus: list[dict], n_periods: int, warmup: int, n_groups: int
) -> None:
    """order_days[g, 0, t] is set exactly when some member of g orders in scored period t (read from the trace)."""
    group = np.arange(len(skus), dtype=np.int64) % n_groups
    total = n_periods + warmup
    a = args(skus, total, warmup, 1, bootstrap=True)
    days = np.zeros((n_groups, 1, n_periods), dtype=np.uint8)
    stats = simulate_policies(*a, NO_TRACE, group, days)
    trace = np.zeros((len(skus), total, N_TRACE))
    np.testing.assert_array_equal(stats, simulate_policies(*a, trace, *NO_GROUPS))  # recording changes nothing
    ordered = trace[:, warmup:, TR_ORDER] > 0  # (skus, scored periods) of scenario 0
    expected = np.zeros((n_groups, n_periods), dtype=bool)
    for i in range(len(skus)):
        expected[group[i]] |= ordered[i]
    np.testing.assert_array_equal(days[:, 0, :].astype(bool), expected)
    assert days.sum() <= stats[:, ST_ORDERS].sum()  # a purchase order has at least one line


def with_risk(a: tuple, risk: list[tuple[float, float, float]]) -> tuple:
    """``a`` (from :func:`args`) with a risk row per SKU (level sd, outage start, outage end)."""
    return (*a[:16], np.array(risk, dtype=np.float64).reshape(-1, N_RISK), *a[17:])


RISKY = {"pool": [0.0, 2.0, 3.0, 9.0], "r": 1, "s": 9.0, "S": 20.0, "Q": 0.0, "moq": 0.0, "pack": 0.0, "lt": 3.0,
         "sd": 0.8, "rate": 0.1, "delay": 2, "lost": True, "init": 20.0}  # fmt: skip


def test_a_risk_row_without_risk_changes_nothing() -> None:
    """Level sd 0 and a supplier never out draw nothing from the new streams: the numbers of a call without risk."""
    a = args([RISKY, {**RISKY, "pool": [4.0]}], 60, 10, 50, True)
    np.testing.assert_array_equal(
        simulate_policies(*with_risk(a, [(0.0, 0.0, 1.0)] * 2), NO_TRACE, *NO_GROUPS),
        simulate_policies(*a, NO_TRACE, *NO_GROUPS),
    )


def test_a_supplier_always_out_refuses_every_order() -> None:
    """Outages that never end: no order arrives, only the opening stock (and its returns) is sold."""
    st_ = simulate_policies(*with_risk(args([RISKY], 40, 0, 20, True), [(0.0, 1.0, 0.0)]), NO_TRACE, *NO_GROUPS)[0]
    assert st_[ST_ORDERS] == 0 and st_[ST_REFUSED] > 0
    assert st_[ST_FILLED] <= 20 * 20 + st_[ST_RETURNED] + 1e-9  # 20 scenarios of an opening 20, plus returns


def test_level_spread_keeps_mean_demand_and_costs_service() -> None:
    """A lognormal level of mean 1: mean demand unchanged (sampling error), fill of the same policy lower."""
    a = args([RISKY], 80, 20, 400, True)
    calm = simulate_policies(*a, NO_TRACE, *NO_GROUPS)[0]
    drift = simulate_policies(*with_risk(a, [(0.5, 0.0, 1.0)]), NO_TRACE, *NO_GROUPS)[0]
    assert abs(drift[ST_DEMAND] / calm[ST_DEMAND] - 1.0) < 0.06
    assert drift[ST_FILLED] / drift[ST_DEMAND] < calm[ST_FILLED] / calm[ST_DEMAND] - 0.01


def test_risks_agree_with_the_reference_in_distribution() -> None:
    """Kernel and reference draw differently but must give the same fill rate, refusals and demand."""
    risk = [(0.4, 0.05, 0.1)]
    a = with_risk(args([RISKY], 60, 10, 600, True), risk)
    got = simulate_policies(*a, NO_TRACE, *NO_GROUPS)[0]
    ref = simulate_policies_reference(*a)[0]
    assert abs(got[ST_FILLED] / got[ST_DEMAND] - ref[ST_FILLED] / ref[ST_DEMAND]) < 0.02
    assert abs(got[ST_DEMAND] / ref[ST_DEMAND] - 1.0) < 0.06
    assert abs(got[ST_REFUSED] / ref[ST_REFUSED] - 1.0) < 0.15
    assert got[ST_REFUSED] > 0
