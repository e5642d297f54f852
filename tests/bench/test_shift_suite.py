"""The shift-benchmark runner: rows carry the bounds, the checker's verdict and the diagnosis."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.labour.cases import TINY_TEXT

from optiops.bench.cases.shift import run_shift, shift_cases
from optiops.bench.suites import load_suite
from optiops.exceptions import InstanceError


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "Tiny.txt").write_text(TINY_TEXT)
    bad = TINY_TEXT.replace("C,E=7|N=7,4200,2400,7,1,1,0", "C,E=1|N=1,4200,2400,7,1,1,0")
    (tmp_path / "Bad.txt").write_text(bad)
    (tmp_path / "bounds.csv").write_text(
        "instance,file,days,ub,lb\nTiny,Tiny.txt,7,12,10\nBad,Bad.txt,7,5,\nLow,Tiny.txt,7,20,13\n"
    )
    return tmp_path


def test_suite_definition_loads() -> None:
    """benchmarks/suites/shift-benchmark.toml is a valid suite of kind roster."""
    suite = load_suite("shift-benchmark")
    assert suite.kind == "roster" and suite.data == "shift" and suite.backends == ["cpsat"]


def test_rows(data_dir: Path) -> None:
    """A solved case has gap 0 to its ub; a diagnosed one is 'infeasible'; a roster below lb is flagged."""
    rows = {r["instance"]: r for r in run_shift(data_dir, time_limit=3, workers=1)}
    tiny = rows["Tiny"]
    assert tiny["feasible"] and tiny["objective"] == 12 and tiny["gap_pct"] == 0.0 and tiny["objective_matches"]
    assert tiny["backend"] == "cpsat" and not tiny["below_lower_bound"] and tiny["lower_bound"] == 10
    assert tiny["first_roster"] == "cpsat"  # CP-SAT finds the tiny roster at once: no fallback
    keys = {"suite", "instance", "backend", "seed", "time_limit_s", "status", "feasible", "objective", "best_known",
            "lower_bound", "gap_pct", "below_lower_bound", "runtime_s"}  # fmt: skip
    assert keys <= set(tiny)
    bad = rows["Bad"]
    assert bad["status"] == "infeasible" and bad["culprits"] == ["C"] and "MinTotalMinutes 2400" in bad["diagnosis"]
    assert rows["Low"]["below_lower_bound"] and rows["Low"]["gap_pct"] == -40.0


def test_select_and_bad_rows(data_dir: Path) -> None:
    """Selections filter by pattern; a selection matching nothing and a malformed bound are errors."""
    assert [c.instance for c in shift_cases(data_dir, "T*")] == ["Tiny"]
    with pytest.raises(InstanceError, match="match no case"):
        shift_cases(data_dir, "Nope")
    (data_dir / "bounds.csv").write_text("instance,file,days,ub,lb\nX,X.txt,7,abc,\n")
    with pytest.raises(InstanceError, match="line 2"):
        shift_cases(data_dir)
