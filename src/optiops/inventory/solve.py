"""Solve an inventory instance: forecast where needed, analytic levels, simulation correction, allocation MIP.

The pipeline for ``optiops solve`` on ``kind: inventory``:

1. Items as arrays (:func:`items_from_instance`); items given only a history are forecast first
   (``auto_class`` level, spread from the history), and every item gets a demand pool to bootstrap:
   its history (recent periods weighed more with ``history_half_life``), or 256 equiprobable
   quantiles of a gamma distribution with its mean and spread.
2. Analytic levels at each item's target (:func:`optiops.inventory.policy.analytic_policy`).
3. With ``correct``, the simulation search shifts levels until each item's target is met.
4. With ``constraints``, the service-level allocation MIP picks each item's level from a menu.
5. The final policy is scored by a fresh simulation (another seed) and a replenishment plan is
   projected from expected demand and mean lead times.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
from scipy import stats

from optiops.forecast.base import Backtest, Panel
from optiops.forecast.registry import make_model
from optiops.inventory.allocate import ServiceTargets, allocate_service, build_menu, menu_levels
from optiops.inventory.correct import correct_policy
from optiops.inventory.policy import Items, Policy, analytic_policy
from optiops.inventory.simulate import (
    DemandPool,
    SimulationOptions,
    metrics,
    recency_weighted,
    simulate_stats,
    simulate_trace,
    summarise,
)
from optiops.kernels.inventory import TR_ORDER
from optiops.model.inventory import InventoryInstance, InventoryPlan, OrderLine, PolicyRow
from optiops.solvers import MipOptions

POOL_SIZE = 256
CHECK_SEED_OFFSET = 7919  # the final check simulates with other random numbers than the search


@dataclass(frozen=True)
class InventoryOptions:
    """Solver settings that are not part of the instance."""

    backend: str = "highs"
    time_limit: float = 60.0
    seed: int | None = None  # None: the instance's simulation seed


def forecast_levels(histories: list[list[float]]) -> np.ndarray:
    """One-step ``auto_class`` forecast of each history (the level the policies protect)."""
    offsets = np.zeros(len(histories) + 1, dtype=np.int64)
    np.cumsum([len(h) for h in histories], out=offsets[1:])
    values = np.concatenate([np.asarray(h, dtype=np.float64) for h in histories])
    shortest = int(min(len(h) for h in histories))
    backtest = Backtest(h=1, n_windows=max(1, min(12, shortest - 3)))
    return np.asarray(make_model("auto_class", 1, backtest).fit(Panel(values, offsets)).predict(1)["mean"][:, 0])


def gamma_pool(mean: float, sd: float, size: int = POOL_SIZE) -> np.ndarray:
    """``size`` equiprobable quantiles of the gamma distribution with this mean and spread."""
    if mean <= 0:
        return np.zeros(size)
    if sd <= 0:
        return np.full(size, mean)
    q = (np.arange(size) + 0.5) / size
    shape = mean**2 / sd**2
    return np.asarray(stats.gamma.ppf(q, shape, scale=sd**2 / mean))


def items_from_instance(inst: InventoryInstance) -> tuple[Items, DemandPool]:
    """The instance's items as arrays, and the demand pool the simulation draws from."""
    its = inst.items
    mean = np.array([np.nan if it.demand_mean is None else it.demand_mean for it in its])
    need = [k for k, it in enumerate(its) if it.demand_mean is None]
    if need:
        mean[need] = forecast_levels([list(its[k].history or []) for k in need])
    sd = np.array([
        it.demand_sd if it.demand_sd is not None
        else float(np.std(it.history, ddof=1)) if it.history and len(it.history) > 1
        else float(np.sqrt(mean[k]))  # Poisson spread when nothing else is known
        for k, it in enumerate(its)
    ])  # fmt: skip
    pool = DemandPool.from_lists([
        recency_weighted(it.history, inst.history_half_life) if it.history else gamma_pool(mean[k], sd[k])
        for k, it in enumerate(its)
    ])  # fmt: skip
    per_period = inst.period_days / 365.25

    def arr(values: list[float], dtype: type = np.float64) -> np.ndarray:
        return np.asarray(values, dtype=dtype)

    items = Items(
        ids=tuple(it.key for it in its), mean=mean, sd=sd,
        lt_mean=arr([it.lead_time.mean for it in its]), lt_sd=arr([it.lead_time.sd for it in its]),
        review=arr([it.review_period for it in its], np.int64), moq=arr([it.moq for it in its]),
        pack=arr([it.pack for it in its]), unit_cost=arr([it.unit_cost for it in its]),
        holding_rate=arr([it.holding_rate * per_period for it in its]), order_cost=arr([it.order_cost for it in its]),
        shortage_cost=arr([it.shortage_cost for it in its]),
        lost_sales=arr([it.shortage == "lost_sale" for it in its], np.bool_),
        return_rate=arr([it.returns.rate if it.returns else 0.0 for it in its]),
        return_delay=arr([it.returns.delay if it.returns else 0 for it in its], np.int64),
        target=arr([it.target if it.target is not None else inst.target for it in its]),
        space=arr([it.space for it in its]), warehouse=tuple(it.warehouse for it in its),
        period_days=inst.period_days, target_kind=inst.service,
    )  # fmt: skip
    return items, pool


def solve_inventory(inst: InventoryInstance, options: InventoryOptions | None = None) -> InventoryPlan:
    """Policies for every item, checked by simulation, and a replenishment plan.

    Parameters
    ----------
    inst
        The instance.
    options
        MIP backend and time limit for the allocation, simulation seed override.

    Returns
    -------
    InventoryPlan
        One policy row per item with its simulated service, stock and cost; orders of the
        replenishment plan; a summary with the aggregate figures.

    Raises
    ------
    InfeasibleError
        When the aggregate constraints cannot be met by any choice of levels (the message names them).
    """
    options = options or InventoryOptions()
    t0 = time.perf_counter()
    items, pool = items_from_instance(inst)
    sim = inst.simulation
    seed = sim.seed if options.seed is None else options.seed
    search = SimulationOptions(sim.scenarios, sim.periods, sim.warmup, seed)
    check = SimulationOptions(sim.scenarios, sim.periods, sim.warmup, seed + CHECK_SEED_OFFSET)
    policy = analytic_policy(items, inst.policy, inst.distribution, pool=pool.values, pool_offsets=pool.offsets)
    method = f"analytic {inst.distribution}"
    if inst.correct:
        policy = correct_policy(items, policy, pool, search)
        method += " + simulation correction"
    if inst.constraints is not None:
        policy = _allocate(inst, items, policy, pool, search, options)
        method += f" + service allocation ({options.backend})"
    frame = metrics(items, simulate_stats(items, policy, pool, check))
    rows = [
        PolicyRow(
            item=key,
            sku=it.sku,
            warehouse=it.warehouse,
            policy=policy.name,
            review_period=int(policy.review[k]),
            reorder_point=float(policy.reorder[k]),
            order_up_to=float(policy.order_up_to[k]),
            order_quantity=float(policy.quantity[k]),
            safety_stock=round(float(policy.safety_stock[k]), 6),
            target=float(items.target[k]),
            achieved_csl=_num(frame["achieved_csl"].iloc[k]),
            fill_rate=_num(frame["fill_rate"].iloc[k]),
            mean_on_hand=_num(frame["mean_on_hand"].iloc[k]),
            days_of_inventory=_num(frame["days_of_inventory"].iloc[k]),
            cost=_num(frame["cost"].iloc[k]),
        )
        for k, (key, it) in enumerate(zip(items.ids, inst.items, strict=True))
    ]
    summary = {k: round(v, 6) for k, v in summarise(frame, items.period_days).items()}
    orders = replenishment_plan(inst, items, policy)
    return InventoryPlan(
        name=inst.name, policies=rows, orders=orders, summary=summary, method=method,
        runtime_s=round(time.perf_counter() - t0, 3),
    )  # fmt: skip


def _allocate(
    inst: InventoryInstance, items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions,
    options: InventoryOptions,
) -> Policy:  # fmt: skip
    """Service-level allocation MIP over a menu from 0 to twice the corrected level."""
    c = inst.constraints
    assert c is not None
    levels = menu_levels(np.zeros(items.n), np.maximum(2.0 * policy.reorder, policy.reorder + 4.0), 16)
    menu = build_menu(items, policy, levels, pool, opts)
    targets = ServiceTargets(fill_rate=c.fill_rate, csl=c.csl, budget=c.budget, space=dict(c.space))
    chosen, _ = allocate_service(items, policy, menu, targets, options.backend,
                                 MipOptions(time_limit=options.time_limit, rel_gap=1e-4, seed=opts.seed))  # fmt: skip
    return chosen


def replenishment_plan(inst: InventoryInstance, items: Items, policy: Policy) -> list[OrderLine]:
    """Orders over ``inst.horizon`` periods when demand equals its forecast and lead times their mean."""
    start = np.array([it.on_hand if it.on_hand is not None else np.nan for it in inst.items])
    expected = DemandPool.from_lists([np.array([m]) for m in items.mean])
    fixed = dataclasses.replace(items, lt_sd=np.zeros(items.n))
    opts = SimulationOptions(n_scenarios=1, n_periods=inst.horizon, warmup=0, bootstrap=False)
    trace = simulate_trace(fixed, policy, expected, opts, initial=np.where(np.isnan(start), policy.order_up_to, start))
    lines = []
    for k, t in zip(*np.nonzero(trace[:, :, TR_ORDER] > 0), strict=True):
        lead = int(np.floor(items.lt_mean[k] + 0.5))
        lines.append(
            OrderLine(item=items.ids[k], period=int(t), quantity=float(trace[k, t, TR_ORDER]), arrival=int(t) + lead)
        )
    return lines


def _num(value: float) -> float | None:
    """A finite float rounded for the plan, None for inf/NaN (no demand)."""
    v = float(value)
    return round(v, 6) if np.isfinite(v) else None
