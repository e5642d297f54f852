"""``optiops solve`` and ``optiops evaluate`` on a facility document."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from tests.allocation.cases import three_by_four
from typer.testing import CliRunner

from optiops.cli.main import app

runner = CliRunner()


def test_solve_then_evaluate(tmp_path: Path) -> None:
    """solve writes the hand-checked optimum 49; evaluate recomputes it; a tampered plan exits 3."""
    inst = tmp_path / "fac.yaml"
    inst.write_text(yaml.safe_dump(three_by_four()))
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(inst), "--out", str(out), "--backend", "highs", "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    plan = json.loads((out / "plan.json").read_text())
    assert plan["objective"] == 49
    checked = runner.invoke(app, ["evaluate", str(inst), str(out / "plan.json"), "--json"])
    assert checked.exit_code == 0 and json.loads(checked.output)["objective"] == 49
    plan["open"] = plan["open"][:1]
    (out / "bad.json").write_text(json.dumps(plan))
    assert runner.invoke(app, ["evaluate", str(inst), str(out / "bad.json")]).exit_code == 3


def test_presolve_option(tmp_path: Path) -> None:
    """--presolve off skips the Lagrangian step (no stats from it) and finds the same optimum; a bad value exits 2."""
    inst = tmp_path / "fac.yaml"
    inst.write_text(yaml.safe_dump(three_by_four()))
    stats = {}
    for mode in ("lagrangian", "off"):
        out = tmp_path / mode
        args = ["solve", str(inst), "--out", str(out), "--backend", "highs", "--presolve", mode]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        plan = json.loads((out / "plan.json").read_text())
        assert plan["objective"] == 49
        stats[mode] = plan["stats"]
    assert "lagrange_s" in stats["lagrangian"] and "lagrange_s" not in stats["off"]
    bad = runner.invoke(app, ["solve", str(inst), "--out", str(tmp_path / "x"), "--presolve", "maybe"])
    assert bad.exit_code == 2 and not (tmp_path / "x").exists()
