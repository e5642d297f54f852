"""Items (SKU x warehouse parameters as arrays) and the analytic reorder policies.

Policies are in the units of a *period* (a day for daily data, a month for monthly data):

- ``(R, S)``: every ``R`` periods order up to ``S`` (``s == S``, ``Q == 0``).
- ``(s, S)``: at a review with inventory position at or below ``s``, order up to ``S``.
- ``(s, Q)``: at a review at or below ``s``, order the smallest multiple of ``Q`` that lifts it above ``s``.

The safety stock protects the demand over the protection interval ``P = L + R`` (lead time plus
review period), net of returns (a fraction ``r`` of sold units comes back sellable, so the long-run
net demand per period is ``mu * (1 - r)``). Its spread combines demand and lead-time uncertainty,
``sigma_P = sqrt(P sigma^2 + mu_net^2 sigma_L^2)`` (Silver, Pyke & Peterson 1998, ch. 7), and the
level is

- a cycle-service-level target ``alpha``: the ``alpha``-quantile of the protection-interval demand
  (normal: ``mu_P + z_alpha sigma_P``; gamma with the same mean and variance; or the empirical
  quantile of bootstrapped ``P``-period sums of the history);
- a fill-rate target ``beta`` (normal): the safety factor ``k`` with
  ``sigma_P G(k) = (1 - beta) mu_net R``, ``G`` the standard normal loss function.

Order-up-to and reorder levels are rounded up to whole units when ``integer_units`` (demand comes in
units; a fractional level only hides a rounding the simulation would make anyway).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import stats

from optiops.exceptions import InstanceError

Distribution = Literal["normal", "gamma", "empirical"]
PolicyType = Literal["RS", "sS", "sQ"]
TargetKind = Literal["csl", "fill_rate"]


@dataclass(frozen=True, eq=False)
class Items:
    """Parameters of ``n`` SKU x warehouse items as arrays (one entry per item), per period.

    Attributes
    ----------
    ids
        Item names (``"SKU@WAREHOUSE"`` or the SKU id).
    mean, sd
        Forecast demand per period and its standard deviation.
    lt_mean, lt_sd
        Lead time in periods.
    review
        Review period in periods (int64, >= 1).
    moq, pack
        Minimum order quantity and pack size (0: none).
    unit_cost, holding_rate
        Value of a unit and holding cost per period as a fraction of it.
    order_cost, shortage_cost
        Cost per order placed and per unit not served from stock.
    lost_sales
        Unmet demand is lost (True) or backordered (False).
    return_rate, return_delay
        Fraction of sold units returned, and int64 periods until they are sellable again.
    target
        Service target per item, a fraction in (0, 1) (cycle service level or fill rate, see ``target_kind``).
    space
        Space per unit (for warehouse-space constraints).
    warehouse
        Warehouse of each item (for space constraints).
    period_days
        Days per period (1 for daily data, about 30.4 for monthly), for days of inventory.
    target_kind
        What ``target`` means: ``"csl"`` or ``"fill_rate"``.
    level_sd
        Spread of the log demand level around ``mean`` that the history's noise does not show (the
        simulation draws one level per scenario; 0: the forecast level is the truth).
    outage_start, outage_end
        Per period, the probability that the supplier's outage starts and that it ends (a supplier
        out refuses orders; 0 and 1: never out).
    """

    ids: tuple[str, ...]
    mean: np.ndarray
    sd: np.ndarray
    lt_mean: np.ndarray
    lt_sd: np.ndarray
    review: np.ndarray
    moq: np.ndarray
    pack: np.ndarray
    unit_cost: np.ndarray
    holding_rate: np.ndarray
    order_cost: np.ndarray
    shortage_cost: np.ndarray
    lost_sales: np.ndarray
    return_rate: np.ndarray
    return_delay: np.ndarray
    target: np.ndarray
    space: np.ndarray = field(default_factory=lambda: np.zeros(0))
    warehouse: tuple[str, ...] = ()
    period_days: float = 1.0
    target_kind: TargetKind = "csl"
    level_sd: np.ndarray = field(default_factory=lambda: np.zeros(0))
    outage_start: np.ndarray = field(default_factory=lambda: np.zeros(0))
    outage_end: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name, default in (("level_sd", 0.0), ("outage_start", 0.0), ("outage_end", 1.0)):
            if getattr(self, name).shape[0] == 0:
                object.__setattr__(self, name, np.full(n, default))
        for name in ("mean", "sd", "lt_mean", "lt_sd", "review", "moq", "pack", "unit_cost", "holding_rate",
                     "order_cost", "shortage_cost", "lost_sales", "return_rate", "return_delay", "target", "level_sd",
                     "outage_start", "outage_end"):  # fmt: skip
            if getattr(self, name).shape != (n,):
                raise ValueError(f"Items.{name} must have {n} entries")
        if self.space.shape[0] == 0:
            object.__setattr__(self, "space", np.zeros(n))
        if not self.warehouse:
            object.__setattr__(self, "warehouse", ("",) * n)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def risky(self) -> bool:
        """Whether any item carries a level spread or supplier outages (:attr:`level_sd`, :attr:`outage_start`)."""
        return bool((self.level_sd > 0).any() or (self.outage_start > 0).any())

    def take(self, idx: np.ndarray) -> Items:
        """The items at positions ``idx``, in that order."""
        arrays = {f.name: getattr(self, f.name)[idx] for f in dataclasses.fields(self)
                  if isinstance(getattr(self, f.name), np.ndarray)}  # fmt: skip
        return dataclasses.replace(self, ids=tuple(self.ids[i] for i in idx),
                                   warehouse=tuple(self.warehouse[i] for i in idx), **arrays)  # fmt: skip

    def protection(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of net demand over the protection interval ``P = L + R``.

        A unit sold in the first ``P - delay`` periods of the interval comes back (with probability
        ``r``) before its end; later sales return too late to help. Returns already in transit are
        part of the inventory position.
        """
        p = self.lt_mean + self.review
        back = np.maximum(p - self.return_delay, 0.0)  # periods whose returns arrive in time
        r = self.return_rate
        mu = self.mean * p - r * self.mean * back
        var = ((1.0 - r) ** 2 * back + (p - back)) * self.sd**2 + (self.mean * (1.0 - r)) ** 2 * self.lt_sd**2
        return mu, np.sqrt(var)


@dataclass(frozen=True, eq=False)
class Policy:
    """Reorder rules of ``n`` items (the arrays the simulation kernel reads).

    Attributes
    ----------
    name
        Which rule made it (``weeks_of_cover``, ``analytic``, ``corrected``, ...).
    review
        Review period (int64).
    reorder, order_up_to, quantity
        ``s``, ``S`` and ``Q`` (``Q == 0``: order up to ``S``).
    safety_stock
        Reorder level minus mean net demand over the protection interval.
    """

    name: str
    review: np.ndarray
    reorder: np.ndarray
    order_up_to: np.ndarray
    quantity: np.ndarray
    safety_stock: np.ndarray

    def take(self, idx: np.ndarray) -> Policy:
        """The rules of the items at positions ``idx``, in that order."""
        return Policy(self.name, self.review[idx], self.reorder[idx], self.order_up_to[idx], self.quantity[idx],
                      self.safety_stock[idx])  # fmt: skip

    def shifted(self, delta: np.ndarray, name: str | None = None) -> Policy:
        """The same rule with ``s`` and ``S`` (and the safety stock) raised by ``delta`` units."""
        return Policy(
            name or self.name, self.review, self.reorder + delta, self.order_up_to + delta, self.quantity,
            self.safety_stock + delta,
        )  # fmt: skip


def normal_loss(k: np.ndarray) -> np.ndarray:
    """Standard normal loss function ``G(k) = phi(k) - k (1 - Phi(k))``."""
    return stats.norm.pdf(k) - k * stats.norm.sf(k)


def fill_rate_factor(target_loss: np.ndarray) -> np.ndarray:
    """Safety factor ``k`` with ``G(k) = target_loss`` (G decreasing; bisection on [-5, 8])."""
    lo = np.full(target_loss.shape, -5.0)
    hi = np.full(target_loss.shape, 8.0)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        above = normal_loss(mid) > target_loss
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return hi


def protection_quantile(
    items: Items, level: np.ndarray, distribution: Distribution, pool: np.ndarray | None = None,
    pool_offsets: np.ndarray | None = None, seed: int = 1, draws: int = 2000,
) -> np.ndarray:  # fmt: skip
    """The ``level``-quantile of net protection-interval demand under ``distribution``."""
    mu_p, sd_p = items.protection()
    if distribution == "normal":
        return np.asarray(mu_p + stats.norm.ppf(level) * sd_p)
    if distribution == "gamma":
        out = np.array(mu_p, dtype=float)
        ok = (mu_p > 0) & (sd_p > 0)
        shape = mu_p[ok] ** 2 / sd_p[ok] ** 2
        out[ok] = stats.gamma.ppf(level[ok], shape, scale=sd_p[ok] ** 2 / mu_p[ok])
        return out
    if pool is None or pool_offsets is None:
        raise InstanceError("distribution 'empirical' needs a demand history", "inventory")
    return _empirical_quantile(items, level, pool, pool_offsets, seed, draws)


def _empirical_quantile(
    items: Items, level: np.ndarray, pool: np.ndarray, offsets: np.ndarray, seed: int, draws: int
) -> np.ndarray:
    """Quantile of bootstrapped sums of ``round(L + R)`` periods of history, net of returns that arrive in time."""
    rng = np.random.default_rng(seed)
    out = np.zeros(items.n)
    periods = np.maximum(1, np.rint(items.lt_mean + items.review).astype(np.int64))
    for i in range(items.n):
        hist = pool[offsets[i] : offsets[i + 1]]
        if hist.size == 0:
            continue
        paths = hist[rng.integers(0, hist.size, (draws, periods[i]))]
        back = max(int(periods[i] - items.return_delay[i]), 0)
        sums = paths.sum(axis=1) - items.return_rate[i] * paths[:, :back].sum(axis=1)
        out[i] = np.quantile(sums, level[i])
    return out


def eoq(items: Items) -> np.ndarray:
    """Economic order quantity per item, at least one period of demand, MOQ and pack respected."""
    h = items.unit_cost * items.holding_rate
    demand = items.mean * (1.0 - items.return_rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(h > 0, np.sqrt(2.0 * demand * items.order_cost / np.where(h > 0, h, 1.0)), demand)
    q = np.maximum(np.maximum(q, demand), np.maximum(items.moq, 1.0))
    return np.where(items.pack > 0, np.ceil(q / np.where(items.pack > 0, items.pack, 1.0)) * items.pack, np.ceil(q))


def analytic_policy(
    items: Items, policy_type: PolicyType = "RS", distribution: Distribution = "normal",
    integer_units: bool = True, pool: np.ndarray | None = None, pool_offsets: np.ndarray | None = None,
    name: str = "analytic",
) -> Policy:  # fmt: skip
    """Reorder levels from the protection-interval demand distribution at each item's target.

    Parameters
    ----------
    items
        Item parameters (``items.target_kind`` says whether targets are cycle service levels or fill rates).
    policy_type
        ``"RS"``, ``"sS"`` or ``"sQ"`` (order quantities from :func:`eoq`).
    distribution
        Protection-interval demand: ``"normal"``, ``"gamma"`` or ``"empirical"`` (bootstrapped from
        ``pool``); fill-rate targets always use the normal loss function.
    integer_units
        Round levels up to whole units.
    pool, pool_offsets
        Demand history per item (flat), for ``"empirical"``.
    name
        Name of the policy.

    Returns
    -------
    Policy
    """
    mu_p, sd_p = items.protection()
    if items.target_kind == "fill_rate":
        # units demanded per replenishment cycle: R periods of net demand, or the order quantity Q
        mu_r = items.mean * (1.0 - items.return_rate) * items.review if policy_type == "RS" else eoq(items)
        with np.errstate(divide="ignore", invalid="ignore"):
            loss = np.where(sd_p > 0, (1.0 - items.target) * mu_r / np.where(sd_p > 0, sd_p, 1.0), np.inf)
        k = np.where(np.isfinite(loss), fill_rate_factor(np.where(np.isfinite(loss), loss, 1.0)), 0.0)
        level = mu_p + k * sd_p
    else:
        level = protection_quantile(items, items.target, distribution, pool, pool_offsets)
    level = np.maximum(level, 0.0)
    if integer_units:
        level = np.ceil(level - 1e-9)
    if policy_type == "RS":
        q = np.zeros(items.n)
        return Policy(name, items.review.copy(), level, level.copy(), q, level - mu_p)
    q = eoq(items)
    if policy_type == "sS":
        return Policy(name, items.review.copy(), level, level + q, np.zeros(items.n), level - mu_p)
    return Policy(name, items.review.copy(), level, level + q, q, level - mu_p)


def weeks_of_cover_policy(items: Items, weeks: float, integer_units: bool = True) -> Policy:
    """Common practice: at every review, order up to ``weeks`` of forecast demand (no safety stock model)."""
    periods = weeks * 7.0 / items.period_days
    level = items.mean * periods
    if integer_units:
        level = np.ceil(level - 1e-9)
    mu_p, _ = items.protection()
    return Policy(
        f"weeks_of_cover_{weeks:g}", items.review.copy(), level, level.copy(), np.zeros(items.n), level - mu_p
    )
