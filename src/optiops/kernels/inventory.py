"""Monte Carlo simulation of inventory policies over many SKUs x scenarios (one core, numba).

Every SKU runs ``n_scenarios`` independent replications of ``n_periods`` periods (days, or months
for monthly data); the first ``warmup`` periods of each replication are simulated but not scored, so
the scored part starts from a steady state instead of from a full shelf and an empty pipeline.

One period, in order:

1. Replenishment orders and returned units due this period arrive (net stock rises; backorders are
   served first because net stock is on hand minus backorders).
2. On a review period (``t % review == 0``) the inventory position ``net + on order + returns in
   transit`` is compared with the reorder point ``s``: at or below it, an order is placed — up to
   ``S`` (order-up-to policies: (R, S) is ``s == S``), or the smallest multiple of ``Q`` that lifts
   the position above ``s`` when ``Q > 0`` ((s, nQ)). The quantity is raised to the minimum order
   quantity and rounded up to the pack size. Its lead time is ``round(mean + sd * N(0, 1))`` periods,
   at least 0 (orders may cross); a zero lead time arrives at once.
3. Demand: drawn uniformly from the SKU's pool of values (bootstrap) or the pool replayed in order
   (replay, cycling), times the scenario's demand level. Units served from stock count as filled; the
   rest is backordered or lost.
4. Returns: ``return_rate`` of the units sold this period (demand under backorders, filled units under
   lost sales) come back sellable ``return_delay`` periods later (expected-value flow).

Risks the pool does not show (``risk``, optional, one row per SKU):

- **Level uncertainty**: the forecast a policy is sized on misses the level demand will run at
  (items drift, a moving window runs behind them). Each scenario draws its level once,
  ``exp(sd Z - sd^2 / 2)`` (lognormal, mean 1), and multiplies every demand of the scenario by it.
- **Supplier outages**: a two-state Markov chain per scenario (an outage starts with probability
  ``start`` on a day, ends with probability ``end``; the first day in the long-run share
  ``start / (start + end)``). An order due in an outage is refused: nothing is placed, and the
  next review asks again.

Joint replenishment: SKUs bought together (one supplier, one warehouse) share a group number, and
``order_days[g, sc, t]`` is set when any SKU of group ``g`` orders in scored period ``t`` of
scenario ``sc``: the purchase orders of the group, each with one fixed cost whatever its lines.

A cycle is the time from one review to the next; it counts as a stock-out cycle when any demand in it
was not served from stock. The cycle service level is ``1 - stock-out cycles / cycles`` (Silver,
Pyke & Peterson's P1, over all cycles, with or without demand).

Randomness comes from four SplitMix64 streams per SKU (demand, lead times, level, outages), seeded
from ``seeds`` before its first scenario (a SKU without risks never draws from the last two, so its
results are those of a call without ``risk``): a SKU's results depend only on its own inputs and seed, not on
the other SKUs in the call (so chunks can run anywhere), and a policy search that changes ``s`` or
``S`` sees the same demand paths (common random numbers). SplitMix64 is a few integer operations
inline, several times cheaper per draw than a call into a Mersenne Twister.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# Columns of the statistics array (sums over the scored periods of all scenarios).
ST_CYCLES = 0  # review cycles started in the scored window
ST_STOCKOUT_CYCLES = 1  # of which with unmet demand
ST_DEMAND = 2  # units demanded
ST_FILLED = 3  # units served from stock in their period
ST_ON_HAND = 4  # end-of-period on-hand units (sum over periods)
ST_ORDERS = 5  # orders placed
ST_ORDERED = 6  # units ordered
ST_RETURNED = 7  # returned units back in stock
ST_LOST = 8  # units lost (lost-sales SKUs)
ST_BACKORDERED = 9  # end-of-period backordered units (sum over periods)
ST_PERIODS = 10  # scored periods
ST_STOCKOUT_PERIODS = 11  # periods with unmet demand
ST_EMPTY_PERIODS = 12  # periods ending with nothing on hand (the item shows as out of stock)
ST_REFUSED = 13  # orders refused by the supplier (outages)
N_STATS = 14

# Columns of the risk array.
RK_LEVEL_SD = 0  # sd of the log demand level of a scenario
RK_OUTAGE_START = 1  # P(a supplier outage starts on a day)
RK_OUTAGE_END = 2  # P(an outage ends on a day)
N_RISK = 3

# Columns of the trace array (scenario 0 only).
TR_NET = 0  # end-of-period net stock (negative: backorders)
TR_ORDER = 1  # quantity ordered this period
TR_DEMAND = 2  # demand this period
TR_ARRIVAL = 3  # units arriving this period (orders and returns)
N_TRACE = 4

EPS = 1e-9


@njit(cache=True)
def _order_quantity(ip: float, s: float, big_s: float, q: float, moq: float, pack: float) -> float:
    """Quantity ordered at inventory position ``ip`` (0 when ``ip`` is above the reorder point)."""
    if ip > s + EPS:
        return 0.0
    qty = (np.floor((s - ip) / q) + 1.0) * q if q > 0.0 else big_s - ip
    if qty <= EPS:
        return 0.0
    if qty < moq:
        qty = moq
    if pack > 0.0:
        qty = np.ceil(qty / pack - EPS) * pack
    return qty


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2 ** -53
_LEAD_STREAM_KEY = np.uint64(0xD1B54A32D192ED03)
_LEVEL_STREAM_KEY = np.uint64(0x8CB92BA72F3D8DD7)
_OUTAGE_STREAM_KEY = np.uint64(0xABC98388FB8FAC03)


@njit(cache=True, inline="always")
def _uniform(state: np.ndarray, stream: int) -> float:
    """A uniform draw in [0, 1) from SplitMix64 (Steele, Lea & Flood 2014) stream ``state[stream]``."""
    z = state[stream] + _GOLDEN
    state[stream] = z
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return float(np.int64(z >> _S11)) * _TO_UNIT  # signed conversion: cheaper than from uint64


def lead_time_cdf(mean: float, sd: float, ring: int) -> np.ndarray:
    """Cumulative probabilities of the lead time ``round(mean + sd * N(0, 1))`` clipped to ``[0, ring - 1]``."""
    return _lead_time_cdf(float(mean), float(sd), int(ring))


@njit(cache=True)
def _lead_time_cdf(mean: float, sd: float, ring: int) -> np.ndarray:
    """See :func:`lead_time_cdf` (the rounding boundary ``k + 0.5`` belongs to ``k + 1``)."""
    cdf = np.ones(ring)
    if sd <= 0.0:
        k = min(max(int(np.floor(mean + 0.5)), 0), ring - 1)
        cdf[:k] = 0.0
        return cdf
    for k in range(ring - 1):
        cdf[k] = 0.5 * (1.0 + math.erf((k + 0.5 - mean) / (sd * math.sqrt(2.0))))
    return cdf


LT_TABLE = 256  # guide table of the lead-time draw


@njit(cache=True)
def _guide_table(cdf: np.ndarray) -> np.ndarray:
    """``table[j]``: the first ``k`` with ``cdf[k] > j / LT_TABLE`` (where the inverse-transform search starts)."""
    table = np.zeros(LT_TABLE, dtype=np.int64)
    for j in range(LT_TABLE):
        table[j] = _draw_index(cdf, j / LT_TABLE)
    return table


@njit(cache=True, inline="always")
def _draw_lead_time(cdf: np.ndarray, table: np.ndarray, u: float) -> int:
    """Inverse-transform draw started from the guide table (exact; the loop rarely runs)."""
    k = table[int(u * LT_TABLE)]
    last = cdf.shape[0] - 1
    while k < last and u >= cdf[k]:
        k += 1
    return k


@njit(cache=True, inline="always")
def _draw_index(cdf: np.ndarray, u: float) -> int:
    """The first ``k`` with ``u < cdf[k]`` (inverse-transform draw from a discrete distribution)."""
    k = 0
    last = cdf.shape[0] - 1
    while k < last and u >= cdf[k]:
        k += 1
    return k


@njit(cache=True)
def simulate_policies(
    pool: np.ndarray,
    pool_offsets: np.ndarray,
    bootstrap: bool,
    review: np.ndarray,
    reorder: np.ndarray,
    order_up_to: np.ndarray,
    quantity: np.ndarray,
    moq: np.ndarray,
    pack: np.ndarray,
    lt_mean: np.ndarray,
    lt_sd: np.ndarray,
    return_rate: np.ndarray,
    return_delay: np.ndarray,
    lost_sales: np.ndarray,
    initial: np.ndarray,
    seeds: np.ndarray,
    risk: np.ndarray,
    n_periods: int,
    warmup: int,
    n_scenarios: int,
    trace: np.ndarray,
    group: np.ndarray,
    order_days: np.ndarray,
) -> np.ndarray:
    """Simulate every SKU's policy and return its statistics (see the module docstring).

    Parameters
    ----------
    pool, pool_offsets
        Demand pool of SKU ``i``: ``pool[pool_offsets[i]:pool_offsets[i + 1]]`` (float64, >= 0); an
        empty pool means no demand.
    bootstrap
        Draw each period's demand uniformly from the pool (True) or replay the pool in order (False).
    review
        int64 review period (1: every period).
    reorder, order_up_to, quantity
        ``s``, ``S`` and ``Q`` (``Q == 0``: order up to ``S``).
    moq, pack
        Minimum order quantity and pack size (0: none).
    lt_mean, lt_sd
        Lead time in periods.
    return_rate, return_delay
        Fraction of sold units returned and int64 periods until they are sellable.
    lost_sales
        bool: unmet demand is lost (True) or backordered (False).
    initial
        Net stock at the start of every scenario.
    seeds
        int64 seed per SKU.
    risk
        ``(n_sku, N_RISK)`` float64 level spread and outage probabilities per SKU (``RK_*`` columns), or
        any array with a first dimension of 0 for none.
    n_periods, warmup, n_scenarios
        Periods per scenario (including the unscored ``warmup``) and scenarios per SKU.
    trace
        ``(n_sku, n_periods, N_TRACE)`` float64 filled from scenario 0, or any array with a first
        dimension of 0 for no trace.
    group, order_days
        int64 group of every SKU, and a uint8 ``(n_groups, n_scenarios, n_periods - warmup)`` array
        in which the periods with an order of the group are set to 1 (joint replenishment); an
        ``order_days`` with a first dimension of 0 records nothing (``group`` is then not read).

    Returns
    -------
    numpy.ndarray
        ``(n_sku, N_STATS)`` float64 sums over scored periods of all scenarios (``ST_*`` columns).
    """
    n_sku = review.shape[0]
    stats = np.zeros((n_sku, N_STATS))
    ring = 1
    for i in range(n_sku):
        span = int(np.ceil(lt_mean[i] + 4.0 * lt_sd[i])) + 1
        ring = max(ring, span, int(return_delay[i]) + 1)
    arriving = np.zeros(ring)
    tracing = trace.shape[0] == n_sku
    no_trace = np.zeros((0, N_TRACE))
    joint = order_days.shape[0] > 0
    no_days = np.zeros(0, dtype=np.uint8)
    state = np.zeros(4, dtype=np.uint64)  # demand, lead-time, level and outage streams
    risky = risk.shape[0] == n_sku
    for i in range(n_sku):
        state[0] = np.uint64(seeds[i])
        state[1] = np.uint64(seeds[i]) ^ _LEAD_STREAM_KEY
        state[2] = np.uint64(seeds[i]) ^ _LEVEL_STREAM_KEY
        state[3] = np.uint64(seeds[i]) ^ _OUTAGE_STREAM_KEY
        level_sd = risk[i, RK_LEVEL_SD] if risky else 0.0
        out_start = risk[i, RK_OUTAGE_START] if risky else 0.0
        out_end = risk[i, RK_OUTAGE_END] if risky else 1.0
        cdf = _lead_time_cdf(lt_mean[i], lt_sd[i], ring)
        table = _guide_table(cdf)
        for sc in range(n_scenarios):
            _simulate_one(
                pool[pool_offsets[i] : pool_offsets[i + 1]], bootstrap, max(1, review[i]), reorder[i],
                order_up_to[i], quantity[i], moq[i], pack[i], cdf, table, lt_sd[i] > 0.0, return_rate[i],
                return_delay[i], lost_sales[i], initial[i], level_sd, out_start, out_end, n_periods, warmup, arriving,
                state, stats[i],
                trace[i] if tracing and sc == 0 else no_trace, order_days[group[i], sc] if joint else no_days,
            )  # fmt: skip
    return stats


@njit(cache=True)
def _simulate_one(
    pool: np.ndarray, bootstrap: bool, r: int, s: float, big_s: float, q: float, moq: float, pack: float,
    lt_cdf: np.ndarray, lt_table: np.ndarray, lt_random: bool, rate: float, delay: int, lost: bool, initial: float,
    level_sd: float, out_start: float, out_end: float, n_periods: int, warmup: int, arriving: np.ndarray,
    state: np.ndarray, out: np.ndarray, trace: np.ndarray, order_days: np.ndarray,
) -> None:  # fmt: skip
    """One scenario of one SKU; adds its statistics to ``out`` (trace rows and scored order days set when given)."""
    ring = arriving.shape[0]
    arriving[:] = 0.0
    n_pool = pool.shape[0]
    tracing = trace.shape[0] > 0
    joint = order_days.shape[0] > 0
    net = initial
    in_transit = 0.0
    lt_fixed = _draw_index(lt_cdf, 0.0)
    stocked_out = False
    scored_cycle = False
    cycles = stockout_cycles = demand = filled_sum = on_hand_sum = orders = ordered = 0.0
    returned = lost_units = backordered = periods = stockout_periods = empty_periods = refused = 0.0
    level = 1.0
    if level_sd > 0.0:  # Box-Muller
        z = math.sqrt(-2.0 * math.log(1.0 - _uniform(state, 2))) * math.cos(2.0 * math.pi * _uniform(state, 2))
        level = math.exp(level_sd * z - 0.5 * level_sd * level_sd)
    outages = out_start > 0.0
    in_outage = outages and _uniform(state, 3) * (out_start + out_end) < out_start
    slot = 0  # t % ring
    phase = 0  # t % r
    pos = 0  # t % n_pool (replay)
    lost_f = 1.0 if lost else 0.0
    for t in range(n_periods):
        # branch-free where the outcome is random (arrivals, stock-outs): mispredictions dominate otherwise
        arrival = arriving[slot]
        arriving[slot] = 0.0
        net += arrival
        in_transit -= arrival
        scored = t >= warmup
        if outages and t > 0:
            u = _uniform(state, 3)
            in_outage = u >= out_end if in_outage else u < out_start
        if phase == 0:  # a review closes the previous cycle and opens the next
            if scored_cycle:
                cycles += 1.0
                stockout_cycles += 1.0 if stocked_out else 0.0
            scored_cycle = scored
            stocked_out = False
            qty = _order_quantity(net + in_transit, s, big_s, q, moq, pack)
            if qty > 0.0 and in_outage:
                if scored:
                    refused += 1.0
                qty = 0.0
            if qty > 0.0:
                lt = _draw_lead_time(lt_cdf, lt_table, _uniform(state, 1)) if lt_random else lt_fixed
                if lt == 0:
                    net += qty
                else:
                    k = slot + lt
                    arriving[k - ring if k >= ring else k] += qty
                    in_transit += qty
                if scored:
                    orders += 1.0
                    ordered += qty
                    if joint:
                        order_days[t - warmup] = 1
                if tracing:
                    trace[t, TR_ORDER] = qty
        if n_pool == 0:
            d = 0.0
        elif bootstrap:
            d = pool[int(_uniform(state, 0) * n_pool)] * level
        else:
            d = pool[pos] * level
            pos += 1
            if pos == n_pool:
                pos = 0
        on_hand = max(net, 0.0)
        filled = min(d, on_hand)
        short = d - filled
        sold = filled if lost else d
        net -= sold
        back = rate * sold
        if delay == 0:
            net += back
        else:
            k = slot + delay
            arriving[k - ring if k >= ring else k] += back
            in_transit += back
        is_short = short > EPS
        stocked_out = stocked_out or is_short
        if scored:
            periods += 1.0
            demand += d
            filled_sum += filled
            returned += back
            stockout_periods += 1.0 if is_short else 0.0
            empty_periods += 1.0 if net <= EPS else 0.0
            lost_units += short * lost_f if is_short else 0.0
            on_hand_sum += max(net, 0.0)
            backordered += max(-net, 0.0)
        if tracing:
            trace[t, TR_NET] = net
            trace[t, TR_DEMAND] = d
            trace[t, TR_ARRIVAL] = arrival
        slot += 1
        if slot == ring:
            slot = 0
        phase += 1
        if phase == r:
            phase = 0
    if scored_cycle:  # the cycle cut off by the horizon
        cycles += 1.0
        if stocked_out:
            stockout_cycles += 1.0
    out[ST_CYCLES] += cycles
    out[ST_STOCKOUT_CYCLES] += stockout_cycles
    out[ST_DEMAND] += demand
    out[ST_FILLED] += filled_sum
    out[ST_ON_HAND] += on_hand_sum
    out[ST_ORDERS] += orders
    out[ST_ORDERED] += ordered
    out[ST_RETURNED] += returned
    out[ST_LOST] += lost_units
    out[ST_BACKORDERED] += backordered
    out[ST_PERIODS] += periods
    out[ST_STOCKOUT_PERIODS] += stockout_periods
    out[ST_EMPTY_PERIODS] += empty_periods
    out[ST_REFUSED] += refused


def warmup_compile() -> None:
    """Compile (or load from cache) the simulation kernel on a tiny case."""
    one_f = np.ones(1)
    one_i = np.ones(1, dtype=np.int64)
    simulate_policies(
        one_f, np.array([0, 1], dtype=np.int64), True, one_i, one_f, one_f * 2, one_f * 0, one_f * 0,
        one_f * 0, one_f, one_f * 0, one_f * 0, one_i * 0, np.zeros(1, dtype=np.bool_), one_f, one_i,
        np.zeros((1, N_RISK)), 4, 1, 1, np.zeros((0, 0, N_TRACE)), one_i * 0, np.zeros((1, 1, 3), dtype=np.uint8),
    )  # fmt: skip
