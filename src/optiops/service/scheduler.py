"""The scheduler: at most ``workers`` jobs at once, each in its own process, the rest queued in order.

A thread of the server polls the store: it starts the oldest queued jobs while a worker is free,
copies each job's ``progress.json`` into the store, asks a job to stop when ``DELETE`` says so (then
kills it if it does not stop within a grace period), kills a job past its hard wall-clock stop, and
records how each process ended. Processes come from a ``forkserver`` that has imported the solvers
once, so a job starts in a fraction of a second and shares nothing with the server but files.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optiops.service.jobs import Progress
from optiops.service.store import Store

log = logging.getLogger("optiops.service")
MAX_ATTEMPTS = 3  # a job the server was interrupted running this often is failed, not re-queued again


@dataclass
class Running:
    """A job's process and what the scheduler knows about it."""

    process: Any
    stop: Any
    started: float
    hard_stop: float
    progress_mtime: float = 0.0
    stop_deadline: float | None = None
    killed_for: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class Scheduler:
    """Runs the store's queued jobs in worker processes; :meth:`start` it once, :meth:`close` it at shutdown."""

    def __init__(self, store: Store, workers: int, poll_s: float = 0.1, stop_grace_s: float = 10.0,
                 dask_address: str | None = None) -> None:  # fmt: skip
        self.store = store
        self.dask_address = dask_address
        self.workers = workers
        self.poll_s = poll_s
        self.stop_grace_s = stop_grace_s
        self.running: dict[str, Running] = {}
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["optiops.service.preload"])
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def recover(self) -> None:
        """After a restart: finish jobs whose outputs were published, re-queue the others that were running."""
        for job_id in self.store.running():
            job = self.store.get(job_id)
            if (self.store.out_dir(job_id) / "result.json").is_file():
                self._publish(job_id, stopped=False)
            elif job is not None and job.attempts >= MAX_ATTEMPTS:
                self.store.finish(job_id, "failed", error=f"the server stopped while running it {job.attempts} times")
            else:
                self.store.requeue(job_id)
                log.info("job %s re-queued after a restart", job_id)

    def start(self) -> None:
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="optiops-scheduler", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop scheduling; kill running jobs and put them back in the queue for the next start."""
        self._halt.set()
        if self._thread is not None:
            self._thread.join()
        for job_id, run in list(self.running.items()):
            run.process.kill()
            run.process.join()
            self.store.requeue(job_id)
        self.running.clear()

    def busy(self) -> int:
        return len(self.running)

    def _loop(self) -> None:
        from multiprocessing import forkserver

        forkserver.ensure_running()  # its imports take seconds: pay them before the first job, not in it
        while not self._halt.wait(self.poll_s):
            try:
                self.tick()
            except Exception:  # the scheduler must outlive any one job's surprise
                log.exception("scheduler tick failed")

    def tick(self) -> None:
        """One round: reap, copy progress, stop and kill, launch."""
        now = time.monotonic()
        for job_id, run in list(self.running.items()):
            self._copy_progress(job_id, run)
            if run.process.exitcode is not None:
                self._reap(job_id, run)
        for job_id in self.store.stop_requested() & set(self.running):
            run = self.running[job_id]
            if run.stop_deadline is None:
                run.stop.set()
                run.stop_deadline = now + self.stop_grace_s
        for run in self.running.values():
            if run.killed_for is None and now - run.started > run.hard_stop:
                run.killed_for = f"stopped by its hard wall-clock limit of {run.hard_stop:g} s"
                run.process.kill()
            elif run.killed_for is None and run.stop_deadline is not None and now > run.stop_deadline:
                run.killed_for = "stopped before a plan was found"
                run.process.kill()
        while len(self.running) < self.workers and not self._halt.is_set():
            queued = self.store.next_queued()
            if queued is None or not self._launch(queued):
                break

    def _launch(self, job_id: str) -> bool:
        from optiops.kinds import get_kind
        from optiops.service import worker

        job = self.store.get(job_id)
        if job is None or not self.store.start(job_id):
            return job is not None  # stopped meanwhile: look at the next one
        folder = self.store.job_dir(job_id)
        (folder / "progress.json").unlink(missing_ok=True)
        hard_stop = job.options.hard_stop(get_kind(job.kind).default_time_limit)
        stop = self._ctx.Event()
        process = self._ctx.Process(
            target=worker.main, name=f"optiops-job-{job_id}",
            args=(str(folder), str(self.store.input_path(job_id)), job.options.model_dump_json(), stop,
                  self.dask_address),
        )  # fmt: skip
        process.start()
        self.running[job_id] = Running(process, stop, time.monotonic(), hard_stop)
        log.info("job %s started (pid %s)", job_id, process.pid)
        return True

    def _copy_progress(self, job_id: str, run: Running) -> None:
        path = self.store.job_dir(job_id) / "progress.json"
        try:
            mtime = path.stat().st_mtime
            if mtime == run.progress_mtime:
                return
            progress = Progress.model_validate_json(path.read_bytes())
        except (OSError, ValueError):
            return  # not written yet
        run.progress_mtime = mtime
        self.store.set_progress(job_id, progress)

    def _reap(self, job_id: str, run: Running) -> None:
        run.process.join()
        self._copy_progress(job_id, run)
        del self.running[job_id]
        stop_asked = run.stop_deadline is not None
        if (self.store.out_dir(job_id) / "result.json").is_file() and run.killed_for is None:
            self._publish(job_id, stopped=stop_asked)
            return
        status = "stopped" if stop_asked or run.killed_for else "failed"
        self.store.finish(job_id, status, error=run.killed_for or _failure(self.store.job_dir(job_id), run))
        log.info("job %s %s", job_id, status)

    def _publish(self, job_id: str, stopped: bool) -> None:
        result = json.loads((self.store.out_dir(job_id) / "result.json").read_text(encoding="utf-8"))
        stopped = stopped or bool(result.get("stopped"))
        self.store.finish(job_id, "stopped" if stopped else "done", kpis=result["kpis"], files=result["files"],
                          error="stopped early; the best plan found is kept" if stopped else None)  # fmt: skip


def _failure(folder: Path, run: Running) -> str:
    """Why a job's process ended without outputs: its own message, else how it died."""
    try:
        return str(json.loads((folder / "error.json").read_text(encoding="utf-8"))["error"])
    except (OSError, ValueError, KeyError):
        pass
    code = run.process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the solver process was killed ({name})"
    return f"the solver process exited with code {code} without a plan"
