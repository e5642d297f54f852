"""Forecast step of the network plan: daily demand per SKU x warehouse over the hold-out days, with intervals.

The optimised plan forecasts with ``auto_class`` (Syntetos-Boylan class -> intermittent or smoothing
method, intervals from backtest residuals); the baseline with a 28-day moving average (the
spreadsheet habit). Both are scored on the hold-out days: WAPE (absolute error over demand, pooled
over every item and day) and bias (total forecast over total demand, minus 1).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from optiops.forecast.api import forecast_frame
from optiops.forecast.base import Backtest
from optiops.model.demand import DemandHistory
from optiops.model.scenario import Scenario
from optiops.parallel import default_workers
from optiops.plan.base import PlanOptions, StepResult
from optiops.plan.inventory_step import daily_matrix
from optiops.plotting.forecast_fan import fan_figure_png

LEVELS = (80.0, 95.0)
FAN_SERIES = 4


def forecast_step(scenario: Scenario, options: PlanOptions) -> StepResult:
    """Forecast every item over the hold-out days both ways and score them (see the module docstring)."""
    t0 = time.perf_counter()
    demand = daily_matrix(scenario, scenario.demand)
    history_days = scenario.days - scenario.holdout_days
    h = scenario.holdout_days
    hist = demand.iloc[:, :history_days].to_numpy()
    n = hist.shape[0]
    offsets = np.arange(0, (n + 1) * history_days, history_days, dtype=np.int64)
    history = DemandHistory(tuple(demand.index), hist.ravel().copy(), offsets, np.zeros(n, dtype=np.int64),
                            pd.Timestamp(scenario.start), "D")  # fmt: skip
    actual = demand.iloc[:, history_days:].to_numpy()
    frames, kpis = {}, {}
    for plan, model in (("baseline", "moving_average"), ("optimised", "auto_class")):
        chunk = None if options.executor == "inline" else max(50, -(-n // (options.workers or default_workers())))
        frame = forecast_frame(history, h, model=model, levels=LEVELS, backtest=Backtest(h=7, n_windows=8),
                               executor=options.executor, workers=options.workers, chunk_size=chunk)  # fmt: skip
        frames[plan] = frame
        kpis[plan] = _scores(frame["forecast"].to_numpy().reshape(n, h), actual, frame, LEVELS)
    busiest = list(demand.index[np.argsort(-hist[:, -28:].sum(axis=1))[:FAN_SERIES]])
    recent = {sid: pd.Series(demand.loc[sid].to_numpy()[history_days - 56 : history_days],
                             index=demand.columns[history_days - 56 : history_days]) for sid in busiest}  # fmt: skip
    return StepResult(
        name="forecast", baseline=kpis["baseline"], optimised=kpis["optimised"],
        figures={"forecast_fan.png": fan_figure_png(recent, frames["optimised"], LEVELS)},
        tables={"forecast.csv": frames["optimised"]},
        stats={"series": n, "horizon_days": h, "runtime_s": round(time.perf_counter() - t0, 2)},
        notes=["Baseline: 28-day moving average. Optimised: auto_class (intermittent methods for slow movers), "
               "intervals from backtest residuals. Scored on the hold-out days."],
    )  # fmt: skip


def _scores(fc: np.ndarray, actual: np.ndarray, frame: pd.DataFrame, levels: tuple[float, ...]) -> dict[str, float]:
    total = float(actual.sum())
    out = {
        "wape": float(np.abs(fc - actual).sum() / total) if total else 0.0,
        "bias": float(fc.sum() / total - 1.0) if total else 0.0,
    }
    for c in levels:
        lo = frame[f"lo-{c:g}"].to_numpy().reshape(actual.shape)
        hi = frame[f"hi-{c:g}"].to_numpy().reshape(actual.shape)
        out[f"coverage_{c:g}"] = float(((actual >= lo - 1e-9) & (actual <= hi + 1e-9)).mean())
    return out
