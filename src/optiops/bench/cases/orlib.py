"""The ``allocation-orlib`` suite: OR-Library capacitated warehouse location on every MIP backend.

Cases come from ``optima.csv`` in the data folder (one row per instance name, e.g. ``cap41`` or
``capa-8000`` = ``capa.txt`` with every capacity 8000), so rows carry the published optimum.
:func:`run_orlib_case` is a plain top-level function of picklable arguments, so the suite runner can
fan cases out through :mod:`optiops.parallel`; :func:`run_orlib` runs them one after the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from optiops.bench.cases import Row, SuiteFamily, Task, Tasks, case_row, combos, register_family, usable
from optiops.bench.suites import Suite, read_case_rows, rounded, select_by_name
from optiops.exceptions import InstanceError

if TYPE_CHECKING:
    from optiops.allocation.facility import Presolve

SUITE = "allocation-orlib"
OPTIMA_FILE = "optima.csv"


@dataclass(frozen=True)
class OrlibCase:
    """One row of ``optima.csv``: an instance name, its file, capacity override and published optimum."""

    instance: str
    file: Path
    capacity: float | None
    optimal_cost: float


def orlib_cases(data_dir: str | Path, select: str | None = None) -> list[OrlibCase]:
    """The cases listed in ``<data_dir>/optima.csv``, optionally filtered.

    Parameters
    ----------
    data_dir : str or Path
        Folder holding the ``cap*.txt`` files and ``optima.csv`` (e.g. ``../shared/benchmarks/facility``).
    select : str, optional
        Comma-separated names or glob patterns (``cap4*,capa-*``).

    Returns
    -------
    list of OrlibCase
        In the order of the CSV file.
    """
    folder = Path(data_dir)

    def case(row: dict[str, str]) -> OrlibCase:
        cap = row["capacity_override"].strip()
        return OrlibCase(row["instance"], folder / row["file"], float(cap) if cap else None, float(row["optimal_cost"]))

    cases, path = read_case_rows(folder, OPTIMA_FILE, case)
    cases = select_by_name(cases, lambda c: c.instance, select)
    if not cases:
        raise InstanceError(f"instances {select!r} match no case of {path}")
    return cases


def run_orlib_case(
    file: str, capacity: float | None, instance: str, optimal_cost: float | None, backend: str,
    time_limit: float, threads: int = 1, seed: int = 1, presolve: Presolve = "lagrangian",
) -> dict[str, Any]:  # fmt: skip
    """Solve one case and re-check the plan with the independent checker; never raises.

    Parameters
    ----------
    file : str
        OR-Library file.
    capacity : float or None
        Capacity override (``capa``-``capc``).
    instance : str
        Row name (``capa-8000``).
    optimal_cost : float or None
        Published optimum, for ``gap_pct``.
    backend : str
        MIP backend or ``auto``.
    time_limit : float
        Seconds for the solver.
    threads, seed : int
        Passed to :class:`~optiops.solvers.MipOptions`.
    presolve : {"lagrangian", "off"}
        Passed to :func:`~optiops.allocation.facility.solve_facility` (the suite setting ``presolve``).

    Returns
    -------
    dict
        One benchmark row: suite, instance, backend, time_limit_s, status, feasible, objective,
        best_known, gap_pct (to the published optimum, percent), at_optimum, bound, mip_gap,
        build_s, solve_s, runtime_s, presolve and the plan's ``stats`` (see
        :func:`~optiops.allocation.facility.solve_facility`), and ``error`` when the case failed.
    """
    from optiops import kinds
    from optiops.io.orlib import read_orlib_cap

    kind = kinds.get_kind("facility")
    options = kinds.Options(backend=backend, time_limit=time_limit, threads=threads, seed=seed, presolve=presolve)

    def work(row: Row) -> None:
        inst = read_orlib_cap(file, capacity, name=instance)
        plan = kind.solve(inst, options).plan
        check = kind.check(inst, plan)
        feasible = usable(plan, check)
        row.update(
            status=plan.status, feasible=feasible, objective=check.objective if feasible else None,
            solver_objective=plan.solver_objective, backend_used=plan.backend, open=len(plan.open),
            bound=plan.bound, mip_gap=plan.gap, build_s=rounded(plan.build_s), solve_s=rounded(plan.solve_s),
            violations=check.violations[:5], stats={k: rounded(v) for k, v in plan.stats.items()},
        )  # fmt: skip

    row: dict[str, Any] = {"suite": SUITE, "instance": instance, "backend": backend, "time_limit_s": time_limit,
                           "seed": seed, "threads": threads, "presolve": presolve}  # fmt: skip
    case_row(row, work)
    row["best_known"] = optimal_cost
    obj = row.get("objective")
    if obj is not None and optimal_cost:
        row["gap_pct"] = round(100.0 * (obj - optimal_cost) / optimal_cost, 6)
        row["at_optimum"] = abs(obj - optimal_cost) <= 0.01 + 1e-8 * abs(optimal_cost)
    else:
        row["gap_pct"], row["at_optimum"] = None, False
    return row


def run_orlib(
    data_dir: str | Path,
    backends: Sequence[str] = ("auto",),
    time_limit: float = 60.0,
    select: str | None = None,
    threads: int = 1,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Run every selected case on every backend, one at a time.

    Parameters
    ----------
    data_dir : str or Path
        Folder with the OR-Library files and ``optima.csv``.
    backends : sequence of str
        Backend names (``highs``, ``scip``, ``cbc``, ``cpsat``, ``auto``).
    time_limit : float
        Seconds per solve.
    select : str, optional
        Comma-separated names or glob patterns of instances.
    threads : int
        Threads per solve.
    on_row : callable, optional
        Called with each row as it is produced.

    Returns
    -------
    list of dict
        One row per case and backend (see :func:`run_orlib_case`).
    """
    rows = []
    for case in orlib_cases(data_dir, select):
        for backend in backends:
            row = run_orlib_case(str(case.file), case.capacity, case.instance, case.optimal_cost, backend,
                                 time_limit, threads)  # fmt: skip
            rows.append(row)
            if on_row is not None:
                on_row(row)
    return rows


class OrlibFamily(SuiteFamily):
    kind = "facility"

    def tasks(
        self, suite: Suite, root: Path, select: str | None, backends: list[str] | None, seeds: int, limit: float
    ) -> Tasks:
        presolve = str(suite.settings.get("presolve", "lagrangian"))
        if presolve not in ("lagrangian", "off"):
            raise InstanceError(f"suite {suite.name}: presolve must be 'lagrangian' or 'off', got {presolve!r}")
        cases = orlib_cases(root / suite.data, select)
        tasks = [
            Task(run_orlib_case, (str(c.file), c.capacity, c.instance, c.optimal_cost, b, limit, 1, s, presolve),
                 c.instance, b, s, c.optimal_cost)
            for c in cases
            for b, s in combos(suite, backends, seeds)
        ]  # fmt: skip
        return Tasks(tasks, len(cases))


register_family(OrlibFamily())
