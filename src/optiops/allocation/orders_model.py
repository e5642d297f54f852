"""The order allocation MIP: its formulation, its options, and the mapping between plans and its variables.

Formulation (ours; ``z_ow`` = order o gets a parcel from warehouse w, ``x_lw`` = line l ships from w)::

    minimise    sum_ow (h_w + s_w,zone(o) + p) z_ow  -  p * |orders|     h handling, s shipping, p split penalty
    subject to  sum_w x_lw = 1                       every line, once
                x_lw <= z_o(l)w                      a line needs its order's parcel from w
                sum_l q_l x_lw <= stock_w,sku(l)     per warehouse and SKU
                sum_o z_ow <= capacity_w             parcels per warehouse and day
                z binary, x binary (or continuous, see below)

The objective is handling plus shipping per parcel plus ``p`` per parcel beyond an order's first, since
``sum_w z_ow - 1`` is the number of extra parcels of order o.  Only pairs the promise allows and whose
stock covers the line get variables; a single-line order has no ``x`` (its ``z`` is its line's
variable); stock and capacity rows that cannot bind (candidate demand within the stock or capacity)
are left out.  Every block is built at once with numpy.

``line_vars="continuous"`` relaxes ``x`` of unit-quantity lines to ``[0, 1]``: exact, because for fixed
``z`` (and fixed binary lines) what remains per SKU is a bipartite b-matching of unit lines to
warehouses with integral stocks, whose polytope is integral; a fractional answer is turned into an
integral one of the same cost by a maximum flow (:func:`integral_lines`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from optiops.exceptions import SolverError
from optiops.model.orders import OrderArrays, PlanSource
from optiops.solvers import LinearModel, LinearModelBuilder, MipResult
from optiops.solvers.linear import IntArray

LineVars = Literal["binary", "continuous"]
Method = Literal["auto", "full", "core"]
LnsFix = Literal["off", "moved", "holders"]
GREEDY_RETRIES = 10  # greedy passes with the incomplete orders moved ahead


@dataclass(frozen=True)
class OrderModelOptions:
    """Formulation and method choices; measurements behind the defaults: docs/allocation.md, "Settings".

    Parameters
    ----------
    method : {"auto", "full", "core"}
        ``auto`` is ``full`` up to ``full_max_vars`` variables, else ``core``.
    line_vars : {"binary", "continuous"}
        ``continuous`` relaxes the line variables of unit-quantity lines (exact: see the module notes).
    mip_start : bool
        Hand the greedy plan to backends that accept a MIP start.
    full_max_vars : int
        Largest full model ``auto`` solves whole.
    core_margin : float
        Core pairs: Lagrangian reduced cost within this share of the mean cheapest parcel cost (at first;
        see ``core_widenings``).  Larger cores mean larger neighbourhood models and fewer of them.
    lagrangian_share : float
        Share of the time limit the first Lagrangian phase may take.
    lagrangian_iterations : int
        Most subgradient steps of the first phase.
    lns_orders : int
        About how many orders a neighbourhood frees, at least (see ``lns_share``).
    lns_share : float
        ... or this share of the day's orders when that is more.
    core_widenings : int
        Times the core margin doubles when a pass of neighbourhoods saves less than ``pass_saving``.
    pass_saving : float
        A pass of neighbourhoods that saves less than this share of the plan's cost widens the core; at
        the widest core the search stops after a pass that saves nothing at all.
    reinsert_passes : int
        Most passes of one-order reinsertion after each neighbourhood's answer is merged.
    lns_time : float
        Most seconds for one neighbourhood.
    bound_share : float
        Share of the time limit kept for the last Lagrangian phase (the bound).
    lp_start : bool
        Also build a start from the master LP over the orders' priced optima of ``lp_pool_steps`` more
        subgradient steps and the plan (:mod:`optiops.allocation.master`); the cheaper start is kept.
    lp_pool_steps : int
        Subgradient steps whose priced optima join the pool of columns.
    lp_filter : float or None
        Before each neighbourhood MIP, solve its LP relaxation and leave out the variables the LP
        leaves at zero with a reduced cost of at least this share of the mean cheapest parcel cost
        (those of the start stay): HiGHS spends most of a neighbourhood's time in MIP presolve.
        None: off; also off for a backend that reports no reduced costs (``reports_reduced_costs``),
        and when less than a second is left.  Stats: ``lp_filter_s``, ``vars_offered`` and
        ``vars_kept`` (sums over the neighbourhoods).
    lns_params : dict or None
        Backend options for the neighbourhood MIPs, on top of ``MipOptions.params`` (which win).
        None: :data:`~optiops.allocation.orders_core.LNS_PARAMS` for the backend; ``{}``: the backend's defaults.
    lns_fix : {"off", "moved", "holders"}
        Solve a neighbourhood's LP relaxation first and keep the orders it leaves integral and where
        they are in the plan at the LP's allocation; only the others go to the MIP, with the stock and
        parcels the kept ones leave (relaxation-enforced neighbourhood search, Berthold 2014).
        ``moved`` frees the orders the LP leaves fractional or moves; ``holders`` also the orders whose
        LP allocation takes the last unit of a cell (SKU, warehouse) a freed order could use.  When the
        fixed MIP has no answer the whole neighbourhood MIP follows.  ``off``: the whole MIP.  Needs a
        backend that solves LPs (``reports_reduced_costs``).  Stats: the LPs count in ``lp_filter_s``;
        ``fixed_answers`` counts the answers of fixed MIPs, ``whole_mips`` is 1 once the search went on
        with whole MIPs, ``reinsert_s`` is the main thread's reinsertion time.
    """

    method: Method = "auto"
    line_vars: LineVars = "binary"
    mip_start: bool = True
    full_max_vars: int = 50_000
    core_margin: float = 0.1
    lagrangian_share: float = 0.2
    lagrangian_iterations: int = 100_000
    lns_orders: int = 5_000
    lns_share: float = 0.25
    core_widenings: int = 2
    pass_saving: float = 1e-4
    reinsert_passes: int = 5
    lns_time: float = 10.0
    bound_share: float = 0.1
    lp_start: bool = True
    lp_pool_steps: int = 100
    lp_filter: float | None = 0.5
    lns_params: dict[str, object] | None = None
    lns_fix: LnsFix = "moved"


@dataclass(frozen=True, eq=False)
class OrderModel:
    """The MIP and where its variables are: ``z`` columns first, then ``x``.

    ``cand_line``/``cand_wh``/``cand_col`` list every (line, warehouse) candidate and the column that
    says the line ships from there (a ``z`` column for single-line orders).
    """

    model: LinearModel
    z_order: IntArray
    z_wh: IntArray
    cand_line: IntArray
    cand_wh: IntArray
    cand_col: IntArray


def build_order_model(arr: OrderArrays, line_vars: LineVars = "binary", keep: np.ndarray | None = None) -> OrderModel:
    """The MIP of an instance, built from arrays without per-term Python loops.

    Parameters
    ----------
    arr : OrderArrays
        The instance.
    line_vars : {"binary", "continuous"}
        Integrality of the line variables of unit-quantity lines.
    keep : numpy.ndarray of bool, optional
        (L, W) restricts the candidate (line, warehouse) pairs further (the core method).

    Returns
    -------
    OrderModel
        The model and its variable layout.
    """
    n_o, n_w, n_s = arr.n_orders, arr.n_warehouses, len(arr.sku_ids)
    ok = arr.line_candidates if keep is None else arr.line_candidates & keep
    single = (np.diff(arr.line_ptr) == 1)[arr.line_order]
    z_ok = np.logical_or.reduceat(ok, arr.line_ptr[:-1], axis=0)
    z_o, z_w = np.nonzero(z_ok)
    z_index = np.full((n_o, n_w), -1, dtype=np.int64)
    z_index[z_o, z_w] = np.arange(len(z_o))
    ll, ww = np.nonzero(ok)
    is_x = ~single[ll]
    b = LinearModelBuilder(name=arr.name or "orders", offset=-arr.split_penalty * n_o)
    cost = arr.parcel_cost[z_o, z_w] + arr.split_penalty
    z = b.add_vars(len(z_o), cost=cost, upper=1.0, integer=True)
    x_int = np.ones(int(is_x.sum()), dtype=bool) if line_vars == "binary" else arr.line_qty[ll[is_x]] != 1
    x = b.add_vars(len(x_int), upper=1.0, integer=x_int)
    col = z_index[arr.line_order[ll], ww]
    col[is_x] = x
    b.add_rows(rows=ll, cols=col, vals=1.0, lower=1.0, upper=1.0, n_rows=arr.n_lines)
    k = len(x)
    z_of_x = z_index[arr.line_order[ll[is_x]], ww[is_x]]
    b.add_rows(rows=np.repeat(np.arange(k), 2), cols=np.column_stack([x, z_of_x]).ravel(),
               vals=np.tile([1.0, -1.0], k), upper=0.0, n_rows=k)  # fmt: skip
    # stock rows only where the candidate demand could exceed the stock
    key = ww * n_s + arr.line_sku[ll]
    qty = arr.line_qty[ll]
    demand = np.bincount(key, weights=qty, minlength=n_w * n_s)
    stock = arr.stock.ravel()
    tight = demand[key] > stock[key]
    tight_keys, tight_row = np.unique(key[tight], return_inverse=True)
    b.add_rows(rows=tight_row, cols=col[tight], vals=qty[tight], upper=stock[tight_keys], n_rows=len(tight_keys))
    loaded = np.bincount(z_w, minlength=n_w) > arr.capacity
    rows_w = np.cumsum(loaded) - 1
    sel = loaded[z_w]
    b.add_rows(rows=rows_w[z_w[sel]], cols=z[sel], vals=1.0, upper=arr.capacity[loaded], n_rows=int(loaded.sum()))
    return OrderModel(b.build(), z_o, z_w, ll, ww, col)


@dataclass
class Outcome:
    """What a method found: the plan's lines (or None), the MIP result and the figures for the plan."""

    line_wh: IntArray | None
    source: PlanSource
    res: MipResult
    bound: float | None
    start_cost: float | None
    formulation_s: float
    start_s: float
    stats: dict[str, float] = field(default_factory=dict)


def lines_cost(arr: OrderArrays, lines: IntArray, wh: IntArray) -> float:
    """Cost of the whole orders whose ``lines`` these are, line ``lines[i]`` shipping from ``wh[i]``."""
    n_w = arr.n_warehouses
    parcel = np.unique(arr.line_order[lines] * n_w + wh)
    order, wh = parcel // n_w, parcel % n_w
    return float(arr.parcel_cost[order, wh].sum() + arr.split_penalty * (len(parcel) - len(np.unique(order))))


def plan_cost(arr: OrderArrays, line_wh: IntArray) -> float:
    """Cost of a complete allocation: handling and shipping per parcel, the penalty per extra parcel."""
    return lines_cost(arr, np.arange(arr.n_lines), line_wh)


def start_vector(arr: OrderArrays, om: OrderModel, line_wh: IntArray) -> np.ndarray:
    """The model's variables for an allocation: each line's column, and the parcel of each (order, warehouse)."""
    x0 = np.zeros(om.model.n_vars)
    x0[om.cand_col[line_wh[om.cand_line] == om.cand_wh]] = 1.0
    n_w = arr.n_warehouses
    z_key = om.z_order * n_w + om.z_wh  # sorted: np.nonzero is row-major
    x0[np.searchsorted(z_key, np.unique(arr.line_order * n_w + line_wh))] = 1.0
    return x0


def line_warehouses(arr: OrderArrays, om: OrderModel, x: np.ndarray) -> IntArray:
    """The warehouse of every line: its candidate of largest value (all of them 0 or 1 but for noise)."""
    value = x[om.cand_col]
    if ((value > 1e-6) & (value < 1 - 1e-6)).any():
        value = integral_lines(arr, om, x)
    return largest_candidates(arr, om, value)


def largest_candidates(arr: OrderArrays, om: OrderModel, value: np.ndarray) -> IntArray:
    """(L,) every line's warehouse of largest candidate ``value``; -1 for a line without candidates."""
    best = np.lexsort((-value, om.cand_line))
    first = np.r_[True, om.cand_line[best][1:] != om.cand_line[best][:-1]]
    line_wh = np.full(arr.n_lines, -1, dtype=np.int64)
    line_wh[om.cand_line[best[first]]] = om.cand_wh[best[first]]
    return line_wh


def integral_lines(arr: OrderArrays, om: OrderModel, x: np.ndarray) -> np.ndarray:
    """Integral candidate values of the same cost for a solution whose continuous line variables are fractional.

    Lines whose value is already 0/1 keep it.  The fractional (unit-quantity) lines are routed by a
    maximum flow, source -> line -> (warehouse, SKU) -> sink, over the parcels the solution opened,
    with the stock the integral lines leave: integral capacities give an integral maximum flow, and
    the fractional solution shows that it ships every line (the b-matching argument of the module notes).
    """
    value = x[om.cand_col].copy()
    n_w, n_s = arr.n_warehouses, len(arr.sku_ids)
    frac_line = np.zeros(arr.n_lines, dtype=bool)
    frac_line[om.cand_line[(value > 1e-6) & (value < 1 - 1e-6)]] = True
    fixed = ~frac_line[om.cand_line] & (value > 0.5)
    key = om.cand_wh * n_s + arr.line_sku[om.cand_line]
    left = arr.stock.ravel() - np.bincount(key[fixed], weights=arr.line_qty[om.cand_line[fixed]], minlength=n_w * n_s)
    z_open = np.zeros((arr.n_orders, n_w), dtype=bool)
    z_open[om.z_order, om.z_wh] = x[: len(om.z_order)] > 0.5
    arcs = np.flatnonzero(frac_line[om.cand_line] & z_open[arr.line_order[om.cand_line], om.cand_wh])
    lines, line_node = np.unique(om.cand_line[arcs], return_inverse=True)
    keys, key_node = np.unique(key[arcs], return_inverse=True)
    n_l, n_k = len(lines), len(keys)
    sink = n_l + n_k + 1
    tail = np.concatenate([np.zeros(n_l, dtype=np.int64), 1 + line_node, 1 + n_l + np.arange(n_k)])
    head = np.concatenate([1 + np.arange(n_l), 1 + n_l + key_node, np.full(n_k, sink)])
    capacity = np.concatenate([np.ones(n_l + len(arcs)), np.floor(left[keys] + 1e-9)]).astype(np.int32)
    graph = sp.csr_array((capacity, (tail, head)), shape=(sink + 1, sink + 1))
    flow = maximum_flow(graph, 0, sink).flow.tocsr()
    if flow.sum(axis=1)[0] < n_l - 0.5:
        raise SolverError("the continuous line variables could not be made integral (stock not whole units?)")
    value[frac_line[om.cand_line]] = 0.0
    value[arcs] = np.asarray(flow[1 + line_node, 1 + n_l + key_node]).ravel()
    return value
