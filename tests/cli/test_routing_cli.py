"""The command line: outputs, exit codes, and nothing written on failure."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from tests.conftest import tiny_document
from typer.testing import CliRunner

from optiops.cli.main import app

runner = CliRunner()


def write_doc(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "inst.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_solve_writes_plan_csv_and_plots(tmp_path: Path) -> None:
    """solve writes plan.json, routes.csv and both PNGs; the plan re-evaluates to its own cost."""
    inst = write_doc(tmp_path, tiny_document())
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(inst), "--out", str(out), "--time-limit", "1"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "plan.json",
        "routes.csv",
        "route_map.png",
        "route_schedule.png",
    }
    plan = json.loads((out / "plan.json").read_text())
    assert plan["status"] == "feasible"
    checked = runner.invoke(app, ["evaluate", str(inst), str(out / "plan.json"), "--json"])
    assert checked.exit_code == 0
    assert json.loads(checked.output)["objective"] == plan["objective"]


def test_bad_input_exit_2_nothing_written(tmp_path: Path) -> None:
    """A negative demand exits with code 2, names the field and writes nothing."""
    doc = tiny_document()
    doc["stops"][0]["delivery"] = -1
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(write_doc(tmp_path, doc)), "--out", str(out)])
    assert result.exit_code == 2
    assert "stops[0] (id 'a').delivery" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_infeasible_exit_3_names_stop(tmp_path: Path) -> None:
    """An unreachable window exits with code 3 and names the stop."""
    doc = tiny_document()
    doc["stops"][2]["time_windows"] = [[0, 2]]
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(write_doc(tmp_path, doc)), "--out", str(out)])
    assert result.exit_code == 3
    assert "'c'" in result.output
    assert not out.exists()


def test_validate_reports_counts(tmp_path: Path) -> None:
    """validate summarises a valid instance and exits 0."""
    result = runner.invoke(app, ["validate", str(write_doc(tmp_path, tiny_document()))])
    assert result.exit_code == 0
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in result.output.splitlines()
        if line.count("│") == 3
    }
    assert rows["stops"] == "5" and rows["vehicles"] == "2 x van"


def test_evaluate_flags_infeasible_plan(tmp_path: Path) -> None:
    """evaluate exits 3 on a plan that misses a required stop."""
    inst = write_doc(tmp_path, tiny_document())
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"kind": "routing-plan", "routes": [
        {"vehicle_type": "van", "vehicle": 0, "visits": [{"node": "a"}, {"node": "b"}]}]}))  # fmt: skip
    result = runner.invoke(app, ["evaluate", str(inst), str(plan)])
    assert result.exit_code == 3
    assert "required 'c' is not served" in result.output


def test_schema_is_json_schema() -> None:
    """schema routing prints a JSON Schema with the instance's top-level fields."""
    result = runner.invoke(app, ["schema", "routing"])
    assert result.exit_code == 0
    assert {"depots", "stops", "vehicle_types", "rounding"} <= set(json.loads(result.output)["properties"])


def test_unknown_profile(tmp_path: Path) -> None:
    """An unknown solver profile is bad input with the known names listed."""
    inst = write_doc(tmp_path, tiny_document())
    result = runner.invoke(app, ["solve", str(inst), "--out", str(tmp_path / "o"), "--profile", "nope"])
    assert result.exit_code == 2
    assert "ortools-routing-gls" in result.output


def test_profile_selects_backend(tmp_path: Path) -> None:
    """--profile ortools-routing-gls makes auto use OR-Tools."""
    inst = write_doc(tmp_path, tiny_document())
    out = tmp_path / "o"
    result = runner.invoke(app, ["solve", str(inst), "--out", str(out), "--profile", "ortools-routing-gls",
                                 "--time-limit", "0.5", "--no-plots"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads((out / "plan.json").read_text())["backend"] == "ortools"


def test_rerun_removes_stale_outputs(tmp_path: Path) -> None:
    """A second solve into the same folder without plots leaves no PNG of the first run behind."""
    inst = write_doc(tmp_path, tiny_document())
    out = tmp_path / "out"
    assert runner.invoke(app, ["solve", str(inst), "--out", str(out), "--time-limit", "0.3"]).exit_code == 0
    assert (
        runner.invoke(app, ["solve", str(inst), "--out", str(out), "--time-limit", "0.3", "--no-plots"]).exit_code == 0
    )
    assert sorted(p.name for p in out.iterdir()) == ["plan.json", "routes.csv"]


def test_out_below_a_file_is_bad_input(tmp_path: Path) -> None:
    """--out inside an existing file exits 2 with the path, not a traceback."""
    inst = write_doc(tmp_path, tiny_document())
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["solve", str(inst), "--out", str(blocker / "out"), "--time-limit", "0.3"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "file" in result.output


def test_non_utf8_plan_is_bad_input(tmp_path: Path) -> None:
    """A plan file that is not UTF-8 text exits 2 naming the file."""
    inst = write_doc(tmp_path, tiny_document())
    plan = tmp_path / "plan.json"
    plan.write_bytes(b"\xff\xfe\x00garbage")
    result = runner.invoke(app, ["evaluate", str(inst), str(plan)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output


def test_vrplib_solve_writes_solution_file(tmp_path: Path) -> None:
    """Solving a .vrp instance also writes solution.sol with every customer."""
    out = tmp_path / "out"
    data = Path(__file__).parents[1] / "data" / "tiny-tw.vrp"
    result = runner.invoke(app, ["solve", str(data), "--out", str(out), "--time-limit", "0.5", "--no-plots"])
    assert result.exit_code == 0, result.output
    text = (out / "solution.sol").read_text()
    assert sorted(
        int(c) for line in text.splitlines() if line.startswith("Route") for c in line.split(":")[1].split()
    ) == [1, 2, 3, 4, 5]


def test_resolve_writes_the_day_and_keeps_served_stops(tmp_path: Path) -> None:
    """resolve writes plan.json and routes.csv; the served stops open their vehicles' routes."""
    day = Path(__file__).resolve().parents[2] / "instances" / "routing" / "breakdown" / "gh200-r1"
    out = tmp_path / "out"
    args = ["resolve", str(day / "instance.yaml"), str(day / "plan.json"), "--state", str(day / "state.json")]
    result = runner.invoke(app, [*args, "--out", str(out), "--backend", "ortools", "--time-limit", "0.3"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"plan.json", "routes.csv"}
    served = json.loads((day / "state.json").read_text())["served"]
    plan = json.loads((out / "plan.json").read_text())
    assert plan["status"] == "feasible"
    assert sorted(v["node"] for r in plan["routes"] for v in r["visits"] if v["node"] in served) == sorted(served)


def test_resolve_bad_state_exit_2_nothing_written(tmp_path: Path) -> None:
    """A state after the day ends exits 2 naming the file, the field and the reason, and writes nothing."""
    day = Path(__file__).resolve().parents[2] / "instances" / "routing" / "breakdown" / "gh200-r1"
    state = json.loads((day / "state.json").read_text())
    state["time"] = 99999
    bad = tmp_path / "bad-state.json"
    bad.write_text(json.dumps(state))
    out = tmp_path / "out"
    args = ["resolve", str(day / "instance.yaml"), str(day / "plan.json"), "--state", str(bad), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "bad-state.json: time: 99999 is after the day ends" in " ".join(result.output.split())
    assert not out.exists()
