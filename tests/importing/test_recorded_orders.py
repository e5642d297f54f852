"""An imported scenario's recorded orders drive the plan and the replay instead of orders drawn from demand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.importing.cases import NETWORK, export_lines, write_export

from optiops.closed_loop import ReplayOptions, replay
from optiops.importing import ImportOptions, import_orders
from optiops.model.scenario import Scenario
from optiops.plan.base import PlanOptions
from optiops.plan.orders import next_day, next_day_orders


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """90 days of weekday orders, the last 20 trading days held out (lead times of 14 days fit)."""
    folder = tmp_path_factory.mktemp("recorded")
    (folder / "network.yaml").write_text(NETWORK)
    export = write_export(export_lines(days=90), folder / "lines.csv")
    return import_orders([export], ImportOptions(network=folder / "network.yaml", holdout=20)).scenario


def _recorded(s: Scenario, day: pd.Timestamp) -> pd.DataFrame:
    assert s.orders is not None
    return s.orders[s.orders["time"].dt.normalize() == day]


def test_next_day_orders_are_the_recorded_orders(imported: Scenario) -> None:
    """Same orders, lines, SKUs and quantities as recorded; promises and points drawn for each order."""
    day = next_day(imported)
    orders = next_day_orders(imported, PlanOptions(seed=3), day)
    recorded = _recorded(imported, day)
    assert sorted(orders.orders["order"]) == sorted(recorded["order"].unique())
    got = orders.lines.sort_values(["order", "line"], ignore_index=True)
    want = recorded[["order", "line", "sku", "quantity"]].sort_values(["order", "line"], ignore_index=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert orders.orders["customer"].str.startswith(tuple(orders.orders["zone"])).all()
    assert set(orders.orders["promise"]) <= set(imported.promises["promise"])


def test_replay_ships_the_recorded_orders_and_conserves_them(imported: Scenario) -> None:
    """Every day's orders are the recorded ones; orders in = shipped + backlog + lost."""
    result = replay(imported, ReplayOptions(days=3, plans=("baseline",), time_limit=0.3, workers=1, executor="inline"))
    daily = result.daily
    for row in daily.itertuples(index=False):
        assert row.orders == _recorded(imported, pd.Timestamp(str(row.day)))["order"].nunique()
    assert daily["orders"].sum() > 0
    shipped, lost = daily["orders_completed"].sum(), daily["lost_orders"].sum()
    assert shipped + lost + daily["backlog_orders"].iloc[-1] == daily["orders"].sum()


def test_plan_reads_an_imported_folder(imported: Scenario, tmp_path: Path) -> None:
    """optiops plan runs on the written folder and allocates the recorded orders of the first hold-out day."""
    from typer.testing import CliRunner

    from optiops.cli.main import app
    from optiops.scenario import write_scenario

    write_scenario(imported, tmp_path / "s", compress=True)
    out = CliRunner().invoke(app, ["plan", str(tmp_path / "s"), "--out", str(tmp_path / "p"), "--time-limit", "0.5",
                                   "--workers", "1"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert (tmp_path / "p" / "kpis.json").is_file()


def test_intraday_profile_is_the_recorded_hours(imported: Scenario) -> None:
    """Orders placed 08:00-17:59 only: the labour step's hourly shares are zero outside those hours."""
    from optiops.plan.labour_step import hourly_drivers
    from optiops.scenario.orders import intraday_profile

    profile = intraday_profile(imported)
    assert profile is not None and profile.sum() == pytest.approx(1.0)
    assert profile[:8].sum() == 0 and profile[18:].sum() == 0
    drivers = hourly_drivers(np.full(7, 10.0), np.zeros(7), 2.0, 5.0, 0, intraday=profile)
    assert drivers["orders"].reshape(7, 24)[:, :8].sum() == 0
    assert drivers["orders"].sum() == pytest.approx(14.0)
