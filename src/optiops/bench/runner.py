"""Run a suite: one task per instance x backend x seed, fanned out through :mod:`optiops.parallel`."""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from pathlib import Path
from typing import Any

from optiops.bench.cases import Task, get_family
from optiops.bench.suites import REPO_ROOT, Suite, data_root, load_suite
from optiops.io.atomic import write_text
from optiops.parallel import ExecutorKind, make_executor

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
        commit = out.stdout.strip() or "unknown"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=5,
        ).stdout.strip()  # fmt: skip
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    """Shortest wall time (seconds) of ``repeats`` calls of ``fn`` (the micro-benchmarks' timing rule)."""
    times = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def machine() -> str:
    return f"{platform.node()} {platform.machine()} {platform.processor() or ''}".strip()


def versions() -> dict[str, str]:
    from optiops.versions import package_versions

    return package_versions(["optiops", "ortools", "pyvrp", "highspy", "pulp", "numba", "numpy"])


def run_suite(
    name: str,
    backends: list[str] | None = None,
    time_limit: float | None = None,
    seeds: int | None = None,
    instances: str | None = None,
    data: str | Path | None = None,
    executor: ExecutorKind = "process",
    workers: int | None = None,
    address: str | None = None,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    peers: bool | Sequence[str] = False,
) -> list[dict[str, Any]]:
    """Run a suite and return its rows (also passed to ``on_row`` as each finishes, so a caller
    can store them at once; a task whose worker dies becomes an error row). ``peers``: forecast
    suites also score statsforecast's models on the same split (all, or those named).

    The suite's ``kind`` names its family (:mod:`optiops.bench.cases`), which makes the tasks.
    """
    suite = load_suite(name)
    family = get_family(suite.kind)
    root = data_root(data) if family.needs_data else Path()  # generated instances need no data folder
    rows = family.run(suite, root, backends, on_row, peers=peers)
    if rows is not None:
        return rows
    limit = time_limit if time_limit is not None else suite.time_limit_s
    planned = family.tasks(suite, root, instances, backends, seeds or suite.seeds, limit)
    common = {
        "suite": suite.name, "time_limit_s": limit, "commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(),
        "versions": versions(), "run_id": uuid.uuid4().hex[:12], "n_instances": planned.n_instances,
    }  # fmt: skip
    return _fan_out(planned.tasks, common, executor, workers or planned.workers, on_row, address)


def _fan_out(
    tasks: list[Task], common: dict[str, Any], executor: ExecutorKind, workers: int | None,
    on_row: Callable[[dict[str, Any]], None] | None, address: str | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    rows: list[dict[str, Any]] = []
    with make_executor(executor, workers, address=address) as pool:
        futures = {pool.submit(t.fn, *t.args): t for t in tasks}
        for fut in as_completed(futures):
            try:
                result = fut.result()
            except Exception as exc:  # a crashed worker (BrokenProcessPool) must not lose the other rows
                t = futures[fut]
                result = {"instance": t.instance, "backend": t.backend, "seed": t.seed, "status": "error",
                          "feasible": False, "objective": None, "gap_pct": None, "best_known": t.best_known,
                          "runtime_s": 0.0, "error": f"{type(exc).__name__}: {exc}"}  # fmt: skip
            row = {**common, **result}
            rows.append(row)
            if on_row is not None:
                on_row(row)
    rows.sort(key=lambda r: (r["backend"], r["instance"], r["seed"]))
    return rows


def table_rows(table: Any, suite: Suite, on_row: Callable[[dict[str, Any]], None] | None) -> list[dict[str, Any]]:
    """Rows of a side-by-side comparison table, stamped with suite, commit, date, machine, versions, run id."""
    from optiops.forecast.bench import result_rows

    rows = result_rows(
        table, suite=suite.name, commit=git_commit(), date=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        machine=machine(), versions=versions(), run_id=uuid.uuid4().hex[:12],
    )  # fmt: skip
    for row in rows:
        if on_row is not None:
            on_row(row)
    return rows


def append_rows(rows: list[dict[str, Any]], path: Path) -> None:
    """Append JSON lines to ``path`` (rewritten atomically)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    new = "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)
    write_text(path, old + new)


def results_file(suite: str) -> Path:
    return RESULTS_DIR / f"{suite}.jsonl"
