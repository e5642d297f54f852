"""Inventory placement: which SKUs to stock in which warehouse, who serves each zone, split rate.

Formulation (ours).  For every SKU ``k`` and zone ``z`` with demand ``d_kz > 0`` and warehouse ``w``:
``s_wk`` (binary) stocks ``k`` at ``w``; ``f_wkz`` in [0, 1] is the share of ``d_kz`` that ``w`` serves;
``a_wz`` (binary) makes ``w`` the primary warehouse of ``z``; ``g_wkz`` is the part of ``f_wkz`` served
from the primary::

    minimise   sum_wk (stocking_w + h_k b_k) s_wk + sum_wkz d_kz (h_k c_k + ship_wz) f_wkz
               + split * sum_kz d_kz - split * sum_wkz d_kz g_wkz
    subject to sum_w f_wkz = 1                                   every (k, z) with demand
               f_wkz <= s_wk                                    only where stocked
               sum_w a_wz = 1                                   one primary per zone
               g_wkz <= f_wkz,  g_wkz <= a_wz                   served from the primary
               sum_k v_k (c_k sum_z d_kz f_wkz + b_k s_wk) <= space_w
               sum_k s_wk <= max_skus_w

with ``h`` holding cost, ``c`` cover (periods of served demand held), ``b`` base stock and ``v``
volume.  Units served off the primary cost ``split`` each: ``split * d_kz * (1 - sum_w g_wkz)``.
SKUs without demand are never stocked (stocking them only costs).

For CP-SAT (inexact continuous variables) ``f`` and ``g`` count whole demand units instead of shares,
exact for whole-number demands as in :mod:`optiops.allocation.facility`.  Arrays are built at once
with numpy; the plan is re-checked by :func:`optiops.allocation.check_placement.check_placement`.

**Fixed primaries** (``method="fixed-primaries"``, and ``auto`` above :data:`FULL_MAX_FLOWS` flow
variables).  The primaries and the split rows make the whole MIP hard: at 300 SKUs x 8 warehouses x 40
zones its LP relaxation alone takes HiGHS 80-96 s.  With every zone's primary fixed (``a`` bounded
to 0/1), the MIP keeps its variables, so its solution is a plan of the whole model, and HiGHS solves
it in 14-17 s there.  The first round fixes each zone's cheapest warehouse to ship from; each next
round makes primary the warehouse that served most of the zone's units in the last plan, until the
primaries repeat, :data:`PRIMARY_ROUNDS` rounds or the time limit.  The best plan is ``feasible``;
its bound is Lagrangian (:mod:`optiops.allocation.placement_lagrange`), computed in the time the
rounds leave, at least :data:`BOUND_SHARE` of the limit (with up to
:data:`~optiops.allocation.placement_lagrange.MAX_WAREHOUSES` warehouses; none above).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np

from optiops._logging import logger
from optiops.allocation.check_placement import check_placement
from optiops.allocation.facility import choose_backend
from optiops.allocation.placement_lagrange import MAX_WAREHOUSES, placement_bound
from optiops.exceptions import InfeasibleError, SolverError
from optiops.model.placement import Flow, PlacementInstance, PlacementPlan, Stocking, placement_arrays
from optiops.solvers import (
    LinearModel,
    LinearModelBuilder,
    MipBackend,
    MipOptions,
    MipResult,
    get_backend,
    relative_gap,
)

DROP_BELOW = 1e-7  # shares below this are solver noise, not part of the plan
FULL_MAX_FLOWS = 20_000  # method "auto": the whole MIP up to this many flow variables, fixed primaries above
PRIMARY_ROUNDS = 4  # fixed primaries: at most this many rounds of primaries
BOUND_SHARE = 0.25  # fixed primaries: the share of the time limit kept for the Lagrangian bound

PlacementMethod = Literal["auto", "full", "fixed-primaries"]


@dataclass(frozen=True, eq=False)
class PlacementModel:
    """The MIP and where its variables are; ``pairs`` are the (SKU, zone) pairs with demand."""

    model: LinearModel
    pair_sku: np.ndarray  # (p,)
    pair_zone: np.ndarray  # (p,)
    scale: np.ndarray  # (p,): f counts shares / scale (1, or the demand with integer units)
    s: np.ndarray  # (m, n_skus) variable index
    f: np.ndarray  # (m, p)
    a: np.ndarray  # (m, n_zones)
    g: np.ndarray  # (m, p)
    arrays: dict[str, np.ndarray]  # placement_arrays of the instance


def diagnose_placement(inst: PlacementInstance) -> list[str]:
    """Causes that make every placement infeasible, found without a solver.

    Parameters
    ----------
    inst : PlacementInstance
        The instance.

    Returns
    -------
    list of str
        Empty when no cause is found; otherwise one sentence per cause.
    """
    a = placement_arrays(inst)
    total = a["demand"].sum(axis=1)
    needed = total > 0
    causes = []
    least = float((a["volume"] * (a["cover"] * total + a["base"]))[needed].sum())
    if least > a["space"].sum() * (1 + 1e-9):
        causes.append(f"the SKUs with demand need at least {least:,.6g} space units (each stocked once), "
                      f"the warehouses have {a['space'].sum():,.6g}")  # fmt: skip
    if needed.sum() > a["cap"].sum():
        causes.append(f"{int(needed.sum())} SKUs have demand but the warehouses may stock {int(a['cap'].sum())} "
                      "SKUs in all (max_skus)")  # fmt: skip
    for k in np.flatnonzero(needed & (a["volume"] * a["base"] > a["space"].max() * (1 + 1e-9))):
        causes.append(f"SKU {inst.skus[k].id!r}: its base stock takes {a['volume'][k] * a['base'][k]:,.6g} space "
                      f"units, more than any warehouse has ({a['space'].max():,.6g})")  # fmt: skip
    return causes


def build_placement_model(inst: PlacementInstance, units: bool = False) -> PlacementModel:
    """The MIP of ``inst``, built from arrays without per-term Python loops.

    Parameters
    ----------
    inst : PlacementInstance
        The instance.
    units : bool
        Count whole demand units in ``f`` and ``g`` (integer variables) instead of shares, for backends
        without exact continuous variables (CP-SAT).

    Returns
    -------
    PlacementModel
        The model and its variable layout.

    Raises
    ------
    SolverError
        When ``units`` is asked for and a demand is not a whole number.
    """
    a = placement_arrays(inst)
    d = a["demand"]
    m, n_skus, n_zones = len(inst.warehouses), len(inst.skus), len(inst.zones)
    pk, pz = np.nonzero(d > 0)
    p, dp = len(pk), d[pk, pz]
    scale = np.ones(p)
    if units:
        if not np.array_equal(dp, np.round(dp)):
            raise SolverError("integer demand units need whole-number demands; scale the demands of the instance")
        scale = dp.copy()
    split = inst.split_cost
    b = LinearModelBuilder(name=inst.name or "placement", offset=split * float(dp.sum()))
    needed = np.zeros(n_skus, dtype=bool)
    needed[pk] = True
    stock_cost = (a["stocking"][:, None] + (a["holding"] * a["base"])[None, :]).ravel()
    stockable = np.broadcast_to(needed, (m, n_skus)).astype(float).ravel()
    s = b.add_vars(m * n_skus, cost=stock_cost, upper=stockable, integer=True).reshape(m, n_skus)
    per_unit = a["holding"][pk] * a["cover"][pk]
    f = b.add_vars(m * p, cost=((dp * per_unit)[None, :] + a["ship"][:, pz] * dp[None, :]).ravel() / np.tile(scale, m),
                   upper=np.tile(scale, m), integer=units).reshape(m, p)  # fmt: skip
    av = b.add_vars(m * n_zones, upper=1.0, integer=True).reshape(m, n_zones)
    g = b.add_vars(m * p, cost=np.tile(-split * dp / scale, m), upper=np.tile(scale, m), integer=units).reshape(m, p)
    # every (SKU, zone) pair with demand is served in full
    b.add_rows(rows=np.tile(np.arange(p), m), cols=f.ravel(), vals=1.0, lower=scale, upper=scale)
    # served only where stocked: f - scale * s <= 0
    b.add_rows(rows=np.repeat(np.arange(m * p), 2), cols=np.column_stack([f.ravel(), s[:, pk].ravel()]).ravel(),
               vals=np.column_stack([np.ones(m * p), -np.tile(scale, m)]).ravel(), upper=np.zeros(m * p))  # fmt: skip
    # one primary warehouse per zone
    b.add_rows(rows=np.tile(np.arange(n_zones), m), cols=av.ravel(), vals=1.0, lower=np.ones(n_zones),
               upper=np.ones(n_zones))  # fmt: skip
    # g <= f and g <= scale * a (primary)
    b.add_rows(rows=np.repeat(np.arange(m * p), 2), cols=np.column_stack([g.ravel(), f.ravel()]).ravel(),
               vals=np.tile([1.0, -1.0], m * p), upper=np.zeros(m * p))  # fmt: skip
    b.add_rows(rows=np.repeat(np.arange(m * p), 2), cols=np.column_stack([g.ravel(), av[:, pz].ravel()]).ravel(),
               vals=np.column_stack([np.ones(m * p), -np.tile(scale, m)]).ravel(), upper=np.zeros(m * p))  # fmt: skip
    # space: sum_k v_k (c_k d_kz f_wkz / scale + b_k s_wk) <= space_w
    space_f = a["volume"][pk] * a["cover"][pk] * dp / scale
    b.add_rows(
        rows=np.concatenate([np.repeat(np.arange(m), p), np.repeat(np.arange(m), n_skus)]),
        cols=np.concatenate([f.ravel(), s.ravel()]),
        vals=np.concatenate([np.tile(space_f, m), np.tile(a["volume"] * a["base"], m)]),
        upper=a["space"],
    )
    b.add_rows(rows=np.repeat(np.arange(m), n_skus), cols=s.ravel(), vals=1.0, upper=a["cap"])
    model = b.build()
    return PlacementModel(model=model, pair_sku=pk, pair_zone=pz, scale=scale, s=s, f=f, a=av, g=g, arrays=a)


def solve_placement(
    inst: PlacementInstance, backend: str = "auto", options: MipOptions | None = None, method: PlacementMethod = "auto"
) -> PlacementPlan:
    """Solve an inventory placement instance and check the plan independently.

    Parameters
    ----------
    inst : PlacementInstance
        The instance.
    backend : str
        ``highs``, ``scip``, ``cbc``, ``cpsat`` or ``auto``.
    options : MipOptions, optional
        Time limit, threads, relative gap, seed, backend parameters.
    method : {"auto", "full", "fixed-primaries"}
        ``full`` solves the whole MIP; ``fixed-primaries`` rounds of MIPs with the primaries fixed
        (module docstring); ``auto`` the whole MIP up to :data:`FULL_MAX_FLOWS` flow variables.

    Returns
    -------
    PlacementPlan
        Stocked SKUs, flows and primaries; costs and split rate are the checker's; ``status``
        ``optimal``, ``feasible`` or ``no_solution``.

    Raises
    ------
    InfeasibleError
        Before any solver runs when space or SKU caps cannot hold the SKUs with demand; after the
        solve when the backend proves the model infeasible.
    SolverError
        When the backend is unknown, unavailable or fails.
    """
    options = options or MipOptions()
    t0 = time.perf_counter()
    causes = diagnose_placement(inst)
    if causes:
        raise InfeasibleError("no placement can serve every zone:\n  " + "\n  ".join(causes))
    mip = get_backend(choose_backend(backend))
    t_build = time.perf_counter()
    pm = build_placement_model(inst, units=not mip.exact_continuous)
    formulation_s = time.perf_counter() - t_build
    fixed = method == "fixed-primaries" or (method == "auto" and pm.f.size > FULL_MAX_FLOWS)
    rounds = 0
    if fixed:
        keep = BOUND_SHARE if len(inst.warehouses) <= MAX_WAREHOUSES else 0.0  # time kept for the bound
        res, rounds = _fixed_primaries(pm, mip, options, keep)
    else:
        res = mip.solve(pm.model, options)
    if res.status == "infeasible":
        raise InfeasibleError(
            f"{mip.name} proved that no placement fits: the space and SKU caps cannot hold the stock every "
            "zone's demand needs together (each alone suffices); add space or raise max_skus"
        )
    if res.status in ("error", "unbounded"):
        raise SolverError(f"{mip.name} failed on {inst.name or 'the instance'}: {res.status} ({res.message})")
    status = "no_solution" if not res.has_solution else "feasible" if fixed else res.status
    plan = PlacementPlan(
        instance=inst.name, status=status, backend=res.backend, time_limit_s=options.time_limit,
        bound=None if fixed else res.bound, gap=None if fixed else res.gap,
        method="fixed-primaries" if fixed else "full", primary_rounds=rounds,
        build_s=formulation_s + res.build_s, solve_s=res.solve_s, runtime_s=time.perf_counter() - t0,
    )  # fmt: skip
    if not res.has_solution or res.x is None:
        return plan
    plan = _plan(inst, pm, res.x, plan)
    check = check_placement(inst, plan)
    if check.violations:
        logger.warning("%s placement for %s breaks %d rules: %s", mip.name, inst.name, len(check.violations),
                       "; ".join(check.violations[:3]))  # fmt: skip
    update = {
        "objective": check.objective, "holding_cost": check.holding_cost, "stocking_cost": check.stocking_cost,
        "shipping_cost": check.shipping_cost, "split_cost": check.split_cost, "split_rate": check.split_rate,
        "violations": check.violations,
    }  # fmt: skip
    left = None if options.time_limit is None else options.time_limit - (time.perf_counter() - t0)
    if fixed and check.feasible and (left is None or left > 0.0):
        lagrange = placement_bound(inst, check.objective, left)
        if lagrange is not None:
            bound = min(lagrange.bound, check.objective)
            update.update(bound=bound, gap=relative_gap(check.objective, bound), bound_s=lagrange.seconds,
                          runtime_s=time.perf_counter() - t0)  # fmt: skip
    return plan.model_copy(update=update)


def _fixed_primaries(
    pm: PlacementModel, mip: MipBackend, options: MipOptions, keep: float = 0.0
) -> tuple[MipResult, int]:
    """The best plan of rounds of MIPs with every zone's primary fixed, and the rounds solved.

    The rounds end by ``(1 - keep)`` of the time limit (a round that starts later is not solved).
    ``solve_s`` of the result covers every round. The result is infeasible only when the first
    round is: fixing the primaries changes only what a split costs, never whether a plan exists.
    """
    t0 = time.perf_counter()
    deadline = None if options.time_limit is None else t0 + (1.0 - keep) * options.time_limit
    arr = pm.arrays
    primary = np.argmin(arr["ship"], axis=0)  # round 1: the cheapest warehouse to ship from
    units = arr["demand"][pm.pair_sku, pm.pair_zone] / pm.scale  # demand units per unit of f
    best: MipResult | None = None
    tried: set[tuple[int, ...]] = set()
    rounds = 0
    while rounds < PRIMARY_ROUNDS and tuple(primary) not in tried:
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left <= 0.0 and best is not None:
            break
        tried.add(tuple(primary))
        fixed = np.zeros(pm.a.shape)
        fixed[primary, np.arange(pm.a.shape[1])] = 1.0
        lower, upper = pm.model.lower.copy(), pm.model.upper.copy()
        lower[pm.a.ravel()] = upper[pm.a.ravel()] = fixed.ravel()
        limit = None if left is None else max(left, 0.1)
        res = mip.solve(dataclasses.replace(pm.model, lower=lower, upper=upper),
                        dataclasses.replace(options, time_limit=limit))  # fmt: skip
        rounds += 1
        if res.status == "infeasible" or not res.has_solution or res.x is None or res.objective is None:
            best = best or res
            break
        if best is None or best.objective is None or res.objective < best.objective - 1e-9:
            best = res
        served = np.zeros(pm.a.shape)  # units each warehouse serves to each zone
        for w in range(pm.a.shape[0]):
            np.add.at(served[w], pm.pair_zone, res.x[pm.f[w]] * units)
        primary = np.argmax(served, axis=0)
    assert best is not None  # the loop runs at least once
    return dataclasses.replace(best, solve_s=time.perf_counter() - t0), rounds


def _plan(inst: PlacementInstance, pm: PlacementModel, x: np.ndarray, base: PlacementPlan) -> PlacementPlan:
    """Stocked pairs, non-zero flows and primaries of a solution vector."""
    a = pm.arrays
    d = a["demand"]
    share = np.clip(x[pm.f] / pm.scale[None, :], 0.0, 1.0)
    share[share < DROP_BELOW] = 0.0
    primary_w = np.argmax(x[pm.a], axis=0)
    served = np.zeros((len(inst.skus), len(inst.warehouses)))  # units per period each warehouse serves
    np.add.at(served, pm.pair_sku, (share * d[pm.pair_sku, pm.pair_zone][None, :]).T)
    served = served.T
    stocked_mask = x[pm.s] > 0.5
    stocked = [
        Stocking(sku=inst.skus[k].id, warehouse=inst.warehouses[w].id,
                 units=float(a["cover"][k] * served[w, k] + a["base"][k]))
        for w, k in zip(*np.nonzero(stocked_mask), strict=True)
    ]  # fmt: skip
    flows = [
        Flow(sku=inst.skus[pm.pair_sku[q]].id, zone=inst.zones[pm.pair_zone[q]], warehouse=inst.warehouses[w].id,
             share=float(share[w, q]), units=float(share[w, q] * d[pm.pair_sku[q], pm.pair_zone[q]]))
        for w, q in zip(*np.nonzero(share), strict=True)
    ]  # fmt: skip
    primary = {z: inst.warehouses[primary_w[j]].id for j, z in enumerate(inst.zones)}
    return base.model_copy(update={"stocked": stocked, "flows": flows, "primary": primary})


def generate_placement(
    n_skus: int = 60, n_warehouses: int = 4, n_zones: int = 12, seed: int = 1, name: str | None = None
) -> PlacementInstance:
    """A seeded placement instance: zones and warehouses on a map, a long tail of SKUs.

    Zones and warehouses lie uniformly in a 1,000 km square; shipping a unit costs 1 + 0.004 per km.
    Zone sizes are log-normal; SKU popularity is Zipf-like (``1 / (rank + 2)``), so a few SKUs carry
    most units.  Demand per SKU and zone is a whole number (Poisson around popularity x zone size).
    Holding a unit costs 0.02-0.2 per period, cover is two periods, base stock 2-6 units.  Space is
    1.2 times what stocking every SKU once takes plus 40 % of the base stock of stocking it
    everywhere, spread unevenly (0.8-1.2) over the warehouses, and each warehouse may stock 60 % of the
    SKUs, so placement must choose.  Splits cost 0.8 per unit.

    Parameters
    ----------
    n_skus, n_warehouses, n_zones : int
        Sizes.
    seed : int
        Every draw comes from ``numpy.random.default_rng(seed)``.
    name : str, optional
        Instance name (default ``placement-<skus>x<warehouses>x<zones>-s<seed>``).

    Returns
    -------
    PlacementInstance
        A feasible instance (every SKU fits once in the space and caps).
    """
    rng = np.random.default_rng(seed)
    zones, whs = rng.uniform(0, 1000, (n_zones, 2)), rng.uniform(0, 1000, (n_warehouses, 2))
    km = np.hypot(*(whs[:, None, :] - zones[None, :, :]).transpose(2, 0, 1))
    size = rng.lognormal(0.0, 0.6, n_zones)
    popularity = 1.0 / (np.arange(n_skus) + 2.0)
    demand = rng.poisson(40.0 * popularity[:, None] * size[None, :]).astype(float)
    volume = rng.uniform(0.5, 3.0, n_skus)
    cover, base = 2.0, rng.integers(2, 7, n_skus).astype(float)
    once = float((volume * (cover * demand.sum(axis=1) + base)).sum())
    total = 1.2 * once + 0.4 * (n_warehouses - 1) * float((volume * base).sum())
    space = total / n_warehouses * rng.uniform(0.8, 1.2, n_warehouses)
    return PlacementInstance(
        name=name or f"placement-{n_skus}x{n_warehouses}x{n_zones}-s{seed}",
        warehouses=[
            {
                "id": f"W{i + 1}",
                "space": round(float(space[i]), 1),
                "max_skus": int(0.6 * n_skus),
                "stocking_cost": round(float(rng.uniform(2, 6)), 2),
            }
            for i in range(n_warehouses)
        ],
        skus=[
            {
                "id": f"S{k + 1:03d}",
                "volume": round(float(volume[k]), 2),
                "holding_cost": round(float(rng.uniform(0.02, 0.2)), 3),
                "cover": cover,
                "base_stock": float(base[k]),
            }
            for k in range(n_skus)
        ],
        zones=[f"Z{j + 1}" for j in range(n_zones)],
        demand=demand.tolist(),
        shipping_cost=np.round(1.0 + 0.004 * km, 3).tolist(),
        split_cost=0.8,
    )
