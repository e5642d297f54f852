"""Shared fixtures: small hand-made instances built in code."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings

from optiops.model import RoutingInstance

# Property tests draw the same examples every run, so CI is reproducible; OPTIOPS_HYPOTHESIS=explore
# draws fresh ones each run to hunt for new counterexamples (run it a few times before a release).
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("OPTIOPS_HYPOTHESIS", "repeatable"))


def tiny_document(**changes: Any) -> dict[str, Any]:
    """A valid routing document (as parsed YAML) with one depot, five stops and two vehicles."""
    doc: dict[str, Any] = {
        "kind": "routing",
        "schema_version": 1,
        "name": "tiny",
        "rounding": "exact",
        "depots": [{"id": "D", "x": 0, "y": 0, "time_window": [0, 1000]}],
        "vehicle_types": [{"id": "van", "count": 2, "capacity": 10, "start_depot": "D", "fixed_cost": 5}],
        "stops": [
            {"id": "a", "x": 10, "y": 0, "delivery": 4, "time_windows": [[0, 100]]},
            {"id": "b", "x": 10, "y": 10, "delivery": 4, "service_time": 5},
            {"id": "c", "x": 0, "y": 10, "delivery": 3, "pickup": 2},
            {"id": "d", "x": -10, "y": 0, "delivery": 3},
            {"id": "e", "x": 50, "y": 50, "delivery": 1, "required": False, "skip_penalty": 1},
        ],
    }
    doc.update(changes)
    return doc


@pytest.fixture
def tiny() -> RoutingInstance:
    return RoutingInstance.model_validate(tiny_document())
