"""Intermittent-demand and smoothing kernels over many series at once.

Every kernel reads one flat float64 array ``values`` and int64 ``offsets`` (series ``i`` is
``values[offsets[i]:offsets[i + 1]]``) and returns one flat forecast level per series: these methods
forecast the same value for every future step. Plain Python references of the same rules live in
``tests/kernels/reference_intermittent.py``; tests check that the two agree.

Conventions shared with the references (and with statsforecast's implementations):

- Simple exponential smoothing starts its level at the first observation; the fitted one-step error
  of step ``t`` is ``x[t] - level[t-1]``; alpha is the grid value with the smallest sum of squared
  one-step errors (the first one on ties).
- Croston (1972): exponential smoothing of the non-zero demand sizes ``z`` and of the intervals
  ``p`` between them (the first interval counts from the start of the series), both starting at
  their first value and updated only in periods with demand; forecast ``z / p``. SBA (Syntetos &
  Boylan 2005) multiplies it by ``1 - alpha / 2``.
- TSB (Teunter, Syntetos & Babai 2011): the demand probability ``d`` is smoothed every period (from
  the first period's 0/1), the size ``z`` only in periods with demand; forecast ``d * z``.
- ADIDA (Nikolopoulos et al. 2011): sum the series into non-overlapping buckets of ``k`` periods,
  ``k`` the mean interval between demands rounded half up, keeping the most recent whole buckets;
  SES on the bucket sums; forecast ``level / k`` per period.
- IMAPA (Petropoulos & Kourentzes 2015): the mean of that bucketed SES over every bucket size from 1
  to the rounded mean interval.

A series without any demand (or without observations) forecasts zero.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _ses_sse(x: np.ndarray, a: int, b: int, alpha: float) -> tuple[float, float]:
    """Final level and sum of squared one-step errors of SES on ``x[a:b]``."""
    level = x[a]
    sse = 0.0
    for t in range(a + 1, b):
        err = x[t] - level
        sse += err * err
        level += alpha * err
    return level, sse


@njit(cache=True)
def _ses_best(x: np.ndarray, a: int, b: int, alphas: np.ndarray) -> tuple[float, float]:
    """Level and alpha of the grid value with the smallest in-sample SSE on ``x[a:b]``."""
    best_level, best_sse = _ses_sse(x, a, b, alphas[0])
    best_alpha = alphas[0]
    for j in range(1, alphas.shape[0]):
        level, sse = _ses_sse(x, a, b, alphas[j])
        if sse < best_sse:
            best_level, best_sse, best_alpha = level, sse, alphas[j]
    return best_level, best_alpha


@njit(cache=True)
def ses_levels(values: np.ndarray, offsets: np.ndarray, alphas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SES level of every series and the alpha chosen for it from the grid ``alphas``."""
    n = offsets.shape[0] - 1
    levels = np.zeros(n)
    chosen = np.zeros(n)
    for i in range(n):
        if offsets[i + 1] > offsets[i]:
            levels[i], chosen[i] = _ses_best(values, offsets[i], offsets[i + 1], alphas)
    return levels, chosen


@njit(cache=True)
def croston_levels(values: np.ndarray, offsets: np.ndarray, alpha: float, debias: float) -> np.ndarray:
    """Croston's forecast of every series times ``debias`` (1 for Croston, ``1 - alpha/2`` for SBA)."""
    n = offsets.shape[0] - 1
    out = np.zeros(n)
    for i in range(n):
        size = 0.0
        interval = 0.0
        since = 0.0  # periods since the last demand, this one included
        seen = False
        for t in range(offsets[i], offsets[i + 1]):
            since += 1.0
            y = values[t]
            if y > 0.0:
                if seen:
                    size += alpha * (y - size)
                    interval += alpha * (since - interval)
                else:
                    size, interval, seen = y, since, True
                since = 0.0
        if seen:
            out[i] = debias * size / interval
    return out


@njit(cache=True)
def tsb_levels(values: np.ndarray, offsets: np.ndarray, alpha_d: float, alpha_p: float) -> np.ndarray:
    """TSB forecast of every series: smoothed demand probability times smoothed demand size."""
    n = offsets.shape[0] - 1
    out = np.zeros(n)
    for i in range(n):
        a, b = offsets[i], offsets[i + 1]
        if b == a:
            continue
        prob = 1.0 if values[a] > 0.0 else 0.0
        size = 0.0
        seen = False
        for t in range(a, b):
            y = values[t]
            if t > a:
                prob += alpha_d * ((1.0 if y > 0.0 else 0.0) - prob)
            if y > 0.0:
                if seen:
                    size += alpha_p * (y - size)
                else:
                    size, seen = y, True
        out[i] = prob * size
    return out


@njit(cache=True)
def _bucket_scratch(offsets: np.ndarray) -> np.ndarray:
    """A buffer for the bucket sums of the longest series."""
    longest = 0
    for i in range(offsets.shape[0] - 1):
        longest = max(longest, offsets[i + 1] - offsets[i])
    return np.zeros(max(longest, 1))


@njit(cache=True)
def _mean_interval(values: np.ndarray, a: int, b: int) -> int:
    """Mean interval between demands of ``values[a:b]``, rounded half up (0 for a series without demand)."""
    count = 0
    last = -1
    for t in range(a, b):
        if values[t] > 0.0:
            count += 1
            last = t - a
    if count == 0:
        return 0
    return max(1, int(np.floor((last + 1) / count + 0.5)))


@njit(cache=True)
def _bucket_level(values: np.ndarray, a: int, b: int, k: int, alphas: np.ndarray, buckets: np.ndarray) -> float:
    """SES level per period on the sums of the most recent whole buckets of ``k`` periods of ``values[a:b]``."""
    m = (b - a) // k
    start = b - m * k
    for j in range(m):
        total = 0.0
        for t in range(start + j * k, start + (j + 1) * k):
            total += values[t]
        buckets[j] = total
    level, _ = _ses_best(buckets, 0, m, alphas)
    return level / k


@njit(cache=True)
def adida_levels(values: np.ndarray, offsets: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """ADIDA forecast per period of every series (SES on bucket sums, alpha from the grid)."""
    n = offsets.shape[0] - 1
    out = np.zeros(n)
    buckets = _bucket_scratch(offsets)
    for i in range(n):
        a, b = offsets[i], offsets[i + 1]
        k = _mean_interval(values, a, b)
        if k > 0:
            out[i] = _bucket_level(values, a, b, k, alphas, buckets)
    return out


@njit(cache=True)
def imapa_levels(values: np.ndarray, offsets: np.ndarray, alphas: np.ndarray) -> np.ndarray:
    """IMAPA forecast per period of every series: the mean over ``k = 1..K`` of ADIDA with buckets of ``k``."""
    n = offsets.shape[0] - 1
    out = np.zeros(n)
    buckets = _bucket_scratch(offsets)
    for i in range(n):
        a, b = offsets[i], offsets[i + 1]
        top = _mean_interval(values, a, b)
        total_level = 0.0
        for k in range(1, top + 1):  # top <= b - a: every size holds a whole bucket
            total_level += _bucket_level(values, a, b, k, alphas, buckets)
        if top > 0:
            out[i] = total_level / top
    return out


def warmup() -> None:
    """Compile (or load from cache) every kernel on a tiny input."""
    values = np.array([0.0, 2.0, 0.0, 1.0])
    offsets = np.array([0, 4], dtype=np.int64)
    alphas = np.array([0.1, 0.2])
    ses_levels(values, offsets, alphas)
    croston_levels(values, offsets, 0.1, 1.0)
    tsb_levels(values, offsets, 0.1, 0.1)
    adida_levels(values, offsets, alphas)
    imapa_levels(values, offsets, alphas)
