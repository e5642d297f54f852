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
    n_w = len(cap_left)
    for o in orders:
        lines = list(range(data["ptr"][o], data["ptr"][o + 1]))
        opened = {line_wh[k] for k in lines}
        current = sum(data["open_base"][o][w] for w in opened)
        for k in lines:
            stock_left[data["sku"][k]][line_wh[k]] += data["qty"][k]
        for w in opened:
            cap_left[w] += 1
        best, assign = current, {k: line_wh[k] for k in lines}
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
        saving += current - best
        for k in lines:
            line_wh[k] = assign[k]
            stock_left[data["sku"][k]][line_wh[k]] -= data["qty"][k]
        for w in {line_wh[k] for k in lines}:
            cap_left[w] -= 1
    return saving
