"""Every available MIP backend on the same small models with known optima."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from optiops.exceptions import SolverError
from optiops.solvers import (
    LinearModel,
    LinearModelBuilder,
    MipOptions,
    get_backend,
    known_backends,
    list_backends,
    relative_gap,
)

BACKENDS = list_backends()


def knapsack() -> LinearModel:
    """max 8a + 11b + 6c + 4d, 5a + 7b + 4c + 3d <= 14, binary: optimum 21 (b, c, d)."""
    b = LinearModelBuilder("knapsack")
    x = b.add_vars(4, cost=[-8.0, -11.0, -6.0, -4.0], upper=1.0, integer=True)
    b.add_rows(rows=[0, 0, 0, 0], cols=x, vals=[5.0, 7.0, 4.0, 3.0], upper=[14.0])
    return b.build()


def assignment() -> LinearModel:
    """3 x 3 assignment with costs [[4,1,3],[2,0,5],[3,2,2]]: optimum 5 (0->1, 1->0, 2->2)."""
    cost = np.array([[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]])
    b = LinearModelBuilder("assignment")
    x = b.add_vars(9, cost=cost.ravel(), upper=1.0, integer=True).reshape(3, 3)
    b.add_rows(rows=np.repeat(np.arange(3), 3), cols=x.ravel(), vals=1.0, lower=np.ones(3), upper=np.ones(3))
    b.add_rows(rows=np.repeat(np.arange(3), 3), cols=x.T.ravel(), vals=1.0, lower=np.ones(3), upper=np.ones(3))
    return b.build()


def mixed() -> LinearModel:
    """min x + 2y + 10, x + y >= 2.5, x in [0, 1] continuous, y integer: optimum 14.5 at (0.5, 2)."""
    b = LinearModelBuilder("mixed", offset=10.0)
    x = b.add_vars(1, cost=1.0, upper=1.0)
    y = b.add_vars(1, cost=2.0, upper=10.0, integer=True)
    b.add_rows(rows=[0, 0], cols=[x[0], y[0]], vals=1.0, lower=[2.5])
    return b.build()


def test_the_four_backends_are_registered() -> None:
    """HiGHS, SCIP, CBC and CP-SAT are registered, and HiGHS runs here."""
    assert set(known_backends()) >= {"highs", "scip", "cbc", "cpsat"}
    assert "highs" in BACKENDS


def test_unknown_backend_is_a_solver_error() -> None:
    """An unknown name is refused with the known names."""
    with pytest.raises(SolverError, match="highs"):
        get_backend("gurobi")


@pytest.mark.parametrize("backend", BACKENDS)
def test_knapsack(backend: str) -> None:
    """The knapsack optimum -21 is found and proven, with x = (0, 1, 1, 1)."""
    res = get_backend(backend).solve(knapsack(), MipOptions(time_limit=5))
    assert res.status == "optimal"
    assert res.objective == pytest.approx(-21.0)
    assert res.bound == pytest.approx(-21.0, abs=1e-6)
    assert res.gap == pytest.approx(0.0, abs=1e-6)
    assert res.x is not None
    np.testing.assert_allclose(res.x, [0, 1, 1, 1], atol=1e-6)
    assert res.backend == backend and res.build_s >= 0 and res.solve_s >= 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_assignment_with_equality_rows(backend: str) -> None:
    """Equality rows hold and the assignment optimum 5 is found."""
    model = assignment()
    res = get_backend(backend).solve(model, MipOptions(time_limit=5))
    assert res.status == "optimal" and res.objective == pytest.approx(5.0)
    assert res.x is not None and model.max_violation(res.x) < 1e-6


@pytest.mark.parametrize("backend", BACKENDS)
def test_continuous_variable_and_offset(backend: str) -> None:
    """A continuous variable and the objective offset: optimum 14.5 at x = 0.5, y = 2."""
    res = get_backend(backend).solve(mixed(), MipOptions(time_limit=5))
    assert res.status == "optimal"
    assert res.objective == pytest.approx(14.5, abs=1e-4)
    assert res.bound == pytest.approx(14.5, abs=1e-4)


@pytest.mark.parametrize("backend", BACKENDS)
def test_infeasible(backend: str) -> None:
    """Two binaries cannot sum to 3: status infeasible, no solution."""
    b = LinearModelBuilder("infeasible")
    x = b.add_vars(2, cost=1.0, upper=1.0, integer=True)
    b.add_rows(rows=[0, 0], cols=x, vals=1.0, lower=[3.0])
    res = get_backend(backend).solve(b.build(), MipOptions(time_limit=5))
    assert res.status == "infeasible"
    assert res.x is None and res.objective is None and not res.has_solution


@pytest.mark.parametrize("backend", BACKENDS)
def test_unbounded(backend: str) -> None:
    """min -x with x integer and unbounded above: status unbounded (settled when presolve is unsure)."""
    b = LinearModelBuilder("unbounded")
    x = b.add_vars(2, cost=[-1.0, 0.0], integer=[True, False])
    b.add_rows(rows=[0, 0], cols=x, vals=[1.0, -1.0], upper=[3.0])
    res = get_backend(backend).solve(b.build(), MipOptions(time_limit=5))
    assert res.status == "unbounded"


@pytest.mark.parametrize("backend", BACKENDS)
def test_options_are_accepted(backend: str) -> None:
    """Threads, gap and seed are passed without complaint and the optimum is unchanged."""
    opts = MipOptions(time_limit=5, threads=2, rel_gap=0.0, seed=7)
    assert get_backend(backend).solve(knapsack(), opts).objective == pytest.approx(-21.0)


def test_bad_backend_parameter_is_a_solver_error() -> None:
    """An unknown HiGHS option is named in the error."""
    with pytest.raises(SolverError, match="no_such_option"):
        get_backend("highs").solve(knapsack(), MipOptions(params={"no_such_option": 1}))


@pytest.mark.parametrize(
    "kwargs", [{"time_limit": 0}, {"threads": 0}, {"rel_gap": -0.1}, {"rel_gap": 1.0}]
)  # fmt: skip
def test_bad_options_are_refused(kwargs: dict[str, float]) -> None:
    """Non-positive limits, zero threads and gaps outside [0, 1) are refused."""
    with pytest.raises(SolverError):
        MipOptions(**kwargs)  # type: ignore[arg-type]


def test_relative_gap() -> None:
    """The gap is (objective - bound) / |objective|, clipped at zero, None without a bound."""
    assert relative_gap(100.0, 90.0) == pytest.approx(0.1)
    assert relative_gap(100.0, 100.0000001) == 0.0
    assert relative_gap(100.0, None) is None
    assert relative_gap(100.0, float("-inf")) == float("inf")


def test_highs_reports_reduced_costs_of_an_lp_only() -> None:
    """The LP relaxation of the assignment: reduced costs are zero on the chosen cells and price the
    others; a model with integer variables gets none."""
    lp = dataclasses.replace(assignment(), integer=np.zeros(9, dtype=bool))
    res = get_backend("highs").solve(lp, MipOptions())
    assert res.status == "optimal" and res.x is not None and res.reduced_costs is not None
    assert np.allclose(res.reduced_costs[res.x > 0.5], 0.0) and (res.reduced_costs > -1e-9).all()
    assert res.reduced_costs.max() > 0.0
    assert get_backend("highs").solve(assignment(), MipOptions()).reduced_costs is None


def test_highs_solves_again_when_it_returns_the_starts_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """HiGHS 1.16 can hand back the start's values with a better solution's objective: the adapter
    notices (the recomputed objective is above HiGHS's) and solves again without the start."""
    from optiops.solvers.highs_backend import HighsBackend

    model, backend = assignment(), HighsBackend()
    good = backend._solve(model, MipOptions(), None)  # the optimum 5
    start = np.eye(3).ravel()  # the diagonal: cost 4 + 0 + 2 = 6
    stale = dataclasses.replace(
        good, x=start, objective=6.0, stats={**good.stats, "solver_objective": 5.0}, gap=relative_gap(6.0, 5.0)
    )
    calls: list[object] = []

    def fake(m: LinearModel, o: MipOptions, s: np.ndarray | None) -> object:
        calls.append(s)
        return stale if s is not None else good

    monkeypatch.setattr(backend, "_solve", fake)
    res = backend.solve(model, MipOptions(), start=start)
    assert calls[0] is start and calls[1] is None
    assert res.objective == pytest.approx(5.0) and res.status == "optimal"
    # without a second solve that helps, the start's values are kept but not called optimal
    monkeypatch.setattr(backend, "_solve", lambda m, o, s: stale)
    res = backend.solve(model, MipOptions(), start=start)
    assert res.objective == pytest.approx(6.0) and res.status == "feasible"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_start_is_taken_or_ignored_safely(backend: str) -> None:
    """Backends that take a start reach the optimum from a worse one and refuse one of the wrong length."""
    mip = get_backend(backend)
    if not getattr(mip, "accepts_start", False):
        assert backend == "cbc"  # the one backend without starts; it is called without one
        return
    worse = np.eye(3).ravel()  # the diagonal: 6, the optimum is 5
    res = mip.solve(assignment(), MipOptions(time_limit=10), start=worse)  # type: ignore[call-arg]
    assert res.status == "optimal" and res.objective == pytest.approx(5.0)
    with pytest.raises(SolverError, match="start needs 9 values"):
        mip.solve(assignment(), MipOptions(), start=worse[:4])  # type: ignore[call-arg]


@pytest.mark.skipif("cbc" not in BACKENDS, reason="CBC is not installed")
@pytest.mark.parametrize(("threads", "passed"), [(1, None), (2, 2)])
def test_cbc_gets_a_thread_pool_only_above_one_thread(
    monkeypatch: pytest.MonkeyPatch, threads: int, passed: int | None
) -> None:
    """``-threads 1`` starts a CBC worker thread whose start can stall 10 s; one thread means no option."""
    import pulp

    seen: list[int | None] = []
    real = pulp.COIN_CMD

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(kwargs.get("threads"))  # type: ignore[arg-type]
        return real(*args, **kwargs)

    monkeypatch.setattr(pulp, "COIN_CMD", spy)
    res = get_backend("cbc").solve(knapsack(), MipOptions(time_limit=10, threads=threads))
    assert seen == [passed]
    assert res.status == "optimal" and res.objective == pytest.approx(-21.0)
