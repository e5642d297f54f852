"""The optimised replenishment's season: factor 1 on a history shorter than a year, last year's on a longer one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optiops.closed_loop.policies import Grid, replenishment_season
from optiops.forecast.yearly import YEAR_DAYS
from optiops.model.scenario import Scenario
from optiops.scenario.read import read_scenario

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"


@pytest.fixture(scope="module")
def small() -> Scenario:
    return read_scenario(SMALL)


def test_short_history_leaves_the_plan_unchanged(small: Scenario) -> None:
    """The small scenario's history is under a year: every factor is 1."""
    grid = Grid.of(small)
    days = small.days - small.holdout_days
    history = np.random.default_rng(1).poisson(3.0, (days, grid.n)).astype(float)
    ordinary = np.ones(days, dtype=bool)
    assert np.all(replenishment_season(grid, history, ordinary, 21) == 1.0)


def test_a_yearly_season_scales_every_item_by_its_category(small: Scenario) -> None:
    """Two years of a season rising into the protection interval raise every item; a category shares one factor."""
    grid = Grid.of(small)
    days = 2 * YEAR_DAYS
    t = np.arange(days)
    mean = 5.0 * (1.0 + 0.8 * np.cos(2 * np.pi * (t - days - 60) / YEAR_DAYS))  # peak two months ahead
    history = np.random.default_rng(2).poisson(np.outer(mean, np.ones(grid.n))).astype(float)
    factors = replenishment_season(grid, history, np.ones(days, dtype=bool), 21)
    assert np.all(factors > 1.1)
    category = grid.group // len(grid.warehouses)
    assert all(len(set(factors[category == c])) == 1 for c in np.unique(category))
