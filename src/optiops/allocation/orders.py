"""Daily order-to-warehouse allocation: which warehouse ships which order line.

The MIP and its options: :mod:`optiops.allocation.orders_model`.  Two methods solve it:

- ``full``: the whole model on the MIP backend, with the greedy plan of
  :func:`~optiops.allocation.greedy.greedy_allocation` as MIP start (backends that take one) and as
  the plan returned when the solver finds nothing better.  Exact; ``auto`` uses it up to
  ``full_max_vars`` variables.
- ``core`` (large days, :mod:`optiops.allocation.orders_core`): Lagrangian prices and bound, a
  price-directed start and a large neighbourhood search on the core of the model.  The plan is
  feasible for the whole model; its gap is measured against the Lagrangian bound.

Every plan is re-checked by :func:`~optiops.allocation.check_orders.check_orders`.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from optiops._logging import logger
from optiops.allocation.check_orders import check_orders, diagnose_orders
from optiops.allocation.facility import choose_backend
from optiops.allocation.greedy import greedy_allocation
from optiops.allocation.orders_core import solve_core
from optiops.allocation.orders_model import (
    GREEDY_RETRIES,
    LineVars,
    OrderModel,
    OrderModelOptions,
    Outcome,
    build_order_model,
    line_warehouses,
    start_vector,
)
from optiops.exceptions import InfeasibleError, SolverError
from optiops.model.orders import (
    OrderAllocationInstance,
    OrderAllocationPlan,
    OrderArrays,
    PlanSource,
    Shipments,
    order_arrays,
)
from optiops.solvers import MipBackend, MipOptions, MipResult, get_backend, relative_gap, solve_from
from optiops.solvers.linear import IntArray

__all__ = ["LineVars", "OrderModel", "OrderModelOptions", "build_order_model", "solve_orders"]


def solve_orders(
    inst: OrderAllocationInstance | OrderArrays,
    backend: str = "auto",
    options: MipOptions | None = None,
    model_options: OrderModelOptions | None = None,
) -> OrderAllocationPlan:
    """Allocate every order line to a warehouse at least cost and check the plan independently.

    Parameters
    ----------
    inst : OrderAllocationInstance or OrderArrays
        The instance (arrays for large generated instances).
    backend : str
        ``highs``, ``scip``, ``cbc``, ``cpsat`` or ``auto`` (see :func:`~optiops.allocation.choose_backend`).
    options : MipOptions, optional
        Time limit (of the whole search: Lagrangian steps and MIP; the model build comes on top),
        threads, relative gap, seed, backend parameters.
    model_options : OrderModelOptions, optional
        Method, line variables, MIP start, core settings.

    Returns
    -------
    OrderAllocationPlan
        The warehouse of every line; costs, parcels and splits as recomputed by the checker; status,
        bound and gap (the backend's with ``full``, the Lagrangian bound with ``core``);
        ``source="greedy"`` when the solver returned nothing better than the greedy plan, status
        ``no_solution`` when there is no plan at all.

    Raises
    ------
    InfeasibleError
        Before any solver runs for the causes of :func:`~optiops.allocation.check_orders.diagnose_orders`;
        after the solve when the solver proves that stock and capacity cannot be shared out in time.
    SolverError
        When the backend is unknown, unavailable or fails.
    """
    options = options or MipOptions()
    mo = model_options or OrderModelOptions()
    t0 = time.perf_counter()
    arr = order_arrays(inst)
    causes = diagnose_orders(arr)
    if causes:
        raise InfeasibleError("no plan can ship every order line:\n  " + "\n  ".join(c.message for c in causes),
                              [name for c in causes for name in c.culprits])  # fmt: skip
    mip = get_backend(choose_backend(backend))
    cand = arr.line_candidates
    multi = np.diff(arr.line_ptr) > 1
    n_full = int(cand.sum() + np.logical_or.reduceat(cand, arr.line_ptr[:-1], axis=0)[multi].sum())
    method = mo.method if mo.method != "auto" else "full" if n_full <= mo.full_max_vars else "core"
    if not mip.exact_continuous:  # CP-SAT only approximates continuous variables: keep every line binary
        mo = replace(mo, line_vars="binary")
    out = _solve_full(arr, mip, options, mo) if method == "full" else solve_core(arr, mip, options, mo)
    res = out.res
    status = res.status if out.source == "solver" else "feasible"
    plan = OrderAllocationPlan(
        instance=arr.name, status=status if out.line_wh is not None else "no_solution", source=out.source,
        method=method, backend=res.backend, time_limit_s=options.time_limit, solver_objective=res.objective,
        start_objective=out.start_cost, bound=out.bound, build_s=out.formulation_s + res.build_s,
        start_s=out.start_s, solve_s=res.solve_s + out.stats.get("lagrangian_s", 0.0),
        stats={"full_vars": n_full, **out.stats},
        shipments=_shipments(arr, out.line_wh) if out.line_wh is not None else Shipments(),
    )  # fmt: skip
    if out.line_wh is None:
        return plan.model_copy(update={"runtime_s": time.perf_counter() - t0})
    check = check_orders(arr, plan)
    if check.violations:
        logger.warning("%s plan for %s breaks %d rules: %s", mip.name, arr.name, len(check.violations),
                       "; ".join(check.violations[:3]))  # fmt: skip
    gap = relative_gap(check.objective, out.bound)
    if method == "core" and gap is not None and gap <= options.rel_gap and not check.violations:
        plan = plan.model_copy(update={"status": "optimal"})
    return plan.model_copy(update={
        "objective": check.objective, "handling_cost": check.handling_cost, "shipping_cost": check.shipping_cost,
        "split_cost": check.split_cost, "parcels": check.parcels, "split_orders": check.split_orders,
        "extra_parcels": check.extra_parcels, "violations": check.violations, "gap": gap,
        "runtime_s": time.perf_counter() - t0,
    })  # fmt: skip


def _solve_full(arr: OrderArrays, mip: MipBackend, options: MipOptions, mo: OrderModelOptions) -> Outcome:
    """The whole model on the backend, the greedy plan as start and fallback."""
    t1 = time.perf_counter()
    greedy = greedy_allocation(arr, retries=GREEDY_RETRIES)
    t2 = time.perf_counter()
    om = build_order_model(arr, mo.line_vars)
    formulation_s = time.perf_counter() - t2
    start = start_vector(arr, om, greedy.line_wh) if greedy.complete else None
    start_cost = om.model.objective(start) if start is not None else None
    res = solve_from(mip, om.model, options, start if mo.mip_start else None)
    _raise_on_failure(mip, res, arr)
    line_wh = line_warehouses(arr, om, res.x) if res.has_solution and res.x is not None else None
    source: PlanSource = "solver"
    if start_cost is not None and (res.objective is None or start_cost < res.objective - 1e-9):
        line_wh, source = greedy.line_wh, "greedy"
    stats = {"vars": float(om.model.n_vars), "rows": float(om.model.n_rows), "nonzeros": float(om.model.nnz)}
    return Outcome(line_wh, source, res, res.bound, start_cost, formulation_s, t2 - t1, stats)


def _raise_on_failure(mip: MipBackend, res: MipResult, arr: OrderArrays) -> None:
    """An infeasible or failed solve as our exception."""
    if res.status == "infeasible":
        raise InfeasibleError(f"{mip.name} proved that stock and handling capacity cannot be shared out so that "
                              "every line ships within its promise, although each SKU and the capacity suffice "
                              "in total; add stock near the zones of the next-day orders or capacity")  # fmt: skip
    if res.status in ("error", "unbounded"):
        raise SolverError(f"{mip.name} failed on {arr.name or 'the instance'}: {res.status} ({res.message})")


def _shipments(arr: OrderArrays, line_wh: IntArray) -> Shipments:
    """The plan's columns: one row per line, from its warehouse."""
    return Shipments(
        order=np.asarray(arr.order_ids, dtype=object)[arr.line_order].tolist(),
        sku=np.asarray(arr.sku_ids, dtype=object)[arr.line_sku].tolist(),
        warehouse=np.asarray(arr.warehouse_ids, dtype=object)[line_wh].tolist(), quantity=arr.line_qty.tolist(),
    )  # fmt: skip
