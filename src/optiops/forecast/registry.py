"""Forecasters by name, as the CLI and the benchmark ask for them, and calendar defaults."""

from __future__ import annotations

from collections.abc import Callable

from optiops.forecast.auto import AutoForecaster
from optiops.forecast.base import Backtest, Forecaster
from optiops.forecast.boosting import GlobalBoosting, global_ensemble
from optiops.forecast.coldstart import ColdStart
from optiops.forecast.ets import AutoETS
from optiops.forecast.lifecycle import LifecycleBoosting
from optiops.forecast.models import ADIDA, IMAPA, SBA, SES, TSB, Croston, MovingAverage, Naive, SeasonalNaive
from optiops.forecast.sarimax import AutoSARIMAX

Builder = Callable[[int, Backtest | None], Forecaster]

BUILDERS: dict[str, Builder] = {
    "naive": lambda m, bt: Naive(intervals=bt),
    "seasonal_naive": lambda m, bt: SeasonalNaive(season_length=m, intervals=bt),
    "moving_average": lambda m, bt: MovingAverage(intervals=bt),
    "croston": lambda m, bt: Croston(intervals=bt),
    "sba": lambda m, bt: SBA(intervals=bt),
    "tsb": lambda m, bt: TSB(intervals=bt),
    "adida": lambda m, bt: ADIDA(intervals=bt),
    "imapa": lambda m, bt: IMAPA(intervals=bt),
    "ses": lambda m, bt: SES(intervals=bt),
    "ets": lambda m, bt: AutoETS(season_length=m),  # the model's own intervals
    "sarimax": lambda m, bt: AutoSARIMAX(season_length=m),  # the model's own intervals; takes regressors
    "cold_start": lambda m, bt: ColdStart(season_length=m, intervals=bt),
    "lifecycle": lambda m, bt: LifecycleBoosting(horizon=bt.h if bt else 12, season_length=m, intervals=bt),
    "auto": lambda m, bt: AutoForecaster(season_length=m, backtest=bt, cold_start=ColdStart(m)),
    "auto_mase": lambda m, bt: AutoForecaster(season_length=m, backtest=bt, cold_start=ColdStart(m), metric="mase"),
    "auto_pinball": lambda m, bt: AutoForecaster(
        season_length=m, backtest=bt, cold_start=ColdStart(m), metric="pinball"
    ),
    "auto_rmsse": lambda m, bt: AutoForecaster(season_length=m, backtest=bt, cold_start=ColdStart(m), metric="rmsse"),
    "auto_global": lambda m, bt: AutoForecaster(
        season_length=m, backtest=bt, cold_start=ColdStart(m), global_model=GlobalBoosting(bt.h if bt else 12, m)
    ),
    "auto_ensemble": lambda m, bt: AutoForecaster(
        season_length=m, backtest=bt, cold_start=ColdStart(m), global_model=global_ensemble(bt.h if bt else 12, m)
    ),
    "auto_class": lambda m, bt: AutoForecaster(
        season_length=m, backtest=bt, select="class", cold_start=ColdStart(m), metric="mase"
    ),
}
MODEL_NAMES = tuple(BUILDERS)
AUTO_METRICS = {"stocking": "auto", "rmsse": "auto_rmsse", "mase": "auto_mase", "pinball": "auto_pinball"}
SEASON_LENGTHS = {"h": 24, "D": 7, "W": 52, "MS": 12, "ME": 12}


def season_length_of(freq: str) -> int:
    """Steps per season for a calendar: 24 hourly, 7 daily, 52 weekly, 12 monthly, else 1."""
    return SEASON_LENGTHS.get(freq.split("-")[0], 1)


def make_model(name: str, season_length: int = 12, backtest: Backtest | None = None) -> Forecaster:
    """A forecaster by name, with backtest intervals where the model has none of its own.

    Parameters
    ----------
    name
        One of :data:`MODEL_NAMES` (case-insensitive).
    season_length
        Steps per season, for the seasonal models.
    backtest
        Origins for backtest intervals (and for ``auto``'s choice); default ``Backtest()``.

    Raises
    ------
    ValueError
        For an unknown name.
    """
    key = name.lower().replace("-", "_")
    if key not in BUILDERS:
        raise ValueError(f"unknown model {name!r}; one of {', '.join(MODEL_NAMES)}")
    return BUILDERS[key](season_length, backtest or Backtest())
