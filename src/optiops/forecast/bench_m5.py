"""The M5 benchmark (suite ``forecast-m5``): 280 real daily item-store series, the last 28 days held out.

Every model fits on the days before the hold-out; RMSSE (the M5 accuracy measure, unweighted over the
series) and the scaled pinball loss at the quantiles of the M5 uncertainty track other than the median
(the bounds of the 50, 67, 95 and 99 % intervals: 0.005, 0.025, 0.165, 0.25, 0.75, 0.835, 0.975,
0.995). The global gradient-boosted model (:mod:`optiops.forecast.boosting`, when LightGBM is
installed) runs once per regressor set, an ablation of what the calendar, SNAP days, events and
price each earn, and once more averaged with ``auto`` (equal weights, fixed in advance).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from optiops.forecast.base import Backtest
from optiops.forecast.boosting import GlobalBoosting, boosting_available
from optiops.forecast.evaluation import evaluate_models, score
from optiops.forecast.m5 import M5Data, read_m5
from optiops.forecast.registry import make_model
from optiops.model.demand import DemandHistory

M5_LEVELS = (50.0, 67.0, 95.0, 99.0)
REGRESSOR_SETS: dict[str, tuple[str, ...]] = {
    "calendar": ("calendar",),
    "calendar + snap": ("calendar", "snap"),
    "calendar + events": ("calendar", "events"),
    "calendar + price": ("calendar", "price"),
    "all": ("calendar", "snap", "events", "price"),
}


def regressor_matrix(data: M5Data, groups: Sequence[str]) -> np.ndarray:
    """``(n_series, n_days, k)`` regressors of the chosen groups, over the whole calendar.

    ``calendar``: day of month and month; ``snap``: SNAP day of the state; ``events``: an event of
    each type that day and the next (shopping ahead); ``price``: the price, over its mean before the
    hold-out, and over last week's.
    """
    n, days = data.price.shape
    columns: list[np.ndarray] = []
    if "calendar" in groups:
        columns += [np.broadcast_to(data.dates.day.to_numpy(float), (n, days)),
                    np.broadcast_to(data.dates.month.to_numpy(float), (n, days))]  # fmt: skip
    if "snap" in groups:
        columns.append(data.snap)
    if "events" in groups:
        tomorrow = np.vstack([data.events[1:], data.events[-1:]])
        columns += [np.broadcast_to(e, (n, days)) for e in (*data.events.T, *tomorrow.T)]
    if "price" in groups:
        mean = data.price.mean(axis=1, keepdims=True)
        last_week = np.hstack([data.price[:, :7], data.price[:, :-7]])
        columns += [data.price, data.price / np.where(mean > 0, mean, 1.0),
                    data.price / np.where(last_week > 0, last_week, 1.0)]  # fmt: skip
    return np.stack(columns, axis=2) if columns else np.zeros((n, days, 0))


def run_m5(
    folder: str | Path,
    horizon: int = 28,
    levels: Sequence[float] = M5_LEVELS,
    models: Sequence[str] = ("naive", "seasonal_naive", "moving_average", "tsb", "adida", "imapa", "ses", "auto"),
    backtest: Backtest | None = None,
    peers: bool | Sequence[str] = False,
    boosting: bool = True,
    conformal_windows: int = 2,
) -> pd.DataFrame:
    """Score every model on the last ``horizon`` days of the M5 subset in ``folder``.

    Parameters
    ----------
    folder
        The M5 data folder (``sales.csv.gz``, ``series.csv``, ``calendar.csv.gz``, ``sell_prices.csv.gz``).
    horizon
        Held-out days (28 in the M5 protocol).
    levels
        Interval levels in percent (their bounds are the quantiles scored).
    models
        optiops model names.
    backtest
        Origins of ``auto``'s choice and of the backtest intervals.
    peers
        Also score statsforecast's models: all of them (``True``, AutoARIMA and AutoTheta included) or
        those named (:func:`optiops.forecast.peers.peer_name`).
    boosting
        Run the global gradient-boosted model (skipped, with a row saying so, without LightGBM).
    conformal_windows
        Windows of the peers' conformal intervals.

    Returns
    -------
    pandas.DataFrame
        One row per model x group (see :func:`optiops.forecast.evaluation.score`).
    """
    from optiops.forecast.bench import peer_rows
    from optiops.forecast.peers import chosen_peers
    from optiops.kernels import warmup

    data = read_m5(folder)
    history = data.history
    warmup()
    backtest = backtest or Backtest(h=horizon, n_windows=8, step=7)
    table = evaluate_models(history, horizon, models, levels, backtest, season_length=7)
    train, test = history.split(horizon)
    parts = [table]
    if boosting and boosting_available():
        parts.append(_boosting_rows(data, train, test, horizon, backtest))
    elif boosting:
        parts.append(pd.DataFrame([{"model": "GlobalBoosting (skipped: pip install 'optiops[boosting]')",
                                    "group": "all", "n_series": history.n_series}]))  # fmt: skip
    if peers:
        parts.append(peer_rows(train, test, horizon, levels, 7, True, conformal_windows, chosen_peers(peers)))
    return pd.concat(parts, ignore_index=True)


def _boosting_rows(
    data: M5Data, train: DemandHistory, test: np.ndarray, horizon: int, backtest: Backtest
) -> pd.DataFrame:
    """The regressor ablation of the global model, and its combination with ``auto``."""
    length = int(np.diff(train.offsets)[0])
    rows = []
    forecasts = {}
    for name, groups in REGRESSOR_SETS.items():
        x = regressor_matrix(data, groups)
        t0 = time.perf_counter()
        mean = _boosted(train, x, length, horizon)
        forecasts[name] = mean
        rows += score(f"GlobalBoosting ({name})", train, test, {"mean": mean}, (), time.perf_counter() - t0)
    # the plain mean of the two, weights fixed in advance: one 28-day window is too few to fit them on
    t0 = time.perf_counter()
    hold = 0.5 * make_model("auto", 7, backtest).fit(train).predict(horizon)["mean"] + 0.5 * forecasts["all"]
    seconds = time.perf_counter() - t0 + rows[-1]["seconds"]
    rows += score("mean of auto and GlobalBoosting (all)", train, test, {"mean": hold}, (), seconds)
    return pd.DataFrame(rows)


def _boosted(train: DemandHistory, x: np.ndarray, length: int, horizon: int) -> np.ndarray:
    """GlobalBoosting fitted on the first ``length`` days, forecasting the ``horizon`` after them."""
    k = x.shape[2]
    past = x[:, :length].reshape(-1, k) if k else None
    future = x[:, length : length + horizon].reshape(-1, k) if k else None
    return GlobalBoosting(horizon=horizon).fit(train, past).predict(horizon, X=future)["mean"]
