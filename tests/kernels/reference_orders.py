"""Pure-Python reference of the priced per-order subproblems: every partition of an order's lines tried.

Slow and plain on purpose: the kernels of :mod:`optiops.kernels.orders` must give the same values.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence


def partitions(items: list[int]) -> Iterator[list[list[int]]]:
    """Every partition of ``items`` into non-empty parts."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        yield [[first], *part]
        for k in range(len(part)):
            yield [*part[:k], [first, *part[k]], *part[k + 1 :]]


def parcel_cost(lines: Sequence[int], w: int, open_cost: Sequence[float], data: dict) -> float:
    """Priced cost of one parcel from ``w`` holding ``lines`` (``inf`` when one of them may not ship from w)."""
    total = open_cost[w]
    for line in lines:
        if not data["cand"][line][w]:
            return math.inf
        total += data["qty"][line] * data["lam"][data["sku"][line]][w]
    return total


def order_optimum_reference(o: int, data: dict) -> tuple[float, dict[int, int]]:
    """(priced optimum of order ``o``, a warehouse per line) by trying every partition and warehouse."""
    lo, hi = data["ptr"][o], data["ptr"][o + 1]
    n_w = len(data["mu"])
    open_cost = [data["open_base"][o][w] + data["mu"][w] for w in range(n_w)]
    best, assign = math.inf, {}
    for parts in partitions(list(range(lo, hi))):
        value, trial = 0.0, {}
        for part in parts:
            cost, w = min((parcel_cost(part, w, open_cost, data), w) for w in range(n_w))
            value += cost
            trial.update({line: w for line in part})
        if value < best:
            best, assign = value, trial
    return best, assign


def order_reduced_reference(o: int, data: dict) -> tuple[list[float], list[float]]:
    """(reduced cost per warehouse, whole-order cost per warehouse) of order ``o``, by enumeration."""
    lo, hi = data["ptr"][o], data["ptr"][o + 1]
    lines = list(range(lo, hi))
    n_w = len(data["mu"])
    open_cost = [data["open_base"][o][w] + data["mu"][w] for w in range(n_w)]
    optimum = order_optimum_reference(o, data)[0]
    reduced = [math.inf] * n_w
    for parts in partitions(lines):
        costs = [[parcel_cost(part, w, open_cost, data) for w in range(n_w)] for part in parts]
        for k in range(len(parts)):  # part k ships from w, the others optimally
            others = sum(min(c) for j, c in enumerate(costs) if j != k)
            for w in range(n_w):
                reduced[w] = min(reduced[w], costs[k][w] + others - optimum)
    whole = [parcel_cost(lines, w, open_cost, data) for w in range(n_w)]
    return reduced, whole


def reinsert_reference(data: dict, orders: Sequence[int], line_wh: list[int], stock_left: list[list[float]],
                       cap_left: list[float]) -> float:  # fmt: skip
    """:func:`~optiops.kernels.orders.reinsert_orders` by trying every partition and warehouse; the saving."""
    saving = 0.0
    for o in orders:
        current = _use(data, o, line_wh, stock_left, cap_left, 1)
        best, assign = cheapest_reference(data, o, stock_left, cap_left)
        if best < current - 1e-9:
            saving += current - best
            for k, w in assign.items():
                line_wh[k] = w
        _use(data, o, line_wh, stock_left, cap_left, -1)
    return saving


def pair_reference(data: dict, pairs: Sequence[tuple[int, int]], line_wh: list[int], stock_left: list[list[float]],
                   cap_left: list[float]) -> float:  # fmt: skip
    """:func:`~optiops.kernels.orders.pair_moves` by enumeration; the saving."""
    saving = 0.0
    for a, b in pairs:
        if a == b:
            continue
        before = _use(data, a, line_wh, stock_left, cap_left, 1) + _use(data, b, line_wh, stock_left, cap_left, 1)
        best, plan = before, None
        for x, y in ((a, b), (b, a)):
            v1, first = cheapest_reference(data, x, stock_left, cap_left)
            if math.isinf(v1):
                continue
            trial = list(line_wh)
            for k, w in first.items():
                trial[k] = w
            _use(data, x, trial, stock_left, cap_left, -1)
            v2, second = cheapest_reference(data, y, stock_left, cap_left)
            _use(data, x, trial, stock_left, cap_left, 1)
            if not math.isinf(v2) and v1 + v2 < best - 1e-9:
                best, plan = v1 + v2, {**first, **second}
        if plan is not None:
            saving += before - best
            for k, w in plan.items():
                line_wh[k] = w
        _use(data, a, line_wh, stock_left, cap_left, -1)
        _use(data, b, line_wh, stock_left, cap_left, -1)
    return saving


def cheapest_reference(data: dict, o: int, stock_left: list[list[float]],
                       cap_left: list[float]) -> tuple[float, dict[int, int]]:  # fmt: skip
    """Cheapest allocation of order ``o`` (out of the plan) within what is left: (cost, line -> warehouse)."""
    lines = list(range(data["ptr"][o], data["ptr"][o + 1]))
    n_w = len(cap_left)
    best, assign = math.inf, {}
    for parts in partitions(lines):
        value, trial = 0.0, {}
        for part in parts:
            options = [(data["open_base"][o][w], w) for w in range(n_w) if cap_left[w] >= 1
                       and all(data["cand"][k][w] and stock_left[data["sku"][k]][w] >= data["qty"][k]
                               for k in part)]  # fmt: skip
            value += min(options, default=(math.inf, -1))[0]
            trial.update({k: min(options, default=(math.inf, -1))[1] for k in part})
        if value < best - 1e-9:
            best, assign = value, trial
    return best, assign


def _use(data: dict, o: int, line_wh: list[int], stock_left: list[list[float]], cap_left: list[float],
         sign: int) -> float:  # fmt: skip
    """Give back (``sign`` 1) or take (-1) an order's stock and parcels; its cost (one parcel per warehouse)."""
    lines = range(data["ptr"][o], data["ptr"][o + 1])
    for k in lines:
        stock_left[data["sku"][k]][line_wh[k]] += sign * data["qty"][k]
    opened = {line_wh[k] for k in lines}
    for w in opened:
        cap_left[w] += sign
    return sum(data["open_base"][o][w] for w in opened)
