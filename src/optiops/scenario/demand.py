"""The assortment, the sales calendar, daily demand per SKU x zone, and customer returns.

Demand of SKU ``s`` (category ``k``) in zone ``z`` on day ``t`` is Poisson with mean

    base[s] * share[z] * weekly[t] * growth[t] * event[t] * price_index[t] ** -elasticity[k] * G[s, t]

where ``base`` follows a Zipf-Mandelbrot popularity (a few fast movers, a long intermittent tail),
``event`` is the festival profile (double-eleven, with a dip in the days before it) and ``G`` a
gamma multiplier of mean 1 shared by the zones (so the noise is negative binomial, and correlated
across zones as a viral day would be).  Each sold unit is returned with the SKU's return rate and
picked up ``1 + Poisson(pickup_days - 1)`` days after the sale.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from optiops.scenario.config import ScenarioConfig

DAY_CHUNK = 32  # days drawn at once: bounds memory at SKUs x zones x DAY_CHUNK


def draw_skus(c: ScenarioConfig, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The SKU table, the mean units per ordinary day of every SKU, and every SKU's category index."""
    n = c.n_skus
    cats = c.categories
    cat = rng.choice(len(cats), size=n, p=[k.share for k in cats])
    rank = rng.permutation(n)  # ids are not sorted by popularity
    popularity = 1.0 / (rank + 1 + c.demand.zipf_offset_share * n) ** c.demand.zipf_exponent
    base = n * c.demand.units_per_sku_day * popularity / popularity.sum()

    def pick(attr: str) -> np.ndarray:
        return np.array([getattr(cats[k], attr) for k in cat], dtype=float)

    price = np.exp(np.log(pick("price_median")) + pick("price_sigma") * rng.standard_normal(n))
    price = np.maximum(np.round(price), 10.0) - 0.1  # shop prices end in .9
    cost = np.round(price * pick("cost_ratio") * _mean_one(rng, 0.1, n), 2)
    weight = np.round(pick("weight_kg") * rng.lognormal(0.0, 0.4, n), 3)
    volume = np.round(pick("volume_l") * rng.lognormal(0.0, 0.4, n), 3)
    rate = np.round(np.clip(pick("return_rate") * _mean_one(rng, 0.25, n), 0.0, 0.8), 4)
    delay = np.round(pick("return_pickup_days") + pick("processing_days")).astype(np.int64)
    lead = np.round(pick("lead_time_days") * rng.lognormal(0.0, 0.2, n), 1)
    lead_sd = np.round(lead * pick("lead_time_cv"), 2)
    pack = np.array([rng.choice(cats[k].packs) for k in cat], dtype=np.int64)
    width = len(str(n))
    frame = pd.DataFrame({
        "sku": [f"SKU{i + 1:0{width}d}" for i in range(n)], "category": [cats[k].name for k in cat],
        "price": price, "unit_cost": np.maximum(cost, 0.01), "weight_kg": weight, "volume_l": volume,
        "return_rate": rate, "return_delay_days": delay, "lead_time_mean_days": lead, "lead_time_sd_days": lead_sd,
        "pack": pack,
    })  # fmt: skip
    return frame, base, cat


def _mean_one(rng: np.random.Generator, sigma: float, n: int) -> np.ndarray:
    """Log-normal multipliers of mean one."""
    return rng.lognormal(-0.5 * sigma**2, sigma, n)


def draw_calendar(c: ScenarioConfig) -> tuple[pd.DataFrame, np.ndarray]:
    """The calendar table and the demand multiplier of every day before price effects (no randomness)."""
    d = c.demand
    end = dt.date.fromisoformat(c.end_date)
    dates = pd.date_range(end=pd.Timestamp(end), periods=c.days, freq="D").as_unit("ns")
    weekly = np.asarray(d.weekly) / np.mean(d.weekly)
    day = np.arange(c.days)
    multiplier = weekly[dates.day_of_week] * (1.0 + d.annual_growth) ** (day / 365.0)
    event = np.full(c.days, "", dtype=object)
    promotion, festival = np.zeros(c.days, dtype=np.int64), np.zeros(c.days, dtype=np.int64)
    price_index = np.ones(c.days)
    for year in range(dates[0].year, dates[-1].year + 1):
        for ev in d.events:
            start = _position(dates, year, ev.month_day)
            span = slice(max(start, 0), max(start + ev.days, 0))
            event[span], promotion[span], price_index[span] = ev.name, 1, ev.price_index
        peak = _position(dates, year, d.festival_month_day)
        first = peak - len(d.festival_profile) // 2
        dip = slice(max(first - d.dip_days, 0), max(first, 0))
        event[dip], multiplier[dip] = f"before {d.festival_name}", multiplier[dip] * d.dip_factor
        for k, factor in enumerate(d.festival_profile):
            if 0 <= first + k < c.days:
                t = first + k
                event[t], promotion[t], festival[t] = d.festival_name, 1, 1
                price_index[t], multiplier[t] = d.festival_price_index, multiplier[t] * factor
    frame = pd.DataFrame({
        "ds": dates, "weekday": dates.day_of_week.astype(np.int64), "event": event.astype(str), "promotion": promotion,
        "festival": festival, "price_index": price_index, "holdout": (day >= c.days - c.holdout_days).astype(np.int64),
    })  # fmt: skip
    return frame, multiplier


def _position(dates: pd.DatetimeIndex, year: int, month_day: str) -> int:
    """Day index of ``year-month_day`` (may lie outside the scenario)."""
    return int((pd.Timestamp(f"{year}-{month_day}") - dates[0]).days)


def category_day_multiplier(c: ScenarioConfig, calendar: pd.DataFrame, multiplier: np.ndarray) -> np.ndarray:
    """(K, T) every category's demand multiplier of every day, price effect included."""
    elasticity = np.array([k.elasticity for k in c.categories])
    price = calendar["price_index"].to_numpy()
    return multiplier[None, :] * price[None, :] ** -elasticity[:, None]


def draw_demand(c: ScenarioConfig, base: np.ndarray, cat: np.ndarray, zone_share: np.ndarray,
                calendar: pd.DataFrame, multiplier: np.ndarray, rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """Non-zero demand as an (N, 4) int array of (sku, zone, day, units), sorted by day, sku, zone."""
    day_mult = category_day_multiplier(c, calendar, multiplier)
    shape = c.demand.dispersion
    level = sku_levels(c, len(base), rng)
    rows = []
    for t0 in range(0, c.days, DAY_CHUNK):
        t1 = min(t0 + DAY_CHUNK, c.days)
        mean_st = base[:, None] * day_mult[cat, t0:t1] * rng.gamma(shape, 1.0 / shape, size=(len(base), t1 - t0))
        if level is not None:
            mean_st *= level[:, t0:t1]
        units = rng.poisson(mean_st[:, None, :] * zone_share[None, :, None])  # (S, Z, chunk)
        s, z, t = np.nonzero(units)
        rows.append(np.column_stack([s, z, t + t0, units[s, z, t]]))
    out = np.concatenate(rows).astype(np.int64)
    return out[np.lexsort((out[:, 1], out[:, 0], out[:, 2]))]


def sku_levels(c: ScenarioConfig, n: int, rng: np.random.Generator) -> np.ndarray | None:
    """(S, T) demand level of every SKU and day, log-normal AR(1) of mean one; None when ``level_sd`` is 0.

    Drawn only when drifting, so configurations without drift keep their draws.
    """
    d = c.demand
    if d.level_sd <= 0:
        return None
    phi = 0.5 ** (1.0 / d.level_half_life_days)
    shocks = rng.standard_normal((n, c.days))
    log_level = np.empty((n, c.days))
    log_level[:, 0] = d.level_sd * shocks[:, 0]
    step = d.level_sd * np.sqrt(1.0 - phi**2)
    for t in range(1, c.days):
        log_level[:, t] = phi * log_level[:, t - 1] + step * shocks[:, t]
    return np.exp(log_level - 0.5 * d.level_sd**2)


def draw_returns(c: ScenarioConfig, demand: np.ndarray, rate: np.ndarray, cat: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """Returned units as an (N, 4) int array of (sku, zone, pickup day, units); pickups after the end are dropped."""
    returned = rng.binomial(demand[:, 3], rate[demand[:, 0]])
    unit = np.repeat(np.arange(len(demand)), returned)  # one entry per returned unit
    pickup_days = np.array([k.return_pickup_days for k in c.categories])[cat[demand[unit, 0]]]
    day = demand[unit, 2] + 1 + rng.poisson(np.maximum(pickup_days - 1.0, 0.0))
    keep = day < c.days
    n_z = c.n_zones
    key = (demand[unit, 0][keep] * n_z + demand[unit, 1][keep]) * c.days + day[keep]
    uniq, count = np.unique(key, return_counts=True)
    out = np.column_stack([uniq // c.days // n_z, uniq // c.days % n_z, uniq % c.days, count]).astype(np.int64)
    return out[np.lexsort((out[:, 1], out[:, 0], out[:, 2]))]


def units_per_order(c: ScenarioConfig) -> tuple[float, float]:
    """Mean lines per order and mean units per order implied by ``lines_probs`` and ``quantity_probs``."""
    d = c.demand
    lines = float(np.dot(np.arange(1, len(d.lines_probs) + 1), d.lines_probs))
    qty = float(np.dot(np.arange(1, len(d.quantity_probs) + 1), d.quantity_probs))
    return lines, lines * qty
