"""The independent evaluator on hand-checked plans."""

from __future__ import annotations

import math

import pytest

import optiops
from optiops.exceptions import InstanceError
from optiops.model import RoutePlan, RoutingInstance, RoutingPlan, Visit


def plan_of(*routes: list[str], vehicle_type: str = "van") -> RoutingPlan:
    return RoutingPlan(
        routes=[
            RoutePlan(vehicle_type=vehicle_type, vehicle=k, visits=[Visit(node=n) for n in r])
            for k, r in enumerate(routes)
        ]
    )


def test_cost_by_hand(tiny: RoutingInstance) -> None:
    """Distance, fixed cost and skip penalty add up as computed by hand."""
    ev = optiops.evaluate(tiny, plan_of(["a", "b"], ["c", "d"]))
    d1 = 10 + 10 + math.hypot(10, 10)
    d2 = 10 + math.hypot(10, 10) + 10
    assert ev.feasible
    assert ev.skipped == ["e"]
    assert ev.objective == pytest.approx(5 + d1 + 5 + d2 + 1, abs=1e-3)


def test_capacity_violation(tiny: RoutingInstance) -> None:
    """Loading 14 units on a 10-unit van is a named capacity violation."""
    ev = optiops.evaluate(tiny, plan_of(["a", "b", "c", "d"]))
    assert not ev.feasible
    assert any("capacity exceeded by 4" in v for v in ev.violations)


def test_pickup_counts_after_deliveries(tiny: RoutingInstance) -> None:
    """Returns picked up late on the route share space only with what is still on board."""
    ev = optiops.evaluate(tiny, plan_of(["d", "c", "a"], ["b"]))
    assert ev.feasible  # 10 on board, 7 after d, 2 picked up at c: never above 10


def test_missing_and_duplicate_stops(tiny: RoutingInstance) -> None:
    """An unserved required stop and a stop served twice are both reported."""
    ev = optiops.evaluate(tiny, plan_of(["a", "b"], ["b", "c"]))
    assert "required 'd' is not served" in ev.violations
    assert "'b' is visited 2 times" in ev.violations


def test_time_window_violation_names_stop(tiny: RoutingInstance) -> None:
    """A stop reached after its window is named in the violation."""
    first = tiny.stops[0].model_copy(update={"time_windows": [(0.0, 5.0)]})
    late = tiny.model_copy(update={"stops": [first, *tiny.stops[1:]]})
    ev = optiops.evaluate(late, plan_of(["a", "b"], ["c", "d"]))
    assert any("late at a" in v for v in ev.violations)


def test_unknown_stop_in_plan(tiny: RoutingInstance) -> None:
    """A plan naming a stop the instance lacks is bad input."""
    with pytest.raises(InstanceError, match="unknown stops"):
        optiops.evaluate(tiny, plan_of(["a", "zz"]))


def test_vehicle_beyond_fleet(tiny: RoutingInstance) -> None:
    """Using a third van when the fleet has two is infeasible."""
    ev = optiops.evaluate(tiny, plan_of(["a"], ["b"], ["c", "d"]))
    assert "vehicle van #2 does not exist" in ev.violations


def test_plan_schedule_is_consistent(tiny: RoutingInstance) -> None:
    """In a solved plan every arrival is the previous departure plus travel, and service starts in a window."""
    res = optiops.solve(tiny, backend="ortools", time_limit=0.5)
    index = {s.id: s for s in tiny.stops}
    xy = {s.id: (s.x, s.y) for s in tiny.stops} | {d.id: (d.x, d.y) for d in tiny.depots}
    for route in res.plan.routes:
        for prev, visit in zip(route.visits, route.visits[1:], strict=False):
            assert visit.arrival is not None and prev.departure is not None
            travel = math.dist(xy[prev.node], xy[visit.node])
            assert visit.arrival == pytest.approx(prev.departure + travel, abs=1e-3)
            if visit.start is not None and index[visit.node].time_windows:
                lo, hi = index[visit.node].time_windows[0]
                assert lo - 1e-9 <= visit.start <= hi + 1e-9


def test_depots_recognised_by_id_not_kind(tiny: RoutingInstance) -> None:
    """A hand-written plan listing its depot at both ends (kind left at 'stop') evaluates like one without."""
    with_depots = plan_of(["D", "a", "b", "D"], ["D", "c", "d", "D"])
    assert (
        optiops.evaluate(tiny, with_depots).objective
        == optiops.evaluate(tiny, plan_of(["a", "b"], ["c", "d"])).objective
    )
    assert optiops.evaluate(tiny, with_depots).feasible


def test_depot_inside_route_is_a_violation(tiny: RoutingInstance) -> None:
    """A depot between stops is reported."""
    ev = optiops.evaluate(tiny, plan_of(["a", "D", "b"], ["c", "d"]))
    assert "depot 'D' appears inside a route" in ev.violations
