"""Shared fixtures of the plan steps: the small scenario, its next day's orders and allocation, read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from optiops.model.scenario import Scenario
from optiops.plan.allocation_step import allocation_step
from optiops.plan.base import PlanOptions, StepResult
from optiops.plan.orders import DayOrders, next_day_orders
from optiops.scenario.read import read_scenario

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"


@pytest.fixture(scope="session")
def small() -> Scenario:
    return read_scenario(SMALL)


@pytest.fixture(scope="session")
def plan_options() -> PlanOptions:
    return PlanOptions(time_limit=0.5, seed=7, executor="inline")


@pytest.fixture(scope="session")
def small_orders(small: Scenario, plan_options: PlanOptions) -> DayOrders:
    return next_day_orders(small, plan_options)


@pytest.fixture(scope="session")
def small_allocation(small: Scenario, plan_options: PlanOptions, small_orders: DayOrders) -> StepResult:
    return allocation_step(small, plan_options, small_orders)
