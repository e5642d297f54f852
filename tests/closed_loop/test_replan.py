"""The optimised plan's re-plan after a breakdown: served stops fixed, stops the rule hands over served, checked."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from tests.closed_loop.checks import assert_orders_conserved, assert_stock_balances

from optiops.closed_loop import ReplayOptions, replay
from optiops.closed_loop import replan as replan_module
from optiops.closed_loop.events import broken_routes
from optiops.closed_loop.replan import LATE_STOP, late_stops, replan_options, replan_warehouse
from optiops.closed_loop.routing import territory_plan
from optiops.evaluate import evaluate
from optiops.plan.base import PlanOptions
from optiops.plan.fleet import fleet_instances, fleet_stops, repriced, skip_price
from optiops.plan.orders import next_day_orders
from optiops.plan.routing_step import MAX_SKIP_PRICE, score, solve_fleet
from optiops.scenario.events import read_events
from optiops.scenario.read import read_scenario

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"
OPTS = replan_options(0.5, seed=1, iterations=300)


@pytest.fixture(scope="module")
def day():  # type: ignore[no-untyped-def]
    """W02's fleet day of the small scenario: every order shipped from its zone's fleet warehouse."""
    sc = read_scenario(SMALL)
    orders = next_day_orders(sc, PlanOptions(seed=3), pd.Timestamp("2024-12-04"))
    fleet = sc.zones.set_index("zone")["fleet_warehouse"]
    sent = pd.DataFrame({"order": orders.orders["order"], "warehouse": orders.orders["zone"].map(fleet)})
    sent = sent[sent["warehouse"] != ""]
    instances, _ = fleet_instances(sc, orders, sent, skip_price(sc.costs))
    inst = repriced(instances["W02"], MAX_SKIP_PRICE)  # the on-time guard's price: both vehicles drive
    return sc, inst, score(inst, solve_fleet(inst, 0.5, 1, 300)), orders, sent


def _busiest(plan):  # type: ignore[no-untyped-def]
    """The vehicle with the most stops, and the start of its second stop (one stop served by then)."""
    route = max(plan.routes, key=lambda r: len(r.visits))
    return route.vehicle_type, route.vehicle, float(route.visits[2].start)


def _stops(plan) -> dict:  # type: ignore[no-untyped-def]
    return {(r.vehicle_type, r.vehicle): [v for v in r.visits if v.kind != "depot"] for r in plan.routes}


def test_stops_served_before_the_breakdown_never_change(day) -> None:  # type: ignore[no-untyped-def]
    """Every vehicle's stops begun by the breakdown stay first on its route, in order, at the same times."""
    sc, inst, morning, _, _ = day
    kind, index, minute = _busiest(morning.plan)
    out = replan_warehouse(sc, inst, morning, MAX_SKIP_PRICE, [(kind, index, minute)], late_stops(
        fleet_stops(sc, day[3], day[4].head(0), "W02")), OPTS)  # fmt: skip
    assert out is not None
    before, after = _stops(morning.plan), _stops(out.scored.plan)
    served = 0
    for v, visits in before.items():
        done = [(x.node, x.start) for x in visits if x.start <= minute]
        assert [(x.node, x.start) for x in after.get(v, [])][: len(done)] == done
        served += len(done)
    assert served >= 2
    assert len(after.get((kind, index), [])) == len([x for x in before[(kind, index)] if x.start <= minute])


def test_the_replan_serves_stops_the_rule_hands_to_the_carrier(day) -> None:  # type: ignore[no-untyped-def]
    """The stops the baseline's rule gives the carrier after the same breakdown are partly served by the re-plan."""
    sc, inst, morning, _, _ = day
    kind, index, minute = _busiest(morning.plan)
    price = MAX_SKIP_PRICE
    out = replan_warehouse(sc, inst, morning, price, [(kind, index, minute)], late_stops(
        fleet_stops(sc, day[3], day[4].head(0), "W02")), OPTS)  # fmt: skip
    assert out is not None and out.taken_over > 0
    rule, _ = broken_routes({"W02": inst}, {"W02": morning}, [("W02", kind, index, minute)])
    visited = {x.node for visits in _stops(out.scored.plan).values() for x in visits}
    assert rule & visited and len(out.handed) < len(rule)
    base = score(inst, territory_plan(inst))
    base_rule, _ = broken_routes({"W02": inst}, {"W02": base}, [("W02", kind, index, minute)])
    assert base_rule & visited  # stops the baseline's plan hands over after the same breakdown
    assert evaluate(out.instance, out.scored.plan).feasible


def test_late_orders_are_new_stops_of_the_replan(day) -> None:  # type: ignore[no-untyped-def]
    """Late orders join the routes from noon where the fleet can serve them, as stops of their own."""
    sc, inst, morning, orders, sent = day
    late = late_stops(fleet_stops(sc, orders, sent.head(5), "W02"))
    out = replan_warehouse(sc, inst, morning, MAX_SKIP_PRICE, [], late, OPTS)
    assert out is not None and out.late_served and out.late_served <= set(late["customer"])
    assert all(s.endswith(LATE_STOP) for s in out.late_served)
    assert {s.id for s in out.instance.stops} == {s.id for s in inst.stops} | out.late_served


def test_late_orders_join_the_routes_only_once_known(day) -> None:  # type: ignore[no-untyped-def]
    """A late stop is served no earlier than the minute it became known; one known after the shifts end waits."""
    sc, inst, morning, orders, sent = day
    base = fleet_stops(sc, orders, sent.head(6), "W02")
    known = {str(c): (10 * 60.0 if i % 2 == 0 else 22 * 60.0) for i, c in enumerate(base["customer"])}
    out = replan_warehouse(sc, inst, morning, MAX_SKIP_PRICE, [], late_stops(base, known), OPTS)
    assert out is not None and out.late_served
    starts = {x.node: x.start for visits in _stops(out.scored.plan).values() for x in visits}
    for stop in out.late_served:
        assert known[stop.removesuffix(LATE_STOP)] == 10 * 60.0 and starts[stop] >= 10 * 60.0


def test_a_breakdown_after_the_late_orders_keeps_them_on_the_routes(day) -> None:  # type: ignore[no-untyped-def]
    """Re-plans follow each other: a breakdown in the afternoon starts from the noon re-plan's routes."""
    sc, inst, morning, orders, sent = day
    late = late_stops(fleet_stops(sc, orders, sent.head(5), "W02"))
    noon = replan_warehouse(sc, inst, morning, MAX_SKIP_PRICE, [], late, OPTS)
    kind, index, _ = _busiest(morning.plan)
    out = replan_warehouse(sc, inst, morning, MAX_SKIP_PRICE, [(kind, index, 13 * 60.0)], late, OPTS)
    assert noon is not None and out is not None
    at_noon = {x.node for visits in _stops(noon.scored.plan).values() for x in visits if x.start <= 13 * 60.0}
    after = {x.node for visits in _stops(out.scored.plan).values() for x in visits}
    assert at_noon <= after and out.late_served


def test_a_replan_failing_its_check_keeps_the_rule(day, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    sc, inst, morning, _, _ = day
    real = replan_module.reoptimise

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        res = real(*args, **kwargs)
        return dataclasses.replace(res, check=dataclasses.replace(res.check, feasible=False))

    monkeypatch.setattr(replan_module, "reoptimise", failing)
    kind, index, minute = _busiest(morning.plan)
    empty = late_stops(fleet_stops(sc, day[3], day[4].head(0), "W02"))
    assert replan_warehouse(sc, inst, morning, MAX_SKIP_PRICE, [(kind, index, minute)], empty, OPTS) is None


BREAKDOWN = """events:
- {type: vehicle_breakdown, warehouse: W02, vehicle: e-trike, day: 2024-12-04, time: "10:00"}
- {type: late_orders, day: 2024-12-04, share: 0.3}
"""


@pytest.fixture(scope="module")
def disrupted(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    sc = read_scenario(SMALL)
    path = tmp_path_factory.mktemp("replan") / "events.yaml"
    path.write_text(BREAKDOWN)
    sc = dataclasses.replace(sc, events=read_events(path, sc))
    opts = ReplayOptions(days=1, time_limit=0.3, workers=1, executor="inline")
    return replay(sc, opts), replay(sc, opts)


def test_a_replanned_replay_conserves_stock_and_orders_and_repeats(disrupted) -> None:  # type: ignore[no-untyped-def]
    """With a breakdown and late orders re-planned, stock and orders balance and the same seed gives the same days."""
    first, again = disrupted
    assert_stock_balances(first.ledger)
    assert_orders_conserved(first.daily)
    row = first.daily[(first.daily["plan"] == "optimised") & (first.daily["day"] == "2024-12-04")].iloc[0]
    assert row["replanned_stops"] > 0
    key = ["day", "plan"]
    a, b = first.daily.sort_values(key).reset_index(drop=True), again.daily.sort_values(key).reset_index(drop=True)
    cols = ["orders_completed", "late_orders", "backlog_orders", "fleet_stops", "carrier_units", "cost_fleet",
            "breakdown_stops", "replanned_stops"]  # fmt: skip
    pd.testing.assert_frame_equal(a[key + cols], b[key + cols])
    led = ["day", "plan", "sku", "warehouse"]
    pd.testing.assert_frame_equal(first.ledger.sort_values(led).reset_index(drop=True),
                                  again.ledger.sort_values(led).reset_index(drop=True))  # fmt: skip


def test_a_replay_whose_replan_fails_hands_the_stops_over_with_a_note(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:  # fmt: skip
    """A re-plan that fails its check is not used: the optimised plan falls back to the rule and says so."""
    real = replan_module.reoptimise

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        res = real(*args, **kwargs)
        return dataclasses.replace(res, check=dataclasses.replace(res.check, feasible=False))

    monkeypatch.setattr(replan_module, "reoptimise", failing)
    sc = read_scenario(SMALL)
    path = tmp_path / "events.yaml"
    path.write_text(BREAKDOWN)
    run = replay(dataclasses.replace(sc, events=read_events(path, sc)),
                 ReplayOptions(days=1, time_limit=0.3, workers=1, executor="inline"))  # fmt: skip
    row = run.daily[run.daily["plan"] == "optimised"].iloc[0]
    assert row["replanned_stops"] == 0 and row["breakdown_stops"] > 0
    assert any("failed their check" in n for n in run.notes)
    assert_orders_conserved(run.daily)
