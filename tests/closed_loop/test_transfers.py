"""Transfers between warehouses: the pure rule on small arrays, and a replay that moves stock and balances."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.closed_loop.checks import assert_orders_conserved, assert_stock_balances

from optiops.closed_loop import ReplayOptions, replay
from optiops.closed_loop.transfers import donor_surplus, plan_transfers, receiver_need
from optiops.scenario.events import read_events
from optiops.scenario.read import read_scenario

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"
FAST = ReplayOptions(days=3, time_limit=0.3, workers=1, executor="inline")
H = 10
# the small scenario's hold-out starts on 2024-12-04
OUTAGE_AND_SURGE = """kind: events
events:
- {type: warehouse_outage, warehouse: W01, from: 2024-12-04, to: 2024-12-06, capacity_share: 1.0}
- {type: demand_surge, category: apparel, from: 2024-12-05, to: 2024-12-06, factor: 3.0, announced: 2024-12-04}
"""


def _flat(rate: float, n: int) -> np.ndarray:
    return np.full((H, n), rate)


def _moves(on_hand: list[float], demand: float = 2.0, lead: int = 1, safety: float = 0.0,
           due: np.ndarray | None = None, value: float = 100.0, shipment: float = 0.0) -> np.ndarray:  # fmt: skip
    """One SKU's moves (W, W) over len(on_hand) warehouses with a flat demand per day."""
    n = len(on_hand)
    due = np.zeros((H, n)) if due is None else due
    return plan_transfers(np.array(on_hand, dtype=float), due, _flat(demand, n), np.full(n, safety), n, lead,
                          np.full((n, n), value), 0.5, shipment)[0]  # fmt: skip


def test_an_empty_shelf_gets_its_cover_from_the_surplus() -> None:
    """The receiver gets its demand from the arrival to the horizon; the donor keeps its own need."""
    moves = _moves([0.0, 50.0, 10.0])
    assert moves[1, 0] == 18.0  # nine days of 2 from the morning after
    assert moves.sum() == 18.0  # W03 has 10 for 20 of need: it gives nothing
    assert 50.0 - moves[1].sum() >= 2.0 * H


def test_no_surplus_anywhere_moves_nothing() -> None:
    """When every other warehouse needs what it holds until its next receipt, nothing moves."""
    assert not _moves([0.0, 15.0, 10.0]).any()


def test_the_safety_stock_is_kept_by_the_donor() -> None:
    """A donor gives only what lies beyond its need and its safety stock."""
    moves = _moves([0.0, 30.0], safety=6.0)
    assert moves[1, 0] == 4.0  # 30 - 10 days x 2 - 6


def test_a_shelf_lasting_beyond_the_lead_time_waits() -> None:
    """A transfer starts only on the last morning it can still arrive before the shelf is empty."""
    assert not _moves([7.0, 50.0], lead=1).any()  # still 5 on the arrival morning: tomorrow will do
    assert _moves([7.0, 50.0], lead=3)[1, 0] > 0  # empty by the third morning: now or too late


def test_a_lead_time_beyond_the_projection_moves_nothing() -> None:
    """A transfer that would arrive after the projected days cannot be judged: none is sent."""
    assert not _moves([0.0, 50.0], lead=H).any()


def test_a_receipt_due_in_time_stops_the_transfer() -> None:
    """A purchase order arriving within the lead time covers the shelf: no transfer."""
    due = np.zeros((H, 2))
    due[1, 0] = 40.0
    assert not _moves([0.0, 50.0], due=due).any()


def test_a_receipt_after_the_arrival_limits_the_cover() -> None:
    """The receiver asks only for the days until its next receipt."""
    due = np.zeros((H, 2))
    due[4, 0] = 40.0
    assert _moves([0.0, 50.0], due=due)[1, 0] == 6.0  # days 1, 2 and 3


def test_the_largest_surplus_gives_first() -> None:
    """Of two donors, the one with the most to spare sends."""
    moves = _moves([0.0, 26.0, 45.0])
    assert moves[2, 0] == 18.0 and moves[1, 0] == 0.0


def test_whole_units_for_a_fractional_forecast() -> None:
    """Moves are whole units, the need rounded up and the surplus down."""
    moves = _moves([0.0, 20.0], demand=0.7)
    assert moves[1, 0] == 7.0  # need 6.3 -> 7; surplus 20 - 7 = 13


def test_a_shipment_that_saves_less_than_it_costs_does_not_leave() -> None:
    """A pair ships only when what it saves pays for the shipment and the units."""
    assert not _moves([0.0, 50.0], demand=0.2, value=5.0, shipment=60.0).any()
    assert _moves([0.0, 50.0], demand=0.2, value=50.0, shipment=60.0).any()


def test_need_and_surplus_of_a_receipt_due_today_are_not_double_counted() -> None:
    """Row 0 of ``due`` is today's receipt, already on the shelf."""
    due = np.zeros((H, 1))
    due[0, 0] = 100.0
    assert receiver_need(np.zeros(1), due, _flat(1.0, 1), 1)[0] == 9.0
    assert donor_surplus(np.array([12.0]), due, _flat(1.0, 1), np.zeros(1))[0] == 2.0


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(2, 4), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_moves_come_from_surplus_and_go_to_need(n_skus: int, n_w: int, lead: int, seed: int) -> None:
    """On any stock: whole non-negative units, a donor sends at most its surplus, a receiver gets at most its need."""
    rng = np.random.default_rng(seed)
    n = n_skus * n_w
    on_hand = rng.integers(0, 40, n).astype(float)
    due = rng.integers(0, 30, (H, n)) * (rng.random((H, n)) < 0.1)
    demand = rng.random((H, n)) * 4
    safety = rng.random(n) * 5
    moves = plan_transfers(on_hand, due, demand, safety, n_w, lead, np.full((n_w, n_w), 50.0), 0.5, 10.0)
    sent, got = moves.sum(axis=2).ravel(), moves.sum(axis=1).ravel()
    assert (moves >= 0).all() and np.array_equal(moves, np.round(moves))
    assert (sent <= donor_surplus(on_hand, due, demand, safety)).all()
    assert (got <= receiver_need(on_hand, due, demand, lead)).all()
    assert not ((sent > 0) & (got > 0)).any()
    assert (np.einsum("sww->sw", moves) == 0).all()


def test_a_replay_with_transfers_balances_every_item() -> None:
    """Transfers leave one shelf and reach another a lead time later; every item and the network balance."""
    small = read_scenario(SMALL)
    costs = dataclasses.replace(small.costs, transfer_cost_per_unit=0.05, transfer_cost_per_shipment=1.0)
    res = replay(dataclasses.replace(small, costs=costs), dataclasses.replace(FAST, days=5, transfers=True))
    led, daily = res.ledger, res.daily
    assert led.loc[led["plan"] == "optimised", "transfers_out"].sum() > 0
    assert led.loc[led["plan"] == "baseline", ["transfers_out", "transfers_in"]].to_numpy().sum() == 0
    assert_stock_balances(led)
    assert_orders_conserved(daily)
    opt = daily[daily["plan"] == "optimised"]
    assert opt["transfer_units"].sum() == led.loc[led["plan"] == "optimised", "transfers_out"].sum()
    price = opt["transfer_units"].sum() * 0.05 + opt["transfer_shipments"].sum() * 1.0
    assert opt["cost_transfers"].sum() == pytest.approx(price) and opt["transfer_shipments"].sum() >= 1
    # a unit sent on a day reaches its receiver the next morning
    sent = led[led["plan"] == "optimised"].groupby("day")["transfers_out"].sum()
    got = led[led["plan"] == "optimised"].groupby("day")["transfers_in"].sum()
    assert np.allclose(sent.to_numpy()[:-1], got.to_numpy()[1:]) and got.iloc[0] == 0


def test_transfers_are_off_by_default() -> None:
    """Without ``transfers=True`` the optimised plan keeps every unit where it is, even when moves are free."""
    small = read_scenario(SMALL)
    costs = dataclasses.replace(small.costs, transfer_cost_per_unit=0.0, transfer_cost_per_shipment=0.0)
    res = replay(dataclasses.replace(small, costs=costs), dataclasses.replace(FAST, days=2))
    assert res.daily["transfer_units"].sum() == 0 and res.ledger["transfers_out"].sum() == 0


def test_a_closed_warehouse_sends_nothing_and_events_still_balance(tmp_path: Path) -> None:
    """On the day a warehouse is closed it cannot pick a transfer; with events every item still balances."""
    small = read_scenario(SMALL)
    path = tmp_path / "events.yaml"
    path.write_text(OUTAGE_AND_SURGE)
    costs = dataclasses.replace(small.costs, transfer_cost_per_unit=0.0, transfer_cost_per_shipment=0.0)
    scenario = dataclasses.replace(small, costs=costs, events=read_events(path, small))
    res = replay(scenario, dataclasses.replace(FAST, transfers=True))
    led = res.ledger
    assert led.loc[led["warehouse"] == "W01", "transfers_out"].sum() == 0
    assert_stock_balances(led)
    assert_orders_conserved(res.daily)
