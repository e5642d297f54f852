"""The forecasting benchmarks: car parts (suite ``forecast-carparts``) and M5 (suite ``forecast-m5``).

Car parts (``../shared/benchmarks/forecast/README.md``): 2,509 monthly series of 51 months; fit on
the first 39, score the last 12. M5 (``../shared/benchmarks/m5/README.md``): 280 daily item-store
series; fit on all but the last 28 days, score those (the M5 protocol). Every model, statsforecast's
peers included (``peers=True``), fits on the same training part; ``auto``'s backtest and every
backtest interval use only that part.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optiops.forecast.base import Backtest
from optiops.forecast.boosting import boosting_available
from optiops.forecast.evaluation import DEFAULT_MODELS, coverage_floor, evaluate_models, score
from optiops.forecast.peers import PEER, chosen_peers, peer_version, run_peers
from optiops.forecast.registry import season_length_of
from optiops.io.demand import read_demand
from optiops.kernels import warmup
from optiops.model.demand import DemandHistory

CARPARTS = Path("forecast") / "carparts.csv.gz"


def run_carparts(
    path: str | Path,
    horizon: int = 12,
    levels: Sequence[float] = (80, 95),
    models: Sequence[str] = DEFAULT_MODELS,
    n_series: int | None = None,
    backtest: Backtest | None = None,
    zero_reference: bool = True,
    peers: bool | Sequence[str] = False,
    conformal_windows: int = 2,
) -> pd.DataFrame:
    """Score every model on the last ``horizon`` months of the car-parts data.

    Parameters
    ----------
    path
        ``carparts.csv.gz`` (or any long-format history).
    horizon
        Held-out months (12 in the protocol).
    levels
        Interval levels in percent.
    models
        Model names (``optiops.forecast.registry.MODEL_NAMES``); ``"ets"`` is slow (statsmodels).
    n_series
        Use an evenly spaced subset of this many series (all when None).
    backtest
        Origins inside the training part; default ``Backtest(h=horizon)``.
    zero_reference
        Add a row for the all-zero forecast: on mostly-zero data it scores a low MASE while being
        useless for stocking, a reminder to read MASE next to pinball loss and coverage; and the
        rows of :func:`~optiops.forecast.evaluation.coverage_floor`, the least coverage intervals
        containing zero can have on the hold-out.
    peers
        Also score statsforecast's models (:mod:`optiops.forecast.peers`) on the same split: all of
        them (``True``) or those named.
    conformal_windows
        Windows of the peers' conformal intervals.

    Returns
    -------
    pandas.DataFrame
        One row per model x group (see :func:`optiops.forecast.evaluation.score`).
    """
    history = read_demand(path)
    if n_series is not None and n_series < history.n_series:
        history = history.select(np.linspace(0, history.n_series - 1, n_series).round().astype(np.int64))
    warmup()  # compile outside the timed fits
    skipped = []
    if "lifecycle" in models and not boosting_available():  # its fallback (IMAPA) would pose as it
        models = [m for m in models if m != "lifecycle"]
        skipped = [{"model": "lifecycle (skipped: pip install 'optiops[boosting]')", "group": "all",
                    "n_series": history.n_series}]  # fmt: skip
    table = evaluate_models(history, horizon, models, levels, backtest)
    if skipped:
        table = pd.concat([table, pd.DataFrame(skipped)], ignore_index=True)
    train, test = history.split(horizon)
    if peers:
        peer_table = peer_rows(train, test, horizon, levels, season_length_of(history.freq), False, conformal_windows,
                               chosen_peers(peers))  # fmt: skip
        table = pd.concat([table, peer_table], ignore_index=True)
    if zero_reference:
        zero = {"mean": np.zeros_like(test)}
        references = score("zero (reference)", train, test, zero) + coverage_floor(train, test, levels)
        table = pd.concat([table, pd.DataFrame(references)], ignore_index=True)
    return table


def peer_rows(
    train: DemandHistory,
    test: np.ndarray,
    horizon: int,
    levels: Sequence[float],
    season_length: int,
    daily: bool,
    conformal_windows: int,
    only: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Score rows of statsforecast's models (all, or ``only`` those named) on one split, each with ``peer``
    and ``peer_version``."""
    rows = []
    for fc in run_peers(train, horizon, levels, season_length, daily, conformal_windows, only):
        rows += score(fc.name, train, test, fc.prediction, levels, fc.seconds)
    table = pd.DataFrame(rows)
    table["peer"], table["peer_version"] = PEER, peer_version()
    return table


def result_rows(table: pd.DataFrame, **common: Any) -> list[dict[str, Any]]:
    """JSON-ready rows of a :func:`run_carparts` table (NaN as None), each with ``common`` keys added.

    Parameters
    ----------
    table
        The comparison table.
    **common
        Keys every row carries (suite, commit, date, machine, versions, ...).
    """
    rows = []
    for record in table.to_dict("records"):
        clean = {str(k): (None if isinstance(v, float) and math.isnan(v) else v) for k, v in record.items()}
        rows.append({**common, **clean})
    return rows
