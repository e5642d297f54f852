"""Suite families: every suite's kind has one, a failing case becomes a row, unknown kinds are named."""

from __future__ import annotations

import pytest

from optiops.bench.cases import case_row, get_family, named_cases
from optiops.bench.suites import list_suites, load_suite
from optiops.exceptions import InfeasibleError, InstanceError


def test_every_suite_has_a_family() -> None:
    """Each suite TOML under benchmarks/suites names a registered family."""
    for name in list_suites():
        assert get_family(load_suite(name).kind).kind == load_suite(name).kind


def test_unknown_suite_kind_is_named() -> None:
    """A suite kind no family runs is an InstanceError listing the known ones."""
    with pytest.raises(InstanceError, match=r"unknown suite kind 'knapsack'.*'routing'"):
        get_family("knapsack")


def test_a_failing_case_becomes_an_error_row() -> None:
    """case_row records the exception instead of raising, and times the work."""

    def work(row: dict) -> None:
        raise ValueError("boom")

    row = case_row({"instance": "x"}, work, digits=3)
    assert row["status"] == "error" and row["error"] == "ValueError: boom" and row["runtime_s"] >= 0


def test_a_diagnosed_case_keeps_its_culprits() -> None:
    """With diagnosed=True an infeasible instance is a row with its diagnosis and culprits."""

    def work(row: dict) -> None:
        raise InfeasibleError("no cover on day 3", ["day 3"])

    row = case_row({}, work, diagnosed=True, timed=False)
    assert row["status"] == "infeasible" and row["culprits"] == ["day 3"] and "runtime_s" not in row
    assert case_row({}, work)["status"] == "error"


def test_named_cases_checks_every_name() -> None:
    """A malformed name in the suite is an error even when --instances would not select it."""

    def parse(name: str) -> object:
        if not name.startswith("ok-"):
            raise InstanceError(f"bad name {name!r}")
        return name

    assert named_cases(["ok-1", "ok-2"], "ok-2", parse) == ["ok-2"]
    with pytest.raises(InstanceError, match="bad name"):
        named_cases(["ok-1", "nope"], "ok-1", parse)
    with pytest.raises(InstanceError, match="match no instance"):
        named_cases(["ok-1"], "ok-9", parse)
