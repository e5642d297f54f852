"""The ``allocation-placement`` benchmark: generated inventory-placement instances on every MIP backend.

An instance name ``placement-<skus>x<warehouses>x<zones>`` stands for
:func:`~optiops.allocation.placement.generate_placement` with those sizes and the suite's
``instance_seed``, so every run solves the same instances and needs no data folder. No optimum is
published: rows carry the gap to the backend's own bound (``mip_gap_pct``), like the generated order
days of ``allocation-orders``. :func:`run_placement_case` is a plain top-level function of picklable
arguments, so the suite runner can fan cases out through :mod:`optiops.parallel`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from optiops.bench.suites import rounded, select_by_name
from optiops.exceptions import InstanceError

SUITE = "allocation-placement"
_CASE = re.compile(r"^placement-(\d+)x(\d+)x(\d+)$")


def placement_case(name: str) -> tuple[int, int, int]:
    """The sizes ``(skus, warehouses, zones)`` a suite instance name stands for.

    Raises
    ------
    InstanceError
        When ``name`` is not of the form ``placement-<skus>x<warehouses>x<zones>``.
    """
    match = _CASE.match(name)
    if match is None or min(int(g) for g in match.groups()) < 1:
        raise InstanceError(
            f"instance {name!r} is not of the form placement-<skus>x<warehouses>x<zones> (e.g. placement-100x5x20)"
        )
    return int(match[1]), int(match[2]), int(match[3])


def placement_suite_cases(names: list[str], select: str | None = None) -> list[str]:
    """The suite's instance names (each checked), optionally filtered by comma-separated names or globs."""
    for name in names:
        placement_case(name)
    chosen = select_by_name(list(names), lambda n: n, select)
    if not chosen:
        raise InstanceError(f"instances {select!r} match no instance of the suite")
    return list(chosen)


def run_placement_case(
    instance: str, backend: str, time_limit: float, threads: int = 1, seed: int = 1, instance_seed: int = 1
) -> dict[str, Any]:
    """Generate one suite instance, solve it and re-check the plan with the independent checker; never raises.

    Parameters
    ----------
    instance : str
        Suite instance name (see :func:`placement_case`).
    backend : str
        MIP backend or ``auto``.
    time_limit : float
        Seconds for the solver.
    threads, seed : int
        Passed to :class:`~optiops.solvers.MipOptions`.
    instance_seed : int
        Seed of the generator (fixed per suite).

    Returns
    -------
    dict
        One benchmark row: suite, instance, backend, seed, instance_seed, time_limit_s, status, feasible,
        objective (the checker's), bound, mip_gap_pct (to the backend's bound, percent), build_s, solve_s,
        runtime_s, build_share, split_rate, stocked (SKU x warehouse pairs), method and primary_rounds
        (:func:`~optiops.allocation.placement.solve_placement`; fixed primaries: the Lagrangian bound), skus,
        warehouses, zones, and ``error`` when the case failed.
    """
    from optiops.allocation.check_placement import check_placement
    from optiops.allocation.placement import generate_placement, solve_placement
    from optiops.solvers import MipOptions, relative_gap

    row: dict[str, Any] = {"suite": SUITE, "instance": instance, "backend": backend, "seed": seed,
                           "instance_seed": instance_seed, "time_limit_s": time_limit, "threads": threads}  # fmt: skip
    try:
        skus, warehouses, zones = placement_case(instance)
        row.update(skus=skus, warehouses=warehouses, zones=zones)
        inst = generate_placement(skus, warehouses, zones, seed=instance_seed, name=instance)
        t0 = time.perf_counter()
        plan = solve_placement(inst, backend, MipOptions(time_limit=time_limit, threads=threads, seed=seed))
        runtime = time.perf_counter() - t0
        check = check_placement(inst, plan)
        feasible = check.feasible and plan.status in ("optimal", "feasible")
        gap = relative_gap(check.objective, plan.bound) if feasible else None
        row.update(
            status=plan.status, feasible=feasible, objective=check.objective if feasible else None,
            bound=plan.bound, mip_gap_pct=None if gap is None else round(100.0 * gap, 4),
            build_s=rounded(plan.build_s), solve_s=rounded(plan.solve_s),
            runtime_s=rounded(runtime), build_share=rounded((plan.build_s or 0.0) / max(runtime, 1e-9)),
            backend_used=plan.backend, split_rate=check.split_rate if feasible else None,
            stocked=len(plan.stocked), method=plan.method, primary_rounds=plan.primary_rounds,
            violations=check.violations[:5],
        )  # fmt: skip
    except Exception as exc:  # one failing case must not end the suite; the row records it
        row.update(status="error", feasible=False, objective=None, error=f"{type(exc).__name__}: {exc}")
    row.update(best_known=None, gap_pct=None)
    return row
