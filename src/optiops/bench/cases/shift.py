"""The ``shift-benchmark`` suite: CP-SAT rostering on the Shift Scheduling Benchmark (instances 1-24).

Cases come from ``bounds.csv`` in the data folder (columns ``instance, file, days, ub, lb``): the best
known penalty (``ub``, a feasible roster's) and the best proven lower bound (``lb``, may be empty).
Every roster is re-checked by :func:`optiops.labour.check.check_roster`; a roster below ``lb`` is
flagged, since it means our model or checker differs from the benchmark's.
:func:`run_shift_case` is a plain top-level function of picklable arguments, so the suite runner
can fan cases out through :mod:`optiops.parallel`; :func:`run_shift` runs them one after the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optiops.bench.cases import Row, SuiteFamily, Task, Tasks, case_row, combos, gap_pct, register_family, usable
from optiops.bench.suites import Suite, read_case_rows, select_by_name
from optiops.exceptions import InstanceError

SUITE = "shift-benchmark"
BOUNDS_FILE = "bounds.csv"


@dataclass(frozen=True)
class ShiftCase:
    """One row of ``bounds.csv``: an instance, its file and its published bounds."""

    instance: str
    file: Path
    ub: float | None
    lb: float | None


def shift_cases(data_dir: str | Path, select: str | None = None) -> list[ShiftCase]:
    """The cases listed in ``<data_dir>/bounds.csv``, optionally filtered.

    Parameters
    ----------
    data_dir : str or Path
        Folder holding ``InstanceN.txt`` and ``bounds.csv`` (e.g. ``../shared/benchmarks/shift``).
    select : str, optional
        Comma-separated names or glob patterns (``Instance1,Instance1?``).

    Returns
    -------
    list of ShiftCase
        In the order of the CSV file.
    """
    folder = Path(data_dir)
    cases, path = read_case_rows(
        folder,
        BOUNDS_FILE,
        lambda row: ShiftCase(row["instance"], folder / row["file"], _number(row["ub"]), _number(row["lb"])),
    )
    cases = select_by_name(cases, lambda c: c.instance, select)
    if not cases:
        raise InstanceError(f"instances {select!r} match no case of {path}")
    return cases


def run_shift_case(
    file: str, instance_name: str, ub: float | None, lb: float | None, time_limit: float, workers: int = 2,
    seed: int = 1,
) -> dict[str, Any]:  # fmt: skip
    """Roster one instance with CP-SAT and re-check the roster; never raises.

    Parameters
    ----------
    file : str
        ``InstanceN.txt``.
    instance_name : str
        Row name.
    ub, lb : float or None
        Best known penalty and best proven lower bound.
    time_limit : float
        Seconds for the solve.
    workers : int
        CP-SAT workers.
    seed : int
        Random seed.

    Returns
    -------
    dict
        One benchmark row: suite, instance, backend ('cpsat'), seed, time_limit_s, status, feasible
        (by the checker), objective (checker's penalty), best_known (ub), lower_bound (lb), gap_pct
        (to ub, percent), below_lower_bound, runtime_s; also solver_objective, objective_matches,
        bound, solver_gap, penalties, lns statistics, and ``error`` (or ``diagnosis`` for an
        infeasible instance) when there is no roster.
    """
    from optiops import kinds
    from optiops.io.shift import read_shift_text

    kind = kinds.get_kind("roster")

    def work(row: Row) -> None:
        inst = read_shift_text(file, name=instance_name)
        plan = kind.solve(inst, kinds.Options(time_limit=time_limit, threads=workers, seed=seed)).plan
        check = kind.check(inst, plan).detail  # the roster checker's own verdict: an integer penalty
        feasible = usable(plan, check)
        row.update(
            status=plan.status, feasible=feasible, objective=check.objective if feasible else None,
            solver_objective=plan.solver_objective, objective_matches=plan.solver_objective == check.objective,
            bound=plan.bound, solver_gap=plan.gap, penalties=plan.penalties.model_dump() if plan.penalties else None,
            lns_iterations=plan.stats.get("lns_iterations"), violations=check.violations[:5],
            first_roster="fallback" if "fallback_objective" in plan.stats else "cpsat",
        )  # fmt: skip

    row: dict[str, Any] = {"suite": SUITE, "instance": instance_name, "backend": "cpsat", "seed": seed,
                           "time_limit_s": time_limit, "workers": workers}  # fmt: skip
    case_row(row, work, digits=3, diagnosed=True)
    row["best_known"], row["lower_bound"] = ub, lb
    obj = row.get("objective")
    row["gap_pct"] = gap_pct(obj, ub)
    row["below_lower_bound"] = obj is not None and lb is not None and obj < lb
    return row


def run_shift(
    data_dir: str | Path, time_limit: float = 60.0, select: str | None = None, workers: int = 2, seed: int = 1,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Run every selected case, one at a time.

    Parameters
    ----------
    data_dir : str or Path
        Folder with the instance files and ``bounds.csv``.
    time_limit : float
        Seconds per solve.
    select : str, optional
        Comma-separated names or glob patterns of instances.
    workers : int
        CP-SAT workers per solve.
    seed : int
        Random seed.
    on_row : callable, optional
        Called with each row as it is produced.

    Returns
    -------
    list of dict
        One row per case (see :func:`run_shift_case`).
    """
    rows = []
    for case in shift_cases(data_dir, select):
        row = run_shift_case(str(case.file), case.instance, case.ub, case.lb, time_limit, workers, seed)
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def _number(text: str | None) -> float | None:
    """A float, or None for an empty cell."""
    text = (text or "").strip()
    return float(text) if text else None


class ShiftFamily(SuiteFamily):
    kind = "roster"

    def tasks(
        self, suite: Suite, root: Path, select: str | None, backends: list[str] | None, seeds: int, limit: float
    ) -> Tasks:
        cases = shift_cases(root / suite.data, select)
        threads = int(suite.settings.get("num_workers", 2))
        tasks = [
            Task(run_shift_case, (str(c.file), c.instance, c.ub, c.lb, limit, threads, s), c.instance, b, s, c.ub)
            for c in cases
            for b, s in combos(suite, backends, seeds)
        ]
        return Tasks(tasks, len(cases), workers=1)  # each solve already runs `num_workers` CP-SAT workers


register_family(ShiftFamily())
