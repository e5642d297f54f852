"""The ERP's default replenishment, the baseline of common practice."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats
from tests.inventory.test_policies import make_items

from optiops.inventory.erp import ERP_CSL, erp_policy, moving_average


def test_moving_average_and_its_error_spread() -> None:
    history = np.tile(np.array([[2.0], [4.0]]), (20, 1))  # alternating 2, 4 for 40 days
    mean, sd = moving_average(history)
    assert mean[0] == pytest.approx(3.0)
    assert sd[0] == pytest.approx(1.0, rel=0.1)


def test_order_up_to_is_the_textbook_level_on_the_moving_average() -> None:
    """S = mu (R + L) + z sigma sqrt(R + L) in whole units, R = 7, z of 95 %, whatever forecast the items carried.

    The ERP plans with the supplier's planned lead time and forecasts sales, not returns: the level
    ignores the lead-time spread and the return rate, which the items keep for the simulation.
    """
    history = np.tile(np.array([[2.0, 10.0], [4.0, 10.0]]), (20, 1))
    items = dataclasses.replace(make_items([50.0, 50.0], [9.0, 9.0], target=0.5, lt=3.0), lt_sd=np.array([1.5, 0.0]),
                                return_rate=np.array([0.0, 0.3]), return_delay=np.array([2, 2]))  # fmt: skip
    erp, policy = erp_policy(items, history)
    assert erp.lt_sd.tolist() == [1.5, 0.0] and erp.return_rate.tolist() == [0.0, 0.3]
    mean, sd = moving_average(history)
    z = stats.norm.ppf(ERP_CSL)
    assert (erp.review == 7).all() and erp.target_kind == "csl"
    assert policy.order_up_to == pytest.approx(np.ceil(mean * 10.0 + z * sd * np.sqrt(10.0) - 1e-9))  # whole units
