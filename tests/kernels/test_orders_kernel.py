"""The numba priced order subproblems agree with the pure-Python enumeration of every partition."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.kernels.reference_orders import (
    order_optimum_reference,
    order_reduced_reference,
    pair_reference,
    reinsert_reference,
)

from optiops.kernels.orders import pair_moves, place_orders, priced_optima, priced_reduced, reinsert_orders


@st.composite
def priced_days(draw: st.DrawFn) -> dict:
    """A few orders of 1-5 lines (distinct SKUs) over 1-4 warehouses, with random costs, candidates and prices."""
    n_w, n_s = draw(st.integers(1, 4)), draw(st.integers(5, 7))
    sizes = draw(st.lists(st.integers(1, 5), min_size=1, max_size=5))
    n_o, n_l = len(sizes), sum(sizes)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    cand = rng.random((n_l, n_w)) < 0.7
    line_order = np.repeat(np.arange(n_o), sizes)
    allowed = np.zeros((n_o, n_w), dtype=bool)
    allowed[line_order, np.argmax(cand, axis=1)] = True  # every line keeps one candidate
    cand[np.arange(n_l), np.argmax(cand, axis=1)] = True
    allowed |= rng.random((n_o, n_w)) < 0.5
    cand &= allowed[line_order]
    costs = np.round(rng.uniform(1, 10, (n_o, n_w)), 2)
    return {
        "ptr": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        "sku": np.concatenate([rng.choice(n_s, k, replace=False) for k in sizes]).astype(np.int64),
        "qty": rng.integers(1, 4, n_l).astype(np.float64),
        "cand": cand,
        "open_base": np.where(allowed, costs, np.inf),
        "lam": np.round(rng.exponential(1.0, (n_s, n_w)) * (rng.random((n_s, n_w)) < 0.5), 2),
        "mu": np.round(rng.exponential(1.0, n_w) * (rng.random(n_w) < 0.5), 2),
        "max_lines": draw(st.sampled_from([3, 6])),
    }


def kernel_args(d: dict) -> tuple:
    """Positional kernel arguments of a day."""
    return d["ptr"], d["sku"], d["qty"], d["cand"], d["open_base"], d["lam"], d["mu"], d["max_lines"]


@settings(max_examples=60, deadline=None)
@given(priced_days())
def test_optima_equal_enumeration(d: dict) -> None:
    """Orders up to ``max_lines`` get the optimum of every partition; longer ones a value no higher."""
    values, line_wh, load, used = priced_optima(*kernel_args(d))
    for o in range(len(d["ptr"]) - 1):
        expected = order_optimum_reference(o, d)[0]
        if d["ptr"][o + 1] - d["ptr"][o] <= d["max_lines"]:
            assert np.isclose(values[o], expected)
        else:
            assert values[o] <= expected + 1e-9
    parcels = np.unique(np.repeat(np.arange(len(d["ptr"]) - 1), np.diff(d["ptr"])) * 10 + line_wh)
    assert np.array_equal(load, np.bincount(parcels % 10, minlength=len(d["mu"])))
    expected_used = np.zeros_like(d["lam"])
    np.add.at(expected_used, (d["sku"], line_wh), d["qty"])
    assert np.allclose(used, expected_used)


@settings(max_examples=60, deadline=None)
@given(priced_days())
def test_assignment_costs_the_optimum(d: dict) -> None:
    """The lines' warehouses of an exactly solved order cost its value at the prices."""
    values, line_wh, _, _ = priced_optima(*kernel_args(d))
    for o in range(len(d["ptr"]) - 1):
        lines = range(d["ptr"][o], d["ptr"][o + 1])
        if len(lines) > d["max_lines"]:
            continue
        opened = {int(line_wh[k]) for k in lines}
        cost = sum(d["open_base"][o][w] + d["mu"][w] for w in opened)
        cost += sum(d["qty"][k] * d["lam"][d["sku"][k]][line_wh[k]] for k in lines)
        assert all(d["cand"][k][line_wh[k]] for k in lines)
        assert np.isclose(cost, values[o])


@settings(max_examples=60, deadline=None)
@given(priced_days())
def test_reduced_costs_equal_enumeration(d: dict) -> None:
    """Reduced and whole-order costs equal the enumeration for orders solved exactly."""
    reduced, whole = priced_reduced(*kernel_args(d))
    for o in range(len(d["ptr"]) - 1):
        want_reduced, want_whole = order_reduced_reference(o, d)
        assert np.allclose(whole[o], want_whole)
        if d["ptr"][o + 1] - d["ptr"][o] <= d["max_lines"]:
            assert np.allclose(reduced[o], want_reduced)


@settings(max_examples=60, deadline=None)
@given(priced_days(), st.integers(0, 2**32 - 1))
def test_reinsertion_equals_enumeration(d: dict, seed: int) -> None:
    """Moving each order to its cheapest allocation within what the others leave saves what enumeration saves.

    Ties between equally cheap allocations leave different stock behind, so each order is compared
    from the state the kernel reached, not along the reference's own path.
    """
    rng = np.random.default_rng(seed)
    n_o = d["open_base"].shape[0]
    line_wh, stock_left, cap_left = random_plan(d, rng)
    before = line_wh.copy(), stock_left.copy(), cap_left.copy()
    total = 0.0
    for o in rng.permutation(n_o):
        expected = reinsert_reference(d, [int(o)], line_wh.tolist(), stock_left.tolist(), cap_left.tolist())
        saving = reinsert_orders(d["ptr"], d["sku"], d["qty"], d["cand"], d["open_base"], np.array([o]), line_wh,
                                 stock_left, cap_left, 6)  # fmt: skip
        assert np.isclose(saving, expected)
        total += saving
    assert_books(d, before, (line_wh, stock_left, cap_left), total)


@settings(max_examples=60, deadline=None)
@given(priced_days(), st.integers(0, 2**32 - 1))
def test_reinsertion_of_many_orders_in_one_call_keeps_the_books(d: dict, seed: int) -> None:
    """One call over every order (as the search makes it): the saving is non-negative and is the plan's
    cost drop, and stock and capacity move with the lines."""
    rng = np.random.default_rng(seed)
    n_o = d["open_base"].shape[0]
    line_wh, stock_left, cap_left = random_plan(d, rng)
    before = line_wh.copy(), stock_left.copy(), cap_left.copy()
    saving = reinsert_orders(d["ptr"], d["sku"], d["qty"], d["cand"], d["open_base"], rng.permutation(n_o), line_wh,
                             stock_left, cap_left, 6)  # fmt: skip
    assert saving >= 0
    assert_books(d, before, (line_wh, stock_left, cap_left), saving)


@settings(max_examples=60, deadline=None)
@given(priced_days(), st.integers(0, 2**32 - 1))
def test_pair_moves_equal_enumeration(d: dict, seed: int) -> None:
    """Re-allocating two orders at once saves what enumerating both sequences and every partition saves.

    Compared pair by pair from the kernel's own state (ties leave different stock behind); the plan's
    cost drops by the total saving and stock and capacity move with the lines.
    """
    rng = np.random.default_rng(seed)
    n_o = d["open_base"].shape[0]
    line_wh, stock_left, cap_left = random_plan(d, rng)
    before = line_wh.copy(), stock_left.copy(), cap_left.copy()
    total = 0.0
    for _ in range(4):
        a, b = (int(v) for v in rng.integers(0, n_o, 2))
        expected = pair_reference(d, [(a, b)], line_wh.tolist(), stock_left.tolist(), cap_left.tolist())
        saving = pair_moves(d["ptr"], d["sku"], d["qty"], d["cand"], d["open_base"], np.array([[a, b]]), line_wh,
                            stock_left, cap_left, 6)  # fmt: skip
        assert np.isclose(saving, expected)
        total += saving
    assert_books(d, before, (line_wh, stock_left, cap_left), total)


def test_pair_move_frees_stock_one_order_moves_cannot() -> None:
    """Order 0's SKU 0 ships only from warehouse 0, where order 1 holds the last unit of SKU 1, so order 0
    is split; order 1 could ship from warehouse 1 for 1 more. One-order moves keep the plan, the pair saves."""
    cand = np.ones((3, 2), dtype=bool)
    cand[0, 1] = False  # order 0's line of SKU 0 only from warehouse 0
    d = {"ptr": np.array([0, 2, 3]), "sku": np.array([0, 1, 1]), "qty": np.array([1.0, 1.0, 1.0]),
         "cand": cand, "open_base": np.array([[5.0, 9.0], [5.0, 6.0]])}  # fmt: skip
    line_wh = np.array([0, 1, 0], dtype=np.int64)  # order 0 in two parcels (5 + 9), order 1 at 0 (5): 19
    stock_left = np.array([[5.0, 5.0], [0.0, 4.0]])  # SKU 1: none left at warehouse 0
    cap_left = np.array([5.0, 5.0])
    args = (d["ptr"], d["sku"], d["qty"], d["cand"], d["open_base"])
    single = reinsert_orders(*args, np.array([0, 1]), line_wh.copy(), stock_left.copy(), cap_left.copy(), 6)
    assert single == 0.0
    saving = pair_moves(*args, np.array([[0, 1]]), line_wh, stock_left, cap_left, 6)
    assert np.isclose(saving, 19.0 - (5.0 + 6.0))  # order 0 whole from 0, order 1 from 1
    assert line_wh.tolist() == [0, 0, 1]


def random_plan(d: dict, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random plan of a day (one candidate warehouse per line) and random stock and capacity left."""
    line_wh = np.array([rng.choice(np.flatnonzero(row)) for row in d["cand"]], dtype=np.int64)
    stock_left = rng.integers(0, 4, d["lam"].shape).astype(np.float64)
    cap_left = rng.integers(0, 2, d["open_base"].shape[1]).astype(np.float64)
    return line_wh, stock_left, cap_left


def assert_books(d: dict, before: tuple, after: tuple, saving: float) -> None:
    """The plan's cost fell by ``saving``, every line ships from a candidate, stock and capacity moved with it."""
    before_wh, before_stock, before_cap = before
    line_wh, stock_left, cap_left = after
    assert np.isclose(plan_cost(d, before_wh) - plan_cost(d, line_wh), saving)
    assert all(d["cand"][k][line_wh[k]] for k in range(len(line_wh)))
    moved_stock = np.zeros_like(stock_left)
    np.add.at(moved_stock, (d["sku"], before_wh), d["qty"])
    np.add.at(moved_stock, (d["sku"], line_wh), -d["qty"])
    assert np.allclose(stock_left, before_stock + moved_stock)
    assert np.allclose(cap_left, before_cap + parcels(d, before_wh) - parcels(d, line_wh))


def parcels(d: dict, line_wh: np.ndarray) -> np.ndarray:
    """Parcels per warehouse of a plan."""
    n_o, n_w = d["open_base"].shape
    keys = np.unique(np.repeat(np.arange(n_o), np.diff(d["ptr"])) * n_w + line_wh)
    return np.bincount(keys % n_w, minlength=n_w).astype(np.float64)


def plan_cost(d: dict, line_wh: np.ndarray) -> float:
    """Cost of a plan: one open cost per (order, warehouse) parcel."""
    n_w = d["open_base"].shape[1]
    keys = np.unique(np.repeat(np.arange(len(d["ptr"]) - 1), np.diff(d["ptr"])) * n_w + line_wh)
    return float(d["open_base"][keys // n_w, keys % n_w].sum())


def test_placing_orders_keeps_a_fitting_choice_else_takes_the_cheapest_else_reports() -> None:
    """Three one-line orders of SKU 0 (one unit each), out of the plan. Order 0 asks for warehouse 1 and
    it fits there (though 0 is cheaper); order 1 asks for 1 where nothing is left, so it goes to its
    cheapest with stock (0); order 2 finds no stock anywhere and is reported, its choice untouched."""
    d = {"ptr": np.array([0, 1, 2, 3]), "sku": np.array([0, 0, 0]), "qty": np.ones(3),
         "cand": np.ones((3, 2), dtype=bool), "open_base": np.array([[2.0, 3.0], [2.0, 3.0], [2.0, 3.0]])}  # fmt: skip
    line_wh = np.array([1, 1, 1], dtype=np.int64)
    stock_left, cap_left = np.array([[1.0, 1.0]]), np.array([5.0, 5.0])
    failed = place_orders(d["ptr"], d["sku"], d["qty"], d["cand"], d["open_base"], np.array([0, 1, 2]), line_wh,
                          stock_left, cap_left, 6)  # fmt: skip
    assert failed.tolist() == [False, False, True]
    assert line_wh.tolist() == [1, 0, 1]
    assert stock_left.tolist() == [[0.0, 0.0]] and cap_left.tolist() == [4.0, 4.0]


def test_placing_orders_rejects_choices_the_order_may_not_take() -> None:
    """A choice at a warehouse the line may not ship from, or none (-1), is not kept even with stock left:
    the order goes to its cheapest allowed warehouse. An order longer than ``max_lines`` is placed only
    as it is, and reported when that does not fit."""
    cand = np.array([[True, False], [True, True], [True, True], [True, True]])
    d = {"ptr": np.array([0, 1, 2, 4]), "sku": np.array([0, 0, 1, 2]), "qty": np.ones(4), "cand": cand,
         "open_base": np.array([[4.0, 1.0], [4.0, 1.0], [4.0, 1.0]])}  # fmt: skip
    line_wh = np.array([1, -1, 1, 1], dtype=np.int64)
    stock_left, cap_left = np.array([[5.0, 5.0], [5.0, 0.0], [5.0, 5.0]]), np.array([5.0, 5.0])
    failed = place_orders(d["ptr"], d["sku"], d["qty"], d["cand"], d["open_base"], np.array([0, 1, 2]), line_wh,
                          stock_left, cap_left, 1)  # fmt: skip
    assert failed.tolist() == [False, False, True]  # order 2 has 2 lines > max_lines 1, SKU 1 has none left at 1
    assert line_wh.tolist() == [0, 1, 1, 1]
    assert stock_left[:, 0].tolist() == [4.0, 5.0, 5.0] and stock_left[0, 1] == 4.0
