"""Suite families: what one suite ``kind`` runs, looked up by name like problem kinds and MIP backends.

A family turns a suite (its TOML file) into tasks: top-level functions of picklable arguments that
solve one case through :mod:`optiops.kinds`, re-check the plan with the kind's independent checker
and return one results row, never raising (:func:`case_row`). Families whose suite compares
methods side by side on one data set (forecast, inventory) run whole instead. Every module of this
package registers one family when imported, so a new suite family is one new module here.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from optiops.bench.suites import Suite, rounded, select_by_name
from optiops.exceptions import InfeasibleError, InstanceError

Row = dict[str, Any]
OnRow = Callable[[Row], None] | None


@dataclass(frozen=True)
class Task:
    """One solve of a suite: the function a worker runs and what identifies its row."""

    fn: Callable[..., Row]
    args: tuple[Any, ...]
    instance: str
    backend: str
    seed: int
    best_known: float | None


@dataclass(frozen=True)
class Tasks:
    """A suite's tasks, how many instances they cover and the worker count they want (``None``: cores)."""

    tasks: list[Task]
    n_instances: int
    workers: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class SuiteFamily:
    """How suites of one ``kind`` run. Subclass it, set ``kind``, implement :meth:`tasks` (or :meth:`run`)."""

    kind: ClassVar[str]
    needs_data: ClassVar[bool] = True  # generated instances need no data folder

    def tasks(
        self, suite: Suite, root: Path, select: str | None, backends: list[str] | None, seeds: int, limit: float
    ) -> Tasks:
        """The suite's tasks: one per case x backend x seed."""
        raise NotImplementedError

    def run(
        self, suite: Suite, root: Path, backends: list[str] | None, on_row: OnRow, peers: bool | Sequence[str] = False
    ) -> list[Row] | None:
        """Run the whole suite at once and return its rows, or ``None`` to run :meth:`tasks` instead.

        ``peers``: also score the ecosystem's models on the same split, all or those named (forecast suites).
        """
        return None

    def row_line(self, row: Row) -> str | None:
        """The line ``optiops bench run`` prints for a row as it finishes (``None``: none); by default a
        solve's status, objective and gap to the best known (or, without one, to the bound)."""
        gap = "n/a" if row["gap_pct"] is None else f"{row['gap_pct']:.2f}%"
        if row["gap_pct"] is None and row.get("mip_gap_pct") is not None:  # generated days: no best known
            gap = f"{row['mip_gap_pct']:.3f}% to the bound"
        extra = f" {row.get('error', '')}" if row["status"] == "error" else ""
        return (f"{row['instance']:>14} {row['backend']:>8} seed {row['seed']}: {row['status']:<11} "
                f"obj {row['objective']} gap {gap} ({row['runtime_s']:.1f} s){extra}")  # fmt: skip

    def closing_lines(self, rows: list[Row]) -> list[str]:
        """The suite's headline figures, printed by ``optiops bench run`` after every row; by default, per
        backend, the feasible rows and the mean gap (when every row has one)."""
        by_backend: dict[str, list[Row]] = {}
        for r in rows:
            by_backend.setdefault(r["backend"], []).append(r)
        lines = []
        for name, rs in by_backend.items():
            key = "gap_pct" if any(r["gap_pct"] is not None for r in rs) else "mip_gap_pct"
            gaps = [r[key] for r in rs if r.get(key) is not None]
            feasible = sum(bool(r["feasible"]) for r in rs)
            mean_gap = f"{sum(gaps) / len(gaps):.3f}%" if len(gaps) == len(rs) and gaps else "n/a (not all feasible)"
            mean_gap += " to the bound" if key == "mip_gap_pct" and gaps else ""
            lines.append(f"[bold]{rows[0]['suite']} {name}[/bold]: feasible {feasible}/{len(rs)}, mean gap {mean_gap}")
        return lines


_FAMILIES: dict[str, SuiteFamily] = {}
_DISCOVERED: list[bool] = []  # non-empty once every family module is imported


def register_family(family: SuiteFamily) -> None:
    """Add (or replace) ``family`` under ``family.kind``."""
    _FAMILIES[family.kind] = family


def get_family(kind: str) -> SuiteFamily:
    """The family of suites of ``kind``.

    Raises
    ------
    InstanceError
        When no family runs that kind (the message lists the known ones).
    """
    if not _DISCOVERED:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        _DISCOVERED.append(True)
    if kind not in _FAMILIES:
        raise InstanceError(f"unknown suite kind {kind!r}; one of {sorted(_FAMILIES)}")
    return _FAMILIES[kind]


def combos(suite: Suite, backends: list[str] | None, seeds: int) -> Iterator[tuple[str, int]]:
    """Every (backend, seed) of a run: the given backends (else the suite's) x seeds 1..``seeds``."""
    for b in backends or suite.backends:
        for s in range(1, seeds + 1):
            yield b, s


def case_row(
    row: Row, work: Callable[[Row], None], digits: int = 4, timed: bool = True, diagnosed: bool = False
) -> Row:
    """Run ``work(row)`` (solve, check, fill ``row``) and return ``row``; a failure becomes an error row.

    Any exception is recorded as ``status: error`` (one failing case must not end the suite); with
    ``diagnosed``, an infeasible instance is recorded as ``status: infeasible`` with its diagnosis and
    culprits. With ``timed``, ``runtime_s`` is the wall time of ``work`` rounded to ``digits``.
    """
    t0 = time.perf_counter()
    try:
        work(row)
    except InfeasibleError as exc:
        if not diagnosed:
            row.update(status="error", feasible=False, objective=None, error=f"{type(exc).__name__}: {exc}")
        else:
            row.update(status="infeasible", feasible=False, objective=None, diagnosis=str(exc), culprits=exc.culprits)
    except Exception as exc:  # one failing case must not end the suite; the row records it
        row.update(status="error", feasible=False, objective=None, error=f"{type(exc).__name__}: {exc}")
    if timed:
        row["runtime_s"] = round(time.perf_counter() - t0, digits)
    return row


def gap_pct(objective: float | None, best: float | None, digits: int = 4) -> float | None:
    """Percent above ``best`` (``None`` without an objective or a non-zero best)."""
    if objective is None or not best:
        return None
    return round(100.0 * (objective - best) / best, digits)


def named_cases(names: list[str], select: str | None, parse: Callable[[str], object]) -> list[str]:
    """A suite's instance names (each checked by ``parse``), optionally filtered by comma-separated names or globs.

    Raises
    ------
    InstanceError
        A name ``parse`` rejects, or ``select`` matches none.
    """
    for name in names:
        parse(name)
    chosen = select_by_name(list(names), lambda n: n, select)
    if not chosen:
        raise InstanceError(f"instances {select!r} match no instance of the suite")
    return list(chosen)


def generated_row(
    suite: str, instance: str, backend: str, time_limit: float, threads: int, seed: int, instance_seed: int,
    work: Callable[[Row], None],
) -> Row:  # fmt: skip
    """The row of one generated instance: ``work`` fills it (solve time is the plan's); no best known."""
    row: Row = {"suite": suite, "instance": instance, "backend": backend, "seed": seed,
                "instance_seed": instance_seed, "time_limit_s": time_limit, "threads": threads}  # fmt: skip
    case_row(row, work, timed=False)
    row.update(best_known=None, gap_pct=None)
    return row


class GeneratedFamily(SuiteFamily):
    """Suites of generated instances named by their sizes (``settings.instances``, ``settings.instance_seed``)."""

    needs_data = False

    @staticmethod
    def run_case(instance: str, backend: str, time_limit: float, threads: int, seed: int, instance_seed: int) -> Row:
        """One case's row (a top-level function, so workers can run it)."""
        raise NotImplementedError

    def parse(self, name: str) -> object:
        """The sizes ``name`` stands for; raise :class:`InstanceError` for a malformed name."""
        raise NotImplementedError

    def threads(self, suite: Suite) -> int:
        """Threads of one solve (more than one: one solve per worker)."""
        return 1

    def tasks(
        self, suite: Suite, root: Path, select: str | None, backends: list[str] | None, seeds: int, limit: float
    ) -> Tasks:
        names = named_cases(suite.settings.get("instances", []), select, self.parse)
        instance_seed = int(suite.settings.get("instance_seed", 1))
        threads = self.threads(suite)
        tasks = [
            Task(self.run_case, (name, b, limit, threads, s, instance_seed), name, b, s, None)
            for name in names
            for b, s in combos(suite, backends, seeds)
        ]
        return Tasks(tasks, len(names), workers=1 if threads > 1 else None)


def usable(plan: Any, check: Any) -> bool:
    """Whether the checker passes ``plan`` and its solver says it found one (the row's ``feasible``)."""
    return bool(check.feasible) and plan.status in ("optimal", "feasible")


def mip_fields(plan: Any, check: Any, runtime_s: float | None, gap: float | None) -> Row:
    """The row fields of a MIP solve: status, checked objective, bound and gap (percent), build/solve split."""
    feasible = usable(plan, check)
    return {
        "status": plan.status, "feasible": feasible, "objective": check.objective if feasible else None,
        "bound": plan.bound, "mip_gap_pct": None if gap is None or not feasible else round(100.0 * gap, 4),
        "build_s": rounded(plan.build_s), "solve_s": rounded(plan.solve_s), "runtime_s": rounded(runtime_s),
        "build_share": rounded((plan.build_s or 0.0) / max(runtime_s or 0.0, 1e-9)), "backend_used": plan.backend,
        "violations": check.violations[:5],
    }  # fmt: skip
