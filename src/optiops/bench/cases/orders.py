"""The ``allocation-orders`` suite: generated order days (``orders-<n>[k]-<w>w``) on every MIP backend.

An instance name stands for :func:`~optiops.allocation.generate.generate_orders` with those sizes and
the suite's ``instance_seed``, so every run solves the same days and needs no data folder. No optimum
is known: rows carry the gap to the best bound (``mip_gap_pct``).
"""

from __future__ import annotations

import re
import time
from typing import Any

from optiops.allocation.generate import OrderGeneratorConfig, generate_orders
from optiops.bench.cases import GeneratedFamily, Row, generated_row, mip_fields, named_cases, register_family
from optiops.bench.suites import Suite, rounded
from optiops.exceptions import InstanceError

SUITE = "allocation-orders"
_CASE = re.compile(r"^orders-(\d+)(k?)-(\d+)w$")


def order_case(name: str) -> OrderGeneratorConfig:
    """The generator configuration a suite instance name stands for.

    Parameters
    ----------
    name : str
        ``orders-<n>[k]-<w>w``, e.g. ``orders-100k-20w`` (100,000 orders over 20 warehouses).

    Returns
    -------
    OrderGeneratorConfig
        Default parameters with those sizes.
    """
    match = _CASE.match(name)
    if match is None:
        raise InstanceError(f"instance {name!r} is not of the form orders-<n>[k]-<w>w (e.g. orders-10k-10w)")
    return OrderGeneratorConfig(n_orders=int(match[1]) * (1000 if match[2] else 1), n_warehouses=int(match[3]))


def suite_cases(names: list[str], select: str | None = None) -> list[str]:
    """The suite's instance names (each checked), optionally filtered by comma-separated names or globs."""
    return named_cases(names, select, order_case)


def run_orders_case(instance: str, backend: str, time_limit: float, threads: int = 1, seed: int = 1,
                    instance_seed: int = 1) -> dict[str, Any]:  # fmt: skip
    """Generate one suite instance, solve it and re-check the plan with the independent checker; never raises.

    Parameters
    ----------
    instance : str
        Suite instance name (see :func:`order_case`).
    backend : str
        MIP backend or ``auto``.
    time_limit : float
        Seconds of search (the model build comes on top).
    threads, seed : int
        Passed to :class:`~optiops.solvers.MipOptions`.
    instance_seed : int
        Seed of the generator (fixed per suite, so every run solves the same day).

    Returns
    -------
    dict
        One benchmark row: suite, instance, backend, seed, time_limit_s, status, feasible and objective
        (the checker's), bound, mip_gap_pct (to the best bound, percent), build_s, solve_s, runtime_s
        (the solve, generation excluded), build_share (build_s / runtime_s), method, source,
        start_objective, parcels, split_orders, generate_s, and ``error`` when the case failed.
    """
    from optiops import kinds
    from optiops.kernels import warmup

    kind = kinds.get_kind("order-allocation")

    def work(row: Row) -> None:
        t0 = time.perf_counter()
        arr = generate_orders(order_case(instance), seed=instance_seed, name=instance)
        row.update(generate_s=rounded(time.perf_counter() - t0), orders=arr.n_orders, lines=arr.n_lines)
        warmup()  # load the numba kernels outside the time limit
        plan = kind.solve(arr, kinds.Options(backend=backend, time_limit=time_limit, threads=threads, seed=seed)).plan
        check = kind.check(arr, plan)
        row.update(mip_fields(plan, check, plan.runtime_s, plan.gap))
        row.update(method=plan.method, source=plan.source, start_objective=plan.start_objective,
                   parcels=check.detail.parcels, split_orders=check.detail.split_orders, stats=plan.stats)  # fmt: skip

    return generated_row(SUITE, instance, backend, time_limit, threads, seed, instance_seed, work)


class OrdersFamily(GeneratedFamily):
    kind = "orders"
    run_case = staticmethod(run_orders_case)

    def parse(self, name: str) -> object:
        return order_case(name)

    def threads(self, suite: Suite) -> int:
        return int(suite.settings.get("threads", 1))  # the core method's neighbourhoods solved at once


register_family(OrdersFamily())
