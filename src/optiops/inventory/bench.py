"""The car-parts inventory benchmark (suite ``inventory-carparts``).

Protocol: the 2,509 monthly car-part series (``../shared/benchmarks/forecast/``); every policy is
computed from the first 39 months only — forecast level (``auto_class``), spread, Syntetos-Boylan
class, the simulation searches and the allocation MIP — and judged by simulating the last 12
months, with each month's demand bootstrapped from that item's 12 held-out months (so the judge
sees the real future distribution, never the policy). A second judge (``judge = history``) draws
from all 51 months, the looser reading of "bootstrapped from history". The data has no costs or lead times; the
suite settings supply them (one month lead time, monthly review, unit value 1, holding 25 % a
year), the same for every item.

Policies compared side by side:

- ``weeks_of_cover``: common practice, order up to ``N`` weeks of forecast demand every review;
- ``analytic``: normal protection-interval demand at the target cycle service level;
- ``corrected``: the analytic levels shifted by the simulation search until each item meets the
  target; the search bootstraps all training months, a month ``search_half_life`` months older
  drawn half as often (``DemandPool.recency_weighted``);
- ``allocated``: the service-level allocation MIP at the aggregate fill rate the ``N``-weeks rule
  reaches in the same training simulation, minimising holding cost; its menu (and the rule's
  training fill rate) bootstraps the last ``search_window`` training months.

Every policy but the rule is also set against the weeks-of-cover rule of *equal fill* on the same
judge (:func:`equal_fill_rule`): the fewest weeks of cover whose rule reaches at least the
policy's fill rate, found with hindsight on the judge's pool, so the comparison favours the rule.
``days_vs_rule`` is the policy's days of inventory relative to that rule's.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optiops.forecast.api import forecast_frame
from optiops.forecast.classify import syntetos_boylan
from optiops.inventory.allocate import ServiceTargets, allocate_service, build_menu, menu_levels
from optiops.inventory.correct import correct_policy
from optiops.inventory.policy import Items, Policy, analytic_policy, weeks_of_cover_policy
from optiops.inventory.simulate import DemandPool, SimulationOptions, metrics, simulate_stats, summarise
from optiops.inventory.solve import CHECK_SEED_OFFSET
from optiops.io.demand import read_demand
from optiops.model.demand import DemandHistory, take_heads


@dataclass(frozen=True)
class CarpartsSettings:
    """Suite settings (``[settings]`` of ``benchmarks/suites/inventory-carparts.toml``)."""

    holdout: int = 12
    targets: tuple[float, ...] = (0.95, 0.98)
    weeks: tuple[float, ...] = (4.0, 8.0, 13.0, 26.0)
    lead_time: float = 1.0
    lead_time_sd: float = 0.0
    review: int = 1
    holding_rate: float = 0.25
    shortage_cost: float = 0.0
    search_window: int = 12
    search_half_life: float | None = 12.0
    scenarios: int = 500
    warmup: int = 12
    menu_size: int = 16
    seed: int = 1
    n_series: int | None = None


@dataclass(frozen=True, eq=False)
class CarpartsCase:
    """The data of one run: items built from the training months, search and judge pools, classes.

    ``search`` is the correction's pool (all training months, weighed by recency); ``window`` the
    allocation's (the last ``search_window`` training months).
    """

    items: Items
    search: DemandPool
    window: DemandPool
    judges: dict[str, DemandPool]
    groups: np.ndarray


def prepare(path: str | Path, s: CarpartsSettings, target: float = 0.95) -> CarpartsCase:
    """Items from the first ``len - holdout`` months; the judge pool is the held-out months."""
    history = read_demand(path)
    if s.n_series is not None and s.n_series < history.n_series:
        history = history.select(np.linspace(0, history.n_series - 1, s.n_series).round().astype(np.int64))
    n = history.n_series
    train_v, train_o = take_heads(history.values, history.offsets, history.lengths - s.holdout)
    train = DemandHistory(history.ids, train_v, train_o, history.first, history.origin, history.freq, history.source)
    mean = forecast_frame(train, 1, model="auto_class", levels=())["forecast"].to_numpy()
    sd = np.array([np.std(train_v[train_o[i] : train_o[i + 1]], ddof=1) for i in range(n)])
    ends = history.offsets[1:]
    judges = {
        "holdout": DemandPool.from_lists([history.values[e - s.holdout : e] for e in ends]),
        "history": DemandPool(history.values, history.offsets),
    }
    window = DemandPool.from_lists([train_v[max(train_o[i], train_o[i + 1] - s.search_window) : train_o[i + 1]]
                                    for i in range(n)])  # fmt: skip
    search = DemandPool.recency_weighted([train_v[train_o[i] : train_o[i + 1]] for i in range(n)], s.search_half_life)
    full = np.ones(n)
    items = Items(
        ids=tuple(history.ids), mean=mean, sd=sd, lt_mean=full * s.lead_time, lt_sd=full * s.lead_time_sd,
        review=np.full(n, s.review, dtype=np.int64), moq=full * 0, pack=full * 0, unit_cost=full,
        holding_rate=full * s.holding_rate / 12.0, order_cost=full * 0, shortage_cost=full * s.shortage_cost,
        lost_sales=np.zeros(n, dtype=np.bool_), return_rate=full * 0, return_delay=np.zeros(n, dtype=np.int64),
        target=full * target, period_days=365.25 / 12.0,
    )  # fmt: skip
    groups = syntetos_boylan(train_v, train_o).label
    return CarpartsCase(items, search, window, judges, groups)


def _rows(
    case: CarpartsCase, policy: Policy, judge_opts: SimulationOptions, base: dict[str, Any], match_rule: bool = True
) -> list[dict[str, Any]]:
    """One row per judge for all items and one per demand class.

    With ``match_rule``, the row of all items also carries the weeks-of-cover rule of equal fill
    on the same judge (:func:`equal_fill_rule`): ``rule_weeks``, ``rule_fill_rate``, ``rule_days``
    and ``days_vs_rule`` (this policy's days of inventory over the rule's, minus one).
    """
    rows = []
    for judge, pool in case.judges.items():
        frame = metrics(case.items, simulate_stats(case.items, policy, pool, judge_opts))
        part = _group_rows(case, frame, {**base, "judge": judge})
        if match_rule:
            rule = equal_fill_rule(case.items, pool, judge_opts, summarise(frame, case.items.period_days)["fill_rate"])
            if rule is not None:
                weeks, agg = rule
                part[0].update({
                    "rule_weeks": round(weeks, 2), "rule_fill_rate": round(agg["fill_rate"], 5),
                    "rule_days": round(agg["days_of_inventory"], 3),
                    "days_vs_rule": round(part[0]["days_of_inventory"] / agg["days_of_inventory"] - 1.0, 4),
                })  # fmt: skip
        rows += part
    return rows


def equal_fill_rule(
    items: Items, pool: DemandPool, opts: SimulationOptions, fill: float, max_weeks: float = 520.0, tol: float = 0.05
) -> tuple[float, dict[str, float]] | None:
    """The weeks-of-cover rule of equal fill: the fewest weeks whose rule reaches at least ``fill`` on ``pool``.

    The rule's fill rate and days of inventory grow with its weeks (whole-unit levels, the same
    demand paths at every step), so a bisection to ``tol`` weeks finds the rule that holds the least
    stock at equal or better fill. The rule is judged on the pool it is compared on, so it gets its
    best setting in hindsight; a policy that holds fewer days than this rule beats every setting of
    it at its fill rate. ``None`` when even ``max_weeks`` falls short.

    Returns
    -------
    tuple or None
        The weeks and the rule's aggregate metrics (:func:`~optiops.inventory.simulate.summarise`).
    """

    def judged(weeks: float) -> dict[str, float]:
        stats = simulate_stats(items, weeks_of_cover_policy(items, weeks), pool, opts)
        return summarise(metrics(items, stats), items.period_days)

    lo, hi = 0.0, 4.0
    best = judged(hi)
    while best["fill_rate"] < fill - 1e-12:
        if hi >= max_weeks:
            return None
        lo, hi = hi, min(2.0 * hi, max_weeks)
        best = judged(hi)
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        agg = judged(mid)
        if agg["fill_rate"] >= fill - 1e-12:
            hi, best = mid, agg
        else:
            lo = mid
    return hi, best


def _group_rows(case: CarpartsCase, frame: pd.DataFrame, base: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for group in ["all", *sorted(set(case.groups))]:
        part = frame if group == "all" else frame[case.groups == group]
        agg = summarise(part, case.items.period_days)
        rows.append({
            **base, "group": group, "items": len(part), "achieved_csl": round(agg["achieved_csl"], 5),
            "fill_rate": round(agg["fill_rate"], 5), "days_of_inventory": round(agg["days_of_inventory"], 3),
            "stockout_rate": round(agg["stockout_rate"], 5), "cost": round(agg["cost"], 4),
            "mean_on_hand": round(agg["mean_on_hand"], 3),
        })  # fmt: skip
    return rows


def run_inventory_carparts(path: str | Path, s: CarpartsSettings | None = None) -> pd.DataFrame:
    """All policies of the suite side by side, judged on the held-out year.

    Returns
    -------
    pandas.DataFrame
        One row per policy x setting x group: ``policy, target_csl, weeks, target_fill, group, items,
        achieved_csl, fill_rate, days_of_inventory, stockout_rate, cost, mean_on_hand, runtime_s``;
        rows of all items of a policy other than the rule add ``rule_weeks, rule_fill_rate,
        rule_days, days_vs_rule`` (the weeks-of-cover rule of equal fill on the same judge).
    """
    s = s or CarpartsSettings()
    case = prepare(path, s)
    search = SimulationOptions(s.scenarios, s.holdout, s.warmup, s.seed)
    judge = SimulationOptions(s.scenarios, s.holdout, s.warmup, s.seed + CHECK_SEED_OFFSET)
    rows: list[dict[str, Any]] = []
    woc_fill = {}
    for w in s.weeks:
        t0 = time.perf_counter()
        pol = weeks_of_cover_policy(case.items, w)
        woc_fill[w] = summarise(metrics(case.items, simulate_stats(case.items, pol, case.window, search)),
                                case.items.period_days)["fill_rate"]  # fmt: skip
        base = {"policy": "weeks_of_cover", "weeks": w, "target_csl": None,
                "runtime_s": round(time.perf_counter() - t0, 3)}  # fmt: skip
        rows += _rows(case, pol, judge, base, match_rule=False)
    for target in s.targets:
        items = _with_target(case.items, target)
        t0 = time.perf_counter()
        an = analytic_policy(items)
        t_an = time.perf_counter() - t0
        co = correct_policy(items, an, case.search, search)
        t_co = time.perf_counter() - t0
        sub = dataclasses.replace(case, items=items)
        rows += _rows(sub, an, judge, {"policy": "analytic", "target_csl": target, "runtime_s": round(t_an, 3)})
        rows += _rows(sub, co, judge, {"policy": "corrected", "target_csl": target, "runtime_s": round(t_co, 3)})
    rows += _allocated_rows(case, s, search, judge, woc_fill)
    return pd.DataFrame(rows)


def _allocated_rows(
    case: CarpartsCase, s: CarpartsSettings, search: SimulationOptions, judge: SimulationOptions,
    woc_fill: dict[float, float],
) -> list[dict[str, Any]]:  # fmt: skip
    """The allocation MIP at each weeks-of-cover rule's training fill rate (holding cost only)."""
    t0 = time.perf_counter()
    items = _with_target(case.items, 0.95)
    base = analytic_policy(items)
    high = analytic_policy(_with_target(items, 0.999), distribution="gamma").order_up_to
    levels = menu_levels(np.zeros(items.n), np.maximum(high, 1.5 * base.order_up_to), s.menu_size)
    holding_only = dataclasses.replace(items, shortage_cost=np.zeros(items.n))
    menu = build_menu(holding_only, base, levels, case.window, search)
    t_menu = time.perf_counter() - t0
    rows = []
    for w, fill in woc_fill.items():
        t1 = time.perf_counter()
        pol, res = allocate_service(items, base, menu, ServiceTargets(fill_rate=fill))
        rows += _rows(case, pol, judge, {
            "policy": "allocated", "weeks": w, "target_csl": None, "target_fill": round(fill, 5),
            "mip_status": res.status, "runtime_s": round(t_menu + time.perf_counter() - t1, 3),
        })  # fmt: skip
    return rows


def _with_target(items: Items, target: float) -> Items:
    return dataclasses.replace(items, target=np.full(items.n, target))
