"""Simulation-corrected reorder levels: the smallest whole-unit level whose simulated service meets the target.

Where the analytic safety stock misses (lumpy, intermittent or skewed demand, where the normal
approximation of the protection-interval demand is poor), the simulation decides: for every item,
integer bisection on a shift ``delta`` of ``s`` and ``S`` (order quantities unchanged) finds the
smallest level whose simulated cycle service level (or fill rate) reaches the item's target. All
items are searched at once, one kernel call per bisection step on the items still searching, with
common random numbers (each item keeps its random streams between steps), so service is monotone
in the level up to the lead-time draws.
"""

from __future__ import annotations

import numpy as np

from optiops.inventory.policy import Items, Policy
from optiops.inventory.simulate import DemandPool, SimulationOptions, metrics, simulate_stats


def achieved(items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions,
             only: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
    """Simulated service per item in the sense of ``items.target_kind``.

    ``only``: simulate just these item positions (each keeps its random streams) and return their
    service in that order.
    """
    if only is not None:
        items, policy, pool = items.take(only), policy.take(only), pool.take(only)
    frame = metrics(items, simulate_stats(items, policy, pool, opts, index=only))
    column = "fill_rate" if items.target_kind == "fill_rate" else "achieved_csl"
    return frame[column].to_numpy()


def correct_policy(
    items: Items, policy: Policy, pool: DemandPool, opts: SimulationOptions, tolerance: float = 1e-9,
    max_doublings: int = 20,
) -> Policy:  # fmt: skip
    """Shift every item's levels to the smallest whole-unit level meeting its target in simulation.

    Parameters
    ----------
    items
        Item parameters and targets.
    policy
        Starting policy (usually :func:`optiops.inventory.policy.analytic_policy`); its levels are shifted.
    pool
        Demand the search simulates (history only: never the period the policy is judged on).
    opts
        Simulation settings of the search.
    tolerance
        Service may fall short of the target by this much (simulation noise on exact ties).
    max_doublings
        Bound on the upward bracket search.

    Returns
    -------
    Policy
        Named ``"corrected"``; ``s`` never below 0.
    """
    target = items.target - tolerance
    level = policy.reorder
    # lo: a shift known to miss (level -1 counts as missing); hi: a shift known to meet
    lo = -level - 1.0
    hi = np.zeros(items.n)
    meets = achieved(items, policy, pool, opts) >= target
    step = np.maximum(1.0, np.ceil(np.maximum(policy.order_up_to, 1.0) * 0.5))
    for _ in range(max_doublings):
        if meets.all():
            break
        lo = np.where(meets, lo, hi)
        hi = np.where(meets, hi, hi + step)
        step = np.where(meets, step, step * 2.0)
        missing = np.flatnonzero(~meets)
        meets[missing] = achieved(items, policy.shifted(hi), pool, opts, missing) >= target[missing]
    while True:
        active = np.flatnonzero((hi - lo) > 1.0)
        if not len(active):
            break
        mid = np.floor(0.5 * (lo[active] + hi[active]))
        trial = hi.copy()
        trial[active] = mid
        ok = achieved(items, policy.shifted(trial), pool, opts, active) >= target[active]
        hi[active] = np.where(ok, mid, hi[active])
        lo[active] = np.where(ok, lo[active], mid)
    return policy.shifted(hi, name="corrected")
