"""Year-over-year season factor: how far the coming days stand from a recently learnt level.

A planner that learns its level from the last weeks runs behind a season: before a peak it is too low,
after it too high. Where the history reaches a year back, last year shows by how much: the mean of
the same days a year ago (364 days back, so the weekdays line up) over the mean of the days before
them that the level is learnt on. Means are per usable day (by default a day with demand), so closed
days (Saturdays, a Christmas break on other dates) do not count as slack demand.

The log of that ratio carries the sampling noise of both means (daily totals are lumpy); it is shrunk
toward 0 (no season) by the positive-part James-Stein rule, ``w = max(0, 1 - v / l^2)`` with ``v`` the
estimated variance of the log ratio ``l`` (Efron & Morris 1973): a ratio within its own noise gives
factor 1, a clear season keeps almost all of it.
"""

from __future__ import annotations

import numpy as np

YEAR_DAYS = 364  # 52 weeks: the same weekdays a year back
MIN_USABLE_AHEAD = 2  # usable days of last year's horizon below which last year says nothing
FACTOR_BOUNDS = (0.5, 2.0)  # one year's ratio is not trusted beyond halving or doubling the level


def year_over_year_factor(series: np.ndarray, horizon: int, window: int, usable: np.ndarray | None = None) -> float:
    """Factor by which the ``horizon`` days after the series stand from the level of its last ``window`` days.

    Parameters
    ----------
    series : numpy.ndarray
        ``(days,)`` daily totals up to yesterday, oldest first, one entry per calendar day.
    horizon : int
        Calendar days ahead the level is used for.
    window : int
        Usable days the level is learnt on (the last ``window`` usable days before today).
    usable : numpy.ndarray, optional
        ``(days,)`` bool: days that count (open, no sales event); default the days with demand.

    Returns
    -------
    float
        Last year's mean per usable day over the horizon divided by its mean over the ``window``
        usable days before, shrunk toward 1 by its noise and bounded to :data:`FACTOR_BOUNDS`; exactly
        1 when the history does not reach a year and ``window`` usable days back.
    """
    series = np.asarray(series, dtype=np.float64)
    usable = series > 0 if usable is None else np.asarray(usable, dtype=bool)[: len(series)]
    origin = len(series) - YEAR_DAYS  # today, a year ago
    if origin <= 0 or horizon < 1 or window < 2:
        return 1.0
    ahead = series[origin : origin + horizon][usable[origin : origin + horizon]]
    before = series[:origin][usable[:origin]][-window:]
    if len(ahead) < MIN_USABLE_AHEAD or len(before) < window:
        return 1.0
    log_ratio = float(np.log(ahead.mean() / before.mean())) if ahead.mean() > 0 and before.mean() > 0 else 0.0
    weight = _shrink_weight(log_ratio, _log_mean_variance(ahead) + _log_mean_variance(before))
    return float(np.clip(np.exp(weight * log_ratio), *FACTOR_BOUNDS))


def group_factors(history: np.ndarray, group: np.ndarray, horizon: int, window: int,
                  usable: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """:func:`year_over_year_factor` of every group's daily total, per item.

    Parameters
    ----------
    history : numpy.ndarray
        ``(days, items)`` daily units, oldest first.
    group : numpy.ndarray
        ``(items,)`` int group of every item (e.g. warehouse x category): the season is read on the
        group's total, which is far less noisy than an item's own series.
    horizon, window, usable
        As in :func:`year_over_year_factor`.

    Returns
    -------
    numpy.ndarray
        ``(items,)`` factor of each item's group.
    """
    history = np.asarray(history, dtype=np.float64)
    ids, index = np.unique(group, return_inverse=True)
    totals = np.zeros((history.shape[0], len(ids)))
    np.add.at(totals.T, index, history.T)
    per_group = np.array([year_over_year_factor(totals[:, g], horizon, window, usable) for g in range(len(ids))])
    return per_group[index] if len(ids) else np.ones(len(group))


def _log_mean_variance(values: np.ndarray) -> float:
    """Variance of the log of the mean of ``values`` (delta method): ``var / (n mean^2)``."""
    mean = float(values.mean())
    if len(values) < 2 or mean <= 0:
        return 0.0
    return float(values.var(ddof=1)) / (len(values) * mean * mean)


def _shrink_weight(log_ratio: float, variance: float) -> float:
    """Positive-part James-Stein weight of an estimate with the given sampling variance (0 for a zero estimate)."""
    if log_ratio == 0.0:
        return 0.0
    return max(0.0, 1.0 - variance / (log_ratio * log_ratio))
