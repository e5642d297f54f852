"""Network plan: inventory and staffing steps, KPI arithmetic, the HTML report and the CLI end to end."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optiops.cli.main import app
from optiops.inventory.simulate import DemandPool, SimulationOptions
from optiops.plan.base import PlanOptions, StepResult
from optiops.plan.inventory_step import (
    SEARCH_DAYS,
    build_items,
    carrier_return_share,
    daily_matrix,
    inventory_step,
    joint_policy,
    supplier_groups,
)
from optiops.plan.labour_step import labour_step
from optiops.plan.pipeline import EXTRA_KPI_KEYS, KPI_KEYS, combine_kpis, target_checks, with_horizon
from optiops.scenario.read import read_scenario

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"
REPORT_SECTIONS = ("kpis", "cost", "forecast", "inventory", "allocation", "routing", "labour", "solvers")
# Quiet on a closed network (no background connections, no update or sync checks); Playwright adds headless.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return read_scenario(SMALL)


def test_inventory_step_judges_both_plans_on_the_same_days(small) -> None:  # type: ignore[no-untyped-def]
    """Same KPI keys and the same demand for both plans; shares in [0, 1]; a stock chart."""
    r = inventory_step(small, PlanOptions(scenarios=40))
    assert set(r.baseline) == set(r.optimised)
    assert r.baseline["units_demanded"] == pytest.approx(r.optimised["units_demanded"])
    for plan in (r.baseline, r.optimised):
        assert 0 <= plan["fill_rate"] <= 1 and 0 <= plan["stockout_rate"] <= 1 and plan["days_of_inventory"] > 0
        # a day with demand left unserved ends with an empty shelf, so it is an out-of-stock day too
        assert plan["unmet_demand_day_rate"] <= plan["stockout_rate"]
    assert r.figures["stock.png"].startswith(b"\x89PNG")
    assert len(r.tables["inventory_policies.csv"]) == r.stats["items"]
    # the baseline reviews every item on the same weekday: at most one purchase order per group a week
    groups = r.stats["supplier_groups"]
    assert 0 < r.stats["baseline_purchase_orders_per_day"] <= groups / 7 + 1e-3  # the stat is rounded to 3 places
    assert r.stats["groups_ordering_daily"] > 0 or r.stats["optimised_purchase_orders_per_day"] <= groups / 7 + 1e-3


def test_the_level_spread_sizes_the_optimised_plan_only(small, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The spread raises the optimised levels; the baseline, and the hold-out both are judged on, do not see it."""
    import optiops.plan.inventory_step as step

    monkeypatch.setattr(step, "level_spread", lambda *a, **k: 0.4)
    with_spread = inventory_step(small, PlanOptions(scenarios=40))
    monkeypatch.setattr(step, "level_spread", lambda *a, **k: 0.0)
    without = inventory_step(small, PlanOptions(scenarios=40))
    assert with_spread.stats["level_spread"] == 0.4 and without.stats["level_spread"] == 0
    assert with_spread.baseline == without.baseline
    up = with_spread.tables["inventory_policies.csv"]["optimised_reorder_point"].to_numpy()
    assert (up >= without.tables["inventory_policies.csv"]["optimised_reorder_point"].to_numpy()).mean() > 0.9
    assert with_spread.optimised["days_of_inventory"] > without.optimised["days_of_inventory"]


def test_returns_pay_pickup_only_outside_the_fleet_zones(small) -> None:  # type: ignore[no-untyped-def]
    """The fleet's pickups are priced by the routing step; the returns part pays the carrier's pickups only."""
    zones = small.zones.assign(fleet_warehouse="")
    assert carrier_return_share(dataclasses.replace(small, zones=zones)) == 1.0
    fleet = small.zones.loc[small.zones["fleet_warehouse"] != "", "zone"]
    assert len(fleet) > 0
    in_fleet = small.returns["zone"].isin(fleet)
    share = carrier_return_share(small)
    assert share == pytest.approx(small.returns.loc[~in_fleet, "y"].sum() / small.returns["y"].sum())
    assert 0.0 < share < 1.0


def test_joint_policy_orders_weekly_when_purchase_orders_are_dear(small) -> None:  # type: ignore[no-untyped-def]
    """With a prohibitive purchase-order cost every group keeps to the common weekly day."""
    demand = daily_matrix(small, small.demand)
    history = small.days - small.holdout_days
    items, _ = build_items(small, demand, history)
    group, labels = supplier_groups(small, items)
    category = small.skus.set_index("sku")["category"]
    pairs = [f"{w}/{category[i.split('@')[0]]}" for i, w in zip(items.ids, items.warehouse, strict=True)]
    assert [labels[g] for g in group] == pairs  # one group per warehouse x category (supplier)
    pool = DemandPool.from_lists(list(demand.to_numpy()[:, history - SEARCH_DAYS : history]))
    opts = SimulationOptions(20, 28, 28, 1)
    policy, daily = joint_policy(items, group, len(labels), 1e9, pool, opts)
    assert not daily.any() and (policy.review == 7).all()
    _, free_daily = joint_policy(items, group, len(labels), 0.0, pool, opts)
    assert free_daily.any()  # with free purchase orders some group gains from ordering on any day


def test_flexible_shifts_never_pay_more_than_fixed_ones(small) -> None:  # type: ignore[no-untyped-def]
    """The flexible shift set contains the fixed shifts, so its optimum pays at most the baseline's hours."""
    r = labour_step(small, PlanOptions(time_limit=5.0))
    assert r.optimised["labour_hours"] <= r.baseline["labour_hours"] + 1e-9
    assert r.optimised["units_shipped"] == r.baseline["units_shipped"] > 0
    assert r.optimised["units_per_labour_hour"] >= r.baseline["units_per_labour_hour"]


@pytest.mark.parametrize("horizon", [1, 2])
def test_staffing_of_a_horizon_shorter_than_a_week_is_judged_on_its_days(small, horizon: int) -> None:  # type: ignore[no-untyped-def]
    """--horizon 1 or 2: the week's roster judged on those days, paid hours and units of those days only."""
    short = with_horizon(small, horizon)
    r = labour_step(short, PlanOptions(time_limit=2.0))
    first = small.calendar.loc[small.calendar["holdout"] == 1, "ds"].sort_values().iloc[:horizon]
    assert r.optimised["units_shipped"] == pytest.approx(small.demand.loc[small.demand["ds"].isin(first), "y"].sum())
    assert r.optimised["labour_hours"] > 0 and r.baseline["labour_hours"] > 0  # per-day head counts may differ
    assert 0 <= r.optimised["hour_coverage"] <= 1 and 0 <= r.optimised["service_within_target"] <= 1
    week = labour_step(with_horizon(small, 7), PlanOptions(time_limit=2.0))
    assert r.baseline["labour_hours"] < week.baseline["labour_hours"]


@pytest.mark.parametrize("horizon", ["0", "29"])
def test_plan_cli_refuses_a_horizon_beyond_the_hold_out(tmp_path: Path, horizon: str) -> None:
    """A horizon outside 1 .. the hold-out days: exit 2 naming --horizon and the reason, nothing written."""
    res = CliRunner().invoke(app, ["plan", str(SMALL), "--out", str(tmp_path / "out"), "--horizon", horizon])
    assert res.exit_code == 2, res.output
    text = " ".join(res.output.split())
    assert "--horizon" in text or "'--horizon'" in text
    assert horizon == "0" or "28 hold-out day(s)" in text
    assert not (tmp_path / "out").exists()


def step(name: str, **both: float) -> StepResult:
    return StepResult(name, dict(both), dict(both))


def test_cost_per_order_adds_the_parts_per_their_own_orders() -> None:
    """Next-day costs per next-day order, hold-out costs per hold-out order, labour per week order."""
    steps = {
        "inventory": step(
            "inventory",
            units_demanded=320.0,
            holding_cost=100.0,
            replenishment_cost=60.0,
            shortage_cost=40.0,
            returns_cost=20.0,
            days_of_inventory=30.0,
            stockout_rate=0.02,
            unmet_demand_day_rate=0.01,
            fill_rate=0.97,
        ),
        "allocation": step(
            "allocation",
            orders=50.0,
            handling_cost=100.0,
            shipping_cost=200.0,
            split_cost=10.0,
            late_orders=5.0,
            split_rate=0.1,
        ),
        # fleet routes 30 + 2 units handed to the carrier at 5 (the skip price in transport_cost is not a cost)
        "routing": step(
            "routing", transport_cost=60.0, fleet_cost=30.0, carrier_units=2.0, stops=10.0, on_time_rate=0.9
        ),
        "labour": step("labour", labour_cost=400.0, units_shipped=160.0, units_per_labour_hour=5.0),
    }
    kpis, parts = combine_kpis(steps, upo=1.6, carrier_parcel_cost=5.0)
    # 200 hold-out orders, 100 week orders; lost sales (40) are reported apart, not as a fulfilment cost
    assert parts["baseline"] == pytest.approx(
        {"handling": 2.0, "transport": 5.0, "inventory": 0.8, "returns": 0.1, "labour": 4.0}
    )
    assert kpis["baseline"]["cost_per_order"] == pytest.approx(11.9)
    assert kpis["baseline"]["lost_sales_per_order"] == pytest.approx(0.2)
    assert kpis["baseline"]["on_time_rate"] == pytest.approx((45 + 9) / 60)
    assert set(kpis["baseline"]) == set(KPI_KEYS) | set(EXTRA_KPI_KEYS)
    assert target_checks(kpis)["fill_rate"]["met"] and not target_checks(kpis)["cost_per_order"]["met"]


class Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.images: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "img":
            self.images.append(str(a.get("src", "")))
        for key in ("src", "href"):
            if a.get(key) and re.match(r"https?://", str(a[key])):
                self.external.append(str(a[key]))


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``optiops plan`` on the small scenario (short limits), run once for the tests of its output."""
    out = tmp_path_factory.mktemp("plan") / "out"
    res = CliRunner().invoke(app, ["plan", str(SMALL), "--out", str(out), "--time-limit", "2", "--scenarios", "30",
                                   "--horizon", "14"])  # fmt: skip
    assert res.exit_code == 0, res.output
    return out


def test_plan_cli_writes_kpis_and_a_self_contained_report(planned: Path) -> None:
    """optiops plan on the small scenario: kpis.json with both plans and every key; sections and images inline."""
    kpis = json.loads((planned / "kpis.json").read_text())
    assert set(kpis) == {"baseline", "optimised"}
    for plan in kpis.values():
        assert set(KPI_KEYS) <= set(plan)
        assert 0 <= plan["fill_rate"] <= 1 and 0 <= plan["on_time_rate"] <= 1 and plan["cost_per_order"] > 0
    parser = Sections()
    parser.feed((planned / "report.html").read_text(encoding="utf-8"))
    assert set(REPORT_SECTIONS) <= set(parser.ids)
    assert parser.images and all(src.startswith("data:image/png;base64,") for src in parser.images)
    assert all(base64.b64decode(src.split(",", 1)[1])[:4] == b"\x89PNG" for src in parser.images)
    assert parser.external == []


def test_report_renders_in_headless_chromium(planned: Path) -> None:
    """The report opened in headless Chromium: every section laid out, every figure decoded, no console error."""
    from playwright.sync_api import sync_playwright

    browser_path = chromium_path()
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)  # a fresh profile each run
        try:
            page = browser.new_page()
            page.on(
                "console", lambda msg: errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
            )
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
            page.goto((planned / "report.html").resolve().as_uri(), wait_until="load")
            heights = page.evaluate(
                "ids => ids.map(id => document.getElementById(id)?.getBoundingClientRect().height ?? -1)",
                list(REPORT_SECTIONS),
            )
            images = page.evaluate("Array.from(document.images).map(img => [img.complete, img.naturalWidth])")
            title = page.title()
        finally:
            browser.close()
    assert errors == []
    assert title
    assert all(h > 0 for h in heights), dict(zip(REPORT_SECTIONS, heights, strict=True))
    assert images and all(done and width > 0 for done, width in images)


def chromium_path() -> str:
    """The Chromium to drive: ``OPTIOPS_CHROMIUM``, else the first of the usual names on the PATH."""
    import os
    import shutil

    for name in (os.environ.get("OPTIOPS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    pytest.fail("no Chromium found for the report test: install Debian's `chromium` package (.ci/run does) "
                "or set OPTIOPS_CHROMIUM to a Chromium or Chrome executable")  # fmt: skip


def test_plan_cli_names_a_broken_table(tmp_path: Path) -> None:
    """A scenario folder with a corrupted table: exit 2, the message names file and column, nothing written."""
    import shutil

    folder = tmp_path / "sc"
    shutil.copytree(SMALL, folder)
    skus = folder / "skus.csv"
    skus.write_text(skus.read_text().replace("SKU01,apparel,91.9", "SKU01,apparel,-5", 1))
    res = CliRunner().invoke(app, ["plan", str(folder), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert "skus.csv" in res.output and "price" in res.output
    assert not (tmp_path / "out").exists()
