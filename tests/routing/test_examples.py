"""The example instances in instances/routing/ load and solve to feasible, evaluator-checked plans."""

from __future__ import annotations

from pathlib import Path

import pytest

import optiops
from optiops.model import RoutingInstance

EXAMPLES = Path(__file__).resolve().parents[2] / "instances" / "routing"
EXAMPLE_NAMES = ["city-deliveries.yaml", "two-depots-mixed-fleet.yaml", "city-csv"]


@pytest.fixture(params=EXAMPLE_NAMES)
def example(request: pytest.FixtureRequest) -> RoutingInstance:
    return optiops.load(EXAMPLES / request.param)


def test_example_loads(example: RoutingInstance) -> None:
    """Each example reads and validates into a routing instance with stops and vehicles."""
    assert example.stops
    assert example.vehicle_types


def test_example_solves_feasibly(example: RoutingInstance) -> None:
    """Auto backend finds a feasible plan; its objective equals the evaluator's, with no violations."""
    res = optiops.solve(example, backend="auto", time_limit=2)
    check = optiops.evaluate(example, res.plan)
    assert res.plan.status == "feasible"
    assert res.plan.objective == pytest.approx(check.objective)
    assert res.plan.violations == []
    assert check.violations == []


@pytest.mark.parametrize("backend", ["pyvrp", "ortools"])
def test_two_depots_on_both_backends(backend: str) -> None:
    """The mixed-fleet two-depot example is solved feasibly by PyVRP and by OR-Tools."""
    inst = optiops.load(EXAMPLES / "two-depots-mixed-fleet.yaml")
    res = optiops.solve(inst, backend=backend, time_limit=2)
    assert res.plan.backend == backend
    assert res.plan.status == "feasible"
    assert res.plan.objective == pytest.approx(optiops.evaluate(inst, res.plan).objective)
