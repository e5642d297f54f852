"""The risks the simulation adds to a demand pool are measured as they are made."""

from __future__ import annotations

import numpy as np
import pytest

from optiops.inventory.risk import level_spread, outage_rates


def test_a_steady_level_has_no_spread_beyond_noise() -> None:
    """Poisson days around fixed levels: the daily noise is taken out, almost nothing is left."""
    rng = np.random.default_rng(3)
    history = rng.poisson(rng.uniform(2.0, 30.0, 1500), (200, 1500)).astype(float)
    assert level_spread(history, 14) < 0.04


def test_a_wandering_level_is_measured() -> None:
    """A log level on a random walk of daily step sd 0.05: the window mean and the next 14 days' mean
    differ in log by about 0.05 sqrt((28 + 14) / 3) = 0.187 (the walk's variance over both spans)."""
    rng = np.random.default_rng(4)
    days, n = 200, 2000
    log_level = np.log(rng.uniform(5.0, 40.0, n)) + np.cumsum(rng.normal(0.0, 0.05, (days, n)), axis=0)
    history = rng.poisson(np.exp(log_level)).astype(float)
    assert level_spread(history, 14) == pytest.approx(0.05 * np.sqrt(42 / 3), rel=0.2)


def test_lumpy_lines_at_a_steady_level_are_not_read_as_a_moving_level() -> None:
    """Wholesale items: a line of 20-60 units on one day in ten, steady for ever. Their 21-day means
    swing by far more than their daily variance says; they are left out, and steady smooth items
    beside them keep the estimate near 0."""
    rng = np.random.default_rng(5)
    days = 200
    lumpy = (rng.random((days, 800)) < 0.1) * rng.integers(20, 61, (days, 800))
    smooth = rng.poisson(rng.uniform(5.0, 30.0, 200), (days, 200))
    assert level_spread(lumpy.astype(float), 21) == 0.0
    assert level_spread(np.hstack([lumpy, smooth]).astype(float), 21) < 0.05


def test_too_little_history_or_demand_gives_no_spread() -> None:
    assert level_spread(np.ones((20, 5)) * 10, 14) == 0.0  # no origin with a 28-day window before it
    assert level_spread(np.zeros((120, 5)), 14) == 0.0  # nothing sells


def test_outage_rates_give_the_share_and_the_mean_length() -> None:
    start, end = outage_rates(0.1, 21.0)
    assert end == pytest.approx(1 / 21)
    assert start / (start + end) == pytest.approx(0.1)  # the chain's long-run share of days out
    assert outage_rates(0.0, 21.0) == (0.0, 1.0)
