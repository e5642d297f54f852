"""A Lagrangian lower bound for inventory placement, for plans found with fixed primaries.

The whole placement MIP (:mod:`optiops.allocation.placement`) is too slow to bound on large
catalogues: at 300 SKUs x 8 warehouses x 40 zones its LP relaxation alone takes 80-96 s. Relaxing
three row families with multipliers leaves a problem that splits by SKU and by zone:

- ``g_wkz <= a_wz`` (the part served from the primary), multipliers ``lam_wq >= 0`` per warehouse and
  (SKU, zone) pair ``q``;
- space per warehouse, ``mu_w >= 0``; the SKU cap per warehouse, ``nu_w >= 0``.

Then each SKU is an uncapacitated facility location over the warehouses: stock a set ``S`` (cost
``stocking_w + h b + mu_w v b + nu_w`` each) and serve each of its pairs from the cheapest warehouse
of ``S`` at ``d (h c + ship) + mu_w v c d + min(0, lam_wq - split d)`` (``g = f`` where that last term is
negative). With few warehouses every ``S`` is enumerated, so the SKU problems are solved exactly,
all SKUs at once with numpy. Each zone picks the primary with the largest ``sum_q lam_wq``. Any
multipliers give a valid bound; a subgradient search (Polyak steps toward the best plan's cost,
halved after 20 steps without progress) raises it.

How close the bound comes on the suite instances: docs/allocation.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optiops.model.placement import PlacementInstance, placement_arrays

MAX_WAREHOUSES = 10  # 2**10 - 1 warehouse sets per SKU; above this no bound is computed
STALL = 20  # steps without a better bound before the step factor is halved


@dataclass(frozen=True)
class PlacementBound:
    """The best bound found, the steps taken and the seconds spent."""

    bound: float
    iterations: int
    seconds: float


def placement_bound(
    inst: PlacementInstance, upper: float, time_limit: float | None = None, max_iterations: int = 300
) -> PlacementBound | None:
    """A lower bound on the optimal cost of ``inst`` (per period), or ``None`` above :data:`MAX_WAREHOUSES`.

    Parameters
    ----------
    inst : PlacementInstance
        The instance.
    upper : float
        The cost of a known plan: the target of the step sizes (never returned as the bound).
    time_limit : float, optional
        Seconds for the search (checked between steps).
    max_iterations : int
        Subgradient steps at most.

    Returns
    -------
    PlacementBound or None
        The best bound over the steps taken.
    """
    t0 = time.perf_counter()
    arr = placement_arrays(inst)
    d, m = arr["demand"], len(inst.warehouses)
    if m > MAX_WAREHOUSES:
        return None
    pk, pz = np.nonzero(d > 0)
    p = len(pk)
    if p == 0:
        return PlacementBound(0.0, 0, time.perf_counter() - t0)
    dq, split = d[pk, pz], inst.split_cost
    serve = dq[None, :] * (arr["holding"][pk] * arr["cover"][pk])[None, :] + arr["ship"][:, pz] * dq[None, :]  # (m, p)
    space_f = arr["volume"][pk] * arr["cover"][pk] * dq  # space a whole pair takes
    skus, starts = np.unique(pk, return_index=True)  # pk is sorted by SKU (np.nonzero order)
    stock = (arr["stocking"][:, None] + (arr["holding"] * arr["base"])[None, :])[:, skus]  # (m, n)
    space_s = (arr["volume"] * arr["base"])[skus]
    sets = ((np.arange(1, 2**m)[:, None] >> np.arange(m)[None, :]) & 1).astype(bool)  # (S, m)
    sets_f = sets.astype(float)
    lam, mu, nu = np.zeros((m, p)), np.zeros(m), np.zeros(m)
    constant = split * float(dq.sum())
    best, theta, stall, steps = -np.inf, 2.0, 0, 0
    cols, n_zones = np.arange(p), d.shape[1]
    while steps < max_iterations:
        steps += 1
        cost = serve + mu[:, None] * space_f[None, :] + np.minimum(0.0, lam - split * dq[None, :])  # (m, p)
        within = np.where(sets[:, :, None], cost[None, :, :], np.inf)  # (S, m, p)
        cheapest, where = within.min(axis=1), within.argmin(axis=1)  # (S, p)
        set_cost = sets_f @ (stock + mu[:, None] * space_s[None, :] + nu[:, None])  # (S, n)
        total = set_cost + np.add.reduceat(cheapest, starts, axis=1)
        chosen = total.argmin(axis=0)  # the best warehouse set of every SKU
        per_zone = np.zeros((m, n_zones))
        np.add.at(per_zone.T, pz, lam.T)
        value = (constant + float(total[chosen, np.arange(len(skus))].sum()) - float(per_zone.max(axis=0).sum())
                 - float(mu @ arr["space"]) - float(nu @ arr["cap"]))  # fmt: skip
        if best == -np.inf or value > best + 1e-9 * max(1.0, abs(best)):
            best, stall = value, 0
        else:
            stall += 1
            if stall >= STALL:
                theta, stall = theta / 2.0, 0
        if best >= upper - 1e-9 * max(1.0, abs(upper)) or theta < 1e-4:
            break
        if time_limit is not None and time.perf_counter() - t0 >= time_limit:
            break
        # subgradient at the relaxed solution
        pair_set = chosen[np.searchsorted(skus, pk)]
        f = np.zeros((m, p))
        f[where[pair_set, cols], cols] = 1.0
        g = f * (lam - split * dq[None, :] < 0.0)
        primary = np.zeros((m, p))
        primary[per_zone.argmax(axis=0)[pz], cols] = 1.0
        stocked = sets_f[chosen].T  # (m, n)
        g_lam = g - primary
        g_mu = f @ space_f + stocked @ space_s - arr["space"]
        g_nu = stocked.sum(axis=1) - arr["cap"]
        norm = float((g_lam**2).sum() + (g_mu**2).sum() + (g_nu**2).sum())
        if norm < 1e-12:  # a zero subgradient: no step raises the bound
            break
        step = theta * (upper - value) / norm
        lam = np.maximum(0.0, lam + step * g_lam)
        mu = np.maximum(0.0, mu + step * g_mu)
        nu = np.maximum(0.0, nu + step * g_nu)
    return PlacementBound(float(best), steps, time.perf_counter() - t0)
