"""Re-rostering after an absence: absences become days off, and changes cost what the caller says."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.labour.cases import TINY_ROSTER, TINY_TEXT, tiny
from typer.testing import CliRunner

from optiops.cli.main import EXIT_INPUT, app
from optiops.cli.roster import parse_absences
from optiops.exceptions import InfeasibleError, InstanceError
from optiops.labour import RosterOptions, check_roster
from optiops.labour.reroster import reroster, with_absences
from optiops.model.labour import RosterPlan

PUBLISHED = RosterPlan(instance="tiny", assignment=TINY_ROSTER)  # optimal, penalty 12


@pytest.mark.parametrize(("weight", "changes", "penalty"), [(1, 2, 12), (100, 1, 32)])
def test_absence_trades_changes_against_penalty(weight: int, changes: int, penalty: int) -> None:
    """B (night on Monday) is absent on Monday.

    A, off that day, can take the night (one more change, penalty back to 12) or the night stays
    uncovered (+20): cheap changes take the first, a change weight of 100 the second.
    """
    plan = reroster(tiny(), PUBLISHED, {"B": [0]}, RosterOptions(time_limit=5, num_workers=1), change_weight=weight)
    assert plan.assignment["B"][0] is None
    assert plan.stats["changes"] == changes and plan.stats["changes_in_absences"] == 1
    assert plan.objective == penalty and plan.violations == []
    assert plan.bound is None and plan.gap is None  # CP-SAT's bound is on penalty + changes, not the penalty
    assert plan.stats["combined_objective"] == penalty + weight * changes
    again = check_roster(with_absences(tiny(), {"B": [0]}), plan)
    assert again.feasible and again.objective == penalty
    moved = sum(old != new for e in TINY_ROSTER for old, new in zip(TINY_ROSTER[e], plan.assignment[e], strict=True))
    assert moved == changes


def test_absence_that_breaks_a_contract_names_the_employee() -> None:
    """C must work 2,400 minutes and no weekend: absent on two weekdays, three 600-minute nights are too few."""
    with pytest.raises(InfeasibleError) as err:
        reroster(tiny(), PUBLISHED, {"C": [1, 2]}, RosterOptions(time_limit=5, num_workers=1))
    assert err.value.culprits == ["C"] and "MinTotalMinutes" in str(err.value)


def test_unknown_employee_or_day_is_named() -> None:
    with pytest.raises(InstanceError, match="unknown employee 'Z'"):
        with_absences(tiny(), {"Z": [0]})
    with pytest.raises(InstanceError, match="day 9 is outside the horizon"):
        with_absences(tiny(), {"A": [9]})


def test_reroster_command_writes_the_new_roster_and_its_changes(tmp_path: Path) -> None:
    """optiops reroster: plan.json for the instance with the absence, changes.csv listing exactly the moved cells."""
    inst_file, plan_file, out = tmp_path / "tiny.txt", tmp_path / "published.json", tmp_path / "out"
    inst_file.write_text(TINY_TEXT)
    plan_file.write_text(PUBLISHED.model_dump_json())
    res = CliRunner().invoke(app, ["reroster", str(inst_file), str(plan_file), "--absent", "B:0", "--out", str(out),
                                   "--time-limit", "5", "--threads", "1", "--no-plots"])  # fmt: skip
    assert res.exit_code == 0, res.output
    plan = RosterPlan.model_validate_json((out / "plan.json").read_text())
    assert plan.assignment["B"][0] is None and plan.objective == 12
    changes = pd.read_csv(out / "changes.csv", keep_default_na=False)
    moved = {(e, d) for e in TINY_ROSTER for d, (a, b) in enumerate(zip(TINY_ROSTER[e], plan.assignment[e],
                                                                        strict=True)) if a != b}  # fmt: skip
    assert set(zip(changes["employee"], changes["day"], strict=True)) == moved and len(moved) == plan.stats["changes"]
    assert check_roster(with_absences(tiny(), {"B": [0]}), plan).feasible


@pytest.mark.parametrize(
    ("absent", "message"),
    [("B", "expected EMPLOYEE:DAY"), ("B:x", "'x' is not a day"), ("Z:0", "unknown employee 'Z'"),
     ("A:3-9", "outside the horizon")],
)  # fmt: skip
def test_reroster_command_names_a_bad_absence(tmp_path: Path, absent: str, message: str) -> None:
    """A malformed or unknown absence: exit 2, the reason, nothing written."""
    inst_file, plan_file, out = tmp_path / "tiny.txt", tmp_path / "published.json", tmp_path / "out"
    inst_file.write_text(TINY_TEXT)
    plan_file.write_text(PUBLISHED.model_dump_json())
    res = CliRunner().invoke(app, ["reroster", str(inst_file), str(plan_file), "--absent", absent, "--out", str(out)])
    assert res.exit_code == EXIT_INPUT and message in " ".join(res.output.split())
    assert not out.exists()


def test_parse_absences_merges_repeats_and_ranges() -> None:
    assert parse_absences(["A:1,3-4", "A:2", "B:0"]) == {"A": [1, 2, 3, 4], "B": [0]}
