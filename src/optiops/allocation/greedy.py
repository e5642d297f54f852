"""A greedy order allocation: every line to the cheapest warehouse that can take it, whole orders first.

The generator uses it to size capacity and top stock up so a day is feasible by construction; the
solvers use it as a start plan and as the repair step of the Lagrangian heuristics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optiops.exceptions import InstanceError
from optiops.model.orders import FloatArray, IntArray, OrderArrays


@dataclass(frozen=True, eq=False)
class GreedyPlan:
    """A greedy allocation: the warehouse of every line (-1 where none could take it) and any top-ups."""

    line_wh: IntArray  # (L,)
    stock_added: FloatArray  # (W, S) units added by the top-up (zeros without it)
    capacity_added: FloatArray  # (W,) parcels added by the top-up

    @property
    def complete(self) -> bool:
        """True when every line has a warehouse."""
        return bool((self.line_wh >= 0).all())


def greedy_allocation(arr: OrderArrays, rank_cost: FloatArray | None = None, preferred: IntArray | None = None,
                      retries: int = 0, top_up: NDArray[np.bool_] | None = None,
                      priority: IntArray | None = None) -> GreedyPlan:  # fmt: skip
    """Allocate order by order: the preferred lines if they fit, else one warehouse for all, else a split.

    Orders with the fewest allowed warehouses go first (next-day before standard) and try their
    warehouses cheapest first: the first with capacity and the stock of every line ships the whole
    order, else a split takes, one parcel at a time, the allowed warehouse with capacity left whose
    stock covers most of the remaining lines (the cheaper on ties).

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    rank_cost : numpy.ndarray, optional
        (O, W) the cost by which each order ranks its warehouses; default the parcel cost.
    preferred : numpy.ndarray, optional
        (L,) a warehouse for every line, taken when its stock and capacity allow (the orders' priced
        optima of the Lagrangian search).
    retries : int
        While some line has no warehouse, run again (at most this often) with the orders left
        incomplete moved to the front.
    top_up : numpy.ndarray of bool, optional
        (W, S) assortment.  When given, a line no warehouse can take is shipped from the cheapest
        allowed warehouse that carries its SKU, adding the missing stock (and a parcel of capacity
        when needed); the generator uses this to make instances feasible.
    priority : numpy.ndarray, optional
        (O,) non-negative integers: orders of a higher priority go first (then the most constrained
        first, as without it); orders left incomplete by a pass go ahead of every priority.

    Returns
    -------
    GreedyPlan
        The allocation and what the top-up added.
    """
    cost = np.where(arr.order_allowed, arr.parcel_cost if rank_cost is None else rank_cost, np.inf)
    rank = np.argsort(cost, axis=1, kind="stable").tolist()
    n_allowed = arr.order_allowed.sum(axis=1)
    level = np.zeros(arr.n_orders, dtype=np.int64) if priority is None else np.asarray(priority, dtype=np.int64)
    if level.shape != (arr.n_orders,) or (level < 0).any():
        raise ValueError(f"priority must be {arr.n_orders} non-negative integers, one per order")
    promoted = np.zeros(arr.n_orders, dtype=bool)
    for _ in range(retries + 1):  # incomplete orders go ahead of all others, still most constrained first
        urgency = n_allowed - (arr.n_warehouses + 1) * (level + (int(level.max(initial=0)) + 1) * promoted)
        plan = _greedy_pass(arr, rank, urgency, preferred, top_up)
        if plan.complete:
            break
        promoted[arr.line_order[plan.line_wh < 0]] = True
    return plan


def _greedy_pass(arr: OrderArrays, rank: list[list[int]], urgency: IntArray, preferred: IntArray | None,
                 top_up: NDArray[np.bool_] | None) -> GreedyPlan:  # fmt: skip
    """One pass of :func:`greedy_allocation`, orders by increasing ``urgency`` (ties in order)."""
    n_ok = arr.order_allowed.sum(axis=1).tolist()
    stock, cap = arr.stock.tolist(), arr.capacity.tolist()
    ptr, sku, qty = arr.line_ptr.tolist(), arr.line_sku.tolist(), arr.line_qty.tolist()
    line_wh = [-1] * arr.n_lines
    carries = top_up.tolist() if top_up is not None else None
    prefer = preferred.tolist() if preferred is not None else None
    stock_added, cap_added = np.zeros_like(arr.stock), np.zeros_like(arr.capacity)
    for o in np.argsort(urgency, kind="stable").tolist():
        ws = rank[o][: n_ok[o]]
        lines = range(ptr[o], ptr[o + 1])
        used: list[int] = []
        left = list(lines)
        if prefer is not None and _fits(lines, prefer, cap, stock, sku, qty):
            plan = [(w, [k for k in lines if prefer[k] == w]) for w in {prefer[k] for k in lines}]
        else:
            whole = next((w for w in ws if cap[w] >= 1 and all(stock[w][sku[k]] >= qty[k] for k in lines)), None)
            plan = [(whole, left)] if whole is not None else []
        while left:
            best, cover = plan.pop() if plan else _most_covering(ws, left, cap, stock, sku, qty)
            if best is None or best < 0:
                break
            used.append(best)
            cap[best] -= 1
            for k in cover:
                line_wh[k] = best
                stock[best][sku[k]] -= qty[k]
            left = [k for k in left if line_wh[k] < 0]
        for k in left if carries is not None else []:
            assert carries is not None  # the loop runs only with a top-up
            w = _top_up_warehouse(used, ws, carries, stock, sku[k], qty[k])
            short = max(qty[k] - stock[w][sku[k]], 0.0)
            stock_added[w, sku[k]] += short
            stock[w][sku[k]] += short - qty[k]
            line_wh[k] = w
            if w not in used:
                used.append(w)
                cap_added[w] += max(1.0 - cap[w], 0.0)
                cap[w] = max(cap[w], 1.0) - 1.0
    return GreedyPlan(np.asarray(line_wh, dtype=np.int64), stock_added, cap_added)


def _fits(lines: range, prefer: list[int], cap: list[float], stock: list[list[float]], sku: list[int],
          qty: list[float]) -> bool:  # fmt: skip
    """Whether the preferred warehouses of the lines have the stock, and capacity for every parcel."""
    return all(stock[prefer[k]][sku[k]] >= qty[k] for k in lines) and all(
        cap[w] >= 1 for w in {prefer[k] for k in lines}
    )


def _most_covering(ws: list[int], left: list[int], cap: list[float], stock: list[list[float]], sku: list[int],
                   qty: list[float]) -> tuple[int, list[int]]:  # fmt: skip
    """The allowed warehouse with capacity left whose stock covers most of the lines ``left`` (first on ties)."""
    best, cover = -1, list[int]()
    for w in ws:
        if cap[w] >= 1:
            fits = [k for k in left if stock[w][sku[k]] >= qty[k]]
            if len(fits) > len(cover):
                best, cover = w, fits
    return best, cover


def _top_up_warehouse(used: list[int], ws: list[int], carries: list[list[bool]], stock: list[list[float]], s: int,
                      q: float) -> int:  # fmt: skip
    """Where a top-up ships a line: a used carrier, a carrier with the stock, any carrier, or the cheapest."""
    for group in (used, [w for w in ws if stock[w][s] >= q], ws):
        for w in group:
            if carries[w][s]:
                return w
    if not ws:
        raise InstanceError("an order has no warehouse within its promise; the slowest promise must reach every zone")
    return ws[0]
