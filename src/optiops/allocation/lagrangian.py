"""Lagrangian relaxation of the stock and capacity rows of order allocation: bound, prices, reduced costs.

Relaxing the stock rows (prices ``lam >= 0`` per warehouse and SKU) and the capacity rows (``mu >= 0``
per warehouse) leaves one small problem per order: open parcels (warehouse ``w`` at
``h_w + s_w,zone + p + mu_w``) and send each line to one of them (at ``q_l lam_w,sku``).  Each is solved
exactly by a dynamic programme over subsets of the order's lines (the numba kernels of
:mod:`optiops.kernels.orders`), so the bound is at least the LP bound (Geoffrion 1974).  The sum of
the orders' optima minus ``lam . stock + mu . capacity + p |orders|`` is a lower bound on the cost of
every plan; the prices that give the best bound direct the ``core`` method of
:mod:`optiops.allocation.orders` (its start, its core and its gap).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from optiops.kernels.orders import priced_optima, priced_reduced
from optiops.model.orders import FloatArray, IntArray, OrderArrays

PATIENCE = 20  # subgradient steps without a better bound before the step factor halves
DEFLECTION = 0.5  # share of the previous direction kept in the next (Camerini, Fratta and Maffioli 1975)
MAX_DP_LINES = 10  # orders with more lines get a weaker (but valid) Lagrangian value than the exact one
MIN_THETA = 1e-3  # the step factor returns to 1 / RESTART_DIVISOR of its start below this ...
RESTART_DIVISOR = 4.0  # ... from the best prices, with the direction forgotten
StaticArgs = tuple[IntArray, IntArray, FloatArray, np.ndarray, FloatArray]  # kernel arguments fixed by the day


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


@dataclass(frozen=True, eq=False)
class _Priced:
    """One evaluation of the relaxation: the bound and the subgradient of the stock and capacity rows."""

    bound: float
    g_lam: FloatArray  # (W, S) units shipped minus stock
    g_mu: FloatArray  # (W,) parcels opened minus capacity
    line_wh: IntArray  # (L,) warehouse of every line in the orders' priced optima


def lagrangian_bound(arr: OrderArrays, pricing: Pricing, upper: float, iterations: int, deadline: float,
                     threads: int = 1, collect: Callable[[IntArray], object] | None = None) -> Pricing:  # fmt: skip
    """Raise the Lagrangian bound by deflected subgradient steps; ``pricing`` is updated and returned.

    Steps follow Polyak's rule towards ``upper``, deflected as by Camerini, Fratta and Maffioli (1975);
    the step factor halves after ``PATIENCE`` steps without a better bound, and once it is tiny the
    search restarts from the best prices with a larger factor (the bound is kept; only prices move).

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
    threads : int
        The orders' programmes of one step are split into this many slices, solved at once
        (the kernel releases the GIL); the result is the same.
    collect : callable, optional
        Called at every evaluation of the relaxation (before its step, and also for the last one)
        with the warehouse of every line in the orders' priced optima at those prices, (L,) (the
        columns of :class:`optiops.allocation.master.ColumnPool`).

    Returns
    -------
    Pricing
        The same object, moved on.
    """
    p = pricing
    args = _static_args(arr)
    chunks = np.linspace(0, arr.n_orders, max(1, min(threads, arr.n_orders)) + 1).astype(np.int64)
    with ThreadPoolExecutor(max_workers=len(chunks) - 1) as pool:
        for _ in range(iterations):
            if time.perf_counter() >= deadline or upper - p.bound <= 1e-9 * abs(upper):
                break
            ev = _evaluate(arr, args, p.lam, p.mu, chunks, pool)
            if collect is not None:
                collect(ev.line_wh)
            p.iterations += 1
            _record(p, ev.bound)
            if not _step(p, ev, upper):
                break
    return p


def _record(p: Pricing, bound: float) -> None:
    """Keep the best bound and its prices; halve the step factor after ``PATIENCE`` steps without one."""
    if bound > p.bound:
        p.bound, p.best, p.stall = bound, (p.lam.copy(), p.mu.copy()), 0
        return
    p.stall += 1
    if p.stall >= PATIENCE:
        p.theta, p.stall = p.theta / 2, 0
    if p.theta < MIN_THETA and p.best is not None:
        p.lam, p.mu = p.best[0].copy(), p.best[1].copy()
        p.theta, p.direction = 1.0 / RESTART_DIVISOR, None


def _step(p: Pricing, ev: _Priced, upper: float) -> bool:
    """One deflected, projected subgradient step; False when the subgradient vanishes (the prices are optimal)."""
    g_lam, g_mu = ev.g_lam, ev.g_mu
    if p.direction is not None:
        g_lam, g_mu = g_lam + DEFLECTION * p.direction[0], g_mu + DEFLECTION * p.direction[1]
    # no step out of the non-negative orthant
    d_lam, d_mu = np.where((p.lam > 0) | (g_lam > 0), g_lam, 0.0), np.where((p.mu > 0) | (g_mu > 0), g_mu, 0.0)
    p.direction = (d_lam, d_mu)
    norm = float((d_lam**2).sum() + (d_mu**2).sum())
    if norm == 0.0:  # the relaxed optimum keeps every row with complementary prices: it is optimal
        return False
    step = p.theta * max(upper - ev.bound, 1e-9 * abs(upper)) / norm
    p.lam, p.mu = np.maximum(p.lam + step * d_lam, 0.0), np.maximum(p.mu + step * d_mu, 0.0)
    return True


def _static_args(arr: OrderArrays) -> StaticArgs:
    """Kernel arguments that do not change with the prices."""
    return arr.line_ptr, arr.line_sku, arr.line_qty, np.ascontiguousarray(arr.line_candidates), arr.open_base


def _evaluate(arr: OrderArrays, args: StaticArgs, lam: FloatArray, mu: FloatArray, chunks: IntArray,
              pool: ThreadPoolExecutor) -> _Priced:  # fmt: skip
    """Bound and subgradient at the prices ``lam`` (W, S), ``mu`` (W,), the orders in ``chunks`` solved at once."""
    line_ptr, line_sku, line_qty, cand, open_base = args
    lam_t = np.ascontiguousarray(lam.T)

    def part(a: int, b: int) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
        return priced_optima(line_ptr[a : b + 1], line_sku, line_qty, cand, open_base[a:b], lam_t, mu, MAX_DP_LINES)

    parts = [part(0, arr.n_orders)] if len(chunks) == 2 else list(pool.map(part, chunks[:-1], chunks[1:]))
    values = np.concatenate([v for v, _, _, _ in parts])
    load, used = np.sum([ld for _, _, ld, _ in parts], axis=0), np.sum([u for _, _, _, u in parts], axis=0)
    line_wh = parts[0][1]  # each slice's kernel fills only its own lines
    for (_, wh, _, _), a, b in zip(parts[1:], chunks[1:-1], chunks[2:], strict=True):
        line_wh[line_ptr[a] : line_ptr[b]] = wh[line_ptr[a] : line_ptr[b]]
    bound = float(values.sum() - (lam * arr.stock).sum() - mu @ arr.capacity) - arr.split_penalty * arr.n_orders
    return _Priced(bound, used.T - arr.stock, load - arr.capacity, line_wh)


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
    return priced_reduced(*_static_args(arr), np.ascontiguousarray(lam.T), mu, MAX_DP_LINES)


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
    return priced_optima(*_static_args(arr), np.ascontiguousarray(lam.T), mu, MAX_DP_LINES)[1]
