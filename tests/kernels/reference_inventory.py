"""Plain-Python reference of :func:`optiops.kernels.inventory.simulate_policies` (same rules).

Used by the tests (the kernel must agree with it in replay mode with fixed lead times, where neither
draws random numbers) and by the micro-benchmark as the speed baseline. In bootstrap mode it draws
from Python's :mod:`random`, so its numbers agree with the kernel's only in distribution.
"""

from __future__ import annotations

import math
import random

import numpy as np

from optiops.kernels.inventory import (
    EPS,
    N_STATS,
    ST_BACKORDERED,
    ST_CYCLES,
    ST_DEMAND,
    ST_EMPTY_PERIODS,
    ST_FILLED,
    ST_LOST,
    ST_ON_HAND,
    ST_ORDERED,
    ST_ORDERS,
    ST_PERIODS,
    ST_REFUSED,
    ST_RETURNED,
    ST_STOCKOUT_CYCLES,
    ST_STOCKOUT_PERIODS,
)


def order_quantity(ip: float, s: float, big_s: float, q: float, moq: float, pack: float) -> float:
    """Quantity ordered at inventory position ``ip``."""
    if ip > s + EPS:
        return 0.0
    qty = (math.floor((s - ip) / q) + 1.0) * q if q > 0 else big_s - ip
    if qty <= EPS:
        return 0.0
    qty = max(qty, moq)
    if pack > 0:
        qty = math.ceil(qty / pack - EPS) * pack
    return qty


def simulate_sku(
    pool: list[float], bootstrap: bool, r: int, s: float, big_s: float, q: float, moq: float, pack: float,
    lt_mean: float, lt_sd: float, rate: float, delay: int, lost: bool, initial: float,
    n_periods: int, warmup: int, n_scenarios: int, rng: random.Random, ring: int,
    level_sd: float = 0.0, out_start: float = 0.0, out_end: float = 1.0,
) -> list[float]:  # fmt: skip
    """Statistics of one SKU (``ST_*`` columns)."""
    st = [0.0] * N_STATS
    r = max(1, r)
    for _ in range(n_scenarios):
        arriving: dict[int, float] = {}
        net, in_transit = initial, 0.0
        stocked_out = scored_cycle = False
        level = math.exp(level_sd * rng.gauss(0.0, 1.0) - level_sd**2 / 2) if level_sd > 0 else 1.0
        out = out_start > 0 and rng.random() < out_start / (out_start + out_end)
        for t in range(n_periods):
            arrival = arriving.pop(t, 0.0)
            net += arrival
            in_transit -= arrival
            scored = t >= warmup
            if out_start > 0 and t > 0:
                out = rng.random() >= out_end if out else rng.random() < out_start
            if t % r == 0:
                if scored_cycle:
                    st[ST_CYCLES] += 1
                    st[ST_STOCKOUT_CYCLES] += stocked_out
                scored_cycle, stocked_out = scored, False
                qty = order_quantity(net + in_transit, s, big_s, q, moq, pack)
                if qty > 0 and out:
                    st[ST_REFUSED] += scored
                    qty = 0.0
                if qty > 0:
                    lt_draw = lt_mean if lt_sd <= 0 else lt_mean + lt_sd * rng.gauss(0.0, 1.0)
                    lt = min(max(math.floor(lt_draw + 0.5), 0), ring - 1)
                    if lt == 0:
                        net += qty
                    else:
                        arriving[t + lt] = arriving.get(t + lt, 0.0) + qty
                        in_transit += qty
                    if scored:
                        st[ST_ORDERS] += 1
                        st[ST_ORDERED] += qty
            d = 0.0 if not pool else pool[rng.randrange(len(pool))] if bootstrap else pool[t % len(pool)]
            d *= level
            filled = min(d, max(net, 0.0))
            short = d - filled
            sold = filled if lost else d
            net -= sold
            back = rate * sold
            if back > 0:
                if delay == 0:
                    net += back
                else:
                    arriving[t + delay] = arriving.get(t + delay, 0.0) + back
                    in_transit += back
            stocked_out = stocked_out or short > EPS
            if scored:
                st[ST_PERIODS] += 1
                st[ST_DEMAND] += d
                st[ST_FILLED] += filled
                st[ST_RETURNED] += back
                if short > EPS:
                    st[ST_STOCKOUT_PERIODS] += 1
                    if lost:
                        st[ST_LOST] += short
                if net <= EPS:
                    st[ST_EMPTY_PERIODS] += 1
                if net > 0:
                    st[ST_ON_HAND] += net
                else:
                    st[ST_BACKORDERED] -= net
        if scored_cycle:
            st[ST_CYCLES] += 1
            st[ST_STOCKOUT_CYCLES] += stocked_out
    return st


def simulate_policies_reference(
    pool: np.ndarray, pool_offsets: np.ndarray, bootstrap: bool, review: np.ndarray, reorder: np.ndarray,
    order_up_to: np.ndarray, quantity: np.ndarray, moq: np.ndarray, pack: np.ndarray, lt_mean: np.ndarray,
    lt_sd: np.ndarray, return_rate: np.ndarray, return_delay: np.ndarray, lost_sales: np.ndarray,
    initial: np.ndarray, seeds: np.ndarray, risk: np.ndarray, n_periods: int, warmup: int, n_scenarios: int,
) -> np.ndarray:  # fmt: skip
    """Same arguments (without ``trace``) and result layout as the kernel."""
    n = len(review)
    ring = max([1] + [max(math.ceil(lt_mean[i] + 4 * lt_sd[i]) + 1, int(return_delay[i]) + 1) for i in range(n)])
    out = np.zeros((n, N_STATS))
    for i in range(n):
        values = [float(v) for v in pool[pool_offsets[i] : pool_offsets[i + 1]]]
        out[i] = simulate_sku(
            values, bool(bootstrap), int(review[i]), float(reorder[i]), float(order_up_to[i]), float(quantity[i]),
            float(moq[i]), float(pack[i]), float(lt_mean[i]), float(lt_sd[i]), float(return_rate[i]),
            int(return_delay[i]), bool(lost_sales[i]), float(initial[i]), n_periods, warmup, n_scenarios,
            random.Random(int(seeds[i])), ring, *(float(x) for x in (risk[i] if len(risk) else (0.0, 0.0, 1.0))),
        )  # fmt: skip
    return out
