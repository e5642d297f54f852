"""The replenishment an ERP system ships as its default: the baseline of common practice.

A 28-day moving average per item, and a weekly order-up-to ``S = mu (R + L) + z sigma sqrt(R + L)``
at a 95 % cycle service level, sigma the spread of the moving average's one-day errors (Silver,
Pyke & Thomas 2017, ch. 6). ``L`` is the supplier's planned lead time (its mean: an ERP plans with
a fixed planned delivery time, not its spread) and ``mu`` forecasts sales, not the customer returns
that will come back (an ERP counts a return when it is received). ``optiops plan`` and
``optiops replay`` judge their optimised replenishment against it (docs/replay.md says why it is
the competent baseline).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from optiops.inventory.policy import Items, Policy, analytic_policy

MA_DAYS = 28  # the moving-average window
ERP_CSL = 0.95  # the cycle service level (z = 1.645)
ERP_REVIEW = 7  # weekly review


def moving_average(history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the last 28 days per item, and sd of its one-day errors over them.

    ``history`` is (days, items), oldest first. The error of day ``t`` is the actual minus the moving
    average of the 28 days before it (fewer at the start of the history).
    """
    days = history.shape[0]
    window = history[max(0, days - MA_DAYS) :]
    mean = window.mean(axis=0) if len(window) else np.zeros(history.shape[1])
    csum = np.vstack([np.zeros((1, history.shape[1])), np.cumsum(history, axis=0)])
    errors = []
    for t in range(max(1, days - MA_DAYS), days):
        lo = max(0, t - MA_DAYS)
        errors.append(history[t] - (csum[t] - csum[lo]) / (t - lo))
    sd = np.std(np.asarray(errors), axis=0, ddof=1) if len(errors) > 1 else np.sqrt(np.maximum(mean, 0.0))
    return mean, sd


def erp_policy(items: Items, history: np.ndarray) -> tuple[Items, Policy]:
    """``items`` reviewed weekly at a 95 % cycle service level on the moving average of ``history``
    ((days, items)), and their order-up-to policy.

    The returned items keep their true lead-time spread and return rate (what a simulation of the
    policy needs); the levels are set without them.
    """
    mean, sd = moving_average(history)
    erp = dataclasses.replace(items, mean=mean, sd=sd, review=np.full(items.n, ERP_REVIEW, dtype=np.int64),
                              target=np.full(items.n, ERP_CSL), target_kind="csl")  # fmt: skip
    zero = np.zeros(items.n)
    planned = dataclasses.replace(erp, lt_sd=zero, return_rate=zero)
    return erp, analytic_policy(planned, "RS", name="baseline")
