"""The next day's orders and the allocation step on the small scenario."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from optiops.exceptions import InfeasibleError
from optiops.model.scenario import Scenario
from optiops.plan.allocation_step import (
    allocation_step,
    baseline_allocation,
    carrier_matrices,
    day_order_arrays,
    ration_to_stock,
)
from optiops.plan.base import PlanOptions, StepResult
from optiops.plan.orders import DayOrders, next_day, next_day_orders

KPI_KEYS = {"orders", "units", "parcels", "split_orders", "split_rate", "handling_cost", "shipping_cost", "split_cost",
            "late_orders"}  # fmt: skip


def _cost(kpis: dict[str, float]) -> float:
    return kpis["handling_cost"] + kpis["shipping_cost"] + kpis["split_cost"]


def test_orders_are_reproducible_per_seed(small: Scenario, small_orders: DayOrders) -> None:
    """The same seed draws the same orders, lines and pickups; another seed draws others."""
    again = next_day_orders(small, PlanOptions(seed=7))
    pd.testing.assert_frame_equal(again.orders, small_orders.orders)
    pd.testing.assert_frame_equal(again.lines, small_orders.lines)
    pd.testing.assert_frame_equal(again.pickups, small_orders.pickups)
    other = next_day_orders(small, PlanOptions(seed=8))
    assert not (other.lines.equals(small_orders.lines) and other.orders.equals(small_orders.orders))


def test_order_units_sum_to_the_days_demand(small: Scenario, small_orders: DayOrders) -> None:
    """Per SKU and zone, the order lines hold exactly the demand of the first hold-out day."""
    day = next_day(small)
    want = small.demand[small.demand["ds"] == day].groupby(["zone", "sku"])["y"].sum()
    lines = small_orders.lines.merge(small_orders.orders, on="order")
    got = lines.groupby(["zone", "sku"])["quantity"].sum()
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index(), check_names=False)
    assert small_orders.units == int(want.sum())


def test_orders_are_well_formed(small: Scenario, small_orders: DayOrders) -> None:
    """Every order has lines of distinct SKUs, a known promise and a customer point of its zone."""
    lines, orders = small_orders.lines, small_orders.orders
    assert set(lines["order"]) == set(orders["order"])
    assert not lines.duplicated(["order", "sku"]).any()
    assert orders["promise"].isin(small.promises["promise"]).all()
    zone_of = small.customers.set_index("customer")["zone"]
    assert (zone_of.reindex(orders["customer"]).to_numpy() == orders["zone"].to_numpy()).all()


def test_pickups_are_the_days_returns_in_fleet_zones(small: Scenario, small_orders: DayOrders) -> None:
    """One pickup per returned unit of the day in the zones an own fleet serves."""
    fleet = small.zones.loc[small.zones["fleet_warehouse"] != "", "zone"]
    returns = small.returns[(small.returns["ds"] == next_day(small)) & small.returns["zone"].isin(fleet)]
    assert small_orders.pickups["units"].sum() == returns["y"].sum()
    assert small_orders.pickups["zone"].isin(fleet).all()


def test_both_plans_ship_every_line_once(small_allocation: StepResult, small_orders: DayOrders) -> None:
    """allocation.csv gives every order line one warehouse in each plan, and the checker finds no broken rule."""
    table = small_allocation.tables["allocation.csv"]
    for plan in ("baseline", "optimised"):
        rows = table[table["plan"] == plan]
        assert len(rows) == len(small_orders.lines)
        assert rows["warehouse"].notna().all()
        assert not rows.duplicated(["order", "line"]).any()
    assert not [n for n in small_allocation.notes if "breaks a rule" in n]


def test_lines_beyond_the_stock_are_short_in_both_plans(small: Scenario, small_orders: DayOrders,
                                                       plan_options: PlanOptions) -> None:  # fmt: skip
    """A SKU out of stock everywhere: its lines are short, the rest ship, instead of an infeasible day."""
    sku = small_orders.lines["sku"].value_counts().index[0]
    empty = dataclasses.replace(small, stock=small.stock.assign(
        on_hand=small.stock["on_hand"].where(small.stock["sku"] != sku, 0)))  # fmt: skip
    with pytest.raises(InfeasibleError):
        allocation_step(empty, plan_options, small_orders)
    kept, short = ration_to_stock(empty, small_orders)
    assert set(short["sku"]) == {sku} and len(short) == (small_orders.lines["sku"] == sku).sum()
    assert len(kept.lines) + len(short) == len(small_orders.lines)
    assert set(kept.orders["order"]) == set(kept.lines["order"])
    result = allocation_step(empty, plan_options, kept, short)
    assert result.stats["short_lines"] == len(short) and any("short" in n for n in result.notes)
    table = result.tables["allocation.csv"]
    assert (table["plan"] == "optimised").sum() == len(kept.lines) and table["warehouse"].notna().all()
    assert ration_to_stock(small, small_orders)[0] is small_orders


def test_mip_costs_no_more_than_the_baseline(small_allocation: StepResult) -> None:
    """Under the checker's cost function the MIP plan is no dearer than common practice."""
    assert _cost(small_allocation.optimised) <= _cost(small_allocation.baseline) + 1e-6
    assert small_allocation.stats["objective"] == pytest.approx(_cost(small_allocation.optimised))


def test_kpis_have_the_same_keys_and_sane_values(small_allocation: StepResult, small_orders: DayOrders) -> None:
    """Both plans report the same KPI parts; counts match the orders, rates are fractions."""
    for kpis in (small_allocation.baseline, small_allocation.optimised):
        assert set(kpis) == KPI_KEYS
        assert kpis["orders"] == len(small_orders.orders)
        assert kpis["units"] == small_orders.units
        assert kpis["parcels"] >= kpis["orders"]
        assert 0.0 <= kpis["split_rate"] <= 1.0
        assert 0 <= kpis["late_orders"] <= kpis["orders"]
    assert small_allocation.name == "allocation"
    assert small_allocation.stats["time_limit"] == 0.5


def test_baseline_ships_from_the_nearest_warehouse_holding_the_line(small: Scenario, small_orders: DayOrders) -> None:
    """With stock and capacity to spare, every line goes to its zone's nearest warehouse."""
    carrier = carrier_matrices(small)
    arr = day_order_arrays(small, small_orders, carrier)
    roomy = dataclasses.replace(arr, stock=np.full_like(arr.stock, 1e6), capacity=np.full_like(arr.capacity, 1e6))
    line_wh = baseline_allocation(roomy, carrier.road_km)
    nearest = carrier.road_km.argmin(axis=0)
    assert (line_wh == nearest[arr.order_zone[arr.line_order]]).all()
