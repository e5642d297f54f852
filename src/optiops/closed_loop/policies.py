"""The planning side of a replayed day: forecasts, replenishment rules and the week's roster, for both plans.

Every planner sees the demand each item (SKU x warehouse) met up to yesterday: the units it shipped
plus the units lost at the zone's home warehouse (a sale that did not happen is still demand).

- **Baseline** (what a competent planner runs in an ERP today): a 28-day moving average with a
  day-of-week profile; weekly review on one day for every item, order up to
  ``S = mu (R + L) + z sigma sqrt(R + L)`` at a 95 % cycle service level (Silver, Pyke & Thomas 2017,
  ch. 6), sigma the standard deviation of the daily forecast errors over the last 28 days; the
  scenario's fixed shift pattern with head counts per day sized on the last four weeks to the same
  service rule as the optimised staffing.
- **Optimised**: ``auto_class`` forecasts on the ordinary days (sales events left out); the joint
  replenishment of the network plan (per supplier x warehouse group a common weekly day or any day,
  per item the cheaper of (R, S) and (s, S), levels corrected by simulation to a 98 % fill rate on
  the last 56 days at a demand level drawn around the forecast); 4, 6 and 8-hour shifts on any
  opening hour with head counts per day. Neither reads last year's season
  (:mod:`optiops.forecast.yearly` measures it): on the one operation with a year of history it
  bought fill at more cost than the lost sales it saved (docs/real-data.md).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from optiops.forecast.api import forecast_frame
from optiops.inventory.erp import ERP_CSL, ERP_REVIEW, erp_policy
from optiops.inventory.policy import Items, Policy
from optiops.inventory.risk import level_spread, protection_days
from optiops.inventory.simulate import DemandPool, SimulationOptions
from optiops.labour.staffing import ShiftPlan, ShiftType, design_shifts, shift_types, workload_minutes
from optiops.model.demand import DemandHistory
from optiops.model.scenario import Scenario
from optiops.plan.inventory_step import SEARCH_DAYS, TARGET_FILL, joint_policy, ordinary_history
from optiops.plan.labour_step import UTILISATION, WITHIN_HOURS, fixed_shifts, hourly_drivers, labour_standards
from optiops.solvers import MipOptions

REVIEW_DAYS = ERP_REVIEW  # the baseline's (and weekly groups') review period
SAMPLE_WEEKS = 4  # weeks of history the rosters are sized on


@dataclasses.dataclass(frozen=True, eq=False)
class Grid:
    """The items of the operation: every SKU x warehouse, item ``i = s * W + w``, and their parameters."""

    skus: tuple[str, ...]
    warehouses: tuple[str, ...]
    category: np.ndarray  # (S,) category of every SKU
    pack: np.ndarray  # (N,) float
    unit_cost: np.ndarray
    price: np.ndarray
    lt_mean: np.ndarray
    lt_sd: np.ndarray
    return_rate: np.ndarray
    return_delay: np.ndarray  # int64
    group: np.ndarray  # (N,) purchase-order group: warehouse x category (one supplier per category)

    @property
    def n(self) -> int:
        return len(self.skus) * len(self.warehouses)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f"{s}@{w}" for s in self.skus for w in self.warehouses)

    @classmethod
    def of(cls, scenario: Scenario) -> Grid:
        skus = scenario.skus.reset_index(drop=True)
        whs = tuple(scenario.warehouses["warehouse"].astype(str))
        n_w = len(whs)

        def rep(col: str, dtype: type = float) -> np.ndarray:
            return np.repeat(skus[col].to_numpy(dtype=dtype), n_w)

        cats = sorted(set(skus["category"].astype(str)))
        cat_ix = skus["category"].map({c: k for k, c in enumerate(cats)}).to_numpy(dtype=np.int64)
        group = (np.repeat(cat_ix, n_w) * n_w + np.tile(np.arange(n_w), len(skus))).astype(np.int64)
        return cls(
            skus=tuple(skus["sku"].astype(str)), warehouses=whs, category=skus["category"].to_numpy(dtype=str),
            pack=rep("pack"), unit_cost=rep("unit_cost"), price=rep("price"), lt_mean=rep("lead_time_mean_days"),
            lt_sd=rep("lead_time_sd_days"), return_rate=rep("return_rate"),
            return_delay=rep("return_delay_days", np.int64), group=group,
        )  # fmt: skip

    def items(self, mean: np.ndarray, sd: np.ndarray, scenario: Scenario, review: int, target: float,
              kind: str) -> Items:  # fmt: skip
        """Inventory items at the forecast ``mean`` and ``sd`` per day."""
        k, n = scenario.costs, self.n
        f = np.ones(n)
        return Items(
            ids=self.ids, mean=mean, sd=sd, lt_mean=self.lt_mean, lt_sd=self.lt_sd,
            review=np.full(n, review, dtype=np.int64), moq=f * 0, pack=self.pack, unit_cost=self.unit_cost,
            holding_rate=f * k.holding_rate / 365.0, order_cost=f * k.replenishment_line_cost,
            shortage_cost=self.price * k.shortage_cost_share, lost_sales=np.ones(n, dtype=np.bool_),
            return_rate=self.return_rate, return_delay=self.return_delay, target=f * target,
            target_kind="csl" if kind == "csl" else "fill_rate",
            warehouse=tuple(w for _ in self.skus for w in self.warehouses), period_days=1.0,
        )  # fmt: skip


def weekday_profile(history: np.ndarray, first_weekday: int) -> np.ndarray:
    """Day-of-week factors (mean 1) of the last eight weeks of the total (the baseline's seasonal profile)."""
    total = history.sum(axis=1)
    days = len(total)
    span = min(days, 56)
    weekday = (first_weekday + np.arange(days - span, days)) % 7
    per_day = np.array([total[days - span :][weekday == d].mean() if (weekday == d).any() else 0.0 for d in range(7)])
    return per_day / per_day.mean() if per_day.mean() > 0 else np.ones(7)


def baseline_policy(grid: Grid, scenario: Scenario, history: np.ndarray) -> Policy:
    """The ERP's weekly order-up-to at 95 % cycle service on the moving average (:mod:`optiops.inventory.erp`)."""
    zero = np.zeros(grid.n)
    return erp_policy(grid.items(zero, zero, scenario, REVIEW_DAYS, ERP_CSL, "csl"), history)[1]


def auto_forecast(grid: Grid, history: np.ndarray, start: pd.Timestamp) -> np.ndarray:
    """``auto_class`` one-step level of every item with demand; zero for the rest."""
    active = np.flatnonzero(history.sum(axis=0) > 0)
    level = np.zeros(grid.n)
    if not len(active):
        return level
    hist = history[:, active].T
    n, days = hist.shape
    offsets = np.arange(0, (n + 1) * days, days, dtype=np.int64)
    all_ids = grid.ids
    ids = tuple(all_ids[i] for i in active)
    dh = DemandHistory(ids, hist.ravel().copy(), offsets, np.zeros(n, dtype=np.int64), start, "D")
    level[active] = forecast_frame(dh, 1, model="auto_class", levels=())["forecast"].to_numpy()
    return np.maximum(level, 0.0)


def optimised_policy(grid: Grid, scenario: Scenario, history: np.ndarray, seed: int,
                     scenarios: int = 100) -> tuple[Policy, np.ndarray]:  # fmt: skip
    """Joint replenishment at a 98 % fill rate on the ``auto_class`` forecast; (the rules, the daily forecast).

    The plan reads the calendar: days of a sales event (a festival, a sale, the run-up to one) are left
    out of the forecast, the spread and the simulated demand, so a past peak does not inflate the
    stock of ordinary weeks. The simulation that sizes the levels draws what the last 56 days cannot
    show: a demand level per scenario around the forecast, its spread measured on the history over a
    protection interval (:func:`optiops.inventory.risk.level_spread`), so that the target holds when
    items drift. The suppliers' outages are not drawn: they cost more stock than the empty shelves they
    save, since a refused line is asked for again the next day and the network ships from elsewhere.
    """
    history = ordinary_history(scenario, history)
    mean = auto_forecast(grid, history, pd.Timestamp(scenario.start))
    recent = history[-SEARCH_DAYS:]
    sd = recent.std(axis=0, ddof=1) if len(recent) > 1 else np.sqrt(mean)
    items = grid.items(mean, sd, scenario, 1, TARGET_FILL, "fill_rate")
    spread = level_spread(history, protection_days(grid.lt_mean, REVIEW_DAYS))
    items = dataclasses.replace(items, level_sd=np.full(grid.n, spread))
    active = np.flatnonzero(recent.sum(axis=0) > 0)
    policy = Policy("optimised", np.full(grid.n, REVIEW_DAYS, dtype=np.int64), np.zeros(grid.n), np.zeros(grid.n),
                    np.zeros(grid.n), np.zeros(grid.n))  # fmt: skip
    if len(active):
        sub = items.take(active)
        pool = DemandPool.from_lists(list(recent[:, active].T.copy()))
        opts = SimulationOptions(scenarios, REVIEW_DAYS * 4, REVIEW_DAYS * 4, seed)
        groups, local = np.unique(grid.group[active], return_inverse=True)
        pol, _ = joint_policy(sub, local.astype(np.int64), len(groups), scenario.costs.replenishment_order_cost,
                              pool, opts)  # fmt: skip
        for name in ("review", "reorder", "order_up_to", "quantity", "safety_stock"):
            getattr(policy, name)[active] = getattr(pol, name)
    return policy, mean


def order_quantities(policy: Policy, position: np.ndarray, pack: np.ndarray, due: np.ndarray) -> np.ndarray:
    """Units to order now: items under review with position at or below ``s`` order up to ``S`` in whole packs."""
    need = np.where(due & (position <= policy.reorder), policy.order_up_to - position, 0.0)
    batches = np.ceil(np.maximum(need, 0) / np.maximum(policy.quantity, 1))
    need = np.where(policy.quantity > 0, batches * policy.quantity, need)
    p = np.maximum(pack, 1.0)
    return np.where(need > 0, np.ceil(need / p - 1e-9) * p, 0.0)


@dataclasses.dataclass(frozen=True, eq=False)
class Roster:
    """A warehouse's staff for a week: head count per hour of the week and the paid hours per day."""

    staff: np.ndarray  # (168,) people present per hour
    hours_per_day: np.ndarray  # (7,) paid hours per day
    plan: ShiftPlan


def plan_rosters(
    scenario: Scenario, kind: str, units: dict[str, np.ndarray], returns: dict[str, np.ndarray],
    inbound: dict[str, np.ndarray], forecast_week: dict[str, float], first_weekday: int, lines: float,
    upo: float, mip: MipOptions, intraday: np.ndarray, inbound_week: dict[str, np.ndarray] | None = None,
) -> dict[str, Roster]:  # fmt: skip
    """Next week's roster of every warehouse, sized on the last four weeks rescaled to the forecast week.

    ``units``, ``returns`` and ``inbound`` are daily totals per warehouse up to yesterday (equal lengths);
    ``first_weekday`` is the weekday of the week planned; ``intraday`` the 24 hourly shares of the
    orders (the recorded orders', else the e-commerce profile). ``inbound_week``: the units each
    warehouse will receive on each day of the week planned (its purchase orders due), which then
    replace the sample weeks' receipts.
    """
    standards = labour_standards(scenario)
    out = {}
    for wh in scenario.warehouses.itertuples(index=False):
        w = str(wh.warehouse)
        u, r, b = units[w], returns[w], inbound[w]
        days = len(u)
        samples = []
        for k in range(SAMPLE_WEEKS, 0, -1):
            span = slice(days - 7 * k, days - 7 * (k - 1) if k > 1 else days)
            scale = forecast_week[w] / max(u[span].sum(), 1e-9) if u[span].sum() > 0 else 0.0
            drivers = hourly_drivers(u[span] * scale, r[span] * scale, lines, upo, (first_weekday - 7 * k) % 7,
                                     inbound=b[span] * scale if inbound_week is None else inbound_week[w],
                                     intraday=intraday)  # fmt: skip
            samples.append(sum(workload_minutes(drivers, standards).values()))
        open_h, close_h = int(str(wh.open_minute)) // 60, int(np.ceil(int(str(wh.close_minute)) / 60))
        if kind == "baseline":
            shifts: tuple[ShiftType, ...] = fixed_shifts(scenario, open_h, close_h)
        else:
            shifts = shift_types(24, range(open_h, close_h - 3), [4, 6, 8], close_h)
        sp = design_shifts(np.stack(samples), shifts, 24, 60.0, WITHIN_HOURS, UTILISATION, False, options=mip)
        hours = np.array([sum(c * s.length for c, s in zip(sp.counts[d], sp.shifts, strict=True)) for d in range(7)],
                         dtype=float)  # fmt: skip
        out[w] = Roster(sp.staff, hours, sp)
    return out
