"""statsforecast's models as peers in the forecast benchmarks (the optional extra ``optiops[peers]``).

The peers fit on the same training part as optiops' models and forecast the same held-out steps,
so one table compares them all. Quantiles come from the model where it has its own distribution
(Naive, SeasonalNaive, HistoricAverage, AutoETS, AutoARIMA, AutoTheta) and from statsforecast's
conformal intervals (``ConformalIntervals``) for the others.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError
from optiops.forecast.intervals import level_keys
from optiops.model.demand import DemandHistory

PEER = "statsforecast"
# statsforecast's levels that own a predictive distribution; the others get conformal intervals
OWN_LEVELS = frozenset({"Naive", "SeasonalNaive", "HistoricAverage", "AutoETS", "AutoARIMA", "AutoTheta"})


class PeersMissingError(InstanceError):
    """Peers were asked for but statsforecast is not installed (``pip install 'optiops[peers]'``)."""


def require_peers() -> str:
    """The statsforecast version; :class:`PeersMissingError` when it is not installed."""
    version = peer_version()
    if version is None:
        raise PeersMissingError("--peers needs statsforecast, which is not installed: pip install 'optiops[peers]'")
    return version


def peer_version() -> str | None:
    """The installed statsforecast version, or None when it is not installed."""
    try:
        import statsforecast
    except ImportError:
        return None
    return str(statsforecast.__version__)


@dataclass(frozen=True)
class PeerForecast:
    """One peer's hold-out forecast: ``mean`` and ``lo-<c>``/``hi-<c>`` arrays ``(n_series, h)``."""

    name: str
    prediction: dict[str, np.ndarray]
    seconds: float


def peer_models(h: int, season_length: int, daily: bool, conformal_windows: int) -> list[Any]:
    """The statsforecast models of the comparison (AutoARIMA and AutoTheta only for daily data).

    Parameters
    ----------
    h
        Forecast horizon: also the WindowAverage window and the conformal windows' horizon.
    season_length
        Steps per season (12 monthly, 7 daily).
    daily
        Add AutoARIMA and AutoTheta (too slow to be worth it on short monthly series).
    conformal_windows
        Windows of the conformal intervals of the models without their own distribution.
    """
    require_peers()
    from statsforecast import models as sf
    from statsforecast.utils import ConformalIntervals

    conformal = ConformalIntervals(h=h, n_windows=conformal_windows)
    models: list[Any] = [
        sf.Naive(),
        sf.SeasonalNaive(season_length=season_length),
        sf.HistoricAverage(),
        sf.WindowAverage(window_size=h, alias=f"WindowAverage({h})", prediction_intervals=conformal),
        sf.CrostonClassic(prediction_intervals=conformal),
        sf.CrostonOptimized(prediction_intervals=conformal),
        sf.CrostonSBA(prediction_intervals=conformal),
        sf.TSB(alpha_d=0.2, alpha_p=0.2, alias="TSB(0.2, 0.2)", prediction_intervals=conformal),
        sf.ADIDA(prediction_intervals=conformal),
        sf.IMAPA(prediction_intervals=conformal),
        sf.SimpleExponentialSmoothingOptimized(alias="SES", prediction_intervals=conformal),
        sf.AutoETS(season_length=season_length),
    ]
    if daily:
        models += [sf.AutoARIMA(season_length=season_length), sf.AutoTheta(season_length=season_length)]
    return models


def peer_name(alias: str) -> str:
    """A peer's name as ``--peer-models`` takes it: its alias without parameters (``WindowAverage(28)``)."""
    return alias.split("(")[0]


def chosen_peers(peers: bool | Sequence[str]) -> tuple[str, ...] | None:
    """The peers a run asks for: ``None`` for every one (``peers=True``), else the given names, checked.

    Raises
    ------
    InstanceError
        When a name is no peer's alias or name (the message lists the known names).
    """
    require_peers()
    if peers is True:
        return None
    names = tuple(peers) if not isinstance(peers, bool) else ()
    aliases = [m.alias for m in peer_models(h=1, season_length=1, daily=True, conformal_windows=2)]
    unknown = [n for n in names if n not in aliases and n not in map(peer_name, aliases)]
    if unknown:
        known = ", ".join(peer_name(a) for a in aliases)
        raise InstanceError(f"unknown peer model(s) {', '.join(map(repr, unknown))}; the peers are {known}")
    return names


def run_peers(
    train: DemandHistory,
    h: int,
    levels: Sequence[float],
    season_length: int,
    daily: bool = False,
    conformal_windows: int = 2,
    only: Sequence[str] | None = None,
) -> list[PeerForecast]:
    """Fit every peer on ``train`` (one core) and forecast ``h`` steps with intervals at ``levels``.

    Parameters
    ----------
    train
        The training part of the history (series must be long enough for the conformal windows).
    h
        Held-out steps.
    levels
        Interval levels in percent.
    season_length
        Steps per season.
    daily
        Add the daily-only peers (AutoARIMA, AutoTheta).
    conformal_windows
        Windows of the conformal intervals.
    only
        Aliases or names (:func:`peer_name`) to run (all when None).

    Returns
    -------
    list of PeerForecast
        In the order of :func:`peer_models`, series in the order of ``train``.
    """
    from statsforecast import StatsForecast

    frame = pd.DataFrame({
        "unique_id": np.repeat(np.arange(train.n_series), train.lengths),
        "ds": np.concatenate([np.arange(n) for n in train.lengths]),
        "y": train.values,
    })  # fmt: skip
    out = []
    for model in peer_models(h, season_length, daily, conformal_windows):
        if only is not None and model.alias not in only and peer_name(model.alias) not in only:
            continue
        t0 = time.perf_counter()
        levels_arg: Any = list(levels)  # statsforecast annotates int; any percentage works
        fc = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=frame, h=h, level=levels_arg)
        seconds = time.perf_counter() - t0
        fc = fc.sort_values(["unique_id", "ds"])
        prediction = {"mean": _matrix(fc[model.alias], train.n_series, h)}
        for c in levels:
            for key, col in zip(level_keys(c), (f"{model.alias}-lo-{c:g}", f"{model.alias}-hi-{c:g}"), strict=True):
                prediction[key] = np.maximum(_matrix(fc[col], train.n_series, h), 0.0)
        prediction["mean"] = np.maximum(prediction["mean"], 0.0)
        out.append(PeerForecast(model.alias, prediction, seconds))
    return out


def _matrix(column: pd.Series, n: int, h: int) -> np.ndarray:
    return column.to_numpy(dtype=np.float64).reshape(n, h)
