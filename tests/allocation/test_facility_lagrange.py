"""The Lagrangian bound, plans and fixings of capacitated facility location, against brute force and MIPs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from optiops.allocation import check_facility, solve_facility
from optiops.allocation.facility_lagrange import cover, fixings, lagrangian, transport, warehouse_values
from optiops.model.network import FacilityInstance, facility_arrays
from optiops.solvers import LinearModelBuilder, MipOptions, get_backend, list_backends


def random_instance(seed: int, m: int = 10, n: int = 40, equal: bool = True) -> FacilityInstance:
    """Warehouses and customers on a square: distance costs, fixed costs worth a few customers each."""
    rng = np.random.default_rng(seed)
    wh, cu = rng.uniform(0, 100, (m, 2)), rng.uniform(0, 100, (n, 2))
    demand = rng.integers(1, 30, n).astype(float)
    capacity = np.full(m, demand.sum() / 3.5) if equal else rng.uniform(0.15, 0.5, m) * demand.sum()
    fixed = rng.uniform(800, 2000, m)
    unit = np.hypot(*(wh[:, None, :] - cu[None, :, :]).transpose(2, 0, 1))
    return FacilityInstance(
        name=f"random-{seed}",
        warehouses=[{"id": f"W{i}", "capacity": float(capacity[i]), "fixed_cost": float(fixed[i])} for i in range(m)],
        customers=[{"id": f"C{j}", "demand": float(demand[j])} for j in range(n)],
        cost=unit.tolist(),
    )


def optimum(inst: FacilityInstance) -> tuple[float, np.ndarray]:
    """Proven optimum and its open warehouses, by the whole MIP (no reduction)."""
    plan = solve_facility(inst, "highs", MipOptions(time_limit=60), presolve="off")
    assert plan.status == "optimal" and plan.objective is not None
    ids = [w.id for w in inst.warehouses]
    return plan.objective, np.isin(ids, plan.open)


def test_warehouse_values_are_knapsack_lps() -> None:
    """Each ``v_i`` is the optimum of the warehouse's LP: fixed cost plus the cheapest fill."""
    arr = facility_arrays(random_instance(1))
    u = np.random.default_rng(2).uniform(0, 1.2, arr.shape[1]) * arr.assign_cost.mean(axis=0)
    v, x = warehouse_values(arr, u)
    for i in range(arr.shape[0]):
        b = LinearModelBuilder()
        xi = b.add_vars(arr.shape[1], cost=arr.assign_cost[i] - u, upper=1.0)
        b.add_rows(rows=np.zeros(len(xi), dtype=np.int64), cols=xi, vals=arr.demand, upper=[arr.capacity[i]])
        res = get_backend("highs").solve(b.build(), MipOptions())
        assert v[i] == pytest.approx(arr.fixed_cost[i] + res.objective, rel=1e-9, abs=1e-6)
        assert arr.demand @ x[i] <= arr.capacity[i] * (1 + 1e-12)
        assert v[i] == pytest.approx(arr.fixed_cost[i] + (arr.assign_cost[i] - u) @ x[i])


@pytest.mark.parametrize("equal", [True, False])
def test_cover_against_enumeration(equal: bool) -> None:
    """Exact with equal capacities, a lower bound otherwise; forced warehouses are respected."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        values = rng.normal(0, 10, 8)
        capacity = np.full(8, 10.0) if equal else rng.uniform(3, 15, 8)
        total = float(rng.uniform(15, 45))
        for force in [None, (0, True), (1, False)]:
            best = min(
                (sum(values[i] for i in range(8) if y[i]) for y in itertools.product([0, 1], repeat=8)
                 if capacity @ np.array(y) >= total and (force is None or y[force[0]] == force[1])),
                default=np.inf,
            )  # fmt: skip
            got, y = cover(values, capacity, total, force)
            if equal:
                assert got == pytest.approx(best)
                if np.isfinite(best):
                    assert capacity @ y >= total and values @ y == pytest.approx(best)
            else:
                assert got <= best + 1e-9


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_bound_is_below_the_optimum_and_close(seed: int) -> None:
    """The bound never passes the optimum; its plans are checked plans costing what they claim."""
    inst = random_instance(seed)
    opt, _ = optimum(inst)
    arr = facility_arrays(inst)
    lag = lagrangian(arr)
    assert lag.bound <= opt * (1 + 1e-9)
    assert lag.bound >= opt * 0.97
    assert lag.upper >= opt * (1 - 1e-9) and lag.shares is not None
    again = transport(arr, lag.open)
    assert again is not None and again[0] == pytest.approx(lag.upper)


@pytest.mark.parametrize("seed", [4, 5, 6, 7])
def test_fixings_keep_every_optimal_warehouse(seed: int) -> None:
    """With the optimum as the known plan, no warehouse it opens is closed, none it closes opened."""
    inst = random_instance(seed, equal=seed % 2 == 0)
    opt, opened = optimum(inst)
    arr = facility_arrays(inst)
    lag = lagrangian(arr, upper=opt)
    closed, must_open, _ = fixings(arr, lag.multipliers, opt)
    assert not (closed & opened).any()
    assert not (must_open & ~opened).any()
    assert closed.sum() + must_open.sum() > 0  # the fixings do something on these instances


@pytest.mark.parametrize("seed", [4, 5, 6, 7])
@pytest.mark.parametrize("backend", [b for b in list_backends() if b != "cpsat"])
def test_reduced_solve_matches_the_whole_mip(seed: int, backend: str) -> None:
    """The Lagrangian presolve ends at the same proven optimum as the whole MIP, with a valid bound."""
    inst = random_instance(seed, equal=seed % 2 == 0)
    opt, _ = optimum(inst)
    plan = solve_facility(inst, backend, MipOptions(time_limit=30))
    assert check_facility(inst, plan).feasible
    assert plan.status == "optimal" and plan.objective == pytest.approx(opt, rel=1e-6)
    assert plan.bound is not None and plan.bound <= opt * (1 + 1e-6)
    assert plan.stats["kept"] < len(inst.warehouses)


@pytest.mark.parametrize("seed", [5, 7])
def test_restricted_mip_then_reduced_mip(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """With few warehouses allowed in the first MIP, the plan it finds still leads to the proven optimum."""
    import optiops.allocation.facility as facility

    monkeypatch.setattr(facility, "RESTRICTED", 3)
    inst = random_instance(seed, m=16, n=50, equal=seed % 2 == 1)
    opt, _ = optimum(inst)
    plan = solve_facility(inst, "highs", MipOptions(time_limit=30))
    assert plan.stats["restricted"] >= 3
    assert plan.status == "optimal" and plan.objective == pytest.approx(opt, rel=1e-6)
    assert check_facility(inst, plan).feasible


def test_zero_demand_customer_and_zero_capacity_warehouse() -> None:
    """A customer without demand still needs an open warehouse; one without capacity serves only it."""
    base = random_instance(8, m=6, n=12)
    warehouses = [*base.warehouses[:-1], base.warehouses[-1].model_copy(update={"capacity": 0.0})]
    customers = [base.customers[0].model_copy(update={"demand": 0.0}), *base.customers[1:]]
    inst = base.model_copy(update={"warehouses": warehouses, "customers": customers})
    opt, _ = optimum(inst)
    lag = lagrangian(facility_arrays(inst))
    assert np.isfinite(lag.bound) and lag.bound <= opt * (1 + 1e-9)
    plan = solve_facility(inst, "highs", MipOptions(time_limit=30))
    assert plan.status == "optimal" and plan.objective == pytest.approx(opt, rel=1e-6)
    assert check_facility(inst, plan).feasible
