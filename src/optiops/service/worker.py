"""One job solved in its own process: load the input, run it, write every output, report progress.

The process talks to the server through files in the job's folder only, so killing it (a crash,
the hard wall-clock stop) cannot corrupt anything the server reads:

- ``progress.json``: rewritten atomically as the solver improves;
- ``work/``: the outputs being written, renamed whole to ``out/`` (with ``result.json``) at the end;
- ``error.json``: why the job failed, when the failure was ours to report.

Runners are looked up by the job's mode: ``solve`` runs any instance kind through
:mod:`optiops.kinds`, ``plan`` and ``replay`` a scenario folder through :mod:`optiops.plan` and
:mod:`optiops.closed_loop`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from optiops.exceptions import OptiopsError
from optiops.io.atomic import write_bytes
from optiops.service.jobs import JobOptions, Progress

EXIT_OK, EXIT_ERROR, EXIT_CRASH, EXIT_ORPHAN = 0, 3, 4, 5
PROGRESS_EVERY_S = 0.5  # how often the progress file is rewritten
HISTORY = 200  # improvements kept for the chart
JOB_NICENESS = 10  # solves yield the CPU to the server, so status requests stay quick while every worker is busy


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class Outcome:
    """What a runner hands back: the output files by name and the job's KPIs."""

    files: dict[str, bytes]
    kpis: dict[str, Any]


class Reporter:
    """Writes ``progress.json`` as a solve improves, and every :data:`PROGRESS_EVERY_S` from a timer thread.

    The solver's callback only records; the timer writes, so a burst of improvements costs one write
    and the last one is never held back until the next improvement.
    """

    def __init__(self, path: Path, timer: bool = True) -> None:
        self.path = path
        self._server = multiprocessing.parent_process()  # the server that started the job
        self.t0 = time.monotonic()
        self.progress = Progress(elapsed_s=0.0)
        self._lock = threading.Lock()
        if timer:
            threading.Thread(target=self._tick, name="optiops-progress", daemon=True).start()

    def _tick(self) -> None:
        while True:
            time.sleep(PROGRESS_EVERY_S)
            if self._server is not None and not self._server.is_alive():
                # a job of a dead server ends too: the next start re-queues it, and it must not race
                # that new run for the same folder
                os._exit(EXIT_ORPHAN)
            self.flush()

    def improve(self, elapsed: float, best: float, bound: float | None = None) -> None:
        history = [*self.progress.history, (round(elapsed, 3), best)][-HISTORY:]
        self.progress = Progress(elapsed_s=elapsed, best=best, bound=bound, history=history,
                                 message=self.progress.message)  # fmt: skip

    def note(self, message: str) -> None:
        self.progress = self.progress.model_copy(update={"message": message})
        self.flush()

    def flush(self) -> None:
        """Write the progress now (with the elapsed seconds of now)."""
        with self._lock:
            progress = self.progress.model_copy(update={"elapsed_s": round(time.monotonic() - self.t0, 3)})
            write_bytes(self.path, progress.model_dump_json().encode())


@dataclass(frozen=True)
class Context:
    """What a runner gets beside its input and options: where to report, when to stop, where to fan out."""

    reporter: Reporter
    stop: StopFlag
    dask_address: str | None = None  # plan/replay: fan-out steps on this Dask cluster, else in this process

    def where(self) -> tuple[Any, str | None]:
        """The executor kind and address of the plan's and replay's fan-out steps."""
        return ("dask", self.dask_address) if self.dask_address else ("inline", None)


Runner = Callable[[Path, JobOptions, Context], Outcome]


def run_solve(path: Path, options: JobOptions, ctx: Context) -> Outcome:
    """An instance of any kind, as ``optiops solve`` runs it."""
    from rich.text import Text

    from optiops.kinds import LoadOptions, Options, read_source, recognise

    source = read_source(path)
    kind = recognise(source)
    instance = kind.load(source, LoadOptions())
    opts = kind.with_time_limit(Options(backend=options.backend, time_limit=options.time_limit, seed=options.seed,
                                        progress=ctx.reporter.improve, stop=ctx.stop.is_set))  # fmt: skip
    ctx.reporter.note(f"solving {kind.name} for up to {opts.time_limit:g} s")
    result = kind.solve(instance, opts)
    kind.accept(result, float(opts.time_limit or 0.0))
    check = kind.check(instance, result.plan)
    kpis = {
        "status": result.status, "objective": result.objective, "bound": result.bound, "gap": result.gap,
        "runtime_s": result.runtime_s, "feasible": check.feasible, "checked_objective": check.objective,
        "figures": dict(check.figures), "summary": Text.from_markup(kind.summary(instance, result)).plain,
    }  # fmt: skip
    return Outcome(kind.files(instance, result, source, plots=options.plots), kpis)


def run_plan(path: Path, options: JobOptions, ctx: Context) -> Outcome:
    """A scenario's network plan, as ``optiops plan`` runs it (steps in this process)."""
    from optiops.plan.base import PlanOptions
    from optiops.plan.pipeline import run_plan as plan
    from optiops.plan.write import plan_files
    from optiops.scenario.read import read_scenario

    limit = options.time_limit or 10.0
    ctx.reporter.note(f"planning: forecast, inventory, allocation, routing, staffing ({limit:g} s per solver call)")
    executor, address = ctx.where()
    plan_options = PlanOptions(time_limit=limit, seed=options.seed, scenarios=options.scenarios, executor=executor,
                               workers=None if address else 1, address=address)  # fmt: skip
    result = plan(read_scenario(path), plan_options, options.horizon)
    return Outcome({str(p): data for p, data in plan_files(result, Path()).items()}, dict(result.kpis))


def run_replay(path: Path, options: JobOptions, ctx: Context) -> Outcome:
    """A scenario's hold-out replayed day by day, as ``optiops replay`` runs it (solves in this process)."""
    from optiops.closed_loop import ReplayOptions, replay
    from optiops.closed_loop.write import replay_files
    from optiops.scenario.read import read_scenario

    executor, address = ctx.where()
    opts = ReplayOptions(days=options.days, time_limit=options.time_limit or 10.0, seed=options.seed,
                         executor=executor, workers=None if address else 1, address=address)  # fmt: skip
    result = replay(read_scenario(path), opts, lambda k, n: ctx.reporter.note(f"day {k} of {n}"))
    return Outcome({str(p): data for p, data in replay_files(result, Path()).items()}, dict(result.kpis))


RUNNERS: dict[str, Runner] = {"solve": run_solve, "plan": run_plan, "replay": run_replay}


def main(job_dir: str, input_path: str, options_json: str, stop: StopFlag, dask_address: str | None = None) -> None:
    """Process entry point: run the job and exit 0 (outputs in ``out/``), 3 (our error) or 4 (a crash)."""
    folder = Path(job_dir)
    os.nice(JOB_NICENESS)
    (folder / "error.json").unlink(missing_ok=True)
    options = JobOptions.model_validate_json(options_json)
    reporter = Reporter(folder / "progress.json")
    try:
        outcome = RUNNERS[options.mode](Path(input_path), options, Context(reporter, stop, dask_address))
        reporter.flush()  # the last improvement, before the outputs appear
        publish(folder, outcome, stopped=stop.is_set())
    except OptiopsError as exc:
        fail(folder, str(exc), EXIT_ERROR)
    except Exception as exc:  # a bug: report it on the job rather than lose it
        fail(folder, f"internal error: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}", EXIT_CRASH)
    sys.exit(EXIT_OK)


def publish(folder: Path, outcome: Outcome, stopped: bool) -> None:
    """Write the outputs into ``work/`` and rename it to ``out/`` in one step."""
    work, out = folder / "work", folder / "out"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    for name, data in outcome.files.items():
        (work / name).write_bytes(data)
    result = {"kpis": outcome.kpis, "files": sorted(outcome.files), "stopped": stopped}
    (work / "result.json").write_text(json.dumps(result, default=str), encoding="utf-8")
    for path in (work, *work.iterdir()):
        _fsync(path)
    shutil.rmtree(out, ignore_errors=True)
    os.replace(work, out)


def fail(folder: Path, message: str, code: int) -> None:
    write_bytes(folder / "error.json", json.dumps({"error": message}).encode())
    sys.exit(code)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
