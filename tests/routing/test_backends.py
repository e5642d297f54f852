"""Every backend on the same small cases; every plan is re-checked by the evaluator."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.conftest import tiny_document

import optiops
from optiops.exceptions import InfeasibleError, SolverError
from optiops.model import RoutingInstance
from optiops.routing import SolveOptions

BACKENDS = ["ortools", "pyvrp"]


def solve(inst: RoutingInstance, backend: str, **kw: Any) -> optiops.SolveResult:
    res = optiops.solve(inst, options=SolveOptions(backend=backend, time_limit=kw.pop("time_limit", 1.0), **kw))
    check = optiops.evaluate(inst, res.plan)
    assert res.plan.objective == pytest.approx(check.objective)
    assert (res.plan.status == "feasible") == check.feasible
    return res


@pytest.mark.parametrize("backend", BACKENDS)
def test_tiny_instance_solved(tiny: RoutingInstance, backend: str) -> None:
    """The tiny instance gets a feasible plan whose solver objective equals the evaluator's."""
    res = solve(tiny, backend)
    assert res.plan.status == "feasible"
    assert res.plan.solver_objective == pytest.approx(res.plan.objective, abs=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_optional_stop_skipped_when_cheaper(tiny: RoutingInstance, backend: str) -> None:
    """The far optional stop with penalty 1 is skipped."""
    assert solve(tiny, backend).plan.skipped == ["e"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_optional_stop_served_when_penalty_high(backend: str) -> None:
    """With a large penalty the same stop is served."""
    doc = tiny_document()
    doc["stops"][4]["skip_penalty"] = 10_000
    res = solve(RoutingInstance.model_validate(doc), backend)
    assert res.plan.skipped == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_shipment_pickup_before_delivery(backend: str) -> None:
    """A paired shipment is carried by one vehicle, pickup first."""
    doc = tiny_document(shipments=[{"id": "s", "amount": 5, "pickup": {"x": 40, "y": 0},
                                    "delivery": {"x": -40, "y": 0}}])  # fmt: skip
    res = solve(RoutingInstance.model_validate(doc), backend)
    route = next(r for r in res.plan.routes if any(v.node == "s:pickup" for v in r.visits))
    nodes = [v.node for v in route.visits]
    assert nodes.index("s:pickup") < nodes.index("s:delivery")


@pytest.mark.parametrize("backend", BACKENDS)
def test_heterogeneous_fleet_two_depots(backend: str) -> None:
    """Vehicles start and end at their own depots; per-type capacities hold."""
    doc = tiny_document(
        depots=[{"id": "D", "x": 0, "y": 0}, {"id": "E", "x": 100, "y": 100}],
        vehicle_types=[
            {"id": "van", "count": 1, "capacity": 12, "start_depot": "D", "fixed_cost": 5},
            {"id": "bike", "count": 2, "capacity": 4, "start_depot": "E", "end_depot": "D"},
        ],
    )
    res = solve(RoutingInstance.model_validate(doc), backend)
    assert res.plan.status == "feasible"
    for route in res.plan.routes:
        assert route.visits[-1].node == "D"
        assert route.visits[0].node == ("D" if route.vehicle_type == "van" else "E")


def test_several_windows_only_on_ortools() -> None:
    """PyVRP refuses stops with two windows; auto then uses OR-Tools and serves the second window."""
    doc = tiny_document()
    doc["stops"][0]["time_windows"] = [[0, 1], [200, 220]]
    inst = RoutingInstance.model_validate(doc)
    with pytest.raises(SolverError, match="several time windows"):
        optiops.solve(inst, backend="pyvrp", time_limit=0.5)
    res = solve(inst, "auto")
    assert res.plan.backend == "ortools"
    visit = next(v for r in res.plan.routes for v in r.visits if v.node == "a")
    assert 200 <= visit.start <= 220


@pytest.mark.parametrize("backend", BACKENDS)
def test_unreachable_window_is_diagnosed(backend: str) -> None:
    """A window that closes before any vehicle can arrive names the stop instead of crashing."""
    doc = tiny_document()
    doc["stops"][1]["time_windows"] = [[0, 3]]
    with pytest.raises(InfeasibleError) as info:
        optiops.solve(RoutingInstance.model_validate(doc), backend=backend, time_limit=0.5)
    assert info.value.culprits == ["b"]


def test_pyvrp_run_reproducible_from_seed() -> None:
    """With an iteration limit, a PyVRP run is reproduced exactly by its seed; another seed searches differently."""
    inst = optiops.load("instances/routing/two-depots-mixed-fleet.yaml")

    def run(seed: int) -> tuple[list, float | None]:
        opts = SolveOptions(backend="pyvrp", time_limit=30, seed=seed, params={"max_iterations": 300})
        plan = optiops.solve(inst, options=opts).plan
        return plan.sequences(), plan.backend and plan.objective

    first = run(3)
    assert run(3) == first
    assert any(run(seed) != first for seed in (4, 5, 6))


def test_unknown_backend_parameter_refused(tiny: RoutingInstance) -> None:
    """A misspelt OR-Tools parameter or metaheuristic is refused before searching."""
    from optiops.exceptions import InstanceError

    for params in ({"metaheuristc": "TABU_SEARCH"}, {"metaheuristic": "TABU"}):
        with pytest.raises(InstanceError, match="params"):
            optiops.solve(tiny, options=SolveOptions(backend="ortools", time_limit=0.5, params=params))


def test_later_window_shortens_the_route() -> None:
    """Leaving later to use a stop's second window is found by OR-Tools and accepted by the evaluator."""
    inst = RoutingInstance.model_validate({
        "kind": "routing", "rounding": "exact",
        "depots": [{"id": "D", "x": 0, "y": 0}],
        "vehicle_types": [{"id": "van", "count": 1, "capacity": 5, "start_depot": "D", "cost_per_time": 1,
                           "max_duration": 20}],
        "stops": [{"id": "A", "x": 5, "y": 0, "time_windows": [[10, 11], [45, 46]]},
                  {"id": "B", "x": 10, "y": 0, "time_windows": [[50, 60]]}],
    })  # fmt: skip
    res = solve(inst, "ortools")
    assert res.plan.status == "feasible"
    assert res.plan.routes[0].duration == pytest.approx(20.0)
    assert res.plan.solver_objective == pytest.approx(res.plan.objective)


@pytest.mark.parametrize("backend", BACKENDS)
def test_decimal_costs_stay_exact(backend: str) -> None:
    """A cost per km of 0.004 is neither rounded to zero nor distorted: solver and evaluator agree."""
    doc = tiny_document()
    doc["vehicle_types"][0] |= {"cost_per_distance": 0.004, "fixed_cost": 0.125}
    res = solve(RoutingInstance.model_validate(doc), backend)
    assert res.plan.solver_objective == pytest.approx(res.plan.objective, rel=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_fleet_kept_when_durations_bind(backend: str) -> None:
    """Eight far stops, a 90-minute limit and eight vehicles: every vehicle is needed and offered."""
    stops = [{"id": f"s{i}", "x": 40 * np.cos(i), "y": 40 * np.sin(i)} for i in range(8)]
    inst = RoutingInstance.model_validate({
        "kind": "routing", "depots": [{"id": "D", "x": 0, "y": 0}], "stops": stops,
        "vehicle_types": [{"id": "van", "count": 8, "capacity": 10, "start_depot": "D", "max_duration": 90}],
    })  # fmt: skip
    assert solve(inst, backend, time_limit=1.0).plan.status == "feasible"
