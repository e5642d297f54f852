"""Score policies by Monte Carlo simulation: a typed facade over :mod:`optiops.kernels.inventory`.

The simulation is the truth every policy is judged by. Costs per period: holding (unit cost x
holding rate x mean on hand), ordering (cost per order x orders) and shortage (cost per unit not
served from stock). Days of inventory are mean on-hand units over mean demand per day.
:func:`simulate_joint` also counts the purchase orders of groups of items bought together (joint
replenishment: one fixed cost per group and period with any order, on top of each line's cost).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from optiops.inventory.policy import Items, Policy
from optiops.kernels import inventory as kernel
from optiops.kernels.inventory import (
    N_RISK,
    N_TRACE,
    ST_BACKORDERED,
    ST_CYCLES,
    ST_DEMAND,
    ST_EMPTY_PERIODS,
    ST_FILLED,
    ST_LOST,
    ST_ON_HAND,
    ST_ORDERS,
    ST_PERIODS,
    ST_REFUSED,
    ST_RETURNED,
    ST_STOCKOUT_CYCLES,
    ST_STOCKOUT_PERIODS,
)


@dataclass(frozen=True)
class SimulationOptions:
    """How a simulation runs.

    Attributes
    ----------
    n_scenarios
        Replications per item.
    n_periods
        Scored periods per replication.
    warmup
        Unscored periods simulated first (from the starting stock to a steady state).
    seed
        Base seed; item ``i`` uses ``seed * 1_000_003 + i``.
    bootstrap
        Draw demand from the pool (True) or replay it in order (False).
    """

    n_scenarios: int = 500
    n_periods: int = 12
    warmup: int = 12
    seed: int = 1
    bootstrap: bool = True


@dataclass(frozen=True, eq=False)
class DemandPool:
    """Demand values per item as one flat array plus offsets (what the simulation draws from)."""

    values: np.ndarray
    offsets: np.ndarray

    @classmethod
    def from_lists(cls, series: list[np.ndarray]) -> DemandPool:
        offsets = np.zeros(len(series) + 1, dtype=np.int64)
        np.cumsum([len(s) for s in series], out=offsets[1:])
        values = np.concatenate([np.asarray(s, dtype=np.float64) for s in series]) if series else np.zeros(0)
        return cls(values, offsets)

    @classmethod
    def recency_weighted(cls, series: list[ArrayLike], half_life: float | None, copies: int = 32) -> DemandPool:
        """A pool of every series weighed by :func:`recency_weighted` (uniform when ``half_life`` is None)."""
        return cls.from_lists([recency_weighted(s, half_life, copies) for s in series])

    def take(self, idx: np.ndarray) -> DemandPool:
        """The series of the items at positions ``idx``, in that order."""
        return DemandPool.from_lists([self.values[self.offsets[i] : self.offsets[i + 1]] for i in idx])


def recency_weighted(history: ArrayLike, half_life: float | None, copies: int = 32) -> np.ndarray:
    """A history to bootstrap from in which a period ``half_life`` periods older is drawn half as often.

    The uniform bootstrap of a short recent window misses what the longer past knows (sizes and
    spikes not seen lately); the uniform bootstrap of the whole history ignores drift. Weighing each
    period by ``0.5 ** (age / half_life)`` keeps both. The weights are carried by repetition: the
    newest period appears ``copies`` times, older ones in proportion (rounded; a period whose share
    rounds to nothing is left out), so the simulation still draws uniformly. ``half_life=None``
    returns the history as it is (every period alike).
    """
    history = np.asarray(history, dtype=np.float64)
    if half_life is None:
        return history
    if not half_life > 0:
        raise ValueError(f"half_life must be positive, got {half_life}")
    age = np.arange(history.shape[0] - 1, -1, -1, dtype=np.float64)
    return np.repeat(history, np.round(copies * 0.5 ** (age / half_life)).astype(np.int64))


NO_GROUPS = (np.zeros(0, dtype=np.int64), np.zeros((0, 0, 0), dtype=np.uint8))  # kernel arguments: no joint orders


def _kernel_args(
    items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions, initial: np.ndarray | None,
    index: np.ndarray | None = None,
) -> tuple[Any, ...]:  # fmt: skip
    """Positional arguments of :func:`simulate_policies` (without the trace); start at ``S`` by default.

    ``index``: the items' positions in a larger set whose random streams they keep (default ``0..n-1``).
    """
    start = policy.order_up_to if initial is None else initial
    position = np.arange(items.n, dtype=np.int64) if index is None else np.asarray(index, dtype=np.int64)
    seeds = np.int64(opts.seed) * 1_000_003 + position
    risk = (np.column_stack([items.level_sd, items.outage_start, items.outage_end]).astype(np.float64)
            if items.risky else np.zeros((0, N_RISK)))  # fmt: skip
    return (
        np.ascontiguousarray(pool.values, dtype=np.float64), np.ascontiguousarray(pool.offsets, dtype=np.int64),
        bool(opts.bootstrap), np.ascontiguousarray(policy.review, dtype=np.int64),
        np.ascontiguousarray(policy.reorder, dtype=np.float64),
        np.ascontiguousarray(policy.order_up_to, dtype=np.float64),
        np.ascontiguousarray(policy.quantity, dtype=np.float64), items.moq.astype(np.float64),
        items.pack.astype(np.float64), items.lt_mean.astype(np.float64), items.lt_sd.astype(np.float64),
        items.return_rate.astype(np.float64), items.return_delay.astype(np.int64), items.lost_sales.astype(np.bool_),
        np.ascontiguousarray(start, dtype=np.float64), seeds, np.ascontiguousarray(risk),
        opts.n_periods + opts.warmup, opts.warmup, opts.n_scenarios,
    )  # fmt: skip


def simulate_stats(
    items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions, initial: np.ndarray | None = None,
    index: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """Raw ``(n_items, N_STATS)`` kernel statistics; scenarios start with net stock ``initial`` (default ``S``).

    ``index``: positions of the items in a larger set, whose random streams they keep (see
    :func:`optiops.inventory.correct.correct_policy`).
    """
    args = (*_kernel_args(items, policy, pool, opts, initial, index), np.zeros((0, 0, N_TRACE)), *NO_GROUPS)
    return kernel.simulate_policies(*args)


def simulate_joint(
    items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions, group: np.ndarray, n_groups: int,
    initial: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Kernel statistics and the purchase orders of every group of items bought together.

    Parameters
    ----------
    group : numpy.ndarray
        Group of every item, ``0 <= group < n_groups``.

    Returns
    -------
    tuple
        ``(n_items, N_STATS)`` statistics as :func:`simulate_stats`, and ``(n_groups,)`` purchase
        orders per scored period (periods in which some item of the group orders, mean over the
        scenarios).
    """
    days = np.zeros((n_groups, opts.n_scenarios, opts.n_periods), dtype=np.uint8)
    group = np.ascontiguousarray(group, dtype=np.int64)
    if group.shape != (items.n,) or (items.n and (group.min() < 0 or group.max() >= n_groups)):
        raise ValueError(f"group must give each of the {items.n} items a number in [0, {n_groups})")
    args = (*_kernel_args(items, policy, pool, opts, initial), np.zeros((0, 0, N_TRACE)), group, days)
    stats = kernel.simulate_policies(*args)
    return stats, days.sum(axis=(1, 2)) / float(max(opts.n_scenarios * opts.n_periods, 1))


def simulate_trace(
    items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions, initial: np.ndarray | None = None
) -> np.ndarray:
    """``(n_items, warmup + n_periods, N_TRACE)`` trajectory of scenario 0 (net stock, orders, demand, arrivals)."""
    trace = np.zeros((items.n, opts.n_periods + opts.warmup, N_TRACE))
    kernel.simulate_policies(*(*_kernel_args(items, policy, pool, opts, initial), trace, *NO_GROUPS))
    return trace


def metrics(items: Items, stats: np.ndarray) -> pd.DataFrame:
    """Per-item service, stock and cost from kernel statistics.

    Returns
    -------
    pandas.DataFrame
        ``item, achieved_csl, fill_rate, stockout_rate`` (share of periods with unmet demand),
        ``out_of_stock_rate`` (share of periods ending with nothing on hand), ``mean_on_hand,
        days_of_inventory, orders_per_period, holding_cost, order_cost, shortage_cost, cost`` (costs
        per period) plus the raw sums ``cycles, stockout_cycles, demand, filled, on_hand, periods,
        empty_periods, refused`` (orders the supplier refused).
    """
    periods = np.maximum(stats[:, ST_PERIODS], 1.0)
    cycles = np.maximum(stats[:, ST_CYCLES], 1.0)
    demand = stats[:, ST_DEMAND]
    short = demand - stats[:, ST_FILLED]
    mean_on_hand = stats[:, ST_ON_HAND] / periods
    with np.errstate(divide="ignore", invalid="ignore"):
        fill = np.where(demand > 0, stats[:, ST_FILLED] / np.where(demand > 0, demand, 1.0), 1.0)
        doi = np.where(demand > 0, stats[:, ST_ON_HAND] / np.where(demand > 0, demand, 1.0) * items.period_days, np.inf)
    holding = items.unit_cost * items.holding_rate * mean_on_hand
    ordering = items.order_cost * stats[:, ST_ORDERS] / periods
    shortage = items.shortage_cost * short / periods
    return pd.DataFrame(
        {
            "item": list(items.ids),
            "achieved_csl": 1.0 - stats[:, ST_STOCKOUT_CYCLES] / cycles,
            "fill_rate": fill,
            "stockout_rate": stats[:, ST_STOCKOUT_PERIODS] / periods,
            "out_of_stock_rate": stats[:, ST_EMPTY_PERIODS] / periods,
            "mean_on_hand": mean_on_hand,
            "days_of_inventory": doi,
            "orders_per_period": stats[:, ST_ORDERS] / periods,
            "holding_cost": holding,
            "order_cost": ordering,
            "shortage_cost": shortage,
            "cost": holding + ordering + shortage,
            "cycles": stats[:, ST_CYCLES],
            "stockout_cycles": stats[:, ST_STOCKOUT_CYCLES],
            "demand": demand,
            "filled": stats[:, ST_FILLED],
            "on_hand": stats[:, ST_ON_HAND],
            "backordered": stats[:, ST_BACKORDERED],
            "lost": stats[:, ST_LOST],
            "returned": stats[:, ST_RETURNED],
            "periods": stats[:, ST_PERIODS],
            "empty_periods": stats[:, ST_EMPTY_PERIODS],
            "refused": stats[:, ST_REFUSED],
        }
    )


def summarise(frame: pd.DataFrame, period_days: float) -> dict[str, float]:
    """Aggregate of a :func:`metrics` frame: pooled cycle service, fill rate, days of inventory, cost per period."""
    cycles = float(frame["cycles"].sum())
    demand = float(frame["demand"].sum())
    return {
        "items": float(len(frame)),
        "achieved_csl": 1.0 - float(frame["stockout_cycles"].sum()) / cycles if cycles else 1.0,
        "fill_rate": float(frame["filled"].sum()) / demand if demand else 1.0,
        "days_of_inventory": float(frame["on_hand"].sum()) / demand * period_days if demand else float("inf"),
        "mean_on_hand": float(frame["mean_on_hand"].sum()),
        "stockout_rate": float(frame["stockout_rate"].mean()) if len(frame) else 0.0,
        "cost": float(frame["cost"].sum()),
        "orders_per_period": float(frame["orders_per_period"].sum()),
    }


def simulate(items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions | None = None) -> pd.DataFrame:
    """Simulate ``policy`` on ``items`` with demand drawn from ``pool`` and return :func:`metrics`."""
    opts = opts or SimulationOptions()
    return metrics(items, simulate_stats(items, policy, pool, opts))
