"""The independent checker of placement plans: recomputes cost, split rate and feasibility.

It shares nothing with the formulation or the solvers: it reads the plan's stocked pairs, flows and
primaries by id and checks every rule of the model from the instance alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optiops.allocation.check import listed
from optiops.model.placement import PlacementInstance, PlacementPlan


@dataclass(frozen=True)
class PlacementCheck:
    """The checker's verdict on a placement plan."""

    feasible: bool
    objective: float
    holding_cost: float
    stocking_cost: float
    shipping_cost: float
    split_cost: float
    split_rate: float
    violations: list[str] = field(default_factory=list)


def _listed(kind: str, names: list[str]) -> list[str]:
    """One violation per name, ``kind: name``, at most ``MAX_LISTED`` before the rest are counted."""
    return listed([f"{kind}: {n}" for n in names])


def check_placement(inst: PlacementInstance, plan: PlacementPlan, tol: float = 1e-6) -> PlacementCheck:
    """Recompute the cost of ``plan`` and list every rule it breaks.

    Checks that ids are known, every zone has one known primary warehouse, each (SKU, zone) demand
    is served in full, only from warehouses stocking the SKU, and that space and SKU caps hold.  The
    stock a warehouse holds is recomputed (cover x units it serves + base stock), not read from the plan.

    Parameters
    ----------
    inst : PlacementInstance
        The instance the plan claims to solve.
    plan : PlacementPlan
        The plan.
    tol : float
        Tolerance on shares and capacities (relative where it matters).

    Returns
    -------
    PlacementCheck
        Feasibility, the recomputed costs (per period) and split rate, and the violations.
    """
    wh = {w.id: i for i, w in enumerate(inst.warehouses)}
    sk = {s.id: k for k, s in enumerate(inst.skus)}
    zo = {z: j for j, z in enumerate(inst.zones)}
    m, n, nz = len(wh), len(sk), len(zo)
    demand = np.asarray(inst.demand, dtype=float).reshape(n, nz)
    ship = np.asarray(inst.shipping_cost, dtype=float).reshape(m, nz)
    violations: list[str] = []
    stocked = np.zeros((m, n), dtype=bool)
    unknown = []
    for st in plan.stocked:
        if st.sku not in sk or st.warehouse not in wh:
            unknown.append(f"{st.sku}@{st.warehouse}")
        elif stocked[wh[st.warehouse], sk[st.sku]]:
            violations.append(f"stocked twice: {st.sku}@{st.warehouse}")
        else:
            stocked[wh[st.warehouse], sk[st.sku]] = True
    share = np.zeros((m, n, nz))
    for fl in plan.flows:
        if fl.sku not in sk or fl.zone not in zo or fl.warehouse not in wh:
            unknown.append(f"flow {fl.sku}->{fl.zone} from {fl.warehouse}")
            continue
        share[wh[fl.warehouse], sk[fl.sku], zo[fl.zone]] += fl.share
    violations += _listed("unknown id", unknown)
    primary = np.full(nz, -1)
    for zone, wid in plan.primary.items():
        if zone not in zo or wid not in wh:
            violations.append(f"primary: unknown zone or warehouse {zone!r} -> {wid!r}")
        else:
            primary[zo[zone]] = wh[wid]
    violations += _listed("zone without a primary warehouse", [inst.zones[j] for j in np.flatnonzero(primary < 0)])
    total = share.sum(axis=0)  # (n, nz)
    need = demand > 0
    short = [f"{inst.skus[k].id}->{inst.zones[j]} served {total[k, j]:.6g} of 1"
             for k, j in zip(*np.nonzero(need & (np.abs(total - 1) > tol)), strict=True)]  # fmt: skip
    violations += _listed("demand not served in full", short)
    extra = [f"{inst.skus[k].id}->{inst.zones[j]}" for k, j in zip(*np.nonzero(~need & (total > tol)), strict=True)]
    violations += _listed("flow without demand", extra)
    unstocked = [f"{inst.skus[k].id} from {inst.warehouses[w].id}"
                 for w, k in zip(*np.nonzero((share.max(axis=2) > tol) & ~stocked), strict=True)]  # fmt: skip
    violations += _listed("served from a warehouse that does not stock it", unstocked)
    units = share * demand[None, :, :]  # (m, n, nz)
    cover = np.array([s.cover for s in inst.skus])
    base = np.array([s.base_stock for s in inst.skus])
    held = cover[None, :] * units.sum(axis=2) + base[None, :] * stocked  # (m, n)
    volume = np.array([s.volume for s in inst.skus])
    used = held @ volume
    for w, wdef in enumerate(inst.warehouses):
        if used[w] > wdef.space * (1 + tol) + tol:
            violations.append(f"space: {wdef.id} holds {used[w]:,.6g} > {wdef.space:,.6g}")
        if wdef.max_skus is not None and stocked[w].sum() > wdef.max_skus:
            violations.append(f"max_skus: {wdef.id} stocks {int(stocked[w].sum())} > {wdef.max_skus}")
    holding = float((held * np.array([s.holding_cost for s in inst.skus])[None, :]).sum())
    stocking = float((stocked.sum(axis=1) * np.array([w.stocking_cost for w in inst.warehouses])).sum())
    shipping = float((units * ship[:, None, :]).sum())
    off_primary = units.sum() - sum(units[primary[j], :, j].sum() for j in range(nz) if primary[j] >= 0)
    demand_total = float(demand.sum())
    split = inst.split_cost * float(off_primary)
    return PlacementCheck(
        feasible=not violations, objective=holding + stocking + shipping + split, holding_cost=holding,
        stocking_cost=stocking, shipping_cost=shipping, split_cost=split,
        split_rate=float(off_primary) / demand_total if demand_total else 0.0, violations=violations,
    )  # fmt: skip
