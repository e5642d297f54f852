"""A start for the core method from the master LP over a pool of whole-order allocations.

The Lagrangian relaxation of :mod:`optiops.allocation.lagrangian` is the pricing problem of a
Dantzig-Wolfe master: choose, for every order, a convex combination of its allocations (columns),
within the stock and the capacity.  Along the subgradient steps each order's priced optimum
changes; collected over a hundred steps, together with the current plan, they make a pool in which
the master LP comes close to the Lagrangian dual, and most orders take one column whole.

The LP guides a start: orders with a whole column keep it (they fit together, as the LP is
feasible), the others follow in decreasing LP weight, each as its heaviest column says when that
fits, else at its cheapest allocation within what is left (:func:`optiops.kernels.orders.place_orders`).
The few that fit nowhere go first in a greedy pass that keeps every other order's choice where it
still fits.  What this start gains over the price-directed one: docs/allocation.md, "Settings".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from optiops.allocation.greedy import greedy_allocation
from optiops.allocation.lagrangian import MAX_DP_LINES
from optiops.allocation.neighbourhoods import parcel_use, stock_use
from optiops.kernels.orders import place_orders
from optiops.model.orders import FloatArray, IntArray, OrderArrays
from optiops.solvers import LinearModelBuilder, MipBackend, MipOptions

WHOLE = 1 - 1e-6  # an LP weight at least this is a whole column


class ColumnPool:
    """Distinct allocations of whole orders: order ``orders[j]`` ships its lines from ``wh[j]``."""

    def __init__(self, arr: OrderArrays) -> None:
        self.arr = arr
        self._seen: set[tuple[int, bytes]] = set()
        self.orders: list[int] = []
        self.wh: list[IntArray] = []
        self._last: IntArray | None = None

    def __len__(self) -> int:
        return len(self.orders)

    def add(self, line_wh: IntArray) -> int:
        """Add every order's allocation in ``line_wh`` (L,) not yet in the pool; returns how many were new.

        Only the orders whose allocation differs from the previous call's are looked at, so a
        subgradient step that moves few orders costs little.
        """
        ptr = self.arr.line_ptr
        if self._last is None:
            orders = np.arange(self.arr.n_orders)
        else:
            orders = np.unique(self.arr.line_order[line_wh != self._last])
        self._last = line_wh.copy()
        new = 0
        for o in orders.tolist():
            wh = line_wh[ptr[o] : ptr[o + 1]]
            key = (o, wh.tobytes())
            if key not in self._seen:
                self._seen.add(key)
                self.orders.append(o)
                self.wh.append(wh.copy())
                new += 1
        return new

    def columns(self) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Arrays of the pool: each column's order; for every (column, line) entry its column, line, warehouse."""
        arr, orders = self.arr, np.asarray(self.orders, dtype=np.int64)
        k = np.diff(arr.line_ptr)[orders]
        col = np.repeat(np.arange(len(orders)), k)
        line = arr.line_ptr[orders][col] + (np.arange(len(col)) - np.repeat(np.cumsum(k) - k, k))
        wh = np.concatenate(self.wh) if self.wh else np.zeros(0, dtype=np.int64)
        return orders, col, line, wh


def master_lp(arr: OrderArrays, pool: ColumnPool, mip: MipBackend,
              options: MipOptions) -> tuple[FloatArray, float] | None:  # fmt: skip
    """The master LP over the pool: every order one unit of its columns, within stock and capacity.

    Returns each column's weight and the LP's objective, or None when the LP was not solved to
    optimality (time limit).  Every column's cost is the checker's: a parcel per warehouse it uses
    (handling, shipping, the split penalty for all but the first).
    """
    orders, col, line, wh = pool.columns()
    n, n_w = len(orders), arr.n_warehouses
    parcels = np.unique(col * n_w + wh)
    p_col, p_wh = parcels // n_w, parcels % n_w
    cost = np.bincount(p_col, weights=arr.parcel_cost[orders[p_col], p_wh] + arr.split_penalty, minlength=n)
    b = LinearModelBuilder(name=f"{arr.name or 'orders'}-master", offset=-arr.split_penalty * arr.n_orders)
    x = b.add_vars(n, cost=cost, upper=1.0)
    b.add_rows(rows=orders, cols=x, vals=1.0, lower=1.0, upper=1.0, n_rows=arr.n_orders)
    key = arr.line_sku[line] * n_w + wh
    cells, row = np.unique(key, return_inverse=True)
    b.add_rows(rows=row, cols=x[col], vals=arr.line_qty[line], upper=arr.stock[cells % n_w, cells // n_w],
               n_rows=len(cells))  # fmt: skip
    b.add_rows(rows=p_wh, cols=x[p_col], vals=1.0, upper=arr.capacity, n_rows=n_w)
    res = mip.solve(b.build(), options)
    if res.status != "optimal" or res.x is None or res.objective is None:
        return None  # a simplex iterate cut off by the time limit need not be feasible
    return res.x, res.objective


def lp_guided_plan(arr: OrderArrays, pool: ColumnPool, weight: FloatArray,
                   rank_cost: FloatArray) -> tuple[IntArray | None, int]:  # fmt: skip
    """A complete plan that follows the master LP's weights (see the module notes), and how many orders fit nowhere.

    The plan is None when the repair of those orders left a line without a warehouse, and (None, -1)
    when the whole columns do not fit together (weights that are not an LP solution).

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    pool : ColumnPool
        The columns.
    weight : numpy.ndarray
        Each column's LP weight.
    rank_cost : numpy.ndarray
        (O, W) how the repair's greedy pass ranks each order's warehouses (priced whole-order costs).
    """
    orders, col, line, wh = pool.columns()
    by_order = np.lexsort((np.arange(len(orders)), weight, orders))  # per order by weight, ties by column
    heaviest = by_order[np.r_[orders[by_order][1:] != orders[by_order][:-1], True]]  # each order's last
    top = np.full(arr.n_orders, -1.0)
    top[orders[heaviest]] = weight[heaviest]
    chosen = np.zeros(len(orders), dtype=bool)
    chosen[heaviest] = True
    line_wh = np.full(arr.n_lines, -1, dtype=np.int64)
    line_wh[line[chosen[col]]] = wh[chosen[col]]
    whole = top >= WHOLE
    lines = np.flatnonzero(whole[arr.line_order])
    stock_left = np.ascontiguousarray(arr.stock.T) - stock_use(arr, lines, line_wh)
    cap_left = arr.capacity - parcel_use(arr, lines, line_wh)
    if (stock_left < -1e-9).any() or (cap_left < -1e-9).any():
        return None, -1  # the whole columns of an LP solution always fit together
    rest = np.flatnonzero(~whole)
    rest = rest[np.argsort(-top[rest], kind="stable")]
    cand = np.ascontiguousarray(arr.line_candidates)
    failed = place_orders(arr.line_ptr, arr.line_sku, arr.line_qty, cand, arr.open_base, rest.astype(np.int64),
                          line_wh, stock_left, cap_left, MAX_DP_LINES)  # fmt: skip
    if not failed.any():
        return line_wh, 0
    first: NDArray[np.int64] = np.zeros(arr.n_orders, dtype=np.int64)
    first[whole] = 1
    first[rest[failed]] = 2
    repair = greedy_allocation(arr, rank_cost, np.maximum(line_wh, 0), retries=10, priority=first)
    return (repair.line_wh if repair.complete else None), int(failed.sum())
