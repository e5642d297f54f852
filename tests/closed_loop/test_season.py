"""The optimised plan's season: factor 1 on a history shorter than a year, last year's season on a longer one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optiops.closed_loop.policies import Grid, replenishment_season, roster_season
from optiops.forecast.yearly import YEAR_DAYS
from optiops.scenario.read import read_scenario

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return read_scenario(SMALL)


def long_calendar(scenario, days: int):  # type: ignore[no-untyped-def]
    """The scenario with an ordinary calendar of ``days`` days (no events)."""
    calendar = pd.DataFrame({"ds": pd.date_range(scenario.start, periods=days).strftime("%Y-%m-%d"), "event": ""})
    return dataclasses.replace(scenario, calendar=calendar)


def test_short_history_leaves_the_plan_unchanged(small) -> None:  # type: ignore[no-untyped-def]
    """The small scenario's history is under a year: every factor is 1."""
    grid = Grid.of(small)
    days = small.days - small.holdout_days
    history = np.random.default_rng(1).poisson(3.0, (days, grid.n)).astype(float)
    ordinary = np.ones(days, dtype=bool)
    assert np.all(replenishment_season(grid, history, ordinary, 21) == 1.0)
    assert roster_season(small, {w: history.sum(axis=1) for w in grid.warehouses}) == 1.0


def test_rosters_read_the_network_season(small) -> None:  # type: ignore[no-untyped-def]
    """Two years of a season that rises into the coming week raise the roster's week for every warehouse."""
    days = 2 * YEAR_DAYS
    t = np.arange(days)
    total = 100.0 * (1.0 + 0.8 * np.cos(2 * np.pi * (t - days - 91) / YEAR_DAYS))  # steepest rise today
    scenario = long_calendar(small, days)
    factor = roster_season(scenario, {"A": total * 0.8, "B": total * 0.2})
    assert factor > 1.05
    assert factor == roster_season(scenario, {"A": total})
