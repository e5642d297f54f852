"""VRPLIB/Solomon reading, and plans written back as VRPLIB solutions."""

from __future__ import annotations

from pathlib import Path

import pytest
import vrplib

import optiops
from optiops.io import solution_text

DATA = Path(__file__).parents[1] / "data"


def test_reads_vrptw_with_dimacs_default() -> None:
    """A .vrp with time windows is read with customers 1..n, depot 0 and dimacs rounding."""
    inst = optiops.load(DATA / "tiny-tw.vrp")
    assert [s.id for s in inst.stops] == ["1", "2", "3", "4", "5"]
    assert inst.depots[0].id == "0" and inst.depots[0].time_window == (0.0, 200.0)
    assert inst.rounding == "dimacs"
    assert inst.vehicle_types[0].count == 3
    assert inst.stops[0].service_time == 5 and inst.stops[0].time_windows == [(0.0, 50.0)]


def test_rounding_override() -> None:
    """An explicit rounding wins over the format's default."""
    assert optiops.load(DATA / "tiny-tw.vrp", rounding="round").rounding == "round"


def test_solution_file_round_trips(tmp_path: Path) -> None:
    """solution.sol is readable by vrplib and lists every customer once with the evaluator's cost."""
    inst = optiops.load(DATA / "tiny-tw.vrp")
    res = optiops.solve(inst, backend="pyvrp", time_limit=0.5)
    path = tmp_path / "solution.sol"
    path.write_text(solution_text(res.plan))
    sol = vrplib.read_solution(str(path))
    assert sorted(c for r in sol["routes"] for c in r) == [1, 2, 3, 4, 5]
    assert sol["cost"] == pytest.approx(res.plan.objective)


def test_dimacs_truncates_distances() -> None:
    """Under dimacs rounding each arc is truncated to one decimal: sqrt(153) = 12.369... counts 12.3."""
    inst = optiops.load(DATA / "tiny-tw.vrp")
    plan = optiops.RoutingPlan.model_validate(
        {"routes": [{"vehicle_type": "vehicle", "visits": [{"node": "3"}, {"node": "4"}]}]}
    )
    assert optiops.evaluate(inst, plan).routes[0].distance == pytest.approx(5 + 12.3 + 10)
    assert optiops.evaluate(inst, plan, rounding="exact").routes[0].distance == pytest.approx(15 + 153**0.5, 1e-3)


def test_solomon_text_equals_vrplib() -> None:
    """The Solomon .txt (CRLF) and the .vrp of the same instance give the same stops and depot."""
    txt, vrp = optiops.load(DATA / "tiny-tw.txt"), optiops.load(DATA / "tiny-tw.vrp")
    assert txt.stops == vrp.stops
    assert txt.depots == vrp.depots
    assert txt.vehicle_types[0].count == 3 and txt.rounding == "dimacs"
