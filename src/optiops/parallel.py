"""One executor interface for fan-out work: in-process, or a local process pool (the default).

Each worker runs one task at a time with BLAS/OpenMP threads pinned to ``threads_per_task`` so
that workers do not oversubscribe the cores; solvers get their own thread count from the task.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, Literal

ExecutorKind = Literal["inline", "process"]
PINNED_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


class InlineExecutor(Executor):
    """Runs each task at submission, in this process: for debugging, tests and single jobs."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the caller sees it through future.result()
            future.set_exception(exc)
        return future


def pin_threads(threads: int = 1) -> None:
    """Pin numeric-library threads for processes started from here on."""
    for var in PINNED_VARS:
        os.environ[var] = str(threads)


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def make_executor(
    kind: ExecutorKind = "process", max_workers: int | None = None, threads_per_task: int = 1
) -> Executor:
    """An executor for independent tasks.

    Parameters
    ----------
    kind
        ``"process"`` (default): a pool of fresh processes (spawned, so solver libraries start
        clean); ``"inline"``: run in this process.
    max_workers
        Pool size; defaults to the cores available.
    threads_per_task
        BLAS/OpenMP threads each worker may use.
    """
    if kind == "inline":
        return InlineExecutor()
    if kind != "process":
        raise ValueError(f"unknown executor kind {kind!r}; use 'process' or 'inline'")
    workers = max_workers or default_workers()
    # Spawned workers inherit the environment at start: pin before the pool exists.
    pin_threads(threads_per_task)
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
