"""Run a suite: one task per instance x backend x seed, fanned out through :mod:`optiops.parallel`."""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optiops.bench.suites import REPO_ROOT, Suite, best_known, data_root, load_suite, suite_instances
from optiops.exceptions import InstanceError
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


def run_routing_task(
    path: str, rounding: str | None, backend: str, seed: int, time_limit: float, bks: float | None
) -> dict[str, Any]:
    """Solve one instance and re-check the plan with the evaluator (runs in a worker)."""
    import optiops
    from optiops.routing import SolveOptions

    row: dict[str, Any] = {"instance": Path(path).stem, "backend": backend, "seed": seed}
    t0 = time.perf_counter()
    try:
        inst = optiops.load(path, rounding=rounding)  # type: ignore[arg-type]
        res = optiops.solve(inst, options=SolveOptions(backend=backend, time_limit=time_limit, seed=seed))
        check = optiops.evaluate(inst, res.plan)
        feasible = check.feasible and res.plan.status == "feasible"
        objective = check.objective if feasible else None
        row.update(
            status=res.plan.status, feasible=feasible, objective=objective,
            solver_objective=res.plan.solver_objective, backend_used=res.plan.backend,
            objective_matches=_matches(res.plan.solver_objective, check.objective), routes=len(res.plan.routes),
            runtime_s=round(time.perf_counter() - t0, 3), solve_s=round(res.plan.runtime_s or 0.0, 3),
        )  # fmt: skip
    except Exception as exc:  # one failing instance must not end the suite; the row records it
        row.update(status="error", feasible=False, objective=None, error=f"{type(exc).__name__}: {exc}",
                   runtime_s=round(time.perf_counter() - t0, 3))  # fmt: skip
    row["best_known"] = bks
    if row.get("objective") is not None and bks:
        row["gap_pct"] = round(100.0 * (row["objective"] - bks) / bks, 4)
    else:
        row["gap_pct"] = None
    return row


def _matches(solver: float | None, evaluator: float) -> bool | None:
    """Does the backend's own objective equal the evaluator's (to 1e-6 relative)?"""
    if solver is None:
        return None
    return abs(solver - evaluator) <= 1e-6 * max(1.0, abs(evaluator))


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
    peers: bool = False,
) -> list[dict[str, Any]]:
    """Run a suite and return its rows (also passed to ``on_row`` as each finishes, so a caller
    can store them at once; a task whose worker dies becomes an error row). ``peers``: forecast
    suites also score statsforecast's models on the same split."""
    suite = load_suite(name)
    generated = suite.kind in ("orders", "placement")
    root = data_root(data) if not generated else Path()  # generated instances need no data folder
    if suite.kind == "forecast":
        return run_forecast_suite(suite, root, backends, on_row, peers)
    if suite.kind == "inventory":
        return run_inventory_suite(suite, root, on_row)
    limit = time_limit if time_limit is not None else suite.time_limit_s
    n_seeds = seeds or suite.seeds
    tasks: list[Task] = []
    if suite.kind == "orders":
        from optiops.allocation.generate import run_orders_case, suite_cases

        names = suite_cases(suite.settings.get("instances", []), instances)
        instance_seed = int(suite.settings.get("instance_seed", 1))
        order_threads = int(suite.settings.get("threads", 1))
        for inst_name in names:
            for b, s in _combos(suite, backends, n_seeds):
                orders_args = (inst_name, b, limit, order_threads, s, instance_seed)
                tasks.append(Task(run_orders_case, orders_args, inst_name, b, s, None))
        n_instances = len(names)
        if order_threads > 1:
            workers = workers or 1  # each solve already runs `threads` neighbourhoods at once
    elif suite.kind == "placement":
        from optiops.allocation.placement_bench import placement_suite_cases, run_placement_case

        names = placement_suite_cases(suite.settings.get("instances", []), instances)
        instance_seed = int(suite.settings.get("instance_seed", 1))
        for inst_name in names:
            for b, s in _combos(suite, backends, n_seeds):
                placement_args = (inst_name, b, limit, 1, s, instance_seed)
                tasks.append(Task(run_placement_case, placement_args, inst_name, b, s, None))
        n_instances = len(names)
    elif suite.kind == "facility":
        from optiops.allocation.bench import orlib_cases, run_orlib_case

        cases = orlib_cases(root / suite.data, instances)
        presolve = str(suite.settings.get("presolve", "lagrangian"))
        if presolve not in ("lagrangian", "off"):
            raise InstanceError(f"suite {suite.name}: presolve must be 'lagrangian' or 'off', got {presolve!r}")
        for c in cases:
            for b, s in _combos(suite, backends, n_seeds):
                orlib_args = (str(c.file), c.capacity, c.instance, c.optimal_cost, b, limit, 1, s, presolve)
                tasks.append(Task(run_orlib_case, orlib_args, c.instance, b, s, c.optimal_cost))
        n_instances = len(cases)
    elif suite.kind == "roster":
        from optiops.labour.bench import run_shift_case, shift_cases

        shift = shift_cases(root / suite.data, instances)
        threads = int(suite.settings.get("num_workers", 2))
        for sc in shift:
            for b, s in _combos(suite, backends, n_seeds):
                shift_args = (str(sc.file), sc.instance, sc.ub, sc.lb, limit, threads, s)
                tasks.append(Task(run_shift_case, shift_args, sc.instance, b, s, sc.ub))
        n_instances = len(shift)
        workers = workers or 1  # each solve already runs `threads` CP-SAT workers
    else:
        files = suite_instances(suite, root, instances)
        bks = best_known(suite, root)
        for f in files:
            for b, s in _combos(suite, backends, n_seeds):
                routing_args = (str(f), suite.rounding, b, s, limit, bks.get(f.stem))
                tasks.append(Task(run_routing_task, routing_args, f.stem, b, s, bks.get(f.stem)))
        n_instances = len(files)
    common = {
        "suite": suite.name, "time_limit_s": limit, "commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(),
        "versions": versions(), "run_id": uuid.uuid4().hex[:12], "n_instances": n_instances,
    }  # fmt: skip
    return _fan_out(tasks, common, executor, workers, on_row, address)


@dataclass(frozen=True)
class Task:
    """One solve of a suite: the function a worker runs and what identifies its row."""

    fn: Callable[..., dict[str, Any]]
    args: tuple[Any, ...]
    instance: str
    backend: str
    seed: int
    best_known: float | None


def _combos(suite: Suite, backends: list[str] | None, seeds: int) -> Iterator[tuple[str, int]]:
    for b in backends or suite.backends:
        for s in range(1, seeds + 1):
            yield b, s


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


def run_forecast_suite(
    suite: Suite,
    root: Path,
    models: list[str] | None,
    on_row: Callable[[dict[str, Any]], None] | None,
    peers: bool = False,
) -> list[dict[str, Any]]:
    """Forecast suites score every model side by side on one held-out split (one row per model x group).

    ``settings.dataset`` names the data set: ``carparts`` (a long-format history file) or ``m5`` (the
    M5 folder with its calendar and prices).
    """
    from optiops.forecast import Backtest
    from optiops.forecast.bench import run_carparts
    from optiops.forecast.bench_m5 import run_m5
    from optiops.forecast.peers import require_peers

    if peers:
        require_peers()  # before the long run, not after it
    s = suite.settings
    h = int(s["horizon"])
    backtest = Backtest(h=h, n_windows=int(s["backtest_windows"]), step=int(s.get("backtest_step", 1)))
    common: dict[str, Any] = {
        "levels": tuple(s["levels"]), "models": tuple(models or s["models"]), "backtest": backtest, "peers": peers,
        "conformal_windows": int(s.get("conformal_windows", 2)),
    }  # fmt: skip
    dataset = s.get("dataset", "carparts")
    if dataset == "m5":
        table = run_m5(root / suite.data, horizon=h, **common)
    elif dataset == "carparts":
        table = run_carparts(root / suite.data / suite.pattern, horizon=h, **common)
    else:
        raise InstanceError(f"suite {suite.name}: settings.dataset must be 'carparts' or 'm5', got {dataset!r}")
    return _table_rows(table, suite, on_row)


def run_inventory_suite(
    suite: Suite, root: Path, on_row: Callable[[dict[str, Any]], None] | None
) -> list[dict[str, Any]]:
    """Inventory suites judge every policy side by side in one run (one row per policy x setting x judge x group)."""
    from optiops.inventory.bench import CarpartsSettings, run_inventory_carparts

    s = dict(suite.settings)
    for key in ("targets", "weeks"):
        if key in s:
            s[key] = tuple(s[key])
    table = run_inventory_carparts(root / suite.data / suite.pattern, CarpartsSettings(**s))
    return _table_rows(table, suite, on_row)


def _table_rows(table: Any, suite: Suite, on_row: Callable[[dict[str, Any]], None] | None) -> list[dict[str, Any]]:
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
