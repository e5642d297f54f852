"""Inventory placement on every backend: a hand-solved case, generated ones, the checker, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from optiops.allocation import check_placement, diagnose_placement, solve_placement
from optiops.allocation import placement as placement_module
from optiops.allocation.placement import PRIMARY_ROUNDS, generate_placement
from optiops.cli.main import app
from optiops.exceptions import InfeasibleError
from optiops.model.placement import PlacementInstance, PlacementPlan
from optiops.solvers import MipOptions, list_backends

BACKENDS = list_backends()
OPTS = MipOptions(time_limit=20)


def two_by_two(**changes: Any) -> dict[str, Any]:
    """SKUs P and Q, warehouses A (west) and B (east), zones X (west) and Y (east).

    P is ordered 10 a period in X and in Y, Q 10 in X only; shipping costs 1 to the near zone and 3
    to the far one; stocking a SKU costs 1 in either warehouse; no holding cost; cover one period.
    B has space for 5 units and stocks one SKU; A has room for everything.  Splits cost 0.5 a unit.

    Optimum **45.5**: A stocks P and Q, B stocks P.  X gets everything from A (10 + 10); Y gets 5 units
    of P from B (5) and 5 from A (15), one of them off Y's primary (2.5); stocking 3.  Without B,
    Y's P costs 30 from A and the total 52.  Split rate 5 / 30.
    """
    doc: dict[str, Any] = {
        "kind": "placement",
        "name": "two-by-two",
        "warehouses": [
            {"id": "A", "space": 100, "max_skus": 2, "stocking_cost": 1},
            {"id": "B", "space": 5, "max_skus": 1, "stocking_cost": 1},
        ],
        "skus": [{"id": "P", "volume": 1, "cover": 1}, {"id": "Q", "volume": 1, "cover": 1}],
        "zones": ["X", "Y"],
        "demand": [[10, 10], [10, 0]],
        "shipping_cost": [[1, 3], [3, 1]],
        "split_cost": 0.5,
    }
    doc.update(changes)
    return doc


def solve(inst: PlacementInstance, backend: str) -> PlacementPlan:
    plan = solve_placement(inst, backend, OPTS)
    check = check_placement(inst, plan)
    assert check.feasible, check.violations
    assert plan.objective == pytest.approx(check.objective)
    return plan


@pytest.mark.parametrize("backend", BACKENDS)
def test_hand_solved_optimum(backend: str) -> None:
    """45.5 with P in both warehouses, Q in A only, and a sixth of the units off the primary."""
    plan = solve(PlacementInstance.model_validate(two_by_two()), backend)
    assert plan.status == "optimal" and plan.objective == pytest.approx(45.5, abs=1e-4)
    assert {(s.sku, s.warehouse) for s in plan.stocked} == {("P", "A"), ("Q", "A"), ("P", "B")}
    assert plan.split_rate == pytest.approx(5 / 30, abs=1e-4)
    assert plan.stocking_cost == pytest.approx(3.0) and plan.split_cost == pytest.approx(2.5, abs=1e-4)
    assert plan.primary["X"] == "A"


@pytest.mark.parametrize("backend", BACKENDS)
def test_generated_instance_same_optimum_on_every_backend(backend: str) -> None:
    """A generated instance: each backend proves the same optimum (CP-SAT counts whole units)."""
    inst = generate_placement(n_skus=10, n_warehouses=3, n_zones=4, seed=3)
    reference = solve(inst, "highs")
    plan = solve(inst, backend)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(reference.objective, rel=1e-3 if backend == "cpsat" else 1e-6)
    assert plan.bound is not None and plan.objective is not None and plan.bound <= plan.objective * (1 + 1e-6)


@pytest.mark.parametrize("backend", ["highs", "cpsat"])
def test_fixed_primaries_give_a_checked_plan_no_better_than_the_optimum(backend: str) -> None:
    """Rounds of MIPs with the primaries fixed: a feasible plan of the whole model, without a bound."""
    inst = generate_placement(n_skus=14, n_warehouses=3, n_zones=6, seed=4)
    optimum = solve(inst, "highs")
    plan = solve_placement(inst, backend, MipOptions(time_limit=20), method="fixed-primaries")
    check = check_placement(inst, plan)
    assert check.feasible and plan.objective == pytest.approx(check.objective)
    assert plan.status == "feasible" and plan.method == "fixed-primaries"
    assert plan.bound is not None and plan.bound <= optimum.objective + 1e-6  # the Lagrangian bound is valid
    assert plan.gap == pytest.approx((plan.objective - plan.bound) / plan.objective)
    assert 1 <= plan.primary_rounds <= PRIMARY_ROUNDS
    assert optimum.objective is not None and plan.objective is not None
    assert plan.objective >= optimum.objective * (1 - 1e-6)


def test_fixed_primaries_start_from_the_cheapest_warehouse(monkeypatch: pytest.MonkeyPatch) -> None:
    """Round 1 fixes each zone's cheapest warehouse to ship from; more rounds never give a dearer plan."""
    inst = generate_placement(n_skus=14, n_warehouses=3, n_zones=6, seed=4)
    ship = np.asarray(inst.shipping_cost)
    first = {z: inst.warehouses[int(w)].id for z, w in zip(inst.zones, ship.argmin(axis=0), strict=True)}
    more = solve_placement(inst, "highs", MipOptions(time_limit=20), method="fixed-primaries")
    monkeypatch.setattr(placement_module, "PRIMARY_ROUNDS", 1)
    one = solve_placement(inst, "highs", MipOptions(time_limit=20), method="fixed-primaries")
    assert one.primary_rounds == 1 and one.primary == first
    assert one.objective is not None and more.objective is not None
    assert more.objective <= one.objective + 1e-6


def test_auto_method_switches_to_fixed_primaries_on_large_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """auto: the whole MIP up to FULL_MAX_FLOWS flow variables, fixed primaries above."""
    inst = generate_placement(n_skus=10, n_warehouses=3, n_zones=4, seed=3)
    assert solve_placement(inst, "highs", MipOptions(time_limit=20)).method == "full"
    monkeypatch.setattr(placement_module, "FULL_MAX_FLOWS", 0)
    plan = solve_placement(inst, "highs", MipOptions(time_limit=20))
    assert plan.method == "fixed-primaries" and check_placement(inst, plan).feasible


def test_space_and_caps_bind_in_the_generated_instances() -> None:
    """The generator's space and SKU caps shape the plan: no warehouse stocks every SKU."""
    inst = generate_placement(n_skus=12, n_warehouses=3, n_zones=5, seed=2)
    plan = solve(inst, "highs")
    per_warehouse = {w.id: sum(s.warehouse == w.id for s in plan.stocked) for w in inst.warehouses}
    assert all(count <= int(0.6 * 12) for count in per_warehouse.values())
    assert len({s.sku for s in plan.stocked}) == 12  # every SKU has demand, so every SKU is stocked


def test_checker_catches_broken_plans() -> None:
    """A flow from a warehouse that no longer stocks the SKU, or a missing primary, is reported."""
    inst = PlacementInstance.model_validate(two_by_two())
    plan = solve(inst, "highs")
    broken = plan.model_copy(update={"stocked": [s for s in plan.stocked if s.warehouse != "B"]})
    assert any("does not stock" in v for v in check_placement(inst, broken).violations)
    no_primary = plan.model_copy(update={"primary": {"X": "A"}})
    assert any("without a primary" in v for v in check_placement(inst, no_primary).violations)
    half = plan.model_copy(update={"flows": plan.flows[1:]})
    assert any("not served in full" in v for v in check_placement(inst, half).violations)


def test_infeasible_instances_get_a_diagnosis() -> None:
    """Too little space, or too few SKU slots, is named before any solver runs."""
    tight = PlacementInstance.model_validate(two_by_two(warehouses=[
        {"id": "A", "space": 10, "max_skus": 2}, {"id": "B", "space": 5, "max_skus": 1}]))  # fmt: skip
    assert any("space units" in c for c in diagnose_placement(tight))
    with pytest.raises(InfeasibleError, match="space units"):
        solve_placement(tight, "highs")
    slots = PlacementInstance.model_validate(two_by_two(warehouses=[
        {"id": "A", "space": 100, "max_skus": 1}, {"id": "B", "space": 100, "max_skus": 0}]))  # fmt: skip
    assert any("max_skus" in c for c in diagnose_placement(slots))


def test_cli_solve_evaluate_and_bad_input(tmp_path: Path) -> None:
    """solve writes plan.json and placement.csv; evaluate agrees; a bad field is a clear error, nothing written."""
    runner = CliRunner()
    inst = tmp_path / "placement.yaml"
    inst.write_text(yaml.safe_dump(two_by_two()))
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(inst), "--out", str(out), "--backend", "highs", "--time-limit", "10"])
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text())
    assert plan["objective"] == pytest.approx(45.5, abs=1e-4)
    assert (out / "placement.csv").read_text().splitlines()[0] == "sku,warehouse,units"
    checked = runner.invoke(app, ["evaluate", str(inst), str(out / "plan.json"), "--json"])
    assert checked.exit_code == 0 and json.loads(checked.output)["split_rate"] == pytest.approx(5 / 30, abs=1e-4)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(two_by_two(shipping_cost=[[1, 3]])))
    out2 = tmp_path / "out2"
    result = runner.invoke(app, ["solve", str(bad), "--out", str(out2)])
    assert result.exit_code != 0 and "shipping_cost" in result.output and "Traceback" not in result.output
    assert not out2.exists() or not any(out2.iterdir())


def test_cli_reports_fixed_primaries_and_their_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A model above FULL_MAX_FLOWS: the plan says how it was found, and its bound lies below its cost."""
    monkeypatch.setattr(placement_module, "FULL_MAX_FLOWS", 0)
    inst = tmp_path / "placement.yaml"
    inst.write_text(yaml.safe_dump(two_by_two()))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["solve", str(inst), "--out", str(out), "--backend", "highs"])
    assert result.exit_code == 0, result.output
    assert "primaries fixed" in result.output and "Lagrangian bound" in result.output
    plan = json.loads((out / "plan.json").read_text())
    assert plan["method"] == "fixed-primaries" and plan["primary_rounds"] >= 1
    assert plan["bound"] <= 45.5 + 1e-9 <= plan["objective"] + 1e-9
