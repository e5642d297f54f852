"""Priced per-order subproblems of the order allocation Lagrangian (one core, numba).

Relaxing the stock and capacity rows of the order allocation model with prices ``lam`` (per SKU and
warehouse) and ``mu`` (per warehouse) leaves one small problem per order: open parcels (warehouse ``w``
at ``open_base[o, w] + mu[w]``) and send each line to an open one that may ship it (at ``q_l lam[sku, w]``).
It is solved exactly by a dynamic programme over subsets of the order's lines: ``best[T]`` is the
cheapest single parcel for the lines of ``T``, and ``dp[S] = min best[T] + dp[S \\ T]`` over the subsets
``T`` of ``S`` that hold ``S``'s lowest line (two parts shipped from one warehouse are never cheaper
than their union, so a partition into parts is exact).  An order of more than ``max_lines`` lines gets
a weaker but valid value: its cheapest parcel plus each line's cheapest price.

Ties break towards the lowest warehouse index and the lowest subset bit mask, as in the pure-Python
reference (``tests/kernels/reference_orders.py``).  Prices arrive SKU-major, ``lam[sku, w]``, so
that one line reads one contiguous row.
"""

from __future__ import annotations

import numpy as np
from numba import njit

INF = np.inf


@njit(cache=True)
def _low_index(t: int) -> int:
    """Index of the lowest set bit of ``t > 0``."""
    j = 0
    while not (t >> j) & 1:
        j += 1
    return j


@njit(cache=True)
def _subset_tables(
    lo: int,
    k: int,
    line_sku: np.ndarray,
    line_qty: np.ndarray,
    cand: np.ndarray,
    open_cost: np.ndarray,
    lam: np.ndarray,
    cost: np.ndarray,
    best: np.ndarray,
    arg: np.ndarray,
) -> None:
    """Line costs of every subset at every warehouse, and the cheapest single parcel of each subset."""
    n_w = open_cost.shape[0]
    for w in range(n_w):
        cost[0, w] = 0.0
    for t in range(1, 1 << k):
        low = t & -t
        line = lo + _low_index(t)
        s, q = line_sku[line], line_qty[line]
        b, a = INF, 0
        for w in range(n_w):
            c = cost[t ^ low, w] + (q * lam[s, w] if cand[line, w] else INF)
            cost[t, w] = c
            v = open_cost[w] + c
            if v < b:
                b, a = v, w
        best[t], arg[t] = b, a


@njit(cache=True)
def _partition(k: int, best: np.ndarray, dp: np.ndarray, choice: np.ndarray) -> None:
    """``dp`` over all subsets of ``k`` lines, and the part holding each subset's lowest line."""
    dp[0] = 0.0
    for s in range(1, 1 << k):
        low = s & -s
        bv, bc = INF, s
        t = 0
        while True:  # the subsets of s in increasing order
            t = (t - s) & s
            if t == 0:
                break
            if t & low:
                v = best[t] + dp[s ^ t]
                if v < bv:
                    bv, bc = v, t
        dp[s], choice[s] = bv, bc


@njit(cache=True)
def _open_costs(o: int, open_base: np.ndarray, mu: np.ndarray, out: np.ndarray) -> None:
    """Priced cost of a parcel of order ``o`` from every warehouse."""
    for w in range(out.shape[0]):
        out[w] = open_base[o, w] + mu[w]


@njit(cache=True)
def _weak_order(
    lo: int,
    k: int,
    line_sku: np.ndarray,
    line_qty: np.ndarray,
    cand: np.ndarray,
    open_cost: np.ndarray,
    lam: np.ndarray,
    line_wh: np.ndarray,
) -> float:
    """Value of an order too long for the programme (cheapest parcel + cheapest line prices); sets ``line_wh``."""
    n_w = open_cost.shape[0]
    value = INF
    for w in range(n_w):
        value = min(value, open_cost[w])
    for j in range(k):
        line = lo + j
        s, q = line_sku[line], line_qty[line]
        cheapest, b, a = INF, INF, 0
        for w in range(n_w):
            c = q * lam[s, w] if cand[line, w] else INF
            cheapest = min(cheapest, c)
            if open_cost[w] + c < b:
                b, a = open_cost[w] + c, w
        value += cheapest
        line_wh[line] = a
    return value


@njit(cache=True, nogil=True)
def priced_optima(
    line_ptr: np.ndarray,
    line_sku: np.ndarray,
    line_qty: np.ndarray,
    cand: np.ndarray,
    open_base: np.ndarray,
    lam: np.ndarray,
    mu: np.ndarray,
    max_lines: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every order's priced optimum, the lines' warehouses in it, and the use of stock and capacity.

    Parameters
    ----------
    line_ptr : numpy.ndarray of int64
        (O + 1,) lines of order ``o`` are ``line_ptr[o]:line_ptr[o + 1]``.
    line_sku : numpy.ndarray of int64
        (L,) SKU of each line.
    line_qty : numpy.ndarray of float64
        (L,) units of each line.
    cand : numpy.ndarray of bool
        (L, W) line may ship from warehouse.
    open_base : numpy.ndarray of float64
        (O, W) cost of a parcel (handling, shipping, split penalty); ``inf`` where the promise forbids it.
    lam : numpy.ndarray of float64
        (S, W) stock prices, SKU-major.
    mu : numpy.ndarray of float64
        (W,) capacity prices.
    max_lines : int
        Longest order solved exactly (at most 20).

    Returns
    -------
    values : numpy.ndarray of float64
        (O,) each order's priced optimum.
    line_wh : numpy.ndarray of int64
        (L,) warehouse of each line in it.
    load : numpy.ndarray of float64
        (W,) parcels opened per warehouse.
    used : numpy.ndarray of float64
        (S, W) units shipped per SKU and warehouse.
    """
    n_o, n_w = open_base.shape
    values = np.zeros(n_o)
    line_wh = np.zeros(line_sku.shape[0], dtype=np.int64)
    load, used = np.zeros(n_w), np.zeros(lam.shape)
    size = 1 << max_lines
    cost, best, arg = np.empty((size, n_w)), np.empty(size), np.zeros(size, dtype=np.int64)
    dp, choice = np.empty(size), np.zeros(size, dtype=np.int64)
    open_cost, opened = np.empty(n_w), np.zeros(n_w, dtype=np.bool_)
    for o in range(n_o):
        lo, k = line_ptr[o], line_ptr[o + 1] - line_ptr[o]
        _open_costs(o, open_base, mu, open_cost)
        if k > max_lines:
            values[o] = _weak_order(lo, k, line_sku, line_qty, cand, open_cost, lam, line_wh)
        else:
            _subset_tables(lo, k, line_sku, line_qty, cand, open_cost, lam, cost, best, arg)
            _partition(k, best, dp, choice)
            values[o] = dp[(1 << k) - 1]
            left = (1 << k) - 1
            while left:  # follow the choices back: each part is one parcel
                t = choice[left]
                for j in range(k):
                    if (t >> j) & 1:
                        line_wh[lo + j] = arg[t]
                left ^= t
        for line in range(lo, lo + k):
            w = line_wh[line]
            used[line_sku[line], w] += line_qty[line]
            if not opened[w]:
                opened[w] = True
                load[w] += 1.0
        for line in range(lo, lo + k):
            opened[line_wh[line]] = False
    return values, line_wh, load, used


@njit(cache=True)
def priced_reduced(
    line_ptr: np.ndarray,
    line_sku: np.ndarray,
    line_qty: np.ndarray,
    cand: np.ndarray,
    open_base: np.ndarray,
    lam: np.ndarray,
    mu: np.ndarray,
    max_lines: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Lagrangian reduced cost of a parcel from every warehouse, and the priced cost of the whole order there.

    Arguments as :func:`priced_optima`.

    Returns
    -------
    reduced : numpy.ndarray of float64
        (O, W) the order's best priced value with a parcel from ``w`` minus its optimum; ``inf`` where
        ``w`` can ship none of its lines; 0 (where it can) for orders of more than ``max_lines`` lines.
    whole : numpy.ndarray of float64
        (O, W) priced cost of shipping the whole order from ``w``; ``inf`` where it cannot.
    """
    n_o, n_w = open_base.shape
    reduced, whole = np.full((n_o, n_w), INF), np.full((n_o, n_w), INF)
    size = 1 << max_lines
    cost, best, arg = np.empty((size, n_w)), np.empty(size), np.zeros(size, dtype=np.int64)
    dp, choice = np.empty(size), np.zeros(size, dtype=np.int64)
    open_cost = np.empty(n_w)
    for o in range(n_o):
        lo, k = line_ptr[o], line_ptr[o + 1] - line_ptr[o]
        _open_costs(o, open_base, mu, open_cost)
        if k > max_lines:
            for w in range(n_w):
                c = open_cost[w]
                for line in range(lo, lo + k):
                    c += line_qty[line] * lam[line_sku[line], w] if cand[line, w] else INF
                    if cand[line, w]:
                        reduced[o, w] = 0.0
                whole[o, w] = c
            continue
        _subset_tables(lo, k, line_sku, line_qty, cand, open_cost, lam, cost, best, arg)
        _partition(k, best, dp, choice)
        full = (1 << k) - 1
        for w in range(n_w):
            whole[o, w] = open_cost[w] + cost[full, w]
            r = INF
            for t in range(1, full + 1):
                r = min(r, open_cost[w] + cost[t, w] + dp[full ^ t])
            reduced[o, w] = r - dp[full]
    return reduced, whole


def warmup() -> None:
    """Compile (or load from the cache) every kernel of the core method on a one-order day.

    A cold cache compiles them in seconds, which must not come out of a short search budget (a 2-s
    core solve missed the optimum in a fresh CI clone once ``pair_moves`` joined the search).
    """
    ptr, sku, qty = np.array([0, 2], dtype=np.int64), np.array([0, 1], dtype=np.int64), np.ones(2)
    cand, open_base = np.ones((2, 2), dtype=np.bool_), np.ones((1, 2))
    args = (ptr, sku, qty, cand, open_base, np.zeros((2, 2)), np.zeros(2), 4)
    priced_optima(*args)
    priced_reduced(*args)
    line_wh, stock_left, cap_left = np.zeros(2, dtype=np.int64), np.ones((2, 2)), np.ones(2)
    reinsert_orders(ptr, sku, qty, cand, open_base, np.zeros(1, dtype=np.int64), line_wh, stock_left, cap_left, 4)
    pair_moves(ptr, sku, qty, cand, open_base, np.zeros((1, 2), dtype=np.int64), line_wh, stock_left, cap_left, 4)
    place_orders(ptr, sku, qty, cand, open_base, np.zeros(1, dtype=np.int64), line_wh, stock_left, cap_left, 4)
    order_costs(ptr, line_wh, open_base, 1.0)


@njit(cache=True)
def _order_use(o: int, lo: int, k: int, line_sku: np.ndarray, line_qty: np.ndarray, line_wh: np.ndarray,
               open_base: np.ndarray, stock_left: np.ndarray, cap_left: np.ndarray, sign: float,
               opened: np.ndarray) -> float:  # fmt: skip
    """Give back (``sign`` 1) or take (-1) an order's stock and parcels; its cost (one parcel per warehouse)."""
    cost = 0.0
    for line in range(lo, lo + k):
        w = line_wh[line]
        stock_left[line_sku[line], w] += sign * line_qty[line]
        if not opened[w]:
            opened[w] = True
            cap_left[w] += sign
            cost += open_base[o, w]
    for line in range(lo, lo + k):
        opened[line_wh[line]] = False
    return cost


@njit(cache=True, nogil=True)
def order_costs(line_ptr: np.ndarray, line_wh: np.ndarray, open_base: np.ndarray, split_penalty: float) -> np.ndarray:
    """(O,) each order's cost in the plan ``line_wh``: ``open_base`` per warehouse it ships from, less one
    split penalty (its first parcel has none).  Lines of an order that share a warehouse share its parcel."""
    n_orders = line_ptr.shape[0] - 1
    out = np.empty(n_orders)
    opened = np.zeros(open_base.shape[1], dtype=np.bool_)
    for o in range(n_orders):
        cost = -split_penalty
        for line in range(line_ptr[o], line_ptr[o + 1]):
            w = line_wh[line]
            if not opened[w]:
                opened[w] = True
                cost += open_base[o, w]
        for line in range(line_ptr[o], line_ptr[o + 1]):
            opened[line_wh[line]] = False
        out[o] = cost
    return out


@njit(cache=True, nogil=True)
def reinsert_orders(line_ptr: np.ndarray, line_sku: np.ndarray, line_qty: np.ndarray, cand: np.ndarray,
                    open_base: np.ndarray, orders: np.ndarray, line_wh: np.ndarray, stock_left: np.ndarray,
                    cap_left: np.ndarray, max_lines: int) -> float:  # fmt: skip
    """Move each order in turn to its cheapest allocation within the stock and capacity the others leave.

    The order is taken out of the plan, its best allocation found exactly by the subset programme at
    true costs (a line may ship from ``w`` where the promise allows it and ``w`` has its quantity left;
    a parcel needs a unit of capacity left) and put back when it is cheaper than the current one
    (lines of an order are distinct SKUs, so their stock checks are independent).

    Parameters
    ----------
    line_ptr, line_sku, line_qty, cand, open_base : numpy.ndarray
        As for :func:`priced_optima`.
    orders : numpy.ndarray of int64
        Orders to try, in this sequence.
    line_wh : numpy.ndarray of int64
        (L,) the plan, changed in place.
    stock_left : numpy.ndarray of float64
        (S, W) stock the plan leaves, changed in place.
    cap_left : numpy.ndarray of float64
        (W,) parcels the plan leaves, changed in place.
    max_lines : int
        Longer orders stay as they are.

    Returns
    -------
    float
        The saving (at least 0).
    """
    cost, best, arg, dp, choice, open_cost, opened, price = _scratch(open_base.shape[1], max_lines, stock_left.shape)
    saving = 0.0
    for o in orders:
        lo, k = line_ptr[o], line_ptr[o + 1] - line_ptr[o]
        if k > max_lines:
            continue
        current = _order_use(o, lo, k, line_sku, line_qty, line_wh, open_base, stock_left, cap_left, 1.0, opened)
        value = _cheapest(o, lo, k, line_sku, line_qty, cand, open_base, stock_left, cap_left, price, open_cost, cost,
                          best, arg, dp, choice)  # fmt: skip
        if value < current - 1e-9:
            saving += current - value
            _assign(lo, k, choice, arg, line_wh)
        _order_use(o, lo, k, line_sku, line_qty, line_wh, open_base, stock_left, cap_left, -1.0, opened)
    return saving


@njit(cache=True, nogil=True)
def pair_moves(line_ptr: np.ndarray, line_sku: np.ndarray, line_qty: np.ndarray, cand: np.ndarray,
               open_base: np.ndarray, pairs: np.ndarray, line_wh: np.ndarray, stock_left: np.ndarray,
               cap_left: np.ndarray, max_lines: int) -> float:  # fmt: skip
    """Re-allocate two orders at once: both taken out, each re-inserted exactly, in the better of both sequences.

    One-order reinsertion cannot move an order ``b`` off stock that another order ``a`` needs when
    the move costs ``b`` something: the pair move frees both, inserts ``a`` at its cheapest (now free
    to take ``b``'s stock), then ``b`` at its cheapest within what is left, and the other way round,
    and keeps the cheaper sequence when it beats the two orders' current cost.

    Parameters
    ----------
    pairs : numpy.ndarray of int64
        (P, 2) order pairs to try, in this sequence.
    line_ptr, line_sku, line_qty, cand, open_base, line_wh, stock_left, cap_left, max_lines
        As for :func:`reinsert_orders` (the last three changed in place).

    Returns
    -------
    float
        The saving (at least 0).
    """
    cost, best, arg, dp, choice, open_cost, opened, price = _scratch(open_base.shape[1], max_lines, stock_left.shape)
    saved = np.empty(2 * max_lines, dtype=np.int64)
    saving = 0.0
    for p in range(pairs.shape[0]):
        a, b = pairs[p, 0], pairs[p, 1]
        lo_a, k_a = line_ptr[a], line_ptr[a + 1] - line_ptr[a]
        lo_b, k_b = line_ptr[b], line_ptr[b + 1] - line_ptr[b]
        if a == b or k_a > max_lines or k_b > max_lines:
            continue
        for j in range(k_a):
            saved[j] = line_wh[lo_a + j]
        for j in range(k_b):
            saved[max_lines + j] = line_wh[lo_b + j]
        before = _order_use(a, lo_a, k_a, line_sku, line_qty, line_wh, open_base, stock_left, cap_left, 1.0, opened)
        before += _order_use(b, lo_b, k_b, line_sku, line_qty, line_wh, open_base, stock_left, cap_left, 1.0, opened)
        best_total, best_first = before, -1
        for first in range(2):
            x, lo_x, k_x = (a, lo_a, k_a) if first == 0 else (b, lo_b, k_b)
            y, lo_y, k_y = (b, lo_b, k_b) if first == 0 else (a, lo_a, k_a)
            v1 = _insert(x, lo_x, k_x, line_sku, line_qty, cand, open_base, line_wh, stock_left, cap_left, price,
                         open_cost, cost, best, arg, dp, choice, opened)  # fmt: skip
            if v1 == INF:
                continue
            v2 = _cheapest(y, lo_y, k_y, line_sku, line_qty, cand, open_base, stock_left, cap_left, price, open_cost,
                           cost, best, arg, dp, choice)  # fmt: skip
            _order_use(x, lo_x, k_x, line_sku, line_qty, line_wh, open_base, stock_left, cap_left, 1.0, opened)
            if v2 < INF and v1 + v2 < best_total - 1e-9:
                best_total, best_first = v1 + v2, first
        if best_first == -1:  # keep both as they were
            for j in range(k_a):
                line_wh[lo_a + j] = saved[j]
            for j in range(k_b):
                line_wh[lo_b + j] = saved[max_lines + j]
            _order_use(a, lo_a, k_a, line_sku, line_qty, line_wh, open_base, stock_left, cap_left, -1.0, opened)
            _order_use(b, lo_b, k_b, line_sku, line_qty, line_wh, open_base, stock_left, cap_left, -1.0, opened)
            continue
        saving += before - best_total  # redo the better sequence (the programme is deterministic)
        for o, lo, k in ((a, lo_a, k_a), (b, lo_b, k_b)) if best_first == 0 else ((b, lo_b, k_b), (a, lo_a, k_a)):
            _insert(o, lo, k, line_sku, line_qty, cand, open_base, line_wh, stock_left, cap_left, price, open_cost,
                    cost, best, arg, dp, choice, opened)  # fmt: skip
    return saving


@njit(cache=True, nogil=True)
def place_orders(line_ptr: np.ndarray, line_sku: np.ndarray, line_qty: np.ndarray, cand: np.ndarray,
                 open_base: np.ndarray, orders: np.ndarray, line_wh: np.ndarray, stock_left: np.ndarray,
                 cap_left: np.ndarray, max_lines: int) -> np.ndarray:  # fmt: skip
    """Put orders that are out of the plan into it, one at a time: as ``line_wh`` says when that fits, else cheapest.

    An order fits as it is when every line's warehouse has its quantity left and every parcel a unit of
    capacity.  Otherwise it takes its cheapest allocation within what is left, found exactly by the
    subset programme at true costs.  An order for which neither fits is left out (its ``line_wh``
    unchanged, nothing taken) and reported.

    Parameters
    ----------
    orders : numpy.ndarray of int64
        Orders to place, in this sequence; none of them may be in ``stock_left`` and ``cap_left``.
    line_ptr, line_sku, line_qty, cand, open_base, line_wh, stock_left, cap_left, max_lines
        As for :func:`reinsert_orders` (the last three changed in place).  Orders longer than
        ``max_lines`` are placed only as they are.

    Returns
    -------
    numpy.ndarray of bool
        (len(orders),) True where the order could not be placed.
    """
    cost, best, arg, dp, choice, open_cost, opened, price = _scratch(open_base.shape[1], max_lines, stock_left.shape)
    failed = np.zeros(orders.shape[0], dtype=np.bool_)
    for i in range(orders.shape[0]):
        o = orders[i]
        lo, k = line_ptr[o], line_ptr[o + 1] - line_ptr[o]
        fits = True
        for line in range(lo, lo + k):
            w = line_wh[line]
            if w < 0 or not cand[line, w] or stock_left[line_sku[line], w] < line_qty[line] or cap_left[w] < 1.0:
                fits = False
        if fits:
            _order_use(o, lo, k, line_sku, line_qty, line_wh, open_base, stock_left, cap_left, -1.0, opened)
        elif k > max_lines or _insert(o, lo, k, line_sku, line_qty, cand, open_base, line_wh, stock_left, cap_left,
                                      price, open_cost, cost, best, arg, dp, choice, opened) == INF:  # fmt: skip
            failed[i] = True
    return failed


@njit(cache=True)
def _scratch(n_w: int, max_lines: int, stock_shape: tuple[int, int]) -> tuple:
    """Work arrays of the exact order programme: subset costs, best parcels, partition, open costs, zero prices."""
    size = 1 << max_lines
    cost, best, arg = np.empty((size, n_w)), np.empty(size), np.zeros(size, dtype=np.int64)
    dp, choice = np.empty(size), np.zeros(size, dtype=np.int64)
    open_cost, opened = np.empty(n_w), np.zeros(n_w, dtype=np.bool_)
    price = np.zeros(stock_shape)  # true costs: no stock prices
    return cost, best, arg, dp, choice, open_cost, opened, price


@njit(cache=True)
def _insert(o: int, lo: int, k: int, line_sku: np.ndarray, line_qty: np.ndarray, cand: np.ndarray,
            open_base: np.ndarray, line_wh: np.ndarray, stock_left: np.ndarray, cap_left: np.ndarray,
            price: np.ndarray, open_cost: np.ndarray, cost: np.ndarray, best: np.ndarray, arg: np.ndarray,
            dp: np.ndarray, choice: np.ndarray, opened: np.ndarray) -> float:  # fmt: skip
    """Put order ``o`` (out of the plan) back at its cheapest allocation and take its stock and parcels.

    Returns that allocation's cost; INF (and nothing changed) when no allocation fits what is left.
    """
    value = _cheapest(o, lo, k, line_sku, line_qty, cand, open_base, stock_left, cap_left, price, open_cost, cost,
                      best, arg, dp, choice)  # fmt: skip
    if value < INF:
        _assign(lo, k, choice, arg, line_wh)
        _order_use(o, lo, k, line_sku, line_qty, line_wh, open_base, stock_left, cap_left, -1.0, opened)
    return value


@njit(cache=True)
def _cheapest(o: int, lo: int, k: int, line_sku: np.ndarray, line_qty: np.ndarray, cand: np.ndarray,
              open_base: np.ndarray, stock_left: np.ndarray, cap_left: np.ndarray, price: np.ndarray,
              open_cost: np.ndarray, cost: np.ndarray, best: np.ndarray, arg: np.ndarray, dp: np.ndarray,
              choice: np.ndarray) -> float:  # fmt: skip
    """Cheapest allocation of order ``o`` (not in the plan) within ``stock_left`` and ``cap_left``; INF if none.

    Leaves the partition in ``choice`` and each part's warehouse in ``arg`` for :func:`_assign`.
    """
    n_w = open_base.shape[1]
    for w in range(n_w):
        open_cost[w] = open_base[o, w] if cap_left[w] >= 1.0 else INF
    _subset_tables(lo, k, line_sku, line_qty, cand, open_cost, price, cost, best, arg)
    for t in range(1, 1 << k):  # stock left: a subset is shippable from w only if each of its lines is
        for w in range(n_w):
            if cost[t, w] == 0.0:
                for j in range(k):
                    if (t >> j) & 1 and stock_left[line_sku[lo + j], w] < line_qty[lo + j]:
                        cost[t, w] = INF
                        break
    _best_parcels(k, open_cost, cost, best, arg)
    _partition(k, best, dp, choice)
    return dp[(1 << k) - 1]


@njit(cache=True)
def _assign(lo: int, k: int, choice: np.ndarray, arg: np.ndarray, line_wh: np.ndarray) -> None:
    """Write the allocation :func:`_cheapest` left in ``choice`` and ``arg`` into ``line_wh``."""
    left = (1 << k) - 1
    while left:
        t = choice[left]
        for j in range(k):
            if (t >> j) & 1:
                line_wh[lo + j] = arg[t]
        left ^= t


@njit(cache=True)
def _best_parcels(k: int, open_cost: np.ndarray, cost: np.ndarray, best: np.ndarray, arg: np.ndarray) -> None:
    """Cheapest single parcel of every subset, from the subset costs."""
    for t in range(1, 1 << k):
        b, a = INF, 0
        for w in range(open_cost.shape[0]):
            v = open_cost[w] + cost[t, w]
            if v < b:
                b, a = v, w
        best[t], arg[t] = b, a
