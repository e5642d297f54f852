"""The year-over-year season factor: a known season is found, no season gives 1, a short history gives 1."""

from __future__ import annotations

import numpy as np
import pytest

from optiops.forecast.yearly import YEAR_DAYS, group_factors, year_over_year_factor

DAYS = 2 * YEAR_DAYS  # two years of history: the origin a year back has a year before it


def seasonal_mean(days: int, amplitude: float, peak_day: int) -> np.ndarray:
    """Mean daily demand of a yearly cosine season peaking on ``peak_day`` of each year."""
    t = np.arange(days)
    return 100.0 * (1.0 + amplitude * np.cos(2 * np.pi * (t - peak_day) / YEAR_DAYS))


def last_year_ratio(mean: np.ndarray, horizon: int, window: int) -> float:
    """The factor the noise-free series implies: last year's horizon over the window before it."""
    origin = len(mean) - YEAR_DAYS
    return float(mean[origin : origin + horizon].mean() / mean[origin - window : origin].mean())


def test_known_season_is_found() -> None:
    """Before a peak, the factor is last year's rise from the window to the horizon (Poisson noise)."""
    mean = seasonal_mean(DAYS, 0.5, peak_day=DAYS + 30 - YEAR_DAYS)  # the peak a month ahead
    series = np.random.default_rng(1).poisson(mean).astype(float)
    expected = last_year_ratio(mean, 21, 56)
    assert expected > 1.15
    assert year_over_year_factor(series, 21, 56) == pytest.approx(expected, rel=0.05)


def test_falling_season_gives_a_factor_below_one() -> None:
    """After a peak, last year's fall lowers the level."""
    mean = seasonal_mean(DAYS, 0.5, peak_day=DAYS - 40 - YEAR_DAYS)
    series = np.random.default_rng(2).poisson(mean).astype(float)
    assert year_over_year_factor(series, 21, 56) == pytest.approx(last_year_ratio(mean, 21, 56), rel=0.05)
    assert year_over_year_factor(series, 21, 56) < 0.95


def test_no_season_gives_exactly_one() -> None:
    """A series with a weekly pattern and no yearly season has factor 1."""
    weekly = np.array([120.0, 100.0, 100.0, 90.0, 110.0, 0.0, 60.0])
    series = np.tile(weekly, DAYS // 7)
    assert year_over_year_factor(series, 7, 28) == 1.0
    assert year_over_year_factor(series, 21, 56) == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_noise_alone_is_shrunk_to_about_one(seed: int) -> None:
    """Flat Poisson demand: the factor stays within 3 % of 1 (the noise is shrunk away)."""
    series = np.random.default_rng(seed).poisson(50.0, DAYS).astype(float)
    assert year_over_year_factor(series, 7, 14) == pytest.approx(1.0, abs=0.03)


def test_short_history_gives_one() -> None:
    """Without a year and a window of history there is no last year to read."""
    mean = seasonal_mean(YEAR_DAYS + 40, 0.5, peak_day=YEAR_DAYS + 60)
    assert year_over_year_factor(mean, 21, 56) == 1.0
    assert year_over_year_factor(mean[:300], 7, 14) == 1.0


def test_closed_days_do_not_count() -> None:
    """Zeros on closed days (or days marked unusable) leave the factor of the open days."""
    mean = seasonal_mean(DAYS, 0.4, peak_day=DAYS + 20 - YEAR_DAYS)
    closed = np.arange(DAYS) % 7 == 5
    shut = np.where(closed, 0.0, mean)
    open_only = year_over_year_factor(mean, 21, 56, usable=~closed)
    assert year_over_year_factor(shut, 21, 56) == open_only
    assert year_over_year_factor(shut, 21, 56, usable=~closed) == open_only
    assert open_only == pytest.approx(last_year_ratio(mean, 21, 56), rel=0.05)


def test_factor_is_bounded() -> None:
    """One year's ratio never more than doubles the level."""
    series = np.full(DAYS, 10.0)
    origin = DAYS - YEAR_DAYS
    series[origin : origin + 21] = 100.0
    assert year_over_year_factor(series, 21, 56) == 2.0


def test_group_factors_read_each_group_on_its_total() -> None:
    """Items of a seasonal group share its factor; a flat group's items get 1."""
    mean = seasonal_mean(DAYS, 0.5, peak_day=DAYS + 30 - YEAR_DAYS)
    history = np.column_stack([mean / 2, mean / 2, np.full(DAYS, 40.0)])
    factors = group_factors(history, np.array([3, 3, 7]), 21, 56)
    assert factors[0] == factors[1] == pytest.approx(year_over_year_factor(mean, 21, 56), rel=1e-9)
    assert factors[0] > 1.1
    assert factors[2] == 1.0
