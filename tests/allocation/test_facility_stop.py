"""Stopping a facility solve from outside (the service's DELETE): HiGHS ends at once and the best plan is kept."""

from __future__ import annotations

import pytest
from tests.allocation.test_facility_lagrange import random_instance

from optiops.allocation import check_facility, solve_facility
from optiops.allocation.facility import build_facility_model
from optiops.kinds import Options, get_kind
from optiops.solvers import MipOptions, get_backend, list_backends

pytestmark = pytest.mark.skipif("highs" not in list_backends(), reason="highspy not installed")


def test_highs_ends_its_search_when_stop_says_so() -> None:
    """The same model: optimal without a stop, interrupted before proving anything with one already set."""
    model = build_facility_model(random_instance(3, m=20, n=120)).model
    assert get_backend("highs").solve(model, MipOptions(time_limit=60)).status == "optimal"
    calls: list[int] = []
    stopped = get_backend("highs").solve(model, MipOptions(time_limit=60, stop=lambda: not calls.append(1)))
    assert calls and stopped.status in ("feasible", "no_solution")


def test_a_stopped_facility_solve_keeps_its_best_plan() -> None:
    """Stopped before any MIP can run, the solve still returns the Lagrangian's plan, checked feasible."""
    inst = random_instance(3, m=20, n=120)
    plan = solve_facility(inst, "highs", MipOptions(time_limit=60, stop=lambda: True))
    assert plan.status == "feasible" and plan.open
    assert check_facility(inst, plan).feasible
    optimal = solve_facility(inst, "highs", MipOptions(time_limit=60))
    assert optimal.objective is not None and plan.objective is not None and plan.objective >= optimal.objective - 1e-6


def test_the_facility_kind_hands_its_stop_to_the_solver() -> None:
    """``Options.stop`` (the service's DELETE) reaches the facility kind's solves."""
    kind = get_kind("facility")
    result = kind.solve(random_instance(3, m=20, n=120), Options(backend="highs", time_limit=60, stop=lambda: True))
    assert result.status == "feasible" and result.plan.open


def test_highs_reports_its_incumbent_and_bound_as_it_goes() -> None:
    """``MipOptions.progress``: improving solutions come in order, each bound below its incumbent, the last
    incumbent the solve's objective."""
    model = build_facility_model(random_instance(3, m=20, n=120)).model
    seen: list[tuple[float, float, float | None]] = []
    res = get_backend("highs").solve(model, MipOptions(time_limit=60, progress=lambda *a: seen.append(a)))
    assert res.status == "optimal" and seen
    assert all(bound is None or bound <= best + 1e-6 * max(1.0, abs(best)) for _, best, bound in seen)
    assert min(best for _, best, _ in seen) == pytest.approx(res.objective, rel=1e-9)
    assert [t for t, _, _ in seen] == sorted(t for t, _, _ in seen)


def test_the_facility_kind_reports_progress_with_a_bound_of_the_whole_instance() -> None:
    """The kind's progress bounds the instance's optimum from below at every report, its best from above."""
    inst = random_instance(3, m=20, n=120)
    kind = get_kind("facility")
    seen: list[tuple[float, float, float | None]] = []
    result = kind.solve(inst, Options(backend="highs", time_limit=60, progress=lambda *a: seen.append(a)))
    optimum = result.objective
    assert kind.reports_progress and seen and optimum is not None
    for _, best, bound in seen:
        assert best >= optimum - 1e-6 * abs(optimum)
        assert bound is None or bound <= optimum + 1e-6 * abs(optimum)
    assert any(bound is not None for _, _, bound in seen)
