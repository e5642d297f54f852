"""What can be shown about an order allocation day without a MIP solver.

- :func:`check_orders`, the independent plan checker: it shares nothing with the formulation or the
  solvers, maps the plan's ids back to the instance's lines with numpy, recomputes parcels and costs
  and lists every rule the plan breaks (is this plan valid, and what does it cost?);
- :func:`diagnose_orders`: causes that make every plan infeasible (does any plan exist?);
- :func:`lagrangian_bound`: a lower bound on the cost of every plan, with the prices of scarce stock
  and capacity that come with it (what can no plan beat?).  The ``core`` method of
  :mod:`optiops.allocation.orders` reports its gap against this bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from optiops.model.orders import (
    FloatArray,
    IntArray,
    OrderAllocationInstance,
    OrderAllocationPlan,
    OrderArrays,
    order_arrays,
)

MAX_LISTED = 10  # names listed per violation or cause before the rest are counted
PATIENCE = 20  # subgradient steps without a better bound before the step factor halves
DEFLECTION = 0.5  # share of the previous direction kept in the next (Camerini, Fratta and Maffioli 1975)
MAX_DP_LINES = 6  # orders with more lines get a weaker (but valid) Lagrangian value than the exact one


@dataclass(frozen=True)
class OrderCheck:
    """The checker's verdict on a plan: feasibility, the recomputed cost breakdown and the violations."""

    feasible: bool
    objective: float
    handling_cost: float
    shipping_cost: float
    split_cost: float
    parcels: int
    split_orders: int
    extra_parcels: int
    violations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Cause:
    """One reason no plan exists, and the orders, SKUs or warehouses to blame."""

    message: str
    culprits: list[str]


def check_orders(
    inst: OrderAllocationInstance | OrderArrays, plan: OrderAllocationPlan, tol: float = 1e-6
) -> OrderCheck:
    """Recompute the cost of ``plan`` and list every rule it breaks.

    Checks that every shipment names a known order line and warehouse, every line ships in full from
    exactly one warehouse allowed by its order's promise, no warehouse ships more of a SKU than it
    holds or more parcels than its capacity, and that the plan's stated cost is the recomputed one.
    A parcel is one (order, warehouse) pair; cost = handling + shipping per parcel + the split
    penalty per parcel beyond an order's first.

    Parameters
    ----------
    inst : OrderAllocationInstance or OrderArrays
        The instance the plan claims to solve.
    plan : OrderAllocationPlan
        The plan.
    tol : float
        Absolute tolerance on quantities.

    Returns
    -------
    OrderCheck
        Feasibility, recomputed costs, parcel and split counts, and the violations in plain words.
    """
    arr = order_arrays(inst)
    sh = plan.shipments
    n_s, n_w = len(arr.sku_ids), arr.n_warehouses
    o, o_ok = _lookup(arr.order_ids, sh.order)
    s, s_ok = _lookup(arr.sku_ids, sh.sku)
    w, w_ok = _lookup(arr.warehouse_ids, sh.warehouse)
    qty = np.asarray(sh.quantity, dtype=float)
    line, l_ok = _lookup_keys(arr.line_order * n_s + arr.line_sku, o * n_s + s)
    known = o_ok & s_ok & w_ok & l_ok
    problems = _listed([f"shipment {k} ({sh.order[k]!r}, {sh.sku[k]!r}, {sh.warehouse[k]!r}) names no order line "
                        "or warehouse of the instance" for k in np.flatnonzero(~known)])  # fmt: skip
    problems += _listed([f"shipment {k} ({sh.order[k]!r}, {sh.sku[k]!r}) has quantity {qty[k]:g}, not positive"
                         for k in np.flatnonzero(known & ~(qty > 0))])  # fmt: skip
    keep = known & (qty > 0)
    line, w, qty = line[keep], w[keep], qty[keep]
    order = arr.line_order[line]
    served = np.bincount(line, weights=qty, minlength=arr.n_lines)
    problems += _listed([f"{_line(arr, k)}: {served[k]:g} of {arr.line_qty[k]:g} units shipped"
                         for k in np.flatnonzero(np.abs(served - arr.line_qty) > tol)])  # fmt: skip
    pairs, n_pairs = np.unique(line * n_w + w, return_counts=True)
    problems += _listed([f"{_line(arr, k)} is listed more than once" for k in np.unique(pairs[n_pairs > 1] // n_w)])
    multi = np.bincount(pairs // n_w, minlength=arr.n_lines) > 1
    problems += _listed([f"{_line(arr, k)} ships from several warehouses; a line ships whole from one"
                         for k in np.flatnonzero(multi)])  # fmt: skip
    bad = ~arr.order_allowed[order, w]
    problems += _listed([f"order {arr.order_ids[order[k]]!r} ships from {arr.warehouse_ids[w[k]]!r}, which its "
                         f"promise {arr.class_ids[arr.order_class[order[k]]]!r} does not allow for zone "
                         f"{arr.zone_ids[arr.order_zone[order[k]]]!r}" for k in np.flatnonzero(bad)])  # fmt: skip
    used = np.bincount(w * n_s + arr.line_sku[line], weights=qty, minlength=n_w * n_s).reshape(n_w, n_s)
    problems += _listed([f"warehouse {arr.warehouse_ids[i]!r} ships {used[i, k]:g} units of SKU {arr.sku_ids[k]!r}, "
                         f"more than its stock {arr.stock[i, k]:g}" for i, k in zip(*np.nonzero(used > arr.stock + tol),
                                                                                     strict=True)])  # fmt: skip
    parcel = np.unique(order * n_w + w)
    p_order, p_wh = parcel // n_w, parcel % n_w
    load = np.bincount(p_wh, minlength=n_w)
    problems += _listed([f"warehouse {arr.warehouse_ids[i]!r} ships {load[i]} parcels, above its capacity "
                         f"{arr.capacity[i]:g}" for i in np.flatnonzero(load > arr.capacity + tol)])  # fmt: skip
    per_order = np.bincount(p_order, minlength=arr.n_orders)
    extra = int(np.maximum(per_order - 1, 0).sum())
    handling = float(arr.handling_cost[p_wh].sum())
    shipping = float(arr.shipping_cost[p_wh, arr.order_zone[p_order]].sum())
    split = arr.split_penalty * extra
    total = handling + shipping + split
    if plan.objective is not None and abs(plan.objective - total) > 1e-6 * max(1.0, abs(total)):
        problems.append(f"the plan states cost {plan.objective:.10g}, recomputed {total:.10g}")
    return OrderCheck(
        feasible=not problems, objective=total, handling_cost=handling, shipping_cost=shipping, split_cost=split,
        parcels=len(parcel), split_orders=int((per_order > 1).sum()), extra_parcels=extra, violations=problems,
    )  # fmt: skip


def diagnose_orders(inst: OrderAllocationInstance | OrderArrays) -> list[Cause]:
    """Causes that make every plan infeasible, found without a solver.

    Looks for orders no warehouse may serve within their promise, SKUs whose total stock is below the
    ordered quantity, lines no allowed warehouse holds enough of, and a total handling capacity below
    the number of orders (every order needs at least one parcel).

    Parameters
    ----------
    inst : OrderAllocationInstance or OrderArrays
        The instance.

    Returns
    -------
    list of Cause
        Empty when no cause is found; otherwise one per kind of cause, naming the culprits.
    """
    arr = order_arrays(inst)
    causes: list[Cause] = []
    stranded = np.flatnonzero(~arr.order_allowed.any(axis=1))
    if len(stranded):
        names = [f"{arr.order_ids[o]!r} (zone {arr.zone_ids[arr.order_zone[o]]!r}, {arr.class_ids[arr.order_class[o]]})"
                 for o in stranded]  # fmt: skip
        causes.append(Cause(f"{len(stranded)} order(s) have no warehouse that may serve their zone within their "
                            f"promise: {_names(names)}", [arr.order_ids[o] for o in stranded]))  # fmt: skip
    demand = np.bincount(arr.line_sku, weights=arr.line_qty, minlength=len(arr.sku_ids))
    held = arr.stock.sum(axis=0)
    short = np.flatnonzero(demand > held)
    if len(short):
        names = [f"{arr.sku_ids[k]!r} (ordered {demand[k]:g}, held {held[k]:g})" for k in short]
        causes.append(Cause(f"{len(short)} SKU(s) are ordered beyond the total stock of all warehouses: "
                            f"{_names(names)}", [arr.sku_ids[k] for k in short]))  # fmt: skip
    enough = np.asarray(demand <= held)
    servable = np.take(arr.order_allowed.any(axis=1), arr.line_order)
    lost = np.flatnonzero(~arr.line_candidates.any(axis=1) & servable & np.take(enough, arr.line_sku))
    if len(lost):
        names = [f"{_line(arr, k)} x{arr.line_qty[k]:g}" for k in lost]
        blamed = sorted({arr.order_ids[arr.line_order[k]] for k in lost})
        causes.append(Cause(f"{len(lost)} order line(s) are held in that quantity by no warehouse their promise "
                            f"allows: {_names(names)}", blamed))  # fmt: skip
    if arr.capacity.sum() < arr.n_orders:
        names = [f"{w!r} {c:g}" for w, c in zip(arr.warehouse_ids, arr.capacity, strict=True)]
        causes.append(Cause(f"total handling capacity {arr.capacity.sum():g} parcels is below the {arr.n_orders} "
                            f"orders, each of which needs a parcel; capacities: {_names(names)}",
                            list(arr.warehouse_ids)))  # fmt: skip
    return causes


def _lookup(ids: list[str], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(index of every name in ids, whether it was found); vectorised with a sorted search."""
    table = np.asarray(ids)
    sorter = np.argsort(table, kind="stable")
    query = np.asarray(names, dtype=table.dtype if len(names) == 0 else None)
    pos = np.clip(np.searchsorted(table, query, sorter=sorter), 0, max(len(table) - 1, 0))
    index = sorter[pos] if len(table) else np.zeros(len(query), dtype=np.int64)
    found = (table[index] == query) if len(table) else np.zeros(len(query), dtype=bool)
    return index.astype(np.int64), np.asarray(found, dtype=bool)


def _lookup_keys(keys: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of every query in the unique integer ``keys``, whether it was found)."""
    sorter = np.argsort(keys, kind="stable")
    pos = np.clip(np.searchsorted(keys, query, sorter=sorter), 0, max(len(keys) - 1, 0))
    index = sorter[pos]
    return index.astype(np.int64), keys[index] == query


def _line(arr: OrderArrays, k: int | np.integer) -> str:
    """How a line is named in messages."""
    return f"order {arr.order_ids[arr.line_order[k]]!r} SKU {arr.sku_ids[arr.line_sku[k]]!r}"


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def _listed(items: list[str]) -> list[str]:
    """At most ``MAX_LISTED`` items, then one line counting the rest."""
    if len(items) <= MAX_LISTED:
        return items
    return [*items[:MAX_LISTED], f"... and {len(items) - MAX_LISTED} more like these"]


# --- Lagrangian relaxation of the stock and capacity rows: bound, prices and core --------------------


@dataclass
class Pricing:
    """Subgradient state: multipliers of the stock rows ``lam`` (W, S) and the capacity rows ``mu`` (W,).

    ``bound`` is the best Lagrangian bound met (valid for the whole model), reached at ``best_lam``, ``best_mu``.
    """

    lam: FloatArray
    mu: FloatArray
    theta: float = 1.0
    bound: float = -np.inf
    iterations: int = 0
    stall: int = 0
    best: tuple[FloatArray, FloatArray] | None = None
    direction: tuple[FloatArray, FloatArray] | None = None

    @property
    def best_lam(self) -> FloatArray:
        """Stock prices of the best bound."""
        return self.best[0] if self.best is not None else self.lam

    @property
    def best_mu(self) -> FloatArray:
        """Capacity prices of the best bound."""
        return self.best[1] if self.best is not None else self.mu


def lagrangian_bound(arr: OrderArrays, pricing: Pricing, upper: float, iterations: int, deadline: float) -> Pricing:
    """Raise the Lagrangian bound by deflected subgradient steps; ``pricing`` is updated and returned.

    Relaxing the stock and capacity rows with prices ``lam, mu >= 0`` leaves one small problem per
    order: open parcels (warehouse ``w`` at ``h_w + s_w,zone + p + mu_w``) and send each line to one of
    them (at ``q_l lam_w,sku``), solved exactly by a dynamic programme over subsets of the order's lines.
    The sum of their optima minus ``lam . stock + mu . capacity + p |orders|`` bounds the optimal cost
    from below, at least as tightly as the LP relaxation since each order is solved in integers
    (Geoffrion 1974).  Steps follow Polyak's rule towards ``upper``, deflected as by Camerini, Fratta
    and Maffioli (1975); the step factor halves after ``PATIENCE`` steps without a better bound.

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    pricing : Pricing
        Prices to start from (zeros at first).
    upper : float
        Cost of the best known plan, the target of the steps.
    iterations : int
        Most steps to take.
    deadline : float
        ``time.perf_counter()`` value at which to stop.

    Returns
    -------
    Pricing
        The same object, moved on.
    """
    groups = _groups(arr)
    n_w, n_s = arr.n_warehouses, len(arr.sku_ids)
    p = pricing
    for _ in range(iterations):
        if time.perf_counter() >= deadline or upper - p.bound <= 1e-9 * abs(upper):
            break
        value, line_wh, parcel_wh = _order_values(arr, groups, p.lam, p.mu)
        bound = value - float((p.lam * arr.stock).sum() + p.mu @ arr.capacity) - arr.split_penalty * arr.n_orders
        p.iterations += 1
        if bound > p.bound:
            p.bound, p.best, p.stall = bound, (p.lam.copy(), p.mu.copy()), 0
        else:
            p.stall += 1
            if p.stall >= PATIENCE:
                p.theta, p.stall = p.theta / 2, 0
        used = np.bincount(line_wh * n_s + arr.line_sku, weights=arr.line_qty, minlength=n_w * n_s)
        g_lam, g_mu = used.reshape(n_w, n_s) - arr.stock, np.bincount(parcel_wh, minlength=n_w) - arr.capacity
        if p.direction is not None:
            g_lam, g_mu = g_lam + DEFLECTION * p.direction[0], g_mu + DEFLECTION * p.direction[1]
        # no step out of the non-negative orthant
        d_lam, d_mu = np.where((p.lam > 0) | (g_lam > 0), g_lam, 0.0), np.where((p.mu > 0) | (g_mu > 0), g_mu, 0.0)
        p.direction = (d_lam, d_mu)
        norm = float((d_lam**2).sum() + (d_mu**2).sum())
        if norm == 0.0:  # the relaxed optimum keeps every row with complementary prices: it is optimal
            break
        step = p.theta * max(upper - bound, 1e-9 * abs(upper)) / norm
        p.lam, p.mu = np.maximum(p.lam + step * d_lam, 0.0), np.maximum(p.mu + step * d_mu, 0.0)
    return p


def reduced_costs(arr: OrderArrays, lam: FloatArray, mu: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Lagrangian reduced costs and priced whole-order costs of every order and warehouse.

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    lam, mu : numpy.ndarray
        Stock (W, S) and capacity (W,) prices.

    Returns
    -------
    reduced : numpy.ndarray
        (O, W) the order's best priced value with a parcel from ``w``, minus its best value; ``inf``
        where ``w`` can ship none of its lines.  Orders of more than ``MAX_DP_LINES`` lines get 0.
    whole : numpy.ndarray
        (O, W) priced cost of shipping the whole order from ``w`` (``inf`` where it cannot).
    """
    reduced = np.where(np.logical_or.reduceat(arr.line_candidates, arr.line_ptr[:-1], axis=0), 0.0, np.inf)
    whole = np.full((arr.n_orders, arr.n_warehouses), np.inf)
    lam_t = np.ascontiguousarray(lam.T)
    for g in _groups(arr):
        open_cost, costs = g.open_base + mu, g.qty * lam_t[g.sku] + g.mask
        whole[g.orders] = open_cost + costs.sum(axis=1)
        if g.k > MAX_DP_LINES:
            continue
        subset_cost, _, _, dp, _ = _tables(open_cost, costs)
        full = (1 << g.k) - 1
        rest = dp[full ^ np.arange(1, full + 1)][:, :, None]  # the other lines, optimally, for every subset
        reduced[g.orders] = np.min(open_cost[None] + subset_cost[1:] + rest, axis=0) - dp[full][:, None]
    return reduced, whole


def priced_plan(arr: OrderArrays, lam: FloatArray, mu: FloatArray) -> IntArray:
    """The warehouse of every line in the orders' priced optima (stock and capacity ignored).

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    lam, mu : numpy.ndarray
        Stock (W, S) and capacity (W,) prices.

    Returns
    -------
    numpy.ndarray
        (L,) warehouse of each line.
    """
    return _order_values(arr, _groups(arr), lam, mu)[1]


@dataclass(frozen=True, eq=False)
class _Group:
    """Orders of ``k`` lines with what does not change with the prices; ``k = 0`` gathers the largest orders."""

    k: int
    orders: IntArray  # (n,)
    lines: IntArray  # (n, k)
    sku: IntArray  # (n, k)
    qty: FloatArray  # (n, k, 1)
    open_base: FloatArray  # (n, W) parcel cost plus split penalty, inf where the promise forbids w
    mask: FloatArray  # (n, k, W) 0 where the line may ship from w, inf elsewhere


def _groups(arr: OrderArrays) -> list[_Group]:
    """Orders grouped by their number of lines (those above ``MAX_DP_LINES`` one by one)."""
    n_lines = np.diff(arr.line_ptr)
    open_base = np.where(arr.order_allowed, arr.parcel_cost + arr.split_penalty, np.inf)
    mask = np.where(arr.line_candidates, 0.0, np.inf)
    groups = []
    for k in np.unique(n_lines).tolist():
        for orders in [np.flatnonzero(n_lines == k)] if k <= MAX_DP_LINES else np.flatnonzero(n_lines == k)[:, None]:
            lines = arr.line_ptr[orders][:, None] + np.arange(k)[None, :]
            groups.append(_Group(k, orders, lines, arr.line_sku[lines], arr.line_qty[lines][:, :, None],
                                 open_base[orders], mask[lines]))  # fmt: skip
    return groups


def _order_values(arr: OrderArrays, groups: list[_Group], lam: FloatArray,
                  mu: FloatArray) -> tuple[float, IntArray, IntArray]:  # fmt: skip
    """Orders' priced optima: (sum of the optima, warehouse of each line, warehouse of each parcel).

    An order of more than ``MAX_DP_LINES`` lines gets a weaker but valid value (its cheapest parcel
    plus each line's cheapest price), and each of its lines the warehouse of its cheapest parcel-and-price.
    """
    lam_t = np.ascontiguousarray(lam.T)
    line_wh = np.zeros(arr.n_lines, dtype=np.int64)
    total, parcels = 0.0, []
    for g in groups:
        open_cost, costs = g.open_base + mu, g.qty * lam_t[g.sku] + g.mask
        rows = np.arange(len(g.orders))
        if g.k == 1:  # most orders: one line, one parcel
            priced = open_cost + costs[:, 0, :]
            w = np.argmin(priced, axis=1)
            total += float(priced[rows, w].sum())
            line_wh[g.lines[:, 0]] = w
            parcels.append(w)
            continue
        if g.k > MAX_DP_LINES:
            w = np.argmin(open_cost[:, None, :] + costs, axis=2)
            total += float(open_cost.min(axis=1).sum() + costs.min(axis=2).sum())
            line_wh[g.lines] = w
            parcels.append(np.unique(w))
            continue
        _, _, arg, dp, choice = _tables(open_cost, costs)
        total += float(dp[-1].sum())
        left = np.full(len(g.orders), (1 << g.k) - 1)
        for _ in range(g.k):  # follow the choices back: each chosen subset of lines is one parcel
            active = left > 0
            t = choice[left, rows]
            w = arg[t, rows]
            parcels.append(w[active])
            for j in range(g.k):
                mine = active & ((t >> j) & 1).astype(bool)
                line_wh[g.lines[mine, j]] = w[mine]
            left = np.where(active, left ^ t, 0)
    return total, line_wh, np.concatenate(parcels)


def _tables(open_cost: FloatArray, costs: FloatArray) -> tuple[FloatArray, FloatArray, IntArray, FloatArray, IntArray]:
    """Dynamic programme of n orders of k lines: open_cost (n, W), costs (n, k, W).

    Returns, indexed by subset bit masks: the line costs of each subset at each warehouse (2^k, n, W),
    the best single parcel for each subset and its warehouse (2^k, n), and the optimum ``dp`` of every
    subset with the subset ``choice`` holding its lowest line (2^k, n): two subsets shipped from one
    warehouse are never better than their union, so splitting into parts is exact.
    """
    n, k, n_w = costs.shape
    full, rows = (1 << k) - 1, np.arange(n)
    subset_cost = np.zeros((full + 1, n, n_w))
    best = np.full((full + 1, n), np.inf)
    arg = np.zeros((full + 1, n), dtype=np.int64)
    for t in range(1, full + 1):
        subset_cost[t] = subset_cost[t & (t - 1)] + costs[:, (t & -t).bit_length() - 1, :]
        parcel = open_cost + subset_cost[t]
        arg[t] = np.argmin(parcel, axis=1)
        best[t] = parcel[rows, arg[t]]
    dp, choice = np.zeros((full + 1, n)), np.zeros((full + 1, n), dtype=np.int64)
    for s, ts in enumerate(_subsets(k)[1:], start=1):
        vals = best[ts] + dp[s ^ ts]
        pick = np.argmin(vals, axis=0)
        dp[s], choice[s] = vals[pick, rows], ts[pick]
    return subset_cost, best, arg, dp, choice


@cache
def _subsets(k: int) -> list[IntArray]:
    """For every subset S of k lines (a bit mask; S = 0 is empty), its subsets T that hold S's lowest line."""
    out = [np.zeros(0, dtype=np.int64)]
    for s in range(1, 1 << k):
        low = s & -s
        out.append(np.array([t for t in range(1, s + 1) if t & s == t and t & low], dtype=np.int64))
    return out
