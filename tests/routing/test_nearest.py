"""The nearest-neighbour heuristic: the network plan's routing baseline, and a routing backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import tiny_document

import optiops
from optiops.exceptions import SolverError
from optiops.model.routing import RoutingInstance
from optiops.routing.nearest import nearest_neighbour_plan

CITY = Path(__file__).resolve().parents[2] / "instances" / "routing" / "city-deliveries.yaml"


def test_backend_gives_the_baseline_routes() -> None:
    """backend='nearest' returns the routes of nearest_neighbour_plan, re-checked by the evaluator."""
    inst = RoutingInstance.model_validate(tiny_document())
    res = optiops.solve(inst, backend="nearest", time_limit=1)
    routes = [[v.node for v in r.visits] for r in nearest_neighbour_plan(inst).routes]
    assert routes and [[v.node for v in r.visits] for r in res.plan.routes] == routes
    check = optiops.evaluate(inst, res.plan)
    assert res.plan.backend == "nearest" and check.objective == pytest.approx(res.plan.objective)


def test_backend_refuses_paired_shipments() -> None:
    """Paired pickup-and-delivery shipments are not for the heuristic: SolverError naming them."""
    doc = tiny_document(
        shipments=[{"id": "s", "amount": 5, "pickup": {"x": 40, "y": 0}, "delivery": {"x": 0, "y": 40}}]
    )
    with pytest.raises(SolverError, match="paired shipments"):
        optiops.solve(RoutingInstance.model_validate(doc), backend="nearest", time_limit=1)
    with pytest.raises(SolverError, match="several capacity dimensions"):
        optiops.solve(optiops.load(CITY), backend="nearest", time_limit=1)
