"""The allocation-placement suite: instance names, checked rows, the runner end to end."""

from __future__ import annotations

import pytest

from optiops.allocation.placement import generate_placement, solve_placement
from optiops.bench import run_suite
from optiops.bench.cases.placement import placement_case, placement_suite_cases, run_placement_case
from optiops.bench.suites import load_suite
from optiops.exceptions import InstanceError
from optiops.solvers import MipOptions


def test_names_stand_for_sizes() -> None:
    """placement-<skus>x<warehouses>x<zones>; anything else, or a zero size, is an InstanceError."""
    assert placement_case("placement-300x8x40") == (300, 8, 40)
    for bad in ("placement-30x3", "orders-1k-5w", "placement-0x3x8"):
        with pytest.raises(InstanceError, match="is not of the form"):
            placement_case(bad)
    names = ["placement-30x3x8", "placement-100x5x20"]
    assert placement_suite_cases(names, "placement-1*") == ["placement-100x5x20"]
    with pytest.raises(InstanceError, match="match no instance"):
        placement_suite_cases(names, "cap*")


def test_suite_definition_loads() -> None:
    """benchmarks/suites/allocation-placement.toml: kind placement, three sizes, every backend."""
    suite = load_suite("allocation-placement")
    assert suite.kind == "placement" and suite.time_limit_s == 60
    assert set(suite.backends) == {"highs", "scip", "cbc", "cpsat"}
    for name in suite.settings["instances"]:
        placement_case(name)


def test_row_is_the_checked_solve_of_the_generated_instance() -> None:
    """The row's objective is the checker's cost of the same plan solve_placement returns for that instance."""
    row = run_placement_case("placement-12x2x4", "highs", time_limit=10, instance_seed=3)
    assert row["status"] == "optimal" and row["feasible"], row
    plan = solve_placement(generate_placement(12, 2, 4, seed=3), "highs", MipOptions(time_limit=10))
    assert row["objective"] == pytest.approx(plan.objective, rel=1e-9)
    assert row["mip_gap_pct"] == pytest.approx(0.0, abs=1e-3)
    assert 0 <= row["build_share"] <= 1 and row["stocked"] == len(plan.stocked)


def test_failing_case_becomes_an_error_row() -> None:
    row = run_placement_case("placement-x", "highs", time_limit=1)
    assert row["status"] == "error" and "InstanceError" in row["error"]


def test_runner_needs_no_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs without OPTIOPS_DATA: its instances are generated."""
    monkeypatch.delenv("OPTIOPS_DATA", raising=False)
    # HiGHS proves this one optimal in a few seconds; the limit only matters on a loaded machine
    rows = run_suite("allocation-placement", backends=["highs"], time_limit=60, instances="placement-30x3x8",
                     executor="inline")  # fmt: skip
    assert len(rows) == 1 and rows[0]["feasible"] and rows[0]["suite"] == "allocation-placement"
    assert rows[0]["objective"] == pytest.approx(3521.3666, abs=1e-3)  # the bundled placement-30x3x8 optimum
