"""Risks a demand pool does not show, measured for the simulation (:class:`optiops.inventory.policy.Items`).

A bootstrap of recent days knows the day-to-day noise around the level those days ran at, not that
the level itself moves: items of a real assortment rise and fade for weeks, and the forecast a policy
is sized on runs behind them. Nor does it know that a supplier sometimes cannot ship. A policy
corrected to a service target on such a pool meets the target in simulation and misses it on the
shelf. :func:`level_spread` measures how far the level moves over a protection interval on the
history itself; :func:`outage_rates` turns a supplier's outage share and mean length into the daily
probabilities of the simulation's two-state chain.
"""

from __future__ import annotations

import numpy as np

MIN_UNITS = 30.0  # units an item must have sold in the window to enter the estimate (Poisson noise below)
# share of the window's days an item must sell on: the smooth and erratic classes (mean interval between
# sales under 1.32 days, Syntetos, Boylan & Croston 2005); an intermittent or lumpy item's log ratio swings
# with one line more or less, far beyond what its daily variance says
MIN_SELLING_SHARE = 1.0 / 1.32


def protection_days(lt_mean: np.ndarray, review: int) -> int:
    """The horizon a network's demand level must hold: its items' median lead time plus the review period."""
    return round(float(np.median(lt_mean)) + review)


def level_spread(history: np.ndarray, horizon: int, window: int = 28, origins: int = 6, step: int = 7) -> float:
    """Spread (sd of the log) of the demand level over ``horizon`` days around a ``window``-day mean.

    At each of ``origins`` forecast origins ``step`` days apart (the last one ``horizon`` days
    before the end), every item's level is forecast by the mean of the ``window`` days before it and
    compared with the mean of the ``horizon`` days after it. The mean square of the log ratio, less
    what the daily noise alone gives (the variance of both means, from each item's daily variance in
    the window), is the level's own variance, pooled over the items that sold at least
    ``MIN_UNITS`` units in the window on at least ``MIN_SELLING_SHARE`` of its days (a log ratio of
    a few units, or of a few large lines, is mostly noise).

    Parameters
    ----------
    history : numpy.ndarray
        ``(days, items)`` units per day, oldest first.
    horizon : int
        Days ahead the level must hold (the protection interval: lead time plus review period).

    Returns
    -------
    float
        0 when the history is too short or no item sells enough.
    """
    history = np.asarray(history, dtype=np.float64)
    days = history.shape[0]
    horizon = max(int(horizon), 1)
    ratios, noise = [], []
    for k in range(origins):
        origin = days - horizon - k * step
        if origin < window:
            break
        before, after = history[origin - window : origin], history[origin : origin + horizon]
        mean = before.mean(axis=0)
        enough = (before.sum(axis=0) >= MIN_UNITS) & ((before > 0).mean(axis=0) >= MIN_SELLING_SHARE)
        if not enough.any():
            continue
        var = before[:, enough].var(axis=0, ddof=1)
        mu, ahead = mean[enough], after[:, enough].mean(axis=0)
        ratios.append(np.log((ahead + 0.5 / horizon) / mu))
        noise.append(var / mu**2 * (1.0 / horizon + 1.0 / window))
    if not ratios:
        return 0.0
    excess = float(np.mean(np.concatenate(ratios) ** 2) - np.mean(np.concatenate(noise)))
    return float(np.sqrt(max(excess, 0.0)))


def outage_rates(share: float, mean_days: float) -> tuple[float, float]:
    """Daily probabilities ``(start, end)`` of outages that cover ``share`` of the days and last ``mean_days``."""
    if share <= 0.0:
        return 0.0, 1.0
    end = 1.0 / max(mean_days, 1.0)
    return end * share / (1.0 - share), end
