"""What can be shown about an order allocation day without a MIP solver.

- :func:`check_orders`, the independent plan checker: it shares nothing with the formulation or the
  solvers, maps the plan's ids back to the instance's lines with numpy, recomputes parcels and costs
  and lists every rule the plan breaks (is this plan valid, and what does it cost?);
- :func:`diagnose_orders`: causes that make every plan infeasible (does any plan exist?).

What no plan can beat (the Lagrangian bound, with the prices of scarce stock and capacity) is in
:mod:`optiops.allocation.lagrangian`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optiops.allocation.check import listed
from optiops.model.orders import (
    OrderAllocationInstance,
    OrderAllocationPlan,
    OrderArrays,
    order_arrays,
)

MAX_LISTED = 10  # names listed per violation or cause before the rest are counted


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
    problems = listed([f"shipment {k} ({sh.order[k]!r}, {sh.sku[k]!r}, {sh.warehouse[k]!r}) names no order line "
                        "or warehouse of the instance" for k in np.flatnonzero(~known)])  # fmt: skip
    problems += listed([f"shipment {k} ({sh.order[k]!r}, {sh.sku[k]!r}) has quantity {qty[k]:g}, not positive"
                         for k in np.flatnonzero(known & ~(qty > 0))])  # fmt: skip
    keep = known & (qty > 0)
    line, w, qty = line[keep], w[keep], qty[keep]
    order = arr.line_order[line]
    served = np.bincount(line, weights=qty, minlength=arr.n_lines)
    problems += listed([f"{_line(arr, k)}: {served[k]:g} of {arr.line_qty[k]:g} units shipped"
                         for k in np.flatnonzero(np.abs(served - arr.line_qty) > tol)])  # fmt: skip
    pairs, n_pairs = np.unique(line * n_w + w, return_counts=True)
    problems += listed([f"{_line(arr, k)} is listed more than once" for k in np.unique(pairs[n_pairs > 1] // n_w)])
    multi = np.bincount(pairs // n_w, minlength=arr.n_lines) > 1
    problems += listed([f"{_line(arr, k)} ships from several warehouses; a line ships whole from one"
                         for k in np.flatnonzero(multi)])  # fmt: skip
    bad = ~arr.order_allowed[order, w]
    problems += listed([f"order {arr.order_ids[order[k]]!r} ships from {arr.warehouse_ids[w[k]]!r}, which its "
                         f"promise {arr.class_ids[arr.order_class[order[k]]]!r} does not allow for zone "
                         f"{arr.zone_ids[arr.order_zone[order[k]]]!r}" for k in np.flatnonzero(bad)])  # fmt: skip
    used = np.bincount(w * n_s + arr.line_sku[line], weights=qty, minlength=n_w * n_s).reshape(n_w, n_s)
    problems += listed([f"warehouse {arr.warehouse_ids[i]!r} ships {used[i, k]:g} units of SKU {arr.sku_ids[k]!r}, "
                         f"more than its stock {arr.stock[i, k]:g}" for i, k in zip(*np.nonzero(used > arr.stock + tol),
                                                                                     strict=True)])  # fmt: skip
    parcel = np.unique(order * n_w + w)
    p_order, p_wh = parcel // n_w, parcel % n_w
    load = np.bincount(p_wh, minlength=n_w)
    problems += listed([f"warehouse {arr.warehouse_ids[i]!r} ships {load[i]} parcels, above its capacity "
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
