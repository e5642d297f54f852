"""The ``allocation-placement`` suite: generated inventory-placement instances on every MIP backend.

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

from optiops.bench.cases import GeneratedFamily, Row, generated_row, mip_fields, named_cases, register_family
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
    return named_cases(names, select, placement_case)


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
    from optiops import kinds
    from optiops.allocation.placement import generate_placement
    from optiops.solvers import relative_gap

    kind = kinds.get_kind("placement")

    def work(row: Row) -> None:
        skus, warehouses, zones = placement_case(instance)
        row.update(skus=skus, warehouses=warehouses, zones=zones)
        inst = generate_placement(skus, warehouses, zones, seed=instance_seed, name=instance)
        t0 = time.perf_counter()
        plan = kind.solve(inst, kinds.Options(backend=backend, time_limit=time_limit, threads=threads, seed=seed)).plan
        runtime = time.perf_counter() - t0
        check = kind.check(inst, plan)
        row.update(mip_fields(plan, check, runtime, relative_gap(check.objective, plan.bound)))
        row.update(split_rate=check.detail.split_rate if row["feasible"] else None, stocked=len(plan.stocked),
                   method=plan.method, primary_rounds=plan.primary_rounds)  # fmt: skip

    return generated_row(SUITE, instance, backend, time_limit, threads, seed, instance_seed, work)


class PlacementFamily(GeneratedFamily):
    kind = "placement"
    run_case = staticmethod(run_placement_case)

    def parse(self, name: str) -> object:
        return placement_case(name)


register_family(PlacementFamily())
