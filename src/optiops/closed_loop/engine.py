"""The replay: the scenario's hold-out played day by day, closed loop, by the baseline and the optimised plan.

Both plans start the hold-out from the same opening state: the history played with the baseline's
replenishment from ``stock.csv`` on the scenario's first day (the operation as it runs today). Then
every day, for each plan:

1. **morning**: purchase orders due today arrive; returns whose inspection ends today go back into
   stock (the scenario's ``returns_unsellable_share`` is written off);
2. **plan** on data up to yesterday (:mod:`optiops.closed_loop.policies`): on the first day of each week
   (and every day for the optimised plan with ``reforecast="daily"``) forecasts, replenishment rules
   and next week's roster; every day the items under review order (lead times drawn from the
   scenario's mean and spread, the same draw for both plans);
3. **execute** the day's orders (the day's demand split into orders as ``optiops plan`` does): every
   line from stock on hand now (a line no warehouse can fill is lost), allocated by the plan's rule;
   warehouse work (lines, parcels, receipts, returns) done within the rostered hours, then overtime up
   to ``overtime_cap_share`` of them, the rest carried to tomorrow (its parcels ship late); own-fleet
   routing of the parcels dispatched today and the day's returns pickups;
4. the day's returns are picked up and inspected (the category's processing days) at the zone's
   nearest warehouse.

With ``ReplayOptions.transfers`` the optimised plan also moves stock between warehouses each
morning, after its purchase orders and before the orders, when a shelf would run out before a
transfer could reach it (:mod:`optiops.closed_loop.transfers`); the baseline waits for its next review.

The scenario's events (``events.yaml``) apply at their time in both plans
(:mod:`optiops.closed_loop.events`). Every cost of a day is booked on that day (``daily.csv``); every
stock movement of every item goes to the ledger, which balances: opening + receipts + returns
received + transfers in - written off - shipped - transfers out = closing.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import pandas as pd

from optiops.allocation import check_orders
from optiops.closed_loop.delivery import close_orders, route_day
from optiops.closed_loop.events import (
    DayEvents,
    capacity_scenario,
    day_events,
    delay_arrivals,
    event_columns,
    late_arrivals,
    surge_lift,
    surged,
)
from optiops.closed_loop.intraday import arrival_profile, intraday_columns
from optiops.closed_loop.kpis import COST_PARTS, replay_kpis
from optiops.closed_loop.named import ROSTER_SECONDS, DayAbsences, NamedWeek, day_absences, name_rosters
from optiops.closed_loop.options import ReplayOptions
from optiops.closed_loop.policies import (
    REVIEW_DAYS,
    Grid,
    Roster,
    baseline_policy,
    optimised_policy,
    order_quantities,
    plan_rosters,
    weekday_profile,
)
from optiops.closed_loop.replan import offer_late
from optiops.closed_loop.transfers import day_transfers
from optiops.exceptions import InfeasibleError, InstanceError, OptiopsError
from optiops.labour.rostering import RosterOptions
from optiops.model.orders import OrderAllocationPlan
from optiops.model.scenario import Costs, Scenario
from optiops.parallel import make_executor
from optiops.plan.allocation_step import (
    _optimised_plan,
    _shipments,
    baseline_allocation,
    carrier_matrices,
    day_order_arrays,
)
from optiops.plan.base import PlanOptions
from optiops.plan.inventory_step import nearest_warehouse
from optiops.plan.labour_step import UTILISATION, roster_mip
from optiops.plan.orders import DayOrders, next_day_orders
from optiops.scenario.config import config_from_dict
from optiops.scenario.demand import units_per_order

LEDGER_COLUMNS = ["day", "plan", "sku", "warehouse", "opening", "receipts", "returns_received", "transfers_in",
                  "written_off", "shipped", "transfers_out", "closing", "on_order", "in_transit"]  # fmt: skip
PAD_DAYS = 120  # days past the scenario's end a purchase order or a return may still be due


@dataclasses.dataclass(frozen=True, eq=False)
class ReplayResult:
    """What a replay gives: KPIs per plan, the daily figures, the stock ledger and the run's statistics."""

    scenario: str
    kpis: dict[str, dict[str, float]]
    breakdown: dict[str, dict[str, float]]
    daily: pd.DataFrame
    ledger: pd.DataFrame
    stats: dict[str, Any]
    notes: list[str]
    runtime_s: float


@dataclasses.dataclass(eq=False)
class Pending:
    """A parcel allocated but not yet dispatched: (order, warehouse) with its work and what it needs."""

    order: str
    warehouse: int
    minutes: float
    units: float
    day: int


@dataclasses.dataclass(eq=False)
class PlanState:
    """One plan's operation: stock, pipelines, the demand its items saw, its rules and its backlog."""

    name: str
    on_hand: np.ndarray
    arrivals: np.ndarray  # (days + PAD_DAYS, N) units due per day
    restock: np.ndarray  # returned units whose inspection ends that day
    writeoff: np.ndarray
    seen: np.ndarray  # (days, N) demand each item met (shipped + lost at the home warehouse)
    inbound: np.ndarray  # (days, W) units received per warehouse
    returned: np.ndarray  # (days, W) returned units processed per warehouse
    refused: np.ndarray  # (N,) bool: the item's last purchase-order line was refused
    policy: Any = None
    rosters: dict[str, Roster] = dataclasses.field(default_factory=dict)
    roster_day: int = 0
    pending: list[Pending] = dataclasses.field(default_factory=list)
    other_minutes: np.ndarray | None = None  # (W,) receipts and returns work carried
    open_orders: dict[str, list[Any]] = dataclasses.field(default_factory=dict)  # order -> [parcels left, late, day]
    forecast: np.ndarray | None = None  # (N,) the optimised plan's daily forecast
    transit: dict[int, np.ndarray] = dataclasses.field(default_factory=dict)  # day -> (N,) transferred units due
    sent: np.ndarray | None = None  # (N,) units transferred out today
    named: dict[str, NamedWeek] = dataclasses.field(default_factory=dict)  # the week's named rosters (absences)


@dataclasses.dataclass(frozen=True, eq=False)
class Context:
    """What every day of the replay shares: the scenario, its item grid, prices and precomputed tables."""

    scenario: Scenario
    grid: Grid
    options: ReplayOptions
    history_days: int
    first_day: pd.Timestamp
    home: np.ndarray  # (Z,) warehouse index of each zone's nearest warehouse
    zone_index: dict[str, int]
    sku_index: dict[str, int]
    true_demand: np.ndarray  # (days, N) units per item at the zones' nearest warehouses
    returns_rows: dict[int, pd.DataFrame]
    processing_days: np.ndarray  # (S,) days of inspection
    lead_noise: np.ndarray  # (days + PAD_DAYS, N) standard normal draws (common to both plans)
    supplier_out: np.ndarray  # (days + PAD_DAYS, N) bool: the item's supplier cannot ship that day
    wage: np.ndarray  # (W,)
    seconds: dict[str, float]
    lines_per_order: float
    units_per_order: float
    stocked: np.ndarray  # (N,) bool: items that sold in the last eight history weeks
    stocked_skus: np.ndarray  # (S,) bool: SKUs with a stocked item
    promise_order: np.ndarray  # promises.csv rows by increasing max_transit_days
    promise_rank: dict[str, int]  # promise -> its rank in that order
    keepable: np.ndarray  # (Z,) rank of the fastest promise each zone's nearest warehouse keeps
    arrivals: np.ndarray  # (24,) share of the orders placed in each hour (recorded orders', else e-commerce)


def replay(scenario: Scenario, options: ReplayOptions | None = None,
           progress: Callable[[int, int], None] | None = None) -> ReplayResult:  # fmt: skip
    """Replay the hold-out of ``scenario`` day by day with each plan (module docstring).

    Parameters
    ----------
    scenario : Scenario
        A scenario with at least one hold-out day.
    options : ReplayOptions, optional
        Days, plans, time limit, seed, where routing runs.
    progress : callable, optional
        ``progress(days_done, days)`` after each day.

    Returns
    -------
    ReplayResult

    Raises
    ------
    InstanceError
        When the scenario has no hold-out day, or too little history to plan on.
    """
    options = options or ReplayOptions()
    t0 = time.perf_counter()
    events = scenario.events.events if scenario.events else ()
    scenario, surge_units = surged(scenario, options.seed)
    ctx = _context(scenario, options)
    timings: dict[str, float] = {}
    opening = _warm_up(ctx)
    opening_s = time.perf_counter() - t0
    day_seconds: list[float] = []
    states = {p: _copy_state(opening, p) for p in options.plans}
    n_days = min(options.days or scenario.holdout_days, scenario.holdout_days)
    dates = pd.date_range(ctx.first_day, periods=n_days)
    effects: list[DayEvents | None] = (
        list(day_events(ctx, events, n_days, surge_units.reindex(dates, fill_value=0.0).to_numpy()))
        if events
        else [None] * n_days
    )
    rows: list[dict[str, Any]] = []
    ledgers: list[pd.DataFrame] = []
    notes: list[str] = []
    plan_options = PlanOptions(time_limit=options.time_limit, seed=options.seed, executor=options.executor,
                               workers=options.workers, address=options.address,
                               routing_iterations=options.routing_iterations)  # fmt: skip
    with make_executor(options.executor, options.workers, address=options.address) as pool:
        for k in range(n_days):
            d = ctx.history_days + k
            tic = day_start = time.perf_counter()
            orders = _day_orders(ctx, d)
            ev = effects[k]
            if ev is not None:
                ev.late_orders = late_arrivals(ctx, d, orders, ev.late_share)
            _tick(timings, "orders", tic)
            base_route: dict[str, float] | None = None
            for p in options.plans:
                row, ledger, route = _play_day(ctx, states[p], d, k, orders, plan_options, pool, base_route,
                                               timings, notes, ev)  # fmt: skip
                if p == "baseline":
                    base_route = route
                rows.append(row)
                ledgers.append(ledger)
            day_seconds.append(round(time.perf_counter() - day_start, 2))
            if progress:
                progress(k + 1, n_days)
    daily = pd.DataFrame(rows)
    ledger = pd.concat(ledgers, ignore_index=True)
    kpis, breakdown = replay_kpis(daily, states, ctx)
    stats = {"days": n_days, "items": ctx.grid.n, "plans": list(options.plans), "time_limit": options.time_limit,
             "seed": options.seed, "reforecast": options.reforecast,
             "step_seconds": {k: round(v, 2) for k, v in timings.items()}, "opening_seconds": round(opening_s, 2),
             "day_seconds": day_seconds}  # fmt: skip
    if events:
        stats["events"] = len(events)
    return ReplayResult(scenario.name, kpis, breakdown, daily, ledger, stats, _dedupe(notes),
                        round(time.perf_counter() - t0, 2))  # fmt: skip


def _tick(timings: dict[str, float], name: str, since: float) -> float:
    now = time.perf_counter()
    timings[name] = timings.get(name, 0.0) + now - since
    return now


def _dedupe(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))


def _context(scenario: Scenario, options: ReplayOptions) -> Context:
    """Precompute what every day shares; check the scenario can be replayed."""
    if scenario.holdout_days < 1:
        raise InstanceError(
            "holdout_days: the scenario has no hold-out day to replay", f"{scenario.name}/scenario.yaml"
        )
    history_days = scenario.days - scenario.holdout_days
    if history_days < 28:
        raise InstanceError(f"history: {history_days} days before the hold-out; the plans need at least 28",
                            f"{scenario.name}/scenario.yaml")  # fmt: skip
    grid = Grid.of(scenario)
    longest = min(scenario.holdout_days, PAD_DAYS)
    too_long = scenario.skus.loc[scenario.skus["lead_time_mean_days"] > longest, "sku"]
    if len(too_long):
        raise InstanceError(f"lead_time_mean_days: SKU {too_long.iloc[0]!r} waits longer for stock than the "
                            f"{scenario.holdout_days} hold-out days; no order it places would arrive in the replay",
                            f"{scenario.name}/skus.csv")  # fmt: skip
    zones = scenario.zones["zone"].astype(str).tolist()
    wh_index = {w: i for i, w in enumerate(grid.warehouses)}
    near = nearest_warehouse(scenario)
    home = np.array([wh_index[near[z]] for z in zones], dtype=np.int64)
    zone_index = {z: i for i, z in enumerate(zones)}
    sku_index = {s: i for i, s in enumerate(grid.skus)}
    n_w = len(grid.warehouses)
    start = pd.Timestamp(scenario.start)
    true_demand = _item_days(scenario.demand, scenario.days, start, sku_index, zone_index, home, n_w)
    ret = scenario.returns.assign(d=(pd.to_datetime(scenario.returns["ds"]) - start).dt.days)
    returns_rows = {int(str(d)): g for d, g in ret.groupby("d")}
    cfg = config_from_dict(scenario.config) if scenario.config else None
    proc = {c.name: c.processing_days for c in cfg.categories} if cfg else {}
    processing = np.array([proc.get(c, 3) for c in grid.category], dtype=np.int64)
    rng = np.random.default_rng([options.seed, 7])
    lead_noise = rng.standard_normal((scenario.days + PAD_DAYS, grid.n))
    supplier_out = np.repeat(supplier_outages(scenario.costs, len(grid.skus), scenario.days + PAD_DAYS,
                                              np.random.default_rng([options.seed, 13])), n_w, axis=1)  # fmt: skip
    wage = np.array([float(scenario.staff.loc[scenario.staff["warehouse"] == w, "hourly_wage"].mean())
                     if (scenario.staff["warehouse"] == w).any() else 25.0 for w in grid.warehouses])  # fmt: skip
    lines, upo = units_per_order(cfg) if cfg else (1.4, 1.6)
    recent = true_demand[history_days - 56 : history_days].sum(axis=0)
    days_needed = scenario.promises["max_transit_days"].to_numpy(dtype=float)
    promise_order = np.argsort(days_needed, kind="stable")
    rank = {str(p): r for r, p in enumerate(scenario.promises["promise"].to_numpy(dtype=str)[promise_order])}
    transit = carrier_matrices(scenario).transit_days[home, np.arange(len(zones))]
    kept = transit[:, None] <= days_needed[promise_order][None, :]
    keepable = np.where(kept.any(axis=1), kept.argmax(axis=1), len(promise_order) - 1).astype(np.int64)
    stocked = recent > 0
    return Context(scenario, grid, options, history_days, start + pd.Timedelta(days=history_days), home,
                   zone_index, sku_index, true_demand, returns_rows, processing, lead_noise, supplier_out, wage,
                   _seconds(scenario), lines, upo, stocked, stocked.reshape(len(grid.skus), n_w).any(axis=1),
                   promise_order, rank, keepable, arrival_profile(scenario))  # fmt: skip


def supplier_outages(costs: Costs, n_skus: int, days: int, rng: np.random.Generator) -> np.ndarray:
    """(days, S) bool: the days each SKU's supplier cannot ship, a two-state Markov chain per SKU.

    Outages last ``supplier_outage_days`` on average (geometric) and cover ``supplier_outage_share``
    of the days in the long run; the first day is drawn from that long-run share.
    """
    share = costs.supplier_outage_share
    out = np.zeros((days, n_skus), dtype=bool)
    if share <= 0 or days == 0:
        return out
    end = 1.0 / max(costs.supplier_outage_days, 1.0)  # P(an outage ends on a day)
    start = end * share / (1.0 - share)  # P(one starts), so that start / (start + end) = share
    u = rng.random((days, n_skus))
    out[0] = u[0] < share
    for t in range(1, days):
        out[t] = np.where(out[t - 1], u[t] >= end, u[t] < start)
    return out


def _item_days(table: pd.DataFrame, days: int, start: pd.Timestamp, sku_index: dict[str, int],
               zone_index: dict[str, int], home: np.ndarray, n_w: int) -> np.ndarray:  # fmt: skip
    """(days, items) units of a sku x zone x day table at each zone's nearest warehouse."""
    out = np.zeros((days, len(sku_index) * n_w))
    d = (pd.to_datetime(table["ds"]) - start).dt.days.to_numpy()
    s = table["sku"].map(sku_index).to_numpy(dtype=np.int64)
    w = home[table["zone"].map(zone_index).to_numpy(dtype=np.int64)]
    np.add.at(out, (d, s * n_w + w), table["y"].to_numpy(dtype=float))
    return out


def _seconds(scenario: Scenario) -> dict[str, float]:
    """Standard seconds per line, parcel, shipped unit, received unit and returned unit."""
    out = dict.fromkeys(("line", "order", "unit", "inbound", "return"), 0.0)
    for row in scenario.labour_standards.itertuples(index=False):
        key = "inbound" if row.skill == "inbound" else str(row.driver)
        out[key] = out.get(key, 0.0) + float(str(row.seconds))
    return out


def _copy_state(state: PlanState, name: str) -> PlanState:
    return PlanState(name, state.on_hand.copy(), state.arrivals.copy(), state.restock.copy(), state.writeoff.copy(),
                     state.seen.copy(), state.inbound.copy(), state.returned.copy(), state.refused.copy(),
                     other_minutes=np.zeros(state.inbound.shape[1]))  # fmt: skip


def _stock_start(ctx: Context) -> np.ndarray:
    """``stock.csv`` as on-hand units per item."""
    st = ctx.scenario.stock
    on_hand = np.zeros(ctx.grid.n)
    s = st["sku"].map(ctx.sku_index)
    w = st["warehouse"].map({w: i for i, w in enumerate(ctx.grid.warehouses)})
    bad = s.isna() | w.isna()
    if bad.any():
        row = st[bad].iloc[0]
        raise InstanceError(f"unknown sku or warehouse ({row['sku']!r}, {row['warehouse']!r})",
                            f"{ctx.scenario.name}/stock.csv")  # fmt: skip
    np.add.at(on_hand, s.to_numpy(dtype=np.int64) * len(ctx.grid.warehouses) + w.to_numpy(dtype=np.int64),
              st["on_hand"].to_numpy(dtype=float))  # fmt: skip
    return on_hand


def _warm_up(ctx: Context) -> PlanState:
    """The opening state of the hold-out: the history played with the baseline's rules from ``stock.csv``.

    Every history day's demand is served at its zone's nearest warehouse from what is on hand (the
    rest is lost); the baseline reviews weekly on the weekday the hold-out starts on.
    """
    g, n_w, days = ctx.grid, len(ctx.grid.warehouses), ctx.scenario.days
    state = PlanState("opening", _stock_start(ctx), np.zeros((days + PAD_DAYS, g.n)), np.zeros((days + PAD_DAYS, g.n)),
                      np.zeros((days + PAD_DAYS, g.n)), np.zeros((days, g.n)), np.zeros((days, n_w)),
                      np.zeros((days, n_w)), np.zeros(g.n, dtype=bool))  # fmt: skip
    state.seen[: ctx.history_days] = ctx.true_demand[: ctx.history_days]
    for d in range(ctx.history_days):
        _morning(ctx, state, d)
        if (ctx.history_days - d) % REVIEW_DAYS == 0 and d >= 7:
            state.policy = baseline_policy(g, ctx.scenario, state.seen[:d])
        if state.policy is not None and (ctx.history_days - d) % REVIEW_DAYS == 0:
            _order(ctx, state, d, np.ones(g.n, dtype=bool))
        served = np.minimum(state.on_hand, ctx.true_demand[d])
        state.on_hand -= served
        _returns(ctx, state, d)
    return state


def _morning(ctx: Context, state: PlanState, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Receipts, transfers and inspected returns of day ``d`` into stock; (receipts, returns, written off, transfers).

    Transferred units are received and put away like a supplier's (inbound work).
    """
    receipts, back, lost = state.arrivals[d].copy(), state.restock[d].copy(), state.writeoff[d].copy()
    moved_in = state.transit.pop(d, np.zeros(ctx.grid.n))
    state.on_hand += receipts + back - lost + moved_in
    state.inbound[d] = (receipts + moved_in).reshape(-1, len(ctx.grid.warehouses)).sum(axis=0)
    return receipts, back, lost, moved_in


def _position(ctx: Context, state: PlanState, d: int) -> np.ndarray:
    """Inventory position: on hand, purchase orders and transfers due, and sellable returns in inspection."""
    returns = (state.restock - state.writeoff)[d + 1 :].sum(axis=0)
    return state.on_hand + state.arrivals[d + 1 :].sum(axis=0) + returns + _in_transit(state, d)


def _in_transit(state: PlanState, d: int) -> np.ndarray | float:
    """(N,) transferred units due after day ``d`` (0 when none are)."""
    return sum((units for day, units in state.transit.items() if day > d), start=0.0)


def _order(ctx: Context, state: PlanState, d: int, due: np.ndarray,
           lift: np.ndarray | None = None) -> tuple[int, int, int]:  # fmt: skip
    """Place the day's purchase orders, ``s`` and ``S`` raised by ``lift``; (purchase orders, lines, refused lines)."""
    g = ctx.grid
    policy = state.policy if lift is None else state.policy.shifted(lift)
    q = order_quantities(policy, _position(ctx, state, d), g.pack, due)
    refused = (q > 0) & ctx.supplier_out[d]
    q[refused] = 0.0  # refused at confirmation: nothing on order
    lines = np.flatnonzero(q > 0)
    state.refused[lines] = False
    state.refused |= refused
    lead = lead_times(g.lt_mean, g.lt_sd, ctx.lead_noise[d])
    arrive = np.minimum(d + lead[lines], state.arrivals.shape[0] - 1)
    np.add.at(state.arrivals, (arrive, lines), q[lines])
    return len(np.unique(g.group[lines])), len(lines), int(refused.sum())


def lead_times(mean: np.ndarray, sd: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Whole days of lead time, log-normal with the given mean and sd (right-skewed, as suppliers' delays are).

    ``z`` are standard normal draws; at least one day.
    """
    cv2 = np.where(mean > 0, (sd / np.maximum(mean, 1e-9)) ** 2, 0.0)
    sigma = np.sqrt(np.log1p(cv2))
    mu = np.log(np.maximum(mean, 1e-9)) - sigma**2 / 2.0
    return np.maximum(1, np.rint(np.exp(mu + sigma * z))).astype(np.int64)


def _returns(ctx: Context, state: PlanState, d: int) -> tuple[float, float]:
    """Pick up the day's returns at each zone's nearest warehouse; (units, units outside the fleet zones)."""
    rows = ctx.returns_rows.get(d)
    if rows is None or rows.empty:
        return 0.0, 0.0
    n_w = len(ctx.grid.warehouses)
    s = rows["sku"].map(ctx.sku_index).to_numpy(dtype=np.int64)
    z = rows["zone"].map(ctx.zone_index).to_numpy(dtype=np.int64)
    units = rows["y"].to_numpy(dtype=np.int64)
    items = s * n_w + ctx.home[z]
    rng = np.random.default_rng([ctx.options.seed, 11, d])
    lost = rng.binomial(units, ctx.scenario.costs.returns_unsellable_share)
    ready = np.minimum(d + ctx.processing_days[s], state.restock.shape[0] - 1)
    np.add.at(state.restock, (ready, items), units.astype(float))
    np.add.at(state.writeoff, (ready, items), lost.astype(float))
    np.add.at(state.returned[d], ctx.home[z], units.astype(float))
    fleet = ctx.scenario.zones["fleet_warehouse"].to_numpy(dtype=str)[z] != ""
    return float(units.sum()), float(units[~fleet].sum())


def _day_orders(ctx: Context, d: int) -> DayOrders:
    """The day's orders (the same for both plans), ids prefixed with the date.

    A shop shows each customer the promises its nearest warehouse can keep: an order asking for a
    faster one gets the fastest that can be kept (the promise classes by increasing transit days).
    """
    day = pd.Timestamp(ctx.scenario.start) + pd.Timedelta(days=d)
    orders = next_day_orders(ctx.scenario, PlanOptions(seed=ctx.options.seed * 100_003 + d), day)
    prefix = f"{day:%m%d}-"
    promise = orders.orders["promise"].map(ctx.promise_rank)
    promise = np.maximum(promise.to_numpy(dtype=np.int64), ctx.keepable[orders.orders["zone"].map(ctx.zone_index)])
    shown = ctx.scenario.promises["promise"].to_numpy(dtype=str)[ctx.promise_order][promise]
    return DayOrders(day, orders.orders.assign(order=prefix + orders.orders["order"], promise=shown),
                     orders.lines.assign(order=prefix + orders.lines["order"]), orders.pickups)  # fmt: skip


def _plan_week(ctx: Context, state: PlanState, d: int, k: int, timings: dict[str, float]) -> None:
    """Forecasts, replenishment rules (and on a week's first day the roster) of one plan from data up to ``d - 1``."""
    opts, tic = ctx.options, time.perf_counter()
    weekly = k % REVIEW_DAYS == 0
    if state.name == "baseline" and weekly:
        state.policy = baseline_policy(ctx.grid, ctx.scenario, state.seen[:d])
    elif state.name == "optimised" and (weekly or opts.reforecast == "daily"):
        state.policy, state.forecast = optimised_policy(ctx.grid, ctx.scenario, state.seen[:d], opts.seed)
    tic = _tick(timings, "replenishment_policy", tic)
    if weekly:
        state.rosters = _rosters(ctx, state, d)
        state.roster_day = d
        tic = _tick(timings, "roster", tic)
        if state.name == "optimised" and any(e.type == "staff_absence" for e in _events(ctx)):
            state.named = name_rosters(ctx.scenario, state.rosters, _weekday(ctx, d), _roster_options(ctx))
            _tick(timings, "named_roster", tic)


def _weekday(ctx: Context, d: int) -> int:
    """Weekday (Monday 0) of day ``d`` of the scenario."""
    return (pd.Timestamp(ctx.scenario.start).weekday() + d) % 7


def _events(ctx: Context) -> tuple[Any, ...]:
    return ctx.scenario.events.events if ctx.scenario.events else ()


def _roster_options(ctx: Context) -> RosterOptions:
    """CP-SAT options of the named rosters: one worker, the replay's seed, at most ``ROSTER_SECONDS``."""
    return RosterOptions(time_limit=min(ROSTER_SECONDS, ctx.options.time_limit), num_workers=1,
                         seed=ctx.options.seed, search="cpsat")  # fmt: skip


def _rosters(ctx: Context, state: PlanState, d: int) -> dict[str, Roster]:
    """Next week's roster per warehouse: the last four weeks rescaled to the plan's forecast of the week."""
    g, n_w = ctx.grid, len(ctx.grid.warehouses)
    seen = state.seen[:d].reshape(d, len(g.skus), n_w).sum(axis=1)  # (d, W) units per warehouse
    if state.name == "baseline":
        profile = weekday_profile(seen, _weekday(ctx, 0))
        week_days = (_weekday(ctx, d) + np.arange(7)) % 7
        forecast = {w: float(seen[-28:, i].mean() * profile[week_days].sum()) for i, w in enumerate(g.warehouses)}
    else:
        forecast = {w: float(_level(seen[:, i]) * 7.0) for i, w in enumerate(g.warehouses)}
    per_wh = {w: seen[:, i] for i, w in enumerate(g.warehouses)}
    returns = {w: state.returned[:d, i] for i, w in enumerate(g.warehouses)}
    inbound = {w: state.inbound[:d, i] for i, w in enumerate(g.warehouses)}
    due = None
    if state.name == "optimised":  # its own purchase orders due this week, not past weeks'
        week = state.arrivals[d : d + 7].reshape(-1, len(g.skus), n_w).sum(axis=1)
        due = {w: week[:, i] for i, w in enumerate(g.warehouses)}
    mip = roster_mip(ctx.options.time_limit, ctx.options.seed)
    return plan_rosters(ctx.scenario, state.name, per_wh, returns, inbound, forecast, _weekday(ctx, d),
                        ctx.lines_per_order, ctx.units_per_order, mip, ctx.arrivals, due)  # fmt: skip


def _level(series: np.ndarray) -> float:
    """Daily level of a warehouse's units for the optimised roster: exponential smoothing (alpha 0.2) of the history."""
    level = float(series[: min(len(series), 28)].mean()) if len(series) else 0.0
    for y in series[28:]:
        level += 0.2 * (float(y) - level)
    return level


def _play_day(
    ctx: Context, state: PlanState, d: int, k: int, orders: DayOrders, plan_options: PlanOptions, pool: Any,
    base_route: dict[str, float] | None, timings: dict[str, float], notes: list[str], ev: DayEvents | None = None,
) -> tuple[dict[str, Any], pd.DataFrame, dict[str, float]]:  # fmt: skip
    """One day of one plan: morning, planning, orders, warehouse work, routing, returns, costs; ``ev`` its events."""
    g, sc, costs = ctx.grid, ctx.scenario, ctx.scenario.costs
    opening = state.on_hand.copy()
    delayed = delay_arrivals(state, d, ev.delays) if ev is not None else 0.0
    receipts, back, written_off, moved_in = _morning(ctx, state, d)
    _plan_week(ctx, state, d, k, timings)
    tic = time.perf_counter()
    if state.name == "baseline":
        due = np.full(g.n, k % REVIEW_DAYS == 0)
    else:
        # weekly rules on the week's first day; a line a supplier refused is asked for again every day
        due = (k % REVIEW_DAYS == 0) | (state.policy.review <= 1) | state.refused
    lift = surge_lift(ctx, state, d, k, ev) if ev is not None and state.name == "optimised" else None
    if lift is not None:
        due = due | (lift > 0)  # a surge announced: the items it lifts are reviewed today
    purchase_orders, po_lines, refused = _order(ctx, state, d, due, lift)
    moved = day_transfers(ctx, state, d, k, ev) if state.name == "optimised" and ctx.options.transfers else _idle(state)
    tic = _tick(timings, "replenishment", tic)
    alloc = _allocate(ctx, state, orders, plan_options, notes, ev)
    tic = _tick(timings, f"allocation_{state.name}", tic)
    shipped = alloc["shipped_items"]
    state.on_hand -= shipped
    if (state.on_hand < -1e-9).any():
        raise OptiopsError(f"{state.name}: allocation shipped more than on hand on day {d}")
    state.seen[d] = shipped + alloc["lost_items"]
    returned_units, carrier_returns = _returns(ctx, state, d)
    absences = None
    if ev is not None and ev.absences and state.name == "optimised":
        absences = day_absences(ctx, state, d, ev, _roster_options(ctx))
        tic = _tick(timings, "reroster", tic)
    work = _warehouse_work(ctx, state, d, alloc, returned_units, ev, absences)
    known = work["dispatched"] + work["offered"] + state.pending  # every parcel of the day's queue
    tic = _tick(timings, "warehouse_work", tic)
    route, on_time_stops, carried = route_day(ctx, state, orders, work["dispatched"], plan_options, pool, base_route,
                                              ev, work["offered"], notes)  # fmt: skip
    _tick(timings, f"routing_{state.name}", tic)
    # late parcels the re-plan did not take wait for tomorrow's dispatch, already packed
    taken = {id(p) for p in carried}
    state.pending += [dataclasses.replace(p, minutes=0.0) for p in work["offered"] if id(p) not in taken]
    late, on_time, completed = close_orders(ctx, state, d, orders, work["dispatched"] + carried, alloc,
                                            on_time_stops, frozenset(p.order for p in carried))  # fmt: skip
    wh_fixed = float(sc.warehouses["fixed_cost_per_day"].sum())
    holding = float((state.on_hand * g.unit_cost).sum() * costs.holding_rate / 365.0)
    lost_units = float(alloc["lost_items"].sum())
    network = state.on_hand.reshape(len(g.skus), -1).sum(axis=1)
    row = {
        "day": orders.day.date().isoformat(), "plan": state.name,
        "orders": float(len(orders.orders)), "units": float(orders.units), "lost_orders": float(alloc["lost_orders"]),
        "lost_units": lost_units, "shipped_units": float(shipped.sum()),
        "orders_completed": float(completed), "orders_on_time": float(on_time), "late_orders": float(late),
        "backlog_orders": float(len({p.order for p in state.pending})),
        "parcels": float(alloc["parcels"]), "split_orders": float(alloc["split_orders"]),
        "on_hand_units": float(state.on_hand.sum()),
        "stocked_items_empty": float((state.on_hand[ctx.stocked] <= 0).sum()),
        "stocked_items": float(ctx.stocked.sum()),
        "stocked_skus_empty": float((network[ctx.stocked_skus] <= 0).sum()),
        "stocked_skus": float(ctx.stocked_skus.sum()),
        "receipts": float(receipts.sum()), "purchase_orders": float(purchase_orders), "po_lines": float(po_lines),
        "po_lines_refused": float(refused),
        "returned_units": returned_units, "rostered_hours": work["rostered_hours"],
        "overtime_hours": work["overtime_hours"], "fleet_stops": route["stops"],
        "fleet_on_time_rate": route["on_time_rate"], "carrier_units": route["carrier_units"],
        "cost_handling": alloc["handling_cost"], "cost_shipping": alloc["shipping_cost"],
        "cost_split": alloc["split_cost"],
        "cost_fleet": route["fleet_cost"] + route["carrier_units"] * costs.parcel_base_cost,
        "cost_holding": holding,
        "cost_replenishment": purchase_orders * costs.replenishment_order_cost
        + po_lines * costs.replenishment_line_cost,
        "cost_returns": returned_units * costs.returns_processing_cost + carrier_returns * costs.returns_pickup_cost,
        "cost_labour": work["labour_cost"], "cost_warehouse_fixed": wh_fixed, **moved,
        "lost_sales_value": float((alloc["lost_items"] * g.price).sum() * costs.shortage_cost_share),
    }  # fmt: skip
    if ev is not None:
        row.update(event_columns(ctx, ev, work, route, delayed))
    if ctx.options.intraday:
        tic = time.perf_counter()
        row.update(intraday_columns(ctx, state, d, known))
        _tick(timings, "intraday", tic)
    row["cost_total"] = sum(row[f"cost_{p}"] for p in COST_PARTS)
    ledger = _ledger(ctx, state, d, opening, receipts, back, written_off, shipped, moved_in)
    return row, ledger, route


def _idle(state: PlanState) -> dict[str, float]:
    """A day without transfers: nothing sent, the daily row's transfer figures at zero."""
    state.sent = np.zeros_like(state.on_hand)
    return {"transfer_units": 0.0, "transfer_shipments": 0.0, "cost_transfers": 0.0}


def _ledger(ctx: Context, state: PlanState, d: int, opening: np.ndarray, receipts: np.ndarray, back: np.ndarray,
            written_off: np.ndarray, shipped: np.ndarray, moved_in: np.ndarray) -> pd.DataFrame:  # fmt: skip
    """Stock movements of the day of every item that held or moved stock."""
    g = ctx.grid
    on_order = state.arrivals[d + 1 :].sum(axis=0)
    in_transit = np.broadcast_to(_in_transit(state, d), on_order.shape)
    sent = state.sent if state.sent is not None else np.zeros(g.n)
    keep = (opening != 0) | (receipts != 0) | (back != 0) | (shipped != 0) | (state.on_hand != 0) | (on_order != 0)
    keep |= (moved_in != 0) | (sent != 0) | (in_transit != 0)
    idx = np.flatnonzero(keep)
    n_w = len(g.warehouses)
    day = (pd.Timestamp(ctx.scenario.start) + pd.Timedelta(days=d)).date().isoformat()
    return pd.DataFrame({
        "day": day, "plan": state.name, "sku": np.asarray(g.skus)[idx // n_w],
        "warehouse": np.asarray(g.warehouses)[idx % n_w], "opening": opening[idx], "receipts": receipts[idx],
        "returns_received": back[idx], "transfers_in": moved_in[idx], "written_off": written_off[idx],
        "shipped": shipped[idx], "transfers_out": sent[idx], "closing": state.on_hand[idx].copy(),
        "on_order": on_order[idx], "in_transit": in_transit[idx],
    }, columns=LEDGER_COLUMNS)  # fmt: skip


def _stock_frame(ctx: Context, on_hand: np.ndarray) -> pd.DataFrame:
    g, n_w = ctx.grid, len(ctx.grid.warehouses)
    idx = np.flatnonzero(on_hand > 0)
    return pd.DataFrame({"sku": np.asarray(g.skus)[idx // n_w], "warehouse": np.asarray(g.warehouses)[idx % n_w],
                         "on_hand": on_hand[idx]})  # fmt: skip


def _allocate(ctx: Context, state: PlanState, orders: DayOrders, plan_options: PlanOptions,
              notes: list[str], ev: DayEvents | None = None) -> dict[str, Any]:  # fmt: skip
    """Allocate the day's lines from stock on hand by the plan's rule; what ships, what is lost, at what cost.

    On a day of a warehouse outage both rules see the reduced capacity (:func:`capacity_scenario`).
    """
    g, n_w = ctx.grid, len(ctx.grid.warehouses)
    sc = dataclasses.replace(ctx.scenario, stock=_stock_frame(ctx, state.on_hand))
    if ev is not None:
        sc = capacity_scenario(ctx, sc, ev)
    carrier = carrier_matrices(sc)
    arr = day_order_arrays(sc, orders, carrier)
    line_wh = baseline_allocation(arr, carrier.road_km, lose_unheld=True)  # the stock on hand rations the day
    served = line_wh >= 0
    lost_lines = orders.lines[~served]
    lost_items = np.zeros(g.n)
    if len(lost_lines):
        zone = orders.orders.set_index("order").loc[lost_lines["order"], "zone"].map(ctx.zone_index).to_numpy()
        np.add.at(lost_items, lost_lines["sku"].map(ctx.sku_index).to_numpy(dtype=np.int64) * n_w + ctx.home[zone],
                  lost_lines["quantity"].to_numpy(dtype=float))  # fmt: skip
    kept_lines = orders.lines[served]
    kept_orders = orders.orders[orders.orders["order"].isin(kept_lines["order"])]
    lost_orders = len(orders.orders) - len(kept_orders)
    day = DayOrders(orders.day, kept_orders.reset_index(drop=True), kept_lines.reset_index(drop=True), orders.pickups)
    out: dict[str, Any] = {"lost_items": lost_items, "lost_orders": lost_orders, "orders": day}
    if not len(kept_lines):
        out.update(shipped_items=np.zeros(g.n), parcels=0, split_orders=0, handling_cost=0.0, shipping_cost=0.0,
                   split_cost=0.0, shipments=pd.DataFrame(columns=["order", "sku", "warehouse", "quantity"]),
                   arrays=None, carrier=carrier)  # fmt: skip
        return out
    arr = day_order_arrays(sc, day, carrier)
    # the kept lines in the same order: the common rule ships each from where the rationing put it
    base_plan = OrderAllocationPlan(instance=arr.name, source="greedy", shipments=_shipments(arr, line_wh[served]))
    plan = base_plan
    if state.name == "optimised":
        try:
            plan, mip_notes = _optimised_plan(arr, plan_options, base_plan)
            notes.extend(mip_notes)
        except InfeasibleError as exc:
            notes.append(f"{orders.day.date()}: the allocation MIP has no plan within capacity ({exc}); "
                         "the day ships by the common rule")  # fmt: skip
    judge = dataclasses.replace(arr, allowed=np.ones_like(arr.allowed))
    check = check_orders(judge, plan)
    stock_violations = [v for v in check.violations if "stock" in v]
    if stock_violations:
        raise OptiopsError(f"{state.name} allocation of {orders.day.date()} breaks stock: {stock_violations[0]}")
    sh = plan.shipments
    shipments = pd.DataFrame({"order": sh.order, "sku": sh.sku, "warehouse": sh.warehouse, "quantity": sh.quantity})
    items = shipments["sku"].map(ctx.sku_index).to_numpy(dtype=np.int64) * n_w + shipments["warehouse"].map(
        {w: i for i, w in enumerate(g.warehouses)}).to_numpy(dtype=np.int64)  # fmt: skip
    shipped = np.zeros(g.n)
    np.add.at(shipped, items, shipments["quantity"].to_numpy(dtype=float))
    out.update(shipped_items=shipped, parcels=check.parcels, split_orders=check.split_orders,
               handling_cost=check.handling_cost, shipping_cost=check.shipping_cost, split_cost=check.split_cost,
               shipments=shipments, arrays=arr, carrier=carrier)  # fmt: skip
    return out


def _warehouse_work(ctx: Context, state: PlanState, d: int, alloc: dict[str, Any], returned: float,
                    ev: DayEvents | None = None, absences: DayAbsences | None = None) -> dict[str, Any]:  # fmt: skip
    """Do the day's work in every warehouse within its roster, then overtime; carry the rest.

    Parcels go first in order of arrival (yesterday's backlog, then today's), then receipts and returns.
    Events (``ev``): absent people's hours are not worked, an outage removes its share of the hours,
    parcels of orders that came after the cut-off wait for tomorrow; the optimised plan's
    re-rostered hours (``absences``) are worked and paid at the employees' wages, and it calls in
    temporary staff for the absent hours they do not cover when work would otherwise wait.
    """
    g, costs = ctx.grid, ctx.scenario.costs
    n_w = len(g.warehouses)
    wh_index = {w: i for i, w in enumerate(g.warehouses)}
    sec = ctx.seconds
    sh = alloc["shipments"]
    if len(sh):
        parcels = sh.groupby(["order", "warehouse"], sort=False).agg(lines=("sku", "size"), units=("quantity", "sum"))
        for (order, wh), r in parcels.iterrows():
            minutes = (r["lines"] * sec["line"] + sec["order"] + r["units"] * sec["unit"]) / 60.0
            state.pending.append(Pending(str(order), wh_index[str(wh)], minutes, float(r["units"]), d))
    assert state.other_minutes is not None
    state.other_minutes += state.inbound[d] * sec["inbound"] / 60.0 + state.returned[d] * sec["return"] / 60.0
    day_of_week = d - state.roster_day
    rostered = np.array([state.rosters[w].hours_per_day[min(day_of_week, 6)] for w in g.warehouses])
    late: Collection[str] = frozenset()
    absent = absences.absent_hours if absences is not None else ev.absent_hours if ev is not None else np.zeros(n_w)
    covered = np.zeros(n_w) if absences is None else absences.covered_hours
    if ev is not None:
        rostered = np.maximum(rostered - absent, 0.0)
        late = ev.late_orders
    regular = (rostered + covered) * 60.0 * UTILISATION
    if ev is not None:
        regular = regular * (1.0 - ev.capacity_lost)
    limit = regular * (1.0 + costs.overtime_cap_share)
    temps = (absent - covered) * 60.0 * UTILISATION if ev is not None and state.name == "optimised" else None
    reach = limit if temps is None else limit + temps
    used = np.zeros(n_w)
    blocked = np.zeros(n_w, dtype=bool)  # first in, first out: nothing after a parcel that waits ships today
    dispatched, waiting = [], []
    for p in state.pending:
        if p.day == d and p.order in late:
            waiting.append(p)  # came after the cut-off: packed for tomorrow's dispatch
        elif not blocked[p.warehouse] and used[p.warehouse] + p.minutes <= reach[p.warehouse] + 1e-9:
            used[p.warehouse] += p.minutes
            dispatched.append(p)
        else:
            blocked[p.warehouse] = True
            waiting.append(p)
    offered = offer_late(ctx, state, d, alloc, waiting, late, used, reach, blocked)
    taken = {id(p) for p in offered}
    state.pending = [p for p in waiting if id(p) not in taken]
    other = np.minimum(state.other_minutes, np.maximum(reach - used, 0.0))
    used += other
    state.other_minutes = state.other_minutes - other
    temp_minutes = np.zeros(n_w) if temps is None else np.where(temps > 0, np.maximum(used - limit, 0.0), 0.0)
    temp = temp_minutes / 60.0 / UTILISATION
    overtime = np.maximum(used - temp_minutes - regular, 0.0) / 60.0 / UTILISATION
    labour_cost = float((rostered * ctx.wage).sum() + (overtime * ctx.wage).sum() * costs.overtime_factor)
    labour_cost += float(temp.sum()) * costs.temp_labour_cost_per_hour
    if absences is not None:
        labour_cost += float(absences.covered_cost.sum())
    return {"dispatched": dispatched, "rostered_hours": float((rostered + covered).sum()),
            "overtime_hours": float(overtime.sum()), "labour_cost": labour_cost, "temp_hours": float(temp.sum()),
            "offered": offered, "absent_hours": float(absent.sum()) if ev is not None else 0.0,
            "reroster_hours": float(covered.sum()),
            "reroster_changes": float(absences.changes if absences else 0)}  # fmt: skip
