"""Forecast and inventory steps of the network plan: policies per SKU x warehouse, judged on the hold-out days.

Demand of a zone is stocked at its nearest warehouse (both plans; the allocation step optimises the
next day's orders on top). History = the days before the hold-out. Both plans are played through the
same numba simulation (:mod:`optiops.kernels.inventory`) over the hold-out days, with each day's
demand bootstrapped from that item's actual hold-out days, after a warm-up of the same length:

- **baseline** (common practice): weekly review, order up to ``BASELINE_WEEKS`` weeks of the
  forecast daily demand, whatever the lead time and the variability;
- **optimised**: for each item the cheaper of two policies at the fill-rate target, both levels from
  the forecast and its spread (analytic normal) corrected by simulation on the last ``SEARCH_DAYS``
  days of history until the item meets the target: weekly (R, S), or daily (s, S) with the EOQ as
  ``S - s`` (replenishment order cost against holding cost). "Cheaper" is the simulated holding +
  ordering + lost-sales cost on the same history days, never on the judged days.

Forecast: ``auto_class`` on the daily history of each SKU x warehouse (one-step level); spread: the
standard deviation of the last ``SEARCH_DAYS`` days. Returns come back into stock after their delay
in both plans (the scenario's return rates and delays per SKU).
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd

from optiops.forecast.api import forecast_frame
from optiops.inventory.correct import correct_policy
from optiops.inventory.policy import Items, Policy, analytic_policy, weeks_of_cover_policy
from optiops.inventory.simulate import DemandPool, SimulationOptions, metrics, simulate_stats, simulate_trace, summarise
from optiops.inventory.solve import CHECK_SEED_OFFSET
from optiops.model.demand import DemandHistory
from optiops.model.scenario import Scenario
from optiops.plan.base import PlanOptions, StepResult

BASELINE_WEEKS = 8.0  # common "two months of cover" rule (documented in docs/plan.md)
BASELINE_REVIEW = 7  # weekly replenishment
TARGET_FILL = 0.98  # a common e-commerce fill-rate target (units served from stock)
SEARCH_DAYS = 56


def nearest_warehouse(scenario: Scenario) -> dict[str, str]:
    """Zone -> nearest warehouse by road distance."""
    wh, zones = scenario.warehouses, scenario.zones
    d = np.hypot(wh["x"].to_numpy()[:, None] - zones["x"].to_numpy()[None, :],
                 wh["y"].to_numpy()[:, None] - zones["y"].to_numpy()[None, :])  # fmt: skip
    return dict(zip(zones["zone"], wh["warehouse"].to_numpy()[d.argmin(axis=0)], strict=True))


def daily_matrix(scenario: Scenario, table: pd.DataFrame) -> pd.DataFrame:
    """Units per item (``SKU@WAREHOUSE``) x day over the whole scenario (zones mapped to their nearest warehouse)."""
    home = nearest_warehouse(scenario)
    days = pd.date_range(scenario.start, periods=scenario.days, freq="D")
    frame = table.assign(item=table["sku"] + "@" + table["zone"].map(home), ds=pd.to_datetime(table["ds"]))
    wide = frame.assign(y=frame["y"].astype(float)).pivot_table(
        index="item", columns="ds", values="y", aggfunc="sum", fill_value=0.0
    )
    return wide.reindex(columns=days, fill_value=0.0).astype(float)


def build_items(scenario: Scenario, demand: pd.DataFrame, history_days: int) -> tuple[Items, np.ndarray]:
    """Items of every SKU x warehouse with demand, parameters from the scenario; and their forecast level."""
    hist = demand.iloc[:, :history_days].to_numpy()
    n = hist.shape[0]
    offsets = np.arange(0, (n + 1) * history_days, history_days, dtype=np.int64)
    history = DemandHistory(tuple(demand.index), hist.ravel().copy(), offsets, np.zeros(n, dtype=np.int64),
                            pd.Timestamp(scenario.start), "D")  # fmt: skip
    level = forecast_frame(history, 1, model="auto_class", levels=())["forecast"].to_numpy()
    sd = hist[:, -SEARCH_DAYS:].std(axis=1, ddof=1)
    skus = scenario.skus.set_index("sku").reindex([i.split("@")[0] for i in demand.index])
    k = scenario.costs
    f = np.ones(n)
    items = Items(
        ids=tuple(demand.index), mean=level, sd=sd, lt_mean=skus["lead_time_mean_days"].to_numpy(float),
        lt_sd=skus["lead_time_sd_days"].to_numpy(float), review=np.ones(n, dtype=np.int64), moq=f * 0,
        pack=skus["pack"].to_numpy(float), unit_cost=skus["unit_cost"].to_numpy(float),
        holding_rate=f * k.holding_rate / 365.0, order_cost=f * k.replenishment_order_cost,
        shortage_cost=skus["price"].to_numpy(float) * k.shortage_cost_share, lost_sales=np.ones(n, dtype=np.bool_),
        return_rate=skus["return_rate"].to_numpy(float), return_delay=skus["return_delay_days"].to_numpy(np.int64),
        target=f * TARGET_FILL, target_kind="fill_rate", warehouse=tuple(i.split("@")[1] for i in demand.index),
        period_days=1.0,
    )  # fmt: skip
    return items, level


def inventory_step(scenario: Scenario, options: PlanOptions) -> StepResult:
    """Baseline weeks-of-cover vs optimised (s, S) policies, judged on the hold-out days (see the module docstring)."""
    t0 = time.perf_counter()
    demand = daily_matrix(scenario, scenario.demand)
    history_days = scenario.days - scenario.holdout_days
    items, _ = build_items(scenario, demand, history_days)
    values = demand.to_numpy()
    search = DemandPool.from_lists(list(values[:, history_days - SEARCH_DAYS : history_days]))
    judge = DemandPool.from_lists(list(values[:, history_days:]))
    h = scenario.holdout_days
    search_opts = SimulationOptions(options.scenarios, h, h, options.seed)
    judge_opts = SimulationOptions(options.scenarios, h, h, options.seed + CHECK_SEED_OFFSET)
    base_items = dataclasses.replace(items, review=np.full(items.n, BASELINE_REVIEW, dtype=np.int64))
    baseline = weeks_of_cover_policy(base_items, BASELINE_WEEKS)
    optimised = cheapest_policy(items, search, search_opts)
    t_policy = time.perf_counter() - t0
    frames = {"baseline": metrics(base_items, simulate_stats(base_items, baseline, judge, judge_opts)),
              "optimised": metrics(items, simulate_stats(items, optimised, judge, judge_opts))}  # fmt: skip
    kpis = {name: _kpis(frame, scenario) for name, frame in frames.items()}
    table = pd.DataFrame({
        "item": items.ids, "forecast_per_day": np.round(items.mean, 4),
        "baseline_order_up_to": baseline.order_up_to, "optimised_reorder_point": optimised.reorder,
        "optimised_order_up_to": optimised.order_up_to,
        **{f"{p}_{c}": frames[p][c].round(5) for p in frames for c in ("achieved_csl", "fill_rate", "mean_on_hand")},
    })  # fmt: skip
    note = (
        f"Baseline: review every {BASELINE_REVIEW} days, order up to {BASELINE_WEEKS:g} weeks of forecast demand. "
        f"Optimised: per item the cheaper of weekly (R, S) and daily (s, S) with EOQ spacing, levels corrected by "
        f"simulation to a {TARGET_FILL:.0%} fill rate. Both judged on {h} hold-out days x {options.scenarios} "
        "bootstrapped scenarios."
    )
    stats = {"items": items.n, "scenarios": options.scenarios, "policy_s": round(t_policy, 2),
             "runtime_s": round(time.perf_counter() - t0, 2)}  # fmt: skip
    return StepResult(
        name="inventory",
        baseline=kpis["baseline"],
        optimised=kpis["optimised"],
        figures={"stock.png": _stock_figure(items, optimised, judge, judge_opts)},
        tables={"inventory_policies.csv": table},
        stats=stats,
        notes=[note],
    )


def cheapest_policy(items: Items, search: DemandPool, opts: SimulationOptions) -> Policy:
    """Per item, the cheaper (simulated on ``search``) of corrected weekly (R, S) and daily (s, S)."""
    weekly_items = dataclasses.replace(items, review=np.full(items.n, BASELINE_REVIEW, dtype=np.int64))
    weekly = correct_policy(weekly_items, analytic_policy(weekly_items, "RS"), search, opts)
    daily = correct_policy(items, analytic_policy(items, "sS"), search, opts)
    cost_w = metrics(weekly_items, simulate_stats(weekly_items, weekly, search, opts))["cost"].to_numpy()
    cost_d = metrics(items, simulate_stats(items, daily, search, opts))["cost"].to_numpy()
    pick = cost_w <= cost_d
    return Policy(
        "cheapest", np.where(pick, weekly.review, daily.review), np.where(pick, weekly.reorder, daily.reorder),
        np.where(pick, weekly.order_up_to, daily.order_up_to), np.where(pick, weekly.quantity, daily.quantity),
        np.where(pick, weekly.safety_stock, daily.safety_stock),
    )  # fmt: skip


def _kpis(frame: pd.DataFrame, scenario: Scenario) -> dict[str, float]:
    """KPI parts over the judged days: service, days of inventory, costs (currency over the hold-out length)."""
    agg = summarise(frame, 1.0)
    periods = float(frame["periods"].max()) if len(frame) else 1.0  # per scenario x day: costs are per day
    days = scenario.holdout_days
    k = scenario.costs
    returned_per_day = float(frame["returned"].sum()) / max(periods, 1.0)
    item_days = float(frame["periods"].sum()) if len(frame) else 0.0
    unmet = float((frame["stockout_rate"] * frame["periods"]).sum()) / item_days if item_days else 0.0
    return {
        "units_demanded": float(frame["demand"].sum()) / max(periods, 1.0) * days,
        "fill_rate": agg["fill_rate"],
        "stockout_rate": float(frame["empty_periods"].sum()) / item_days if item_days else 0.0,
        "unmet_demand_day_rate": unmet,
        "days_of_inventory": agg["days_of_inventory"],
        "holding_cost": float(frame["holding_cost"].sum()) * days,
        "replenishment_cost": float(frame["order_cost"].sum()) * days,
        "shortage_cost": float(frame["shortage_cost"].sum()) * days,
        "returns_cost": returned_per_day * days * (k.returns_pickup_cost + k.returns_processing_cost),
        "mean_on_hand_value": float((frame["mean_on_hand"]).sum()),
    }


def _stock_figure(items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions) -> bytes:
    """Stock trajectories of the busiest items under the optimised policy."""
    from optiops.plotting.stock import stock_figure_png

    busiest = np.argsort(-items.mean)[:6]
    sub, sub_policy = items.take(busiest), policy.take(busiest)
    sub_pool = DemandPool.from_lists([pool.values[pool.offsets[i] : pool.offsets[i + 1]] for i in busiest])
    trace = simulate_trace(sub, sub_policy, sub_pool, opts)
    return stock_figure_png(trace, list(sub.ids), list(sub_policy.reorder), list(sub_policy.order_up_to), opts.warmup)
