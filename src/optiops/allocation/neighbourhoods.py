"""Moves of the order allocation search that need no MIP: which orders to free, and one-order reinsertion.

The large neighbourhood search of :mod:`optiops.allocation.orders` re-solves a few thousand orders at a
time on the MIP backend.  Two kinds of neighbourhoods alternate (Shaw 1998: free orders that are
related, so that the freed ones can trade stock and capacity among themselves):

- *warehouse groups*: a warehouse and the ``k - 1`` others most often in the same orders' cores; free
  the orders whose cheapest warehouse is one of them and every order with a line at one of them;
- *contested SKUs*: the SKUs of orders whose allocation in the plan costs more, at the Lagrangian
  prices, than their priced optimum (where the gap to the bound lies: stock those orders would take
  is held by others), drawn by that deviation until about ``lns_orders`` orders hold one of them.

:func:`reinsert` is the cheap move between neighbourhoods: every order in turn goes to its cheapest
allocation within the stock and capacity the others leave (exact, by the subset programme of
:func:`optiops.kernels.orders.reinsert_orders`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from optiops.allocation.lagrangian import MAX_DP_LINES
from optiops.kernels.orders import order_costs, pair_moves, priced_optima, reinsert_orders
from optiops.model.orders import FloatArray, IntArray, OrderArrays

Key = tuple[str, int]  # ("warehouse", seed warehouse) or ("skus", 0)
DEVIATION_TOL = 1e-6  # an order whose priced cost in the plan exceeds its priced optimum by more deviates


@dataclass(frozen=True, eq=False)
class Relatedness:
    """What choosing neighbourhoods needs.

    ``affinity[v, w]`` counts the orders with both ``v`` and ``w`` in their core; ``optimum`` is each
    order's priced optimum at the prices ``lam`` (S, W), ``mu`` (W,); ``open_base`` (O, W) the cost of a
    parcel with the split penalty.
    """

    home: IntArray
    affinity: FloatArray
    group_size: int
    lns_orders: int
    optimum: FloatArray
    lam: FloatArray
    mu: FloatArray
    open_base: FloatArray
    sku_orders: FloatArray


def relatedness(arr: OrderArrays, keep: NDArray[np.bool_], lns_orders: int, lam: FloatArray,
                mu: FloatArray) -> Relatedness:  # fmt: skip
    """How orders, warehouses and SKUs relate, for :func:`free_orders`.

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    keep : numpy.ndarray of bool
        (O, W) the core pairs.
    lns_orders : int
        About how many orders a neighbourhood frees.
    lam, mu : numpy.ndarray
        Stock (W, S) and capacity (W,) prices of the Lagrangian bound.

    Returns
    -------
    Relatedness
        Home warehouses, affinities, warehouses per group, the orders' priced optima.
    """
    n_w = arr.n_warehouses
    home = np.argmin(np.where(arr.order_allowed, arr.parcel_cost, np.inf), axis=1)
    k = int(np.clip(round(n_w * lns_orders / arr.n_orders), 1, n_w))
    core = keep.astype(np.float64)
    lam_t = np.ascontiguousarray(lam.T)
    cand = np.ascontiguousarray(arr.line_candidates)
    optimum = priced_optima(arr.line_ptr, arr.line_sku, arr.line_qty, cand, arr.open_base, lam_t, mu, MAX_DP_LINES)[0]
    sku_orders = np.bincount(arr.line_sku, minlength=len(arr.sku_ids)).astype(np.float64)
    return Relatedness(home, core.T @ core, k, lns_orders, optimum, lam_t, mu, arr.open_base, sku_orders)


def deviation(arr: OrderArrays, rel: Relatedness, line_wh: IntArray) -> FloatArray:
    """(O,) each order's priced cost in the plan minus its priced optimum (at least 0 up to rounding).

    Summed over the orders, plus the prices of the stock and capacity the plan leaves unused, this is
    the plan's gap to the Lagrangian bound at these prices: the orders that deviate are where it lies.
    """
    n_w = arr.n_warehouses
    keys = np.unique(arr.line_order * n_w + line_wh)
    po, pw = keys // n_w, keys % n_w
    priced = np.bincount(po, weights=rel.open_base[po, pw] + rel.mu[pw], minlength=arr.n_orders)
    priced += np.bincount(arr.line_order, weights=arr.line_qty * rel.lam[arr.line_sku, line_wh], minlength=arr.n_orders)
    return priced - rel.optimum


def pass_keys(rel: Relatedness, rng: np.random.Generator) -> list[Key]:
    """One pass: every warehouse group in random order, each followed by a contested-SKU neighbourhood.

    Parameters
    ----------
    rel : Relatedness
        From :func:`relatedness`.
    rng : numpy.random.Generator
        Draws the sequence.

    Returns
    -------
    list of (str, int)
        Neighbourhood keys for :func:`free_orders`.
    """
    return [key for w in rng.permutation(len(rel.affinity)) for key in [("warehouse", int(w)), ("skus", 0)]]


def free_orders(arr: OrderArrays, rel: Relatedness, key: Key, line_wh: IntArray, keep: NDArray[np.bool_],
                rng: np.random.Generator) -> tuple[frozenset[int], NDArray[np.bool_]]:  # fmt: skip
    """The orders a neighbourhood frees, and its members (warehouses or SKUs) to recognise it again.

    A warehouse group is a warehouse and the ``k - 1`` others most often in the same orders' cores; it
    frees the orders whose cheapest warehouse is one of them and every order with a line at one of
    them.  A contested-SKU neighbourhood draws deviating orders (by their deviation) and gathers their
    SKUs until about ``lns_orders`` orders hold one of them; it frees those orders, so that the ones
    that hold the scarce stock can make room for the ones that deviate.

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    rel : Relatedness
        From :func:`relatedness`.
    key : (str, int)
        ``("warehouse", w)`` or ``("skus", 0)``.
    line_wh : numpy.ndarray
        (L,) the current plan.
    keep : numpy.ndarray of bool
        (O, W) the core pairs.
    rng : numpy.random.Generator
        Draws the deviating orders.

    Returns
    -------
    members : frozenset of int
        Warehouses of the group or SKUs.
    free : numpy.ndarray of bool
        (O,) the freed orders; an order with one choice (core or current) stays as it is.
    """
    kind, seed = key
    if kind == "warehouse":
        others = [w for w in np.argsort(-rel.affinity[seed], kind="stable").tolist() if w != seed]
        members = frozenset([seed, *others[: rel.group_size - 1]])
        near = np.isin(np.arange(arr.n_warehouses), list(members))
        free = near[rel.home]
        free[arr.line_order[near[line_wh]]] = True
    else:
        members = _contested_skus(arr, rel, line_wh, rng)
        chosen = np.zeros(len(arr.sku_ids), dtype=bool)
        chosen[list(members)] = True
        free = np.zeros(arr.n_orders, dtype=bool)
        free[arr.line_order[chosen[arr.line_sku]]] = True
    current = np.zeros_like(keep)
    current[arr.line_order, line_wh] = True
    return members, free & ((keep | current).sum(axis=1) > 1)


def _contested_skus(arr: OrderArrays, rel: Relatedness, line_wh: IntArray, rng: np.random.Generator) -> frozenset[int]:
    """SKUs of deviating orders drawn by deviation, until about ``lns_orders`` orders hold one of them."""
    dev = np.maximum(deviation(arr, rel, line_wh), 0.0)
    dev[dev < DEVIATION_TOL] = 0.0
    if not dev.any():
        return frozenset()
    draws = rng.choice(arr.n_orders, size=min(int((dev > 0).sum()), rel.lns_orders), replace=False, p=dev / dev.sum())
    skus: set[int] = set()
    held = 0.0
    for o in draws.tolist():
        for s in arr.line_sku[arr.line_ptr[o] : arr.line_ptr[o + 1]].tolist():
            if s not in skus:
                skus.add(s)
                held += rel.sku_orders[s]
        if held >= rel.lns_orders:
            break
    return frozenset(skus)


@dataclass(eq=False)
class PlanState:
    """A plan, the stock and capacity it leaves, and the orders a running neighbourhood holds.

    ``stock_left`` (S, W) and ``cap_left`` (W,) are what the orders that are not ``busy`` may still
    use: the stock minus the plan's use of those orders minus what running neighbourhoods were
    granted.  Moves of the orders that are not busy keep both non-negative, so merging a
    neighbourhood's answer within its grant keeps the whole plan feasible.
    """

    line_wh: IntArray
    stock_left: FloatArray
    cap_left: FloatArray
    busy: NDArray[np.bool_]
    pending: NDArray[np.bool_]  # orders to try at the next incremental pass whatever the marks say
    marks: tuple[FloatArray, FloatArray] | None = None  # stock and capacity left when a pass last began


def plan_state(arr: OrderArrays, line_wh: IntArray) -> PlanState:
    """The state of a complete plan with no order busy (``line_wh`` is copied)."""
    line_wh, every = line_wh.copy(), np.arange(arr.n_lines)
    return PlanState(line_wh, np.ascontiguousarray(arr.stock.T) - stock_use(arr, every, line_wh),
                     arr.capacity - parcel_use(arr, every, line_wh), np.zeros(arr.n_orders, dtype=bool),
                     np.zeros(arr.n_orders, dtype=bool))  # fmt: skip


def stock_use(arr: OrderArrays, lines: IntArray, wh: IntArray) -> FloatArray:
    """(S, W) units the ``lines`` take when line ``lines[i]`` ships from ``wh[lines[i]]``."""
    n_w, n_s = arr.n_warehouses, len(arr.sku_ids)
    key = arr.line_sku[lines] * n_w + wh[lines]
    use = np.bincount(key, weights=arr.line_qty[lines], minlength=n_s * n_w).astype(np.float64)
    return use.reshape(n_s, n_w)


def parcel_use(arr: OrderArrays, lines: IntArray, wh: IntArray) -> FloatArray:
    """(W,) parcels the ``lines`` open per warehouse (whole orders' lines)."""
    n_w = arr.n_warehouses
    return np.bincount(np.unique(arr.line_order[lines] * n_w + wh[lines]) % n_w, minlength=n_w).astype(np.float64)


def reinsert(arr: OrderArrays, line_wh: IntArray, seed: int | None = None, passes: int = 5,
             pairs_too: bool = True) -> IntArray:  # fmt: skip
    """Move orders one at a time to their cheapest allocation within what the others leave, in passes.

    With ``pairs_too`` each pass also tries :func:`contested_pairs`: a split order and an order that
    holds the stock it lacks, re-allocated together.

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    line_wh : numpy.ndarray
        (L,) a complete, feasible plan (not changed).
    seed : int, optional
        Seeds the random sequence of the orders in each pass.
    passes : int
        Most passes; they stop early once a pass saves nothing.
    pairs_too : bool
        Also move pairs of orders contesting stock.

    Returns
    -------
    numpy.ndarray
        (L,) a plan that costs at most as much, as feasible.
    """
    state = plan_state(arr, line_wh)
    reinsert_state(arr, state, np.random.default_rng(seed), passes, pairs_too)
    return state.line_wh


def reinsert_state(arr: OrderArrays, state: PlanState, rng: np.random.Generator, passes: int = 5,
                   pairs_too: bool = True, incremental: bool = False) -> float:  # fmt: skip
    """:func:`reinsert` in place on the orders of ``state`` that are not busy; returns the saving.

    With ``incremental``, a pass tries only the orders that could use what has been freed since the
    last pass began (``state.marks``): one of its lines can now ship from a warehouse that then had
    less than the line's quantity left, or a warehouse that had no parcel left has one again, and
    the order now costs more than a parcel from that warehouse (any allocation with a parcel there
    costs at least that much, so no cheaper one can use the new option); and the ``state.pending``
    orders (those that were busy when they had such a chance, and those of a merged neighbourhood,
    see ``orders._merge``).  This is a filter, not a proof: an option that
    closes and opens again within a pass, or a pair move that needs both orders' stock, can be
    missed, so the caller runs a full pass now and then.  Every pass, full or not, sets the marks.
    At 100,000 orders a full pass takes about 0.2 s; after a merge the filter keeps from a few
    hundred to about 60,000 orders (the most when a parcel frees in a full warehouse).
    """
    open_base, cand = arr.open_base, np.ascontiguousarray(arr.line_candidates)
    total = 0.0
    for _ in range(passes):
        if incremental and state.marks is not None:
            touched = state.pending.copy()
            reopened = (state.cap_left >= 1.0) & (state.marks[1] < 1.0)
            more = np.asarray((state.stock_left > state.marks[0]).any(axis=1), dtype=bool)
            lines = np.flatnonzero(more[arr.line_sku])
            sku, qty = arr.line_sku[lines], arr.line_qty[lines, None]
            opened = (state.marks[0][sku] < qty) & (state.stock_left[sku] >= qty) & cand[lines]
            if reopened.any() or opened.any():  # the orders' costs only when some option opened
                # an option at w can only help an order that costs more than a parcel from w (open_base - p)
                bar = (
                    order_costs(arr.line_ptr, state.line_wh, open_base, arr.split_penalty)[:, None]
                    + arr.split_penalty
                    - 1e-9
                )
                if reopened.any():
                    w = np.flatnonzero(reopened)
                    helps = cand[:, w] & (open_base[:, w] < bar)[arr.line_order]
                    touched[arr.line_order[helps.any(axis=1)]] = True
                opened &= open_base[arr.line_order[lines]] < bar[arr.line_order[lines]]
                touched[arr.line_order[lines[opened.any(axis=1)]]] = True
            state.pending = touched & state.busy  # busy now: tried once they are back
            touched &= ~state.busy
        else:
            touched = ~state.busy
            state.pending[:] = False
        state.marks = (state.stock_left.copy(), state.cap_left.copy())
        todo = np.flatnonzero(touched)
        if not len(todo):
            break
        order = todo[rng.permutation(len(todo))].astype(np.int64)
        saving = reinsert_orders(arr.line_ptr, arr.line_sku, arr.line_qty, cand, open_base, order, state.line_wh,
                                 state.stock_left, state.cap_left, MAX_DP_LINES)  # fmt: skip
        if pairs_too:
            pairs = contested_pairs(arr, state.line_wh, state.stock_left, rng)
            pairs = pairs[~(state.busy[pairs[:, 0]] | state.busy[pairs[:, 1]])
                          & (touched[pairs[:, 0]] | touched[pairs[:, 1]])]  # fmt: skip
            saving += pair_moves(arr.line_ptr, arr.line_sku, arr.line_qty, cand, open_base, pairs, state.line_wh,
                                 state.stock_left, state.cap_left, MAX_DP_LINES)  # fmt: skip
        total += saving
        if saving <= 1e-9:
            break
    return total


def contested_pairs(arr: OrderArrays, line_wh: IntArray, stock_left: FloatArray, rng: np.random.Generator) -> IntArray:
    """Pairs (split order, order holding the stock it lacks) for :func:`~optiops.kernels.orders.pair_moves`.

    A split order's line that ships from ``v`` could join the order's parcel at ``w`` when ``w`` has
    the SKU but not enough of it left; each such (line, ``w``) is paired with one order, drawn at
    random, that ships that SKU from ``w``.  Returned in random order, without repeats.
    """
    n_w = arr.n_warehouses
    parcel = np.zeros((arr.n_orders, n_w), dtype=bool)
    parcel[arr.line_order, line_wh] = True
    split = parcel.sum(axis=1) > 1
    lines = np.flatnonzero(split[arr.line_order])
    if not len(lines):
        return np.zeros((0, 2), dtype=np.int64)
    sku, order = arr.line_sku[lines], arr.line_order[lines]
    want = (parcel[order] & arr.line_candidates[lines]) & (stock_left[sku] < arr.line_qty[lines, None])
    want[np.arange(len(lines)), line_wh[lines]] = False
    li, wi = np.nonzero(want)
    if not len(li):
        return np.zeros((0, 2), dtype=np.int64)
    cell = arr.line_sku * n_w + line_wh  # every line's (SKU, warehouse) in the plan
    wanted = sku[li] * n_w + wi
    is_wanted = np.zeros(arr.stock.size, dtype=bool)
    is_wanted[wanted] = True
    holders = np.flatnonzero(is_wanted[cell])  # only the lines on a wanted cell need sorting
    by_cell = holders[np.argsort(cell[holders], kind="stable")]
    start = np.searchsorted(cell[by_cell], wanted, side="left")
    count = np.searchsorted(cell[by_cell], wanted, side="right") - start
    held = count > 0
    pick = start[held] + (rng.random(int(held.sum())) * count[held]).astype(np.int64)
    pairs = np.stack([order[li[held]], arr.line_order[by_cell[pick]]], axis=1).astype(np.int64)
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
    return pairs[rng.permutation(len(pairs))]


def sub_instance(
    arr: OrderArrays, free: NDArray[np.bool_], line_wh: IntArray, stock: FloatArray | None = None,
    capacity: FloatArray | None = None,
) -> tuple[OrderArrays, IntArray, IntArray]:  # fmt: skip
    """The instance of the ``free`` orders, with the stock and capacity the others leave.

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    free : numpy.ndarray of bool
        (O,) the orders to free.
    line_wh : numpy.ndarray
        (L,) the current plan; the other orders keep their part of it.
    stock, capacity : numpy.ndarray, optional
        (W, S) and (W,): what the free orders may use instead (a parallel search grants each
        neighbourhood its share of what is left).

    Returns
    -------
    sub : OrderArrays
        The free orders with the stock and capacity left to them.
    orders, lines : numpy.ndarray
        Indices of the free orders and their lines in ``arr``.
    """
    kept = ~free[arr.line_order]
    if stock is None:
        stock = arr.stock - stock_use(arr, np.flatnonzero(kept), line_wh).T
    if capacity is None:
        capacity = arr.capacity - parcel_use(arr, np.flatnonzero(kept), line_wh)
    orders, lines = np.flatnonzero(free), np.flatnonzero(~kept)
    sub = replace(
        arr, order_ids=[arr.order_ids[o] for o in orders], stock=stock, capacity=capacity,
        order_zone=arr.order_zone[orders], order_class=arr.order_class[orders],
        line_ptr=np.concatenate([[0], np.cumsum(np.diff(arr.line_ptr)[orders])]).astype(np.int64),
        line_sku=arr.line_sku[lines], line_qty=arr.line_qty[lines],
    )  # fmt: skip
    return sub, orders, lines
