"""Transfers between warehouses: the optimised plan's answer to a shelf a surge or a delay would empty.

Each morning, after the day's purchase orders and before the orders, the optimised plan (with
``ReplayOptions.transfers``) projects every item (SKU x warehouse) over the next days with its own
forecast (raised on the days of a surge it knows of), the purchase orders and transfers due, and
lost sales (an empty shelf does not go negative). An item whose shelf would run out by the day a
transfer sent today arrives is a *receiver*: it is the last morning a transfer can still keep it
selling, and waiting until then keeps the moves few. It asks for the units that cover it from the
transfer's arrival until its next receipt. A warehouse holding the same SKU beyond its own need
until its next receipt plus its safety stock is a *donor*; the most surplus gives first, since it
is the least likely to need the units back.

What a transfer saves is not the sale: the day's allocation ships a line from any warehouse holding
it, so a unit lost to an empty shelf here would have been lost in the whole network. It saves the
receiver's customers the donor's parcels: longer (the carrier's tariff from the donor to the
receiver's zones) and slower (a promise broken when the donor's transit is longer). A
donor-receiver pair ships only when that saving on the units it moves pays for the shipment.

The baseline does not transfer: with the ERP of common practice the planner waits for the next
weekly review. Off by default: at the scenario's default prices the few transfers that pass cost a
little more than they save (measured in docs/events.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from optiops.plan.allocation_step import carrier_matrices

if TYPE_CHECKING:
    from optiops.closed_loop.engine import Context, PlanState
    from optiops.closed_loop.events import DayEvents

HORIZON_DAYS = 28  # the farthest a need is projected: four weekly reviews


def plan_transfers(on_hand: np.ndarray, due: np.ndarray, demand: np.ndarray, safety: np.ndarray,
                   n_warehouses: int, lead_days: int, unit_value: np.ndarray, unit_cost: float = 0.0,
                   shipment_cost: float = 0.0) -> np.ndarray:  # fmt: skip
    """Units to move today between the warehouses of every SKU.

    Items are ``i = sku * n_warehouses + warehouse``. Whole units move; the SKU's pack is a
    supplier's order multiple, and a transfer is picked unit by unit like a customer order.

    Parameters
    ----------
    on_hand : numpy.ndarray
        (N,) units on the shelf now.
    due : numpy.ndarray
        (H, N) units arriving on the morning of each day from today (row 0 is today, already
        received and ignored): purchase orders and transfers in transit.
    demand : numpy.ndarray
        (H, N) forecast units demanded each day from today.
    safety : numpy.ndarray
        (N,) units a donor keeps beyond its need until its next receipt.
    n_warehouses : int
        Warehouses per SKU.
    lead_days : int
        Days until a transfer sent today can ship at the receiver (1 to H - 1).
    unit_value : numpy.ndarray
        (W, W) what a unit moved from warehouse ``w`` (row) to ``v`` (column) saves: the extra cost
        of serving ``v``'s demand from ``w`` instead.
    unit_cost, shipment_cost : float
        Price of a transferred unit, and of one shipment (one donor to one receiver on one day).

    Returns
    -------
    numpy.ndarray
        (S, W, W) units each SKU moves from warehouse ``w`` (axis 1) to warehouse ``v`` (axis 2).
    """
    n_skus = on_hand.size // n_warehouses
    moves = np.zeros((n_skus, n_warehouses, n_warehouses))
    if demand.shape[0] <= lead_days:  # a transfer would arrive past the projection: nothing to judge it by
        return moves
    need = receiver_need(on_hand, due, demand, lead_days)
    if not (need > 0).any():
        return moves
    surplus = donor_surplus(on_hand, due, demand, safety)
    need_sw = need.reshape(n_skus, n_warehouses)
    surplus_sw = np.where(need > 0, 0.0, surplus).reshape(n_skus, n_warehouses)
    for s in np.flatnonzero((need_sw > 0).any(axis=1) & (surplus_sw > 0).any(axis=1)):
        moves[s] = _match(need_sw[s].copy(), surplus_sw[s].copy())
    return _worth_shipping(moves, unit_value, unit_cost, shipment_cost)


def receiver_need(on_hand: np.ndarray, due: np.ndarray, demand: np.ndarray, lead_days: int) -> np.ndarray:
    """(N,) whole units an item asks for: zero unless its shelf runs out by the day a transfer would arrive."""
    stock = project(on_hand, due, demand)  # (H + 1, N): stock each morning after receipts, lost sales
    empty_by_arrival = stock[lead_days] <= demand[lead_days] - 1e-9  # cannot serve the arrival day itself
    first = next_receipt(due, lead_days + 1)
    days = np.arange(demand.shape[0])[:, None]
    cover = ((days >= lead_days) & (days < first[None, :])) * demand
    short = np.ceil(cover.sum(axis=0) - stock[lead_days] - 1e-9)
    return np.where(empty_by_arrival, np.maximum(short, 0.0), 0.0)


def donor_surplus(on_hand: np.ndarray, due: np.ndarray, demand: np.ndarray, safety: np.ndarray) -> np.ndarray:
    """(N,) whole units an item can give today: on hand beyond its demand until its next receipt and its safety."""
    first = next_receipt(due, 1)
    days = np.arange(demand.shape[0])[:, None]
    until = ((days < first[None, :]) * demand).sum(axis=0)
    return np.maximum(np.floor(on_hand - until - np.maximum(safety, 0.0) + 1e-9), 0.0)


def project(on_hand: np.ndarray, due: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """(H + 1, N) stock on each morning after its receipts; demand beyond the shelf is lost, not owed."""
    stock = np.empty((demand.shape[0] + 1, on_hand.size))
    stock[0] = on_hand
    for t in range(demand.shape[0]):
        arriving = due[t + 1] if t + 1 < due.shape[0] else 0.0
        stock[t + 1] = np.maximum(stock[t] - demand[t], 0.0) + arriving
    return stock


def next_receipt(due: np.ndarray, start: int) -> np.ndarray:
    """(N,) first day from ``start`` with units due; the horizon when none is."""
    horizon = due.shape[0]
    later = due[start:] > 0
    return np.where(later.any(axis=0), start + later.argmax(axis=0), horizon)


def _match(need: np.ndarray, surplus: np.ndarray) -> np.ndarray:
    """(W, W) one SKU's moves: the largest need first, from the donor with the most surplus first."""
    moves = np.zeros((need.size, need.size))
    for v in np.argsort(-need, kind="stable"):
        for w in np.argsort(-surplus, kind="stable"):
            if need[v] <= 0 or surplus[w] <= 0:
                break
            units = min(need[v], surplus[w])
            moves[w, v] += units
            need[v] -= units
            surplus[w] -= units
    return moves


def _worth_shipping(moves: np.ndarray, value: np.ndarray, unit_cost: float, shipment_cost: float) -> np.ndarray:
    """The moves with every donor-receiver pair whose saving does not pay for its shipment dropped."""
    saved = moves.sum(axis=0) * (value - unit_cost)  # (W, W) per pair
    keep = saved > shipment_cost
    return moves * keep[None, :, :]


def day_transfers(ctx: Context, state: PlanState, d: int, k: int, ev: DayEvents | None) -> dict[str, float]:
    """Send the optimised plan's transfers of day ``d`` (hold-out day ``k``); the daily row's figures.

    Units leave the donor's shelf now (``state.sent``) and reach the receiver's on the morning
    ``transfer_lead_days`` later (``state.transit``); the ledger books them as ``transfers_out`` and
    ``transfers_in``.
    """
    costs, g = ctx.scenario.costs, ctx.grid
    n_w = len(g.warehouses)
    lead = int(costs.transfer_lead_days)
    horizon = min(HORIZON_DAYS, state.arrivals.shape[0] - d)
    due = state.arrivals[d : d + horizon].copy()
    for day, coming in state.transit.items():
        if d < day < d + horizon:
            due[day - d] += coming
    forecast = state.forecast if state.forecast is not None else np.zeros(g.n)
    demand = projected_demand(forecast, horizon, k, ev)
    safety = state.policy.safety_stock
    if ev is not None:  # a closed warehouse cannot pick: it gives nothing
        safety = np.where(np.tile(ev.capacity_lost >= 1.0, len(g.skus)), np.inf, safety)
    moves = plan_transfers(state.on_hand, due, demand, safety, n_w, lead,
                           detour_value(ctx), costs.transfer_cost_per_unit,
                           costs.transfer_cost_per_shipment)  # fmt: skip
    sent = moves.sum(axis=2).ravel()
    state.sent = sent
    state.on_hand -= sent
    if sent.any():
        state.transit[d + lead] = state.transit.get(d + lead, np.zeros(g.n)) + moves.sum(axis=1).ravel()
    shipments = int((moves.sum(axis=0) > 0).sum())
    units = float(sent.sum())
    cost = units * costs.transfer_cost_per_unit + shipments * costs.transfer_cost_per_shipment
    return {"transfer_units": units, "transfer_shipments": float(shipments), "cost_transfers": cost}


def detour_value(ctx: Context) -> np.ndarray:
    """(W, W) what a unit at warehouse ``v`` (column) saves when its customers would get it from ``w`` (row).

    Over ``v``'s home zones: the carrier's extra price of a parcel from ``w``, and the price of a
    broken promise times the share of orders whose promise ``v`` keeps and ``w``'s longer transit
    breaks; per unit, a parcel carrying the units of an order.
    """
    costs, n_w = ctx.scenario.costs, len(ctx.grid.warehouses)
    carrier = carrier_matrices(ctx.scenario)
    days = ctx.scenario.promises["max_transit_days"].to_numpy(dtype=float)
    share = ctx.scenario.promises["share"].to_numpy(dtype=float)
    share = share / share.sum() if share.sum() > 0 else np.full(len(days), 1.0 / max(len(days), 1))
    value = np.zeros((n_w, n_w))
    for v in range(n_w):
        zones = np.flatnonzero(ctx.home == v)
        for w in range(n_w):
            if w == v or not len(zones):
                continue
            extra = np.maximum(carrier.shipping[w, zones] - carrier.shipping[v, zones], 0.0)
            broken = [_broken_share(days, share, carrier.transit_days[v, z], carrier.transit_days[w, z]) for z in zones]
            value[w, v] = float((extra + costs.late_delivery_cost * np.array(broken)).mean())
    return value / max(ctx.units_per_order, 1.0)


def _broken_share(days: np.ndarray, share: np.ndarray, kept_from: float, sent_from: float) -> float:
    """Share of orders whose shown promise (the fastest the home warehouse keeps, or slower) a slower sender breaks."""
    shown = np.array([days[days >= max(d, kept_from)].min() if (days >= max(d, kept_from)).any() else days.max()
                      for d in days])  # fmt: skip
    return float(share[shown < sent_from].sum())


def projected_demand(forecast: np.ndarray, horizon: int, k: int, ev: DayEvents | None) -> np.ndarray:
    """(horizon, N) the plan's daily forecast from hold-out day ``k``, times the surges it knows of on their days."""
    demand = np.tile(forecast, (horizon, 1))
    for items, factor, first, last in ev.surges if ev is not None else ():
        days = np.arange(max(first - k, 0), min(last - k + 1, horizon))
        demand[days[:, None], np.flatnonzero(items)[None, :]] *= factor
    return demand
