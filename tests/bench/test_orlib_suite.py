"""The allocation-orlib runner: rows carry the published optimum and the checker's verdict."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.allocation.cases import CAP_FILE

from optiops.bench.cases.orlib import orlib_cases, run_orlib
from optiops.bench.suites import load_suite
from optiops.exceptions import InstanceError
from optiops.solvers import list_backends


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "tiny.txt").write_text(CAP_FILE)
    (tmp_path / "optima.csv").write_text(
        "instance,file,capacity_override,optimal_cost,source\ntiny-20,tiny.txt,20,49.0,hand\n"
    )
    return tmp_path


def test_suite_definition_loads() -> None:
    """benchmarks/suites/allocation-orlib.toml is a valid suite of kind facility."""
    suite = load_suite("allocation-orlib")
    assert suite.kind == "facility" and suite.best_known == "facility/optima.csv"


def test_rows_for_every_backend(data_dir: Path) -> None:
    """Each backend reaches the optimum 49; the row has every field the results table needs."""
    rows = run_orlib(data_dir, list_backends(), time_limit=5, select="tiny-20")
    assert [r["backend"] for r in rows] == list_backends()
    for row in rows:
        assert row["instance"] == "tiny-20" and row["suite"] == "allocation-orlib"
        assert row["status"] == "optimal" and row["feasible"] and row["at_optimum"], row
        assert row["gap_pct"] == pytest.approx(0.0, abs=1e-4)
        assert {"bound", "mip_gap", "build_s", "solve_s", "runtime_s", "best_known", "time_limit_s"} <= set(row)


def test_failing_case_becomes_an_error_row(data_dir: Path) -> None:
    """A case that cannot be read is recorded as an error row, the run goes on."""
    (data_dir / "optima.csv").write_text(
        "instance,file,capacity_override,optimal_cost,source\nmissing,nope.txt,,1.0,x\n"
    )
    (row,) = run_orlib(data_dir, ["highs"], time_limit=1)
    assert row["status"] == "error" and "InstanceError" in row["error"] and row["gap_pct"] is None


def test_bad_optimum_in_csv_is_reported(data_dir: Path) -> None:
    """A row without a published optimum names the CSV line."""
    with (data_dir / "optima.csv").open("a") as fh:
        fh.write("tiny-8,tiny.txt,8,,hand\n")
    with pytest.raises(InstanceError, match="line 3"):
        orlib_cases(data_dir)


def test_select_matching_nothing(data_dir: Path) -> None:
    """A selection that matches no case is an error, not an empty run."""
    (data_dir / "optima.csv").write_text("instance,file,capacity_override,optimal_cost,source\n")
    with pytest.raises(InstanceError, match="match no case"):
        orlib_cases(data_dir, "cap9*")
