"""The independent checker of facility plans: recomputes cost and feasibility from instance and plan alone.

It shares nothing with the formulation or the solvers: it reads the plan's open warehouses and
allocations by id, rebuilds the allocation matrix, and checks every rule of the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optiops.model.network import FacilityInstance, FacilityPlan, facility_arrays

MAX_LISTED = 10  # violations of one kind listed by name before the rest are counted


@dataclass(frozen=True)
class FacilityCheck:
    """The checker's verdict on a plan."""

    feasible: bool
    objective: float
    fixed_cost: float
    assignment_cost: float
    violations: list[str] = field(default_factory=list)


def check_facility(inst: FacilityInstance, plan: FacilityPlan, tol: float = 1e-6) -> FacilityCheck:
    """Recompute the cost of ``plan`` and list every rule it breaks.

    Checks that every id is known and listed once, every customer's demand is allocated in full,
    closed warehouses serve nothing, no open warehouse serves more than its capacity, single
    sourcing (when the instance asks for it), and that the plan's stated cost is the recomputed one.

    Parameters
    ----------
    inst : FacilityInstance
        The instance the plan claims to solve.
    plan : FacilityPlan
        The plan.
    tol : float
        Absolute tolerance on fractions; capacities get ``tol`` relative to the capacity.

    Returns
    -------
    FacilityCheck
        Feasibility, recomputed cost (fixed + assignment) and the violations in plain words.
    """
    arr = facility_arrays(inst)
    w_ids = [w.id for w in inst.warehouses]
    c_ids = [c.id for c in inst.customers]
    w_index = {w: i for i, w in enumerate(w_ids)}
    c_index = {c: j for j, c in enumerate(c_ids)}
    problems: list[str] = []

    is_open = np.zeros(len(w_ids), dtype=bool)
    for wid in plan.open:
        if wid not in w_index:
            problems.append(f"open warehouse {wid!r} is not in the instance")
        elif is_open[w_index[wid]]:
            problems.append(f"warehouse {wid!r} is listed as open twice")
        else:
            is_open[w_index[wid]] = True

    share = np.zeros(arr.shape)
    seen: set[tuple[int, int]] = set()
    for a in plan.allocations:
        i, j = w_index.get(a.warehouse), c_index.get(a.customer)
        if i is None or j is None:
            problems.append(f"allocation {a.warehouse!r} -> {a.customer!r} names an unknown warehouse or customer")
            continue
        if (i, j) in seen:
            problems.append(f"allocation {a.warehouse!r} -> {a.customer!r} is listed twice")
        seen.add((i, j))
        share[i, j] += a.fraction

    served = share.sum(axis=0)
    problems += listed(
        [f"customer {c_ids[j]!r} gets {served[j]:.6g} of its demand, not all of it"
         for j in np.flatnonzero(np.abs(served - 1.0) > tol)]
    )  # fmt: skip
    closed_use = share[~is_open].max(axis=1, initial=0.0) if (~is_open).any() else np.zeros(0)
    closed_ids = np.flatnonzero(~is_open)
    problems += listed(
        [f"closed warehouse {w_ids[i]!r} serves {', '.join(c_ids[j] for j in np.flatnonzero(share[i] > tol))}"
         for i in closed_ids[closed_use > tol]]
    )  # fmt: skip
    load = share @ arr.demand
    over = load > arr.capacity * (1 + tol) + tol
    problems += listed(
        [f"warehouse {w_ids[i]!r} serves {load[i]:.6g} units, above its capacity {arr.capacity[i]:.6g}"
         for i in np.flatnonzero(over)]
    )  # fmt: skip
    if inst.single_sourcing:
        split = ((share > tol) & (share < 1 - tol)).any(axis=0) | ((share > tol).sum(axis=0) > 1)
        problems += listed(
            [f"customer {c_ids[j]!r} is split across "
             f"{', '.join(w_ids[i] for i in np.flatnonzero(share[:, j] > tol))} (single sourcing)"
             for j in np.flatnonzero(split)]
        )  # fmt: skip

    fixed = float(arr.fixed_cost[is_open].sum())
    assignment = float((share * arr.assign_cost).sum())
    total = fixed + assignment
    if plan.objective is not None and abs(plan.objective - total) > 1e-6 * max(1.0, abs(total)):
        problems.append(f"the plan states cost {plan.objective:.10g}, recomputed {total:.10g}")
    return FacilityCheck(
        feasible=not problems, objective=total, fixed_cost=fixed, assignment_cost=assignment, violations=problems
    )


def listed(items: list[str]) -> list[str]:
    """At most ``MAX_LISTED`` items, then one line counting the rest (shared by the allocation checkers)."""
    if len(items) <= MAX_LISTED:
        return items
    return [*items[:MAX_LISTED], f"... and {len(items) - MAX_LISTED} more like these"]
