"""Events in the replay: checked at the boundary, applied in both plans, stock and orders still conserved."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from tests.closed_loop.checks import assert_orders_conserved, assert_stock_balances
from typer.testing import CliRunner

from optiops.cli.main import app
from optiops.closed_loop import ReplayOptions, replay
from optiops.closed_loop.events import EVENT_COLUMNS
from optiops.exceptions import InstanceError
from optiops.model.events import EVENT_TYPES
from optiops.scenario.events import events_yaml, generate_events, read_events
from optiops.scenario.read import read_scenario

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"
FAST = ReplayOptions(days=3, time_limit=0.3, workers=1, executor="inline")
# the small scenario's hold-out starts on 2024-12-04; every kind on its first three days
EVENTS = """kind: events
events:
- {type: warehouse_outage, warehouse: W01, from: 2024-12-05, to: 2024-12-05, capacity_share: 1.0}
- {type: vehicle_breakdown, warehouse: W01, vehicle: van, day: 2024-12-04, time: "09:00"}
- {type: staff_absence, warehouse: W01, day: 2024-12-06, people: 2}
- {type: demand_surge, category: apparel, from: 2024-12-06, to: 2024-12-06, factor: 2.5, announced: 2024-12-04}
- {type: supplier_delay, supplier: beauty, day: 2024-12-04, extra_days: 4}
- {type: late_orders, day: 2024-12-04, share: 0.3}
"""


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return read_scenario(SMALL)


@pytest.fixture(scope="module")
def events_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("events") / "events.yaml"
    path.write_text(EVENTS)
    return path


@pytest.fixture(scope="module")
def runs(small, events_file):  # type: ignore[no-untyped-def]
    with_events = dataclasses.replace(small, events=read_events(events_file, small))
    return replay(small, FAST), replay(with_events, FAST)


def _day(daily, plan: str, day: str):  # type: ignore[no-untyped-def]
    return daily[(daily["plan"] == plan) & (daily["day"] == day)].iloc[0]


def _shipped(ledger, plan: str, day: str, warehouse: str) -> float:  # type: ignore[no-untyped-def]
    rows = ledger[(ledger["plan"] == plan) & (ledger["day"] == day) & (ledger["warehouse"] == warehouse)]
    return float(rows["shipped"].sum())


def test_stock_and_orders_are_conserved_with_events(runs) -> None:  # type: ignore[no-untyped-def]
    """Every item balances and every order is shipped, waiting or lost, with every kind of event."""
    assert_stock_balances(runs[1].ledger)
    assert_orders_conserved(runs[1].daily)


def test_daily_rows_show_the_events_only_when_there_are_some(runs) -> None:  # type: ignore[no-untyped-def]
    plain, disrupted = runs
    assert not set(EVENT_COLUMNS) & set(plain.daily.columns)
    assert set(EVENT_COLUMNS) <= set(disrupted.daily.columns)
    assert "warehouse_outage W01 100%" in _day(disrupted.daily, "baseline", "2024-12-05")["events"]


def test_a_closed_warehouse_ships_nothing(runs) -> None:  # type: ignore[no-untyped-def]
    plain, disrupted = runs
    for plan in ("baseline", "optimised"):
        assert _shipped(plain.ledger, plan, "2024-12-05", "W01") > 0
        assert _shipped(disrupted.ledger, plan, "2024-12-05", "W01") == 0
        assert _shipped(disrupted.ledger, plan, "2024-12-05", "W02") > _shipped(plain.ledger, plan, "2024-12-05", "W02")


def test_a_breakdown_hands_the_vans_later_stops_to_the_carrier(runs) -> None:  # type: ignore[no-untyped-def]
    plain, disrupted = runs
    row, before = _day(disrupted.daily, "baseline", "2024-12-04"), _day(plain.daily, "baseline", "2024-12-04")
    assert row["breakdown_stops"] > 0
    assert row["carrier_units"] > before["carrier_units"] and row["fleet_on_time_rate"] < before["fleet_on_time_rate"]


def test_an_absence_removes_rostered_hours_and_only_the_optimised_plan_calls_temps(runs) -> None:  # type: ignore[no-untyped-def]
    plain, disrupted = runs
    # the baseline's fixed pattern gives the same roster in both runs (the optimised one is time-limited)
    row, before = _day(disrupted.daily, "baseline", "2024-12-06"), _day(plain.daily, "baseline", "2024-12-06")
    assert row["absent_hours"] == 16.0  # two people of 8-hour shifts
    assert row["rostered_hours"] == pytest.approx(max(before["rostered_hours"] - 16.0, 0.0))
    daily = disrupted.daily
    assert (daily.loc[daily["plan"] == "baseline", "temp_hours"] == 0).all()
    assert (daily["temp_hours"] <= daily["absent_hours"] + 1e-9).all()


def test_a_surge_multiplies_the_days_demand_and_the_announcement_lifts_optimised_orders(runs) -> None:  # type: ignore[no-untyped-def]
    plain, disrupted = runs
    row, before = _day(disrupted.daily, "baseline", "2024-12-06"), _day(plain.daily, "baseline", "2024-12-06")
    assert row["surge_units"] > 0 and row["units"] == before["units"] + row["surge_units"]
    day_before = _day(disrupted.daily, "baseline", "2024-12-05")["units"]
    assert day_before == _day(plain.daily, "baseline", "2024-12-05")["units"]

    def on_order(run, plan: str) -> float:  # type: ignore[no-untyped-def]
        led = run.ledger
        rows = led[(led["plan"] == plan) & (led["day"] == "2024-12-04") & led["sku"].isin(apparel)]
        return float(rows["on_order"].sum())

    apparel = set(read_scenario(SMALL).skus.query("category == 'apparel'")["sku"])
    assert on_order(disrupted, "optimised") > on_order(plain, "optimised")
    assert on_order(disrupted, "baseline") == on_order(plain, "baseline")  # the moving average waits


def test_a_supplier_delay_moves_its_purchase_orders_later(runs, small) -> None:  # type: ignore[no-untyped-def]
    plain, disrupted = runs
    beauty = set(small.skus.query("category == 'beauty'")["sku"])

    def receipts(run, plan: str) -> float:  # type: ignore[no-untyped-def]
        led = run.ledger
        rows = led[(led["plan"] == plan) & led["sku"].isin(beauty) & (led["day"] == "2024-12-04")]
        return float(rows["receipts"].sum())

    for plan in ("baseline", "optimised"):
        assert _day(disrupted.daily, plan, "2024-12-04")["delayed_units"] > 0
        assert receipts(plain, plan) > 0 and receipts(disrupted, plan) == 0  # due today, now four days later


def test_late_orders_wait_for_the_next_day(runs) -> None:  # type: ignore[no-untyped-def]
    """The baseline's late orders all wait; the optimised plan's re-plan takes some, the rest wait too."""
    plain, disrupted = runs
    for plan in ("baseline", "optimised"):
        row, before = _day(disrupted.daily, plan, "2024-12-04"), _day(plain.daily, plan, "2024-12-04")
        assert row["late_arrival_orders"] > 0 and row["backlog_orders"] > before["backlog_orders"]
        after = _day(disrupted.daily, plan, "2024-12-05")["late_orders"]
        assert after > _day(plain.daily, plan, "2024-12-05")["late_orders"]
    assert _day(disrupted.daily, "baseline", "2024-12-04")["replanned_stops"] == 0
    assert _day(disrupted.daily, "optimised", "2024-12-04")["replanned_stops"] > 0


def test_generated_events_are_reproducible_valid_and_of_every_kind(small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = generate_events(small, 12, seed=3), generate_events(small, 12, seed=3)
    assert a == b and len(a.events) == 12 and {e.type for e in a.events} == set(EVENT_TYPES)
    assert generate_events(small, 12, seed=4) != a
    path = tmp_path / "events.yaml"
    path.write_bytes(events_yaml(a))
    assert read_events(path, small) == a


def test_generate_scenario_with_events_keeps_every_table(tmp_path: Path) -> None:
    args = ["generate", "scenario", "--skus", "20", "--warehouses", "2", "--days", "60", "--holdout", "14"]
    runner = CliRunner()
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "a")]).exit_code == 0
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--events", "5"]).exit_code == 0
    plain, with_events = sorted((tmp_path / "a").iterdir()), sorted((tmp_path / "b").iterdir())
    assert [p.name for p in with_events] == sorted([p.name for p in plain] + ["events.yaml"])
    assert all(p.read_bytes() == (tmp_path / "b" / p.name).read_bytes() for p in plain)
    assert len(read_scenario(tmp_path / "b").events.events) == 5


BAD = [
    ("{type: warehouse_outage, warehouse: W09, from: 2024-12-05, to: 2024-12-05, capacity_share: 0.5}",
     "events[0].warehouse: unknown warehouse 'W09'"),
    ('{type: vehicle_breakdown, warehouse: W01, vehicle: van, day: 2024-12-05, time: "22:30"}',
     "events[0].time: 22:30 is after the day ends"),
    ('{type: vehicle_breakdown, warehouse: W01, vehicle: van-2, day: 2024-12-05, time: "10:00"}',
     "events[0].vehicle: W01 has 1 van(s), not 2"),
    ("{type: late_orders, day: 2024-11-05, share: 0.2}", "events[0].day: 2024-11-05 is outside the hold-out"),
    ("{type: demand_surge, sku: S9999, from: 2024-12-05, to: 2024-12-06, factor: 2}",
     "events[0].sku: unknown SKU 'S9999'"),
    ("{type: demand_surge, category: toys, from: 2024-12-05, to: 2024-12-06, factor: 2}",
     "events[0].category: unknown category 'toys'"),
    ("{type: demand_surge, category: apparel, from: 2024-12-05, to: 2024-12-06, factor: -1}",
     "events[0].factor: Input should be greater than or equal to 0"),
    ("{type: supplier_delay, supplier: acme, day: 2024-12-05, extra_days: 3}", "events[0].supplier: unknown supplier"),
    ("{type: staff_absence, warehouse: W01, day: 2024-12-05, employees: [E999]}",
     "events[0].employees: 'E999' is not an employee of W01"),
    ("{type: flood, day: 2024-12-05}", "events[0]: Input tag 'flood' found using 'type' does not match"),
]  # fmt: skip


@pytest.mark.parametrize(("event", "message"), BAD)
def test_bad_events_name_file_field_and_reason(small, tmp_path: Path, event: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.yaml"
    path.write_text(f"events:\n- {event}\n")
    with pytest.raises(InstanceError) as err:
        read_events(path, small)
    assert str(path) in str(err.value) and message in str(err.value)


@pytest.mark.parametrize(("event", "message"), [BAD[0], BAD[1]])
def test_replay_with_bad_events_exits_2_and_writes_nothing(tmp_path: Path, event: str, message: str) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(f"events:\n- {event}\n")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["replay", str(SMALL), "--out", str(out), "--events", str(path), "--days", "1"])
    assert res.exit_code == 2 and message in res.output
    assert "Traceback" not in res.output and not out.exists()


def test_an_unquoted_time_is_read_as_the_time_it_says(small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.yaml"
    path.write_text("events:\n- {type: vehicle_breakdown, warehouse: W01, vehicle: van, day: 2024-12-05, "
                    "time: 13:55}\n")  # fmt: skip
    assert read_events(path, small).events[0].time == "13:55"


def test_a_surge_of_recorded_orders_is_refused(small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.yaml"
    path.write_text("events:\n- {type: demand_surge, sku: SKU01, from: 2024-12-05, to: 2024-12-05, factor: 2}\n")
    recorded = dataclasses.replace(small, orders=small.demand.head(0))
    with pytest.raises(InstanceError, match=r"events\[0\].type: the scenario ships its recorded orders"):
        read_events(path, recorded)


def test_cli_replay_with_events_shows_them_in_daily_csv_and_the_report(events_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["replay", str(SMALL), "--out", str(out), "--events", str(events_file), "--days", "1", "--plans",
            "baseline", "--time-limit", "0.3", "--workers", "1"]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    daily = (out / "daily.csv").read_text()
    assert "late_orders 30%" in daily and "breakdown_stops" in daily.splitlines()[0]
    assert 'id="events"' in (out / "report.html").read_text()
