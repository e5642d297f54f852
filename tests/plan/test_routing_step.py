"""The routing step on the small scenario: both plans checked by the independent evaluator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import optiops
from optiops.model.plan import RoutePlan, RoutingPlan, Visit
from optiops.model.routing import RoutingInstance
from optiops.model.scenario import Scenario
from optiops.plan.base import PlanOptions, StepResult
from optiops.plan.orders import DayOrders
from optiops.plan.routing_step import (
    MAX_SKIP_PRICE,
    fleet_instances,
    nearest_neighbour_plan,
    repriced,
    routing_step,
    score,
    skip_price,
)

KPI_KEYS = {"stops", "routes", "transport_cost", "fleet_cost", "carrier_units", "distance_km", "on_time_rate",
            "skipped"}  # fmt: skip


@pytest.fixture(scope="module")
def routing(small: Scenario, plan_options: PlanOptions, small_orders: DayOrders,
            small_allocation: StepResult) -> StepResult:  # fmt: skip
    return routing_step(small, plan_options, small_orders, small_allocation)


def _instance(small: Scenario, orders: DayOrders, allocation: StepResult, plan: str, warehouse: str,
              price: float | None = None) -> RoutingInstance:  # fmt: skip
    table = allocation.tables["allocation.csv"]
    return fleet_instances(small, orders, table[table["plan"] == plan], price)[0][warehouse]


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
        served, total, fleet = 0, 0.0, 0.0
        for w in sorted(set(routes.loc[routes["plan"] == plan, "warehouse"])):
            price = routing.stats["skip_prices"][w] if plan == "optimised" else skip_price(small.costs)
            inst = _instance(small, small_orders, small_allocation, plan, w, price)
            ev = optiops.evaluate(inst, _plan_from_table(routes, plan, w))
            assert ev.feasible, ev.violations
            fleet += ev.objective - ev.skip_cost
            units = {st.id: int(np.sum(st.delivery)) + int(np.sum(st.pickup)) for st in inst.stops}
            total += ev.objective - ev.skip_cost + skip_price(small.costs) * sum(units[n] for n in ev.skipped)
            served += len(inst.stops) - len(ev.skipped)
        assert total == pytest.approx(kpis["transport_cost"])
        assert fleet == pytest.approx(kpis["fleet_cost"])
        assert served == kpis["stops"] - kpis["skipped"]


def test_carrier_units_are_the_units_of_every_stop_not_served(routing: StepResult, small: Scenario,
                                                              small_orders: DayOrders,
                                                              small_allocation: StepResult) -> None:  # fmt: skip
    """carrier_units = parcels + returned units of the stops the routes do not visit, reachable or not."""
    routes = routing.tables["routes.csv"]
    table = small_allocation.tables["allocation.csv"]
    for plan, kpis in (("baseline", routing.baseline), ("optimised", routing.optimised)):
        instances, left_out = fleet_instances(small, small_orders, table[table["plan"] == plan])
        visited = set(routes.loc[routes["plan"] == plan, "node"])
        units = sum(int(np.sum(st.delivery)) + int(np.sum(st.pickup))
                    for inst in instances.values() for st in inst.stops if st.id not in visited)  # fmt: skip
        assert units + int((left_out["delivery"] + left_out["pickup"]).sum()) == kpis["carrier_units"]


def test_optimised_routes_cost_no_more_than_nearest_neighbour_on_their_instance(
    routing: StepResult, small: Scenario, small_orders: DayOrders, small_allocation: StepResult
) -> None:
    """Per warehouse, the kept routes cost no more than nearest neighbour on the same instance and price."""
    for w, stats in routing.stats["warehouses"].items():
        inst = _instance(small, small_orders, small_allocation, "optimised", w, routing.stats["skip_prices"][w])
        nn = score(inst, nearest_neighbour_plan(inst)).evaluation.objective
        assert stats["objective"] <= nn + 1e-6


def test_on_time_guard(routing: StepResult, small: Scenario) -> None:
    """The optimised routes serve as large a share of stops on time as the baseline, or every price hit its cap."""
    prices = routing.stats["skip_prices"]
    assert routing.optimised["on_time_rate"] >= routing.baseline["on_time_rate"] - 1e-12 or all(
        p == MAX_SKIP_PRICE for p in prices.values()
    )
    assert prices and all(skip_price(small.costs) <= p <= MAX_SKIP_PRICE for p in prices.values())
    raised = any(p > skip_price(small.costs) for p in prices.values())
    assert raised == any(n.startswith("On-time guard") for n in routing.notes)  # every raise is said


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


def test_repriced_instance_is_the_one_built_at_that_price(small: Scenario, small_orders: DayOrders,
                                                          small_allocation: StepResult) -> None:  # fmt: skip
    """The guard's repricing gives the instance fleet_instances builds at the raised price."""
    inst = _instance(small, small_orders, small_allocation, "optimised", "W01")
    assert repriced(inst, 54.0) == _instance(small, small_orders, small_allocation, "optimised", "W01", 54.0)
    assert repriced(inst, 54.0) != inst
