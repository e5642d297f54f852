"""The routing step on the small scenario: both plans checked by the independent evaluator."""

from __future__ import annotations

import pandas as pd
import pytest

import optiops
from optiops.model.plan import RoutePlan, RoutingPlan, Visit
from optiops.model.routing import RoutingInstance
from optiops.model.scenario import Scenario
from optiops.plan.base import PlanOptions, StepResult
from optiops.plan.orders import DayOrders
from optiops.plan.routing_step import fleet_instances, nearest_neighbour_plan, routing_step

KPI_KEYS = {"stops", "routes", "transport_cost", "distance_km", "on_time_rate", "skipped"}


@pytest.fixture(scope="module")
def routing(small: Scenario, plan_options: PlanOptions, small_orders: DayOrders,
            small_allocation: StepResult) -> StepResult:  # fmt: skip
    return routing_step(small, plan_options, small_orders, small_allocation)


def _instance(small: Scenario, orders: DayOrders, allocation: StepResult, plan: str, warehouse: str) -> RoutingInstance:
    table = allocation.tables["allocation.csv"]
    return fleet_instances(small, orders, table[table["plan"] == plan])[0][warehouse]


def _plan_from_table(routes: pd.DataFrame, plan: str, warehouse: str) -> RoutingPlan:
    rows = routes[(routes["plan"] == plan) & (routes["warehouse"] == warehouse)].sort_values(
        ["vehicle_type", "vehicle", "position"]
    )
    out = []
    for (vt, veh), group in rows.groupby(["vehicle_type", "vehicle"]):
        visits = [Visit(node=n, kind=k) for n, k in zip(group["node"], group["kind"], strict=True)]
        out.append(RoutePlan(vehicle_type=str(vt), vehicle=int(veh), visits=visits))
    return RoutingPlan(routes=out)


def test_both_plans_are_feasible_by_the_evaluator(routing: StepResult, small: Scenario, small_orders: DayOrders,
                                                  small_allocation: StepResult) -> None:  # fmt: skip
    """routes.csv of each plan, rebuilt as a plan, passes optiops.evaluate at the stated cost."""
    routes = routing.tables["routes.csv"]
    for plan, kpis in (("baseline", routing.baseline), ("optimised", routing.optimised)):
        served, total = 0, 0.0
        for w in sorted(set(routes.loc[routes["plan"] == plan, "warehouse"])):
            inst = _instance(small, small_orders, small_allocation, plan, w)
            ev = optiops.evaluate(inst, _plan_from_table(routes, plan, w))
            assert ev.feasible, ev.violations
            total += ev.objective
            served += len(inst.stops) - len(ev.skipped)
        assert total == pytest.approx(kpis["transport_cost"])
        assert served == kpis["stops"] - kpis["skipped"]


def test_optimised_transport_cost_is_no_higher(routing: StepResult) -> None:
    """The solver's routes cost no more than nearest neighbour."""
    assert routing.optimised["transport_cost"] <= routing.baseline["transport_cost"] + 1e-6


def test_kpis_have_the_same_keys_and_sane_values(routing: StepResult) -> None:
    """Same KPI parts in both plans; on-time rate a fraction; skipped stops among the stops."""
    assert routing.name == "routing"
    for kpis in (routing.baseline, routing.optimised):
        assert set(kpis) == KPI_KEYS
        assert 0.0 <= kpis["on_time_rate"] <= 1.0
        assert 0 <= kpis["skipped"] <= kpis["stops"]
        assert kpis["on_time_rate"] <= 1.0 - kpis["skipped"] / kpis["stops"] + 1e-9
    assert routing.baseline["stops"] > 0


def test_route_maps_for_every_fleet_warehouse(routing: StepResult, small: Scenario) -> None:
    """One PNG route map per warehouse with an own fleet."""
    fleet = sorted(w for w in set(small.zones["fleet_warehouse"]) if w)
    assert sorted(routing.figures) == [f"route_map_{w}.png" for w in fleet]
    assert all(png.startswith(b"\x89PNG") for png in routing.figures.values())


def test_nearest_neighbour_stays_within_shift_and_capacity(small: Scenario, small_orders: DayOrders,
                                                           small_allocation: StepResult) -> None:  # fmt: skip
    """The baseline construction alone is feasible and serves some stops."""
    inst = _instance(small, small_orders, small_allocation, "baseline", "W01")
    plan = nearest_neighbour_plan(inst)
    ev = optiops.evaluate(inst, plan)
    assert ev.feasible, ev.violations
    assert len(ev.skipped) < len(inst.stops)
