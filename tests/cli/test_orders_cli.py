"""``optiops solve`` and ``optiops evaluate`` on an order-allocation document (needs /tmp/patches/orders.diff)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from tests.allocation.test_orders import hand_document
from typer.testing import CliRunner

from optiops.cli.main import app

runner = CliRunner()


def test_solve_then_evaluate(tmp_path: Path) -> None:
    """solve writes the hand-checked optimum 15; evaluate recomputes it; a tampered plan exits 3."""
    day = tmp_path / "day.yaml"
    day.write_text(yaml.safe_dump(hand_document()))
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(day), "--out", str(out), "--backend", "highs", "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text())
    assert plan["kind"] == "order-allocation-plan" and plan["objective"] == 15
    checked = runner.invoke(app, ["evaluate", str(day), str(out / "plan.json"), "--json"])
    assert checked.exit_code == 0 and json.loads(checked.output)["split_orders"] == 1
    plan["shipments"]["warehouse"] = ["C"] * len(plan["shipments"]["warehouse"])
    (out / "bad.json").write_text(json.dumps(plan))
    assert runner.invoke(app, ["evaluate", str(day), str(out / "bad.json")]).exit_code == 3


def test_infeasible_day_exits_3(tmp_path: Path) -> None:
    """A day whose capacity is below its orders is diagnosed: exit 3, the message names the warehouses."""
    doc = hand_document()
    for w in doc["warehouses"]:
        w["capacity"] = 1
    day = tmp_path / "day.yaml"
    day.write_text(yaml.safe_dump(doc))
    result = runner.invoke(app, ["solve", str(day), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3 and "'N' 1, 'S' 1, 'C' 1" in result.output
