"""Task days through the command line: solve, the checked outputs, evaluate, bad input and no-schedule diagnoses."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml
from tests.cli.test_routing_cli import write_doc
from typer.testing import CliRunner

from optiops.cli.main import EXIT_INFEASIBLE, EXIT_INPUT, app
from optiops.labour.tasks import check_task_day, solve_task_day
from optiops.model.labour import TaskDayInstance, TaskDayPlan

EXAMPLE = Path(__file__).resolve().parents[2] / "instances" / "labour" / "task-day.yaml"
runner = CliRunner()


def test_solve_writes_a_checked_schedule_and_evaluate_agrees(tmp_path: Path) -> None:
    """plan.json, schedule.csv (a row per task) and the Gantt PNG; evaluate recomputes the same lateness."""
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(EXAMPLE), "--out", str(out), "--time-limit", "5"])
    assert res.exit_code == 0, res.output
    plan = json.loads((out / "plan.json").read_text())
    table = pd.read_csv(out / "schedule.csv")
    inst = TaskDayInstance.model_validate(yaml.safe_load(EXAMPLE.read_text()))
    assert plan["kind"] == "task-day-plan" and sorted(table["task"]) == sorted(t.id for t in inst.tasks)
    assert (table["minutes_late"] == (table["end"] - table["due"]).clip(lower=0)).all()
    assert (out / "schedule.png").read_bytes().startswith(b"\x89PNG")
    ev = runner.invoke(app, ["evaluate", str(EXAMPLE), str(out / "plan.json"), "--json"])
    assert ev.exit_code == 0, ev.output
    assert json.loads(ev.output)["lateness"] == plan["lateness"] == table["minutes_late"].sum()


def test_two_tasks_due_together_on_one_worker_make_one_late() -> None:
    """One worker, two 60-min tasks both due at minute 60: the least lateness is 60, and it is proven."""
    inst = TaskDayInstance(
        tasks=[{"id": "a", "skill": "pick", "duration": 60, "due": 60},
               {"id": "b", "skill": "pick", "duration": 60, "due": 60}],
        workers=[{"id": "w", "skills": ["pick"], "start": 0, "end": 600}],
    )  # fmt: skip
    plan = solve_task_day(inst, time_limit=5.0)
    assert plan.status == "optimal" and plan.lateness == 60 and plan.idle == 0
    assert check_task_day(inst, plan).violations == ()


def test_evaluate_rejects_a_task_moved_out_of_its_shift(tmp_path: Path) -> None:
    """A hand-edited plan that puts a task before the worker's shift is reported infeasible (exit 3)."""
    inst = TaskDayInstance.model_validate(yaml.safe_load(EXAMPLE.read_text()))
    plan = solve_task_day(inst, time_limit=5.0)
    first = plan.assignments[0]
    moved = first.model_copy(update={"start": 0, "end": first.end - first.start})
    bad = plan.model_copy(update={"assignments": [moved, *plan.assignments[1:]]})
    path = tmp_path / "plan.json"
    path.write_text(bad.model_dump_json())
    res = runner.invoke(app, ["evaluate", str(EXAMPLE), str(path)])
    assert res.exit_code == EXIT_INFEASIBLE and f"task {first.task}" in res.output
    assert check_task_day(inst, TaskDayPlan.model_validate_json(path.read_text())).violations
    extra = plan.model_copy(update={"assignments": [*plan.assignments, first.model_copy(update={"task": "ghost"})]})
    twice = plan.model_copy(update={"assignments": [*plan.assignments, first]})
    assert "task ghost: not a task of the instance" in check_task_day(inst, extra).violations
    assert f"task {first.task}: scheduled 2 times" in check_task_day(inst, twice).violations


def test_bad_document_names_the_field_and_writes_nothing(tmp_path: Path) -> None:
    """A shift that ends before it starts and an unknown predecessor: exit 2, both fields named, no outputs."""
    doc = yaml.safe_load(EXAMPLE.read_text())
    doc["workers"][1]["end"] = 400
    doc["tasks"][1]["after"] = "pick-w9"
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(write_doc(tmp_path, doc)), "--out", str(out)])
    assert res.exit_code == EXIT_INPUT
    assert "workers[1].end" in res.output and "tasks[1].after" in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_task_nobody_can_do_is_diagnosed(tmp_path: Path) -> None:
    """A skill no worker has: exit 3 with the task named, no outputs."""
    doc = yaml.safe_load(EXAMPLE.read_text())
    doc["tasks"].append({"id": "forklift-1", "skill": "forklift", "duration": 30})
    out = tmp_path / "out"
    res = runner.invoke(app, ["solve", str(write_doc(tmp_path, doc)), "--out", str(out)])
    assert res.exit_code == EXIT_INFEASIBLE and "forklift-1" in res.output and "forklift" in res.output
    assert not out.exists()


def test_validate_reports_a_task_day_and_names_its_problems(tmp_path: Path) -> None:
    """optiops validate reads any document kind: counts for a good one, field and reason for a bad one."""
    res = runner.invoke(app, ["validate", str(EXAMPLE)])
    assert res.exit_code == 0 and "valid task-day document" in res.output and "tasks" in res.output
    bad = runner.invoke(app, ["validate", str(write_doc(tmp_path, {"kind": "task-day", "tasks": [], "workers": []}))])
    assert bad.exit_code == EXIT_INPUT and "tasks" in bad.output and "workers" in bad.output
