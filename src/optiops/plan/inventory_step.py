"""Forecast and inventory steps of the network plan: policies per SKU x warehouse, judged on the hold-out days.

Demand of a zone is stocked at its nearest warehouse (both plans; the allocation step optimises the
next day's orders on top). History = the days before the hold-out. Both plans are played through the
same numba simulation (:mod:`optiops.kernels.inventory`) over the hold-out days, with each day's
demand bootstrapped from that item's actual hold-out days, after a warm-up of the same length:

- **baseline** (common practice): the ERP's default (:mod:`optiops.inventory.erp`): weekly review,
  order up to ``mu (R + L) + z sigma sqrt(R + L)`` at a 95 % cycle service level on a 28-day moving
  average and its one-day errors, the baseline ``optiops replay`` is calibrated with;
- **optimised**: joint replenishment by supplier.  A warehouse buys each category from one supplier;
  a purchase order costs ``replenishment_order_cost`` whatever its lines, plus
  ``replenishment_line_cost`` per line (SKU).  Each supplier x warehouse group orders either on a
  common weekly day or on any day.  Weekly: each item the cheaper of (R, S) and (s, S) reviewed on
  that day; any day: each item the cheaper of weekly (R, S) and daily (s, S).  Levels come from the
  forecast and its spread (analytic normal) with the EOQ at the line cost as ``S - s``, corrected by
  simulation on the last ``SEARCH_DAYS`` days of history until the item meets the fill-rate target,
  the simulation drawing a demand level per scenario around the forecast with the spread the level
  showed in the history (:func:`optiops.inventory.risk.level_spread`).
  "Cheaper" is the simulated holding + line + lost-sales cost of the item, and for the group that
  plus its purchase orders, on the same history days, never on the judged days.

Both plans pay the same prices: lines at the line cost and every day a group orders (the simulation
counts them, :func:`optiops.inventory.simulate.simulate_joint`) at the purchase-order cost.

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
from optiops.inventory.erp import ERP_CSL, ERP_REVIEW, MA_DAYS, erp_policy
from optiops.inventory.policy import Items, Policy, analytic_policy
from optiops.inventory.risk import level_spread, protection_days
from optiops.inventory.simulate import (
    DemandPool,
    SimulationOptions,
    metrics,
    simulate_joint,
    simulate_stats,
    simulate_trace,
    summarise,
)
from optiops.inventory.solve import CHECK_SEED_OFFSET
from optiops.model.demand import DemandHistory
from optiops.model.scenario import Scenario
from optiops.plan.base import PlanOptions, StepResult

WEEKLY_REVIEW = ERP_REVIEW  # the joint policy's weekly review, the ERP's period
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
        holding_rate=f * k.holding_rate / 365.0, order_cost=f * k.replenishment_line_cost,
        shortage_cost=skus["price"].to_numpy(float) * k.shortage_cost_share, lost_sales=np.ones(n, dtype=np.bool_),
        return_rate=skus["return_rate"].to_numpy(float), return_delay=skus["return_delay_days"].to_numpy(np.int64),
        target=f * TARGET_FILL, target_kind="fill_rate", warehouse=tuple(i.split("@")[1] for i in demand.index),
        period_days=1.0,
    )  # fmt: skip
    return items, level


def supplier_groups(scenario: Scenario, items: Items) -> tuple[np.ndarray, list[str]]:
    """Purchase-order group of every item: its warehouse x its SKU's category (one supplier per category)."""
    category = scenario.skus.set_index("sku")["category"]
    names = [f"{w}/{category[i.split('@')[0]]}" for i, w in zip(items.ids, items.warehouse, strict=True)]
    labels = sorted(set(names))
    index = {name: g for g, name in enumerate(labels)}
    return np.array([index[n] for n in names], dtype=np.int64), labels


def inventory_step(scenario: Scenario, options: PlanOptions) -> StepResult:
    """The ERP's order-up-to vs optimised joint replenishment, judged on the hold-out days (module docstring)."""
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
    base_items, baseline = erp_policy(items, values[:, :history_days].T)
    group, labels = supplier_groups(scenario, items)
    po_cost = scenario.costs.replenishment_order_cost
    # sized where the level may move as it did in the history; judged, like the baseline, on the hold-out as it is
    spread = level_spread(ordinary_history(scenario, values[:, :history_days].T),
                          protection_days(items.lt_mean, WEEKLY_REVIEW))  # fmt: skip
    sized = dataclasses.replace(items, level_sd=np.full(items.n, spread))
    optimised, daily = joint_policy(sized, group, len(labels), po_cost, search, search_opts)
    t_policy = time.perf_counter() - t0
    kpis, frames, po_per_day = {}, {}, {}
    for name, its, pol in (("baseline", base_items, baseline), ("optimised", items, optimised)):
        raw, purchase_orders = simulate_joint(its, pol, judge, judge_opts, group, len(labels))
        frames[name], po_per_day[name] = metrics(its, raw), float(purchase_orders.sum())
        kpis[name] = _kpis(frames[name], scenario, po_per_day[name] * po_cost)
    table = pd.DataFrame({
        "item": items.ids, "forecast_per_day": np.round(items.mean, 4),
        "baseline_order_up_to": baseline.order_up_to, "optimised_reorder_point": optimised.reorder,
        "optimised_order_up_to": optimised.order_up_to,
        **{f"{p}_{c}": frames[p][c].round(5) for p in frames for c in ("achieved_csl", "fill_rate", "mean_on_hand")},
    })  # fmt: skip
    note = (
        f"Baseline: the ERP default, review every {ERP_REVIEW} days, order up to a {ERP_CSL:.0%} cycle service "
        f"level on the {MA_DAYS}-day moving average. "
        f"Optimised: joint replenishment by supplier x warehouse ({int(daily.sum())} of {len(labels)} groups order "
        f"on any day, the others on a common weekly day); per item the cheaper of (R, S) and (s, S) with EOQ spacing "
        f"at the line cost, levels corrected by simulation to a {TARGET_FILL:.0%} fill rate at a demand level drawn "
        f"around the forecast (log spread {spread:.2f}, measured on the history). Both judged on {h} "
        f"hold-out days x {options.scenarios} bootstrapped scenarios, purchase orders at "
        f"{po_cost:g} and lines at {scenario.costs.replenishment_line_cost:g} in both plans."
    )
    stats = {"items": items.n, "scenarios": options.scenarios, "policy_s": round(t_policy, 2),
             "level_spread": round(spread, 4),
             "supplier_groups": len(labels), "groups_ordering_daily": int(daily.sum()),
             **{f"{p}_purchase_orders_per_day": round(v, 3) for p, v in po_per_day.items()},
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


def ordinary_history(scenario: Scenario, history: np.ndarray) -> np.ndarray:
    """The ``(days, items)`` history's days without a calendar event (a sale, a festival, a closure).

    All of it when fewer than ``SEARCH_DAYS`` such days remain.
    """
    ordinary = (scenario.calendar["event"].astype(str) == "").to_numpy()[: len(history)]
    return history[ordinary] if ordinary.sum() >= SEARCH_DAYS else history


def joint_policy(
    items: Items, group: np.ndarray, n_groups: int, po_cost: float, search: DemandPool, opts: SimulationOptions
) -> tuple[Policy, np.ndarray]:
    """Joint replenishment (see the module docstring): the policy, and which groups order on any day.

    Parameters
    ----------
    items : Items
        Items with ``order_cost`` the cost of one line.
    group, n_groups : numpy.ndarray, int
        Purchase-order group of every item (:func:`supplier_groups`).
    po_cost : float
        Fixed cost of one purchase order of a group.
    search, opts
        History days and simulation settings the choice is made on.
    """
    weekly_items = _weekly(items)
    rs_weekly = correct_policy(weekly_items, analytic_policy(weekly_items, "RS"), search, opts)
    ss_weekly = correct_policy(weekly_items, analytic_policy(weekly_items, "sS"), search, opts)
    ss_daily = correct_policy(items, analytic_policy(items, "sS"), search, opts)
    cost = {
        name: metrics(its, simulate_stats(its, pol, search, opts))["cost"].to_numpy()
        for name, its, pol in (("rs", weekly_items, rs_weekly), ("ssw", weekly_items, ss_weekly),
                               ("ssd", items, ss_daily))
    }  # fmt: skip
    weekly = _pick(cost["rs"] <= cost["ssw"], rs_weekly, ss_weekly)
    any_day = _pick(cost["rs"] <= cost["ssd"], rs_weekly, ss_daily)
    group_cost = {}
    for name, pol in (("weekly", weekly), ("any_day", any_day)):
        # an item's result depends only on its own rule and seed, so its cost here is the one it was picked by
        stats, purchase_orders = simulate_joint(items, pol, search, opts, group, n_groups)
        item_cost = metrics(items, stats)["cost"].to_numpy()
        group_cost[name] = np.bincount(group, weights=item_cost, minlength=n_groups) + po_cost * purchase_orders
    daily = group_cost["any_day"] < group_cost["weekly"]
    return _pick(~daily[group], weekly, any_day, "joint"), daily


def _weekly(items: Items) -> Items:
    """The items reviewed every ``WEEKLY_REVIEW`` days, all on the same day."""
    return dataclasses.replace(items, review=np.full(items.n, WEEKLY_REVIEW, dtype=np.int64))


def _pick(first: np.ndarray, a: Policy, b: Policy, name: str = "cheapest") -> Policy:
    """Per item, ``a``'s rule where ``first`` holds, ``b``'s otherwise."""
    return Policy(
        name, np.where(first, a.review, b.review), np.where(first, a.reorder, b.reorder),
        np.where(first, a.order_up_to, b.order_up_to), np.where(first, a.quantity, b.quantity),
        np.where(first, a.safety_stock, b.safety_stock),
    )  # fmt: skip


def _kpis(frame: pd.DataFrame, scenario: Scenario, po_cost_per_day: float) -> dict[str, float]:
    """KPI parts over the judged days: service, days of inventory, costs (currency over the hold-out length).

    ``frame`` is :func:`metrics` (lines at the line cost); ``po_cost_per_day`` the purchase orders' cost per day.
    """
    agg = summarise(frame, 1.0)
    periods = float(frame["periods"].max()) if len(frame) else 1.0  # per scenario x day: costs are per day
    days = scenario.holdout_days
    k = scenario.costs
    returned_per_day = float(frame["returned"].sum()) / max(periods, 1.0)
    per_return = k.returns_processing_cost + carrier_return_share(scenario) * k.returns_pickup_cost
    item_days = float(frame["periods"].sum()) if len(frame) else 0.0
    unmet = float((frame["stockout_rate"] * frame["periods"]).sum()) / item_days if item_days else 0.0
    return {
        "units_demanded": float(frame["demand"].sum()) / max(periods, 1.0) * days,
        "fill_rate": agg["fill_rate"],
        "stockout_rate": float(frame["empty_periods"].sum()) / item_days if item_days else 0.0,
        "unmet_demand_day_rate": unmet,
        "days_of_inventory": agg["days_of_inventory"],
        "holding_cost": float(frame["holding_cost"].sum()) * days,
        "replenishment_cost": (float(frame["order_cost"].sum()) + po_cost_per_day) * days,
        "shortage_cost": float(frame["shortage_cost"].sum()) * days,
        "returns_cost": returned_per_day * days * per_return,
        "mean_on_hand_value": float((frame["mean_on_hand"]).sum()),
    }


def carrier_return_share(scenario: Scenario) -> float:
    """Share of the returned units whose pickup is paid here: those of zones without an own fleet.

    Returns in a fleet zone are picked up by the fleet, and the routing step prices them (route cost,
    or the carrier tariff when the fleet leaves them out). Charging them ``returns_pickup_cost`` here
    too counted their pickup twice.
    """
    returns = scenario.returns
    total = float(returns["y"].sum()) if len(returns) else 0.0
    if total <= 0.0:
        return 1.0
    fleet = scenario.zones.loc[scenario.zones["fleet_warehouse"] != "", "zone"]
    return float(returns.loc[~returns["zone"].isin(fleet), "y"].sum()) / total


def _stock_figure(items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions) -> bytes:
    """Stock trajectories of the busiest items under the optimised policy."""
    from optiops.plotting.stock import stock_figure_png

    busiest = np.argsort(-items.mean)[:6]
    sub, sub_policy = items.take(busiest), policy.take(busiest)
    sub_pool = DemandPool.from_lists([pool.values[pool.offsets[i] : pool.offsets[i + 1]] for i in busiest])
    trace = simulate_trace(sub, sub_policy, sub_pool, opts)
    return stock_figure_png(trace, list(sub.ids), list(sub_policy.reorder), list(sub_policy.order_up_to), opts.warmup)
