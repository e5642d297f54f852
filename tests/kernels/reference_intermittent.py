"""Pure-Python references of the kernels: the same rules, written plainly, for tests and benchmarks."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence


def ses_reference(x: Sequence[float], alphas: Sequence[float]) -> tuple[float, float]:
    """SES level and alpha with the smallest in-sample SSE (first on ties); level starts at ``x[0]``."""
    if not x:
        return 0.0, 0.0
    best: tuple[float, float, float] | None = None
    for alpha in alphas:
        level, sse = x[0], 0.0
        for value in x[1:]:
            err = value - level
            sse += err * err
            level += alpha * err
        if best is None or sse < best[0]:
            best = (sse, level, alpha)
    assert best is not None
    return best[1], best[2]


def croston_reference(x: Sequence[float], alpha: float, debias: float = 1.0) -> float:
    """Croston's forecast (times ``debias``): SES of demand sizes over SES of inter-demand intervals."""
    sizes = [v for v in x if v > 0]
    if not sizes:
        return 0.0
    demand_at = [t for t, v in enumerate(x) if v > 0]
    intervals = [demand_at[0] + 1] + [b - a for a, b in itertools.pairwise(demand_at)]
    size, interval = sizes[0], float(intervals[0])
    for z, p in zip(sizes[1:], intervals[1:], strict=True):
        size += alpha * (z - size)
        interval += alpha * (p - interval)
    return debias * size / interval


def tsb_reference(x: Sequence[float], alpha_d: float, alpha_p: float) -> float:
    """TSB: demand probability smoothed every period times demand size smoothed on demand periods."""
    if not x:
        return 0.0
    prob = 1.0 if x[0] > 0 else 0.0
    for v in x[1:]:
        prob += alpha_d * ((1.0 if v > 0 else 0.0) - prob)
    sizes = [v for v in x if v > 0]
    if not sizes:
        return 0.0
    size = sizes[0]
    for z in sizes[1:]:
        size += alpha_p * (z - size)
    return prob * size


def adida_reference(x: Sequence[float], alphas: Sequence[float]) -> float:
    """ADIDA: SES on sums over buckets of the rounded mean inter-demand interval, per period."""
    demand_at = [t for t, v in enumerate(x) if v > 0]
    if not demand_at:
        return 0.0
    k = max(1, math.floor((demand_at[-1] + 1) / len(demand_at) + 0.5))
    return _bucketed_ses(x, k, alphas)


def _bucketed_ses(x: Sequence[float], k: int, alphas: Sequence[float]) -> float:
    """SES on the sums of the most recent whole buckets of ``k`` periods, per period."""
    m = len(x) // k
    start = len(x) - m * k
    sums = [sum(x[start + j * k : start + (j + 1) * k]) for j in range(m)]
    return ses_reference(sums, alphas)[0] / k


def imapa_reference(x: Sequence[float], alphas: Sequence[float]) -> float:
    """IMAPA: the mean of bucketed SES over bucket sizes 1 .. the rounded mean inter-demand interval."""
    demand_at = [t for t, v in enumerate(x) if v > 0]
    if not demand_at:
        return 0.0
    top = max(1, math.floor((demand_at[-1] + 1) / len(demand_at) + 0.5))
    return sum(_bucketed_ses(x, k, alphas) for k in range(1, top + 1)) / top
