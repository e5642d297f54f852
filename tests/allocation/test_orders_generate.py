"""The order-day generator: determinism, the promised shape of the day, feasibility; the suite runner."""

from __future__ import annotations

import numpy as np
import pytest

from optiops.allocation.check_orders import diagnose_orders
from optiops.allocation.generate import OrderGeneratorConfig, generate_orders
from optiops.allocation.greedy import greedy_allocation
from optiops.bench.cases.orders import order_case, run_orders_case, suite_cases
from optiops.bench.suites import load_suite
from optiops.exceptions import InstanceError
from optiops.model.orders import OrderArrays, order_arrays, order_instance

SMALL = OrderGeneratorConfig(n_orders=500, n_warehouses=5)


@pytest.fixture(scope="module")
def day() -> OrderArrays:
    return generate_orders(SMALL, seed=7)


def same(a: OrderArrays, b: OrderArrays) -> bool:
    fields = ("capacity", "handling_cost", "stock", "shipping_cost", "allowed", "order_zone", "order_class",
              "line_ptr", "line_sku", "line_qty")  # fmt: skip
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in fields) and a.order_ids == b.order_ids


def test_same_seed_same_day(day: OrderArrays) -> None:
    """The same configuration and seed give the same day, another seed another day."""
    assert same(day, generate_orders(SMALL, seed=7))
    assert not same(day, generate_orders(SMALL, seed=8))


def test_orders_have_one_to_four_distinct_skus(day: OrderArrays) -> None:
    """1-4 lines per order, no SKU twice in an order, quantities 1-3."""
    n_lines = np.diff(day.line_ptr)
    assert n_lines.min() == 1 and n_lines.max() == 4
    assert set(np.unique(day.line_qty)) <= {1.0, 2.0, 3.0}
    for o in range(day.n_orders):
        skus = day.line_sku[day.line_ptr[o] : day.line_ptr[o + 1]]
        assert len(set(skus.tolist())) == len(skus)


def test_popularity_is_long_tailed(day: OrderArrays) -> None:
    """The top tenth of the SKUs takes more than twice its share of the lines (about 29 % expected)."""
    counts = np.sort(np.bincount(day.line_sku, minlength=len(day.sku_ids)))[::-1]
    assert counts[: len(counts) // 10].sum() > 0.2 * counts.sum()


def test_next_day_reaches_fewer_warehouses(day: OrderArrays) -> None:
    """Promises are nested: next-day allows fewer lanes than two-day, which allows fewer than standard."""
    lanes = day.allowed.sum(axis=(1, 2))
    assert day.class_ids == ["next-day", "two-day", "standard"]
    assert lanes[0] < lanes[1] <= lanes[2] == day.allowed[2].size


def test_feasible_by_construction(day: OrderArrays) -> None:
    """No infeasibility cause, and the greedy plan ships every line within stock and capacity."""
    assert diagnose_orders(day) == []
    greedy = greedy_allocation(day)
    assert greedy.complete and day.line_candidates[np.arange(day.n_lines), greedy.line_wh].all()


def test_most_orders_can_ship_whole_but_not_all(day: OrderArrays) -> None:
    """Most orders have an allowed warehouse with all their lines; some need a split."""
    whole = np.logical_and.reduceat(day.line_candidates, day.line_ptr[:-1], axis=0).any(axis=1)
    assert 0.6 < whole.mean() < 1.0


def test_document_round_trip(day: OrderArrays) -> None:
    """A generated day written as a document reads back to the same arrays."""
    assert same(order_arrays(order_instance(day)), day)


@pytest.mark.parametrize(("name", "orders", "warehouses"), [("orders-1k-5w", 1000, 5), ("orders-250-3w", 250, 3)])
def test_case_names(name: str, orders: int, warehouses: int) -> None:
    """Suite instance names give the sizes."""
    config = order_case(name)
    assert (config.n_orders, config.n_warehouses) == (orders, warehouses)


def test_bad_case_name() -> None:
    """A name that is not orders-<n>[k]-<w>w is an InstanceError."""
    with pytest.raises(InstanceError, match="orders-<n>"):
        order_case("cap41")


def test_suite_selection() -> None:
    """Instances are selected by name or glob; a selection matching nothing is an error."""
    names = ["orders-1k-5w", "orders-10k-10w", "orders-100k-20w"]
    assert suite_cases(names, "orders-10*-*") == ["orders-10k-10w", "orders-100k-20w"]
    with pytest.raises(InstanceError, match="match no instance"):
        suite_cases(names, "cap*")


def test_suite_definition_loads() -> None:
    """benchmarks/suites/allocation-orders.toml is a suite of kind orders with the three sizes."""
    suite = load_suite("allocation-orders")
    assert suite.kind == "orders" and suite.time_limit_s == 120 and "highs" in suite.backends
    assert suite.settings["instances"] == ["orders-1k-5w", "orders-10k-10w", "orders-100k-20w"]


def test_runner_row() -> None:
    """A small case gives a checked row with every field of the results table."""
    row = run_orders_case("orders-300-3w", "highs", time_limit=5)
    assert row["status"] == "optimal" and row["feasible"], row
    assert row["mip_gap_pct"] == pytest.approx(0.0, abs=1e-3)
    fields = {"suite", "instance", "backend", "seed", "time_limit_s", "objective", "bound", "build_s", "solve_s",
              "runtime_s", "build_share"}  # fmt: skip
    assert fields <= set(row) and 0 <= row["build_share"] <= 1


def test_failing_case_becomes_an_error_row() -> None:
    """A bad case is an error row, not an exception."""
    row = run_orders_case("nonsense", "highs", time_limit=1)
    assert row["status"] == "error" and "InstanceError" in row["error"]
