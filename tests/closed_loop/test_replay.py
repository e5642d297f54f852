"""The replay: conservation of stock and orders, reproducibility, the baseline's rules, the CLI and bad input."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.closed_loop.checks import assert_orders_conserved, assert_stock_balances
from typer.testing import CliRunner

import optiops
from optiops.cli.main import app
from optiops.closed_loop import ReplayOptions, replay
from optiops.closed_loop.policies import order_quantities
from optiops.closed_loop.routing import territory_plan
from optiops.exceptions import InstanceError
from optiops.model.routing import Depot, RoutingInstance, Stop, Travel, VehicleType
from optiops.scenario.read import read_scenario

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"
FAST = ReplayOptions(days=3, time_limit=0.3, workers=1, executor="inline")


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return read_scenario(SMALL)


@pytest.fixture(scope="module")
def result(small):  # type: ignore[no-untyped-def]
    return replay(small, FAST)


def test_stock_balances_for_every_item_and_day(result) -> None:  # type: ignore[no-untyped-def]
    assert_stock_balances(result.ledger)


def test_orders_are_shipped_in_backlog_or_lost(result) -> None:  # type: ignore[no-untyped-def]
    assert_orders_conserved(result.daily)


def test_both_plans_start_from_the_same_state_and_see_the_same_orders(result) -> None:  # type: ignore[no-untyped-def]
    led, daily = result.ledger, result.daily
    first = led[led["day"] == led["day"].min()]
    a = first[first["plan"] == "baseline"].set_index(["sku", "warehouse"])["opening"]
    b = first[first["plan"] == "optimised"].set_index(["sku", "warehouse"])["opening"]
    assert a.reindex(a.index.union(b.index), fill_value=0).equals(b.reindex(a.index.union(b.index), fill_value=0))
    base, opt = daily[daily["plan"] == "baseline"], daily[daily["plan"] == "optimised"]
    assert base["orders"].tolist() == opt["orders"].tolist() and base["units"].tolist() == opt["units"].tolist()


def test_kpis_follow_from_the_daily_rows(result) -> None:  # type: ignore[no-untyped-def]
    for plan, rows in result.daily.groupby("plan"):
        k = result.kpis[plan]
        assert k["cost_per_order"] == pytest.approx(rows["cost_total"].sum() / rows["orders"].sum(), rel=1e-3)
        assert k["fill_rate"] == pytest.approx(rows["shipped_units"].sum() / rows["units"].sum(), rel=1e-3)
        assert 0.0 <= k["stockout_rate"] <= 1.0 and 0.0 <= k["on_time_rate"] <= 1.0
        assert sum(result.breakdown[plan].values()) == pytest.approx(k["cost_per_order"], abs=1e-3)
        network_empty = rows["stocked_skus_empty"].sum() / rows["stocked_skus"].sum()
        assert k["network_stockout_rate"] == pytest.approx(network_empty, abs=1e-5)


def test_wall_time_of_every_day_is_reported(result) -> None:  # type: ignore[no-untyped-def]
    days = result.stats["day_seconds"]
    assert len(days) == result.stats["days"] and all(t > 0 for t in days)
    rounding = 0.005 * (len(days) + 2)  # every figure is rounded to 0.01 s
    assert result.stats["opening_seconds"] > 0
    assert sum(days) + result.stats["opening_seconds"] <= result.runtime_s + rounding


def test_same_seed_same_ledger(small) -> None:  # type: ignore[no-untyped-def]
    opts = dataclasses.replace(FAST, days=2, plans=("baseline",))
    a, b = replay(small, opts), replay(small, opts)
    pd.testing.assert_frame_equal(a.ledger, b.ledger)
    c = replay(small, dataclasses.replace(opts, seed=2))
    assert c.daily["units"].equals(a.daily["units"])  # the same demand, split into other orders
    assert not c.daily["orders"].equals(a.daily["orders"])


def test_order_up_to_in_whole_packs() -> None:
    from optiops.inventory.policy import Policy

    pol = Policy("p", np.array([7, 7, 1]), np.array([10.0, 10.0, 5.0]), np.array([10.0, 10.0, 12.0]),
                 np.zeros(3), np.zeros(3))  # fmt: skip
    q = order_quantities(pol, np.array([3.0, 11.0, 5.0]), np.array([4.0, 1.0, 1.0]), np.array([True, True, True]))
    assert q.tolist() == [8.0, 0.0, 7.0]  # 7 rounded up to two packs of 4; above s: nothing; s = 5 reached: up to 12
    q = order_quantities(pol, np.array([3.0, 3.0, 3.0]), np.ones(3), np.array([False, True, False]))
    assert q.tolist() == [0.0, 7.0, 0.0]  # only items under review order


def test_territories_keep_windows_and_capacity() -> None:
    stops = [Stop(id=f"s{k}", x=float(np.cos(k)) * 5, y=float(np.sin(k)) * 5, delivery=1, service_time=2.0,
                  time_windows=[(480.0, 1200.0)], required=False, skip_penalty=50.0) for k in range(24)]  # fmt: skip
    inst = RoutingInstance(
        name="t", rounding="exact", travel=Travel(metric="euclidean", speed=0.5),
        depots=[Depot(id="D", x=0.0, y=0.0, time_window=(0.0, 1440.0))],
        vehicle_types=[VehicleType(id="van", count=2, capacity=10, fixed_cost=10.0, cost_per_distance=1.0,
                                   start_depot="D", shift=(480.0, 1260.0))],
        stops=stops,
    )  # fmt: skip
    plan = territory_plan(inst)
    ev = optiops.evaluate(inst, plan)
    assert ev.feasible
    served = [v.node for r in plan.routes for v in r.visits if v.kind != "depot"]
    assert len(served) == 20 and len(set(served)) == 20  # two vans of 10, the other four go to the carrier
    # each van keeps to one sector: its stops' angles form one contiguous run
    for r in plan.routes:
        angles = sorted(np.arctan2(s.y, s.x) for s in stops if s.id in {v.node for v in r.visits})
        assert max(np.diff(angles)) < 1.0


def test_library_face_takes_a_folder() -> None:
    res = optiops.replay(SMALL, dataclasses.replace(FAST, days=1, plans=("baseline",)))
    assert set(res.kpis) == {"baseline"} and len(res.daily) == 1


def test_lead_times_keep_their_mean_and_lean_late() -> None:
    from optiops.closed_loop.engine import lead_times

    z = np.random.default_rng(3).standard_normal(200_000)
    lead = lead_times(np.full(z.size, 10.0), np.full(z.size, 4.0), z)
    assert lead.min() >= 1
    assert lead.mean() == pytest.approx(10.0, abs=0.1) and lead.std() == pytest.approx(4.0, abs=0.2)
    assert np.median(lead) < lead.mean()  # right-skewed: a few very late deliveries


def test_a_shop_shows_only_promises_its_nearest_warehouse_keeps(small) -> None:  # type: ignore[no-untyped-def]
    from optiops.closed_loop.engine import _context, _day_orders
    from optiops.plan.allocation_step import carrier_matrices

    ctx = _context(small, FAST)
    orders = _day_orders(ctx, ctx.history_days)
    transit = carrier_matrices(small).transit_days
    max_days = small.promises.set_index("promise")["max_transit_days"]
    zone = orders.orders["zone"].map(ctx.zone_index).to_numpy()
    days = transit[ctx.home[zone], zone]
    slowest = max_days.max()
    assert (orders.orders["promise"].map(max_days).to_numpy() >= np.minimum(days, slowest)).all()


def test_no_holdout_is_a_clear_error(small) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InstanceError, match="hold-out"):
        replay(dataclasses.replace(small, holdout_days=0), FAST)


def test_stock_of_an_unknown_sku_is_a_clear_error(small) -> None:  # type: ignore[no-untyped-def]
    stock = pd.concat([small.stock, pd.DataFrame({"sku": ["NOPE"], "warehouse": ["W01"], "on_hand": [3]})])
    with pytest.raises(InstanceError, match=r"stock\.csv"):
        replay(dataclasses.replace(small, stock=stock), FAST)


def test_cli_writes_the_ledger_and_the_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["replay", str(SMALL), "--out", str(out), "--days", "2", "--time-limit", "0.3",
                                   "--workers", "1", "--plans", "baseline"])  # fmt: skip
    assert res.exit_code == 0, res.output
    kpis = json.loads((out / "kpis.json").read_text())
    for key in ("cost_per_order", "days_of_inventory", "stockout_rate", "fill_rate", "units_per_labour_hour",
                "split_rate", "on_time_rate", "backlog_orders", "overtime_hours", "late_orders"):  # fmt: skip
        assert key in kpis["baseline"]
    daily = pd.read_csv(out / "daily.csv")
    assert len(daily) == 2 and set(daily["plan"]) == {"baseline"}
    assert (out / "ledger.parquet").is_file() or (out / "ledger.csv").is_file()
    assert "Day by day" in (out / "report.html").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--plans", "fastest"], "--plans"), (["--reforecast", "hourly"], "--reforecast")],
)
def test_cli_bad_options_exit_2_and_write_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["replay", str(SMALL), "--out", str(out), *args])
    assert res.exit_code == 2 and message in res.output
    assert not out.exists()


def test_cli_negative_stock_exits_2(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "sc"
    shutil.copytree(SMALL, folder)
    stock = (folder / "stock.csv").read_text().splitlines()
    stock[1] = ",".join([*stock[1].split(",")[:2], "-4"])
    (folder / "stock.csv").write_text("\n".join(stock) + "\n")
    res = CliRunner().invoke(app, ["replay", str(folder), "--out", str(tmp_path / "out"), "--days", "1"])
    assert res.exit_code == 2 and "stock.csv" in res.output
    assert not (tmp_path / "out").exists()


def test_a_lead_time_longer_than_the_holdout_is_a_clear_error(small) -> None:  # type: ignore[no-untyped-def]
    skus = small.skus.copy()
    skus.loc[3, "lead_time_mean_days"] = small.holdout_days + 5.0
    with pytest.raises(InstanceError, match="lead_time_mean_days"):
        replay(dataclasses.replace(small, skus=skus), FAST)


def test_too_little_history_is_a_clear_error(small) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InstanceError, match="history"):
        replay(dataclasses.replace(small, holdout_days=small.days - 10), FAST)


def test_unknown_plan_is_a_clear_error(small) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InstanceError, match="plans"):
        replay(small, dataclasses.replace(FAST, plans=("clever",)))


def test_supplier_outages_keep_their_share_and_length() -> None:
    from optiops.closed_loop.engine import supplier_outages
    from optiops.model.scenario import Costs

    out = supplier_outages(Costs(supplier_outage_share=0.1, supplier_outage_days=20.0), 2000, 400,
                           np.random.default_rng(2))  # fmt: skip
    assert out.mean() == pytest.approx(0.1, abs=0.01)
    starts = (out[1:] & ~out[:-1]).sum()
    assert out[1:].sum() / starts == pytest.approx(20.0, rel=0.1)  # mean run length
    assert not supplier_outages(Costs(), 5, 10, np.random.default_rng(2)).any()


def test_an_outage_refuses_purchase_orders_and_the_ledger_still_balances(small) -> None:  # type: ignore[no-untyped-def]
    """Suppliers out most of the time deliver fewer units; every item still balances."""
    unreliable = dataclasses.replace(small, costs=dataclasses.replace(small.costs, supplier_outage_share=0.9,
                                                                      supplier_outage_days=60.0))  # fmt: skip
    opts = dataclasses.replace(FAST, days=8)
    a, b = replay(small, opts), replay(unreliable, opts)
    for plan in ("baseline", "optimised"):
        assert b.ledger.loc[b.ledger["plan"] == plan, "receipts"].sum() < a.ledger.loc[a.ledger["plan"] == plan,
                                                                                        "receipts"].sum()  # fmt: skip
    assert_stock_balances(b.ledger)
    # the weekly ERP asks again at its next review; the daily loop asks again the next day
    refused = b.daily.assign(k=b.daily.groupby("plan").cumcount()).query("po_lines_refused > 0")
    assert set(refused.loc[refused["plan"] == "baseline", "k"]) <= {0, 7}
    assert set(refused.loc[refused["plan"] == "optimised", "k"]) - {0, 7}


def test_intraday_measures_both_rules_without_changing_the_day(small, result) -> None:  # type: ignore[no-untyped-def]
    """``intraday`` adds the task-by-task columns; every other figure of the day stays as it was."""
    with_tasks = replay(small, dataclasses.replace(FAST, intraday=True))
    plain = result.daily
    extra = [c for c in with_tasks.daily.columns if c not in plain.columns]
    assert extra and all(c.startswith("intraday_") for c in extra)
    pd.testing.assert_frame_equal(with_tasks.daily[list(plain.columns)], plain)
    d = with_tasks.daily
    assert (d["intraday_tasks"] >= 2 * d["parcels"] - 1e-9).all()  # a pick and a pack per parcel at least
    np.testing.assert_allclose(d["intraday_paid_hours"], d["rostered_hours"])  # the roster's people, no overtime
    for rule in ("fifo", "dispatch"):
        assert (d[f"intraday_on_time_{rule}"] <= d[f"intraday_done_{rule}"]).all()
        assert (d[f"intraday_done_{rule}"] <= d["intraday_tasks"]).all()
        assert (d[f"intraday_worked_hours_{rule}"] <= d["intraday_paid_hours"] + 1e-9).all()
        assert 0.0 <= with_tasks.kpis["optimised"][f"intraday_on_time_share_{rule}"] <= 1.0
