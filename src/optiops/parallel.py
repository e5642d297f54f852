"""One executor interface for fan-out work: in-process, a local process pool (the default), or Dask.

Each worker runs one task at a time with BLAS/OpenMP threads pinned to ``threads_per_task`` so
that workers do not oversubscribe the cores; solvers get their own thread count from the task.

With ``kind="dask"`` the same tasks run on a Dask distributed cluster: ``address`` names a running
scheduler (``tcp://HOST:PORT``), or, without one, a :class:`distributed.LocalCluster` of
``max_workers`` single-threaded worker processes is started and closed with the executor. Dask is an
optional dependency (``pip install "optiops[dask]"``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any, Literal

ExecutorKind = Literal["inline", "process", "dask"]
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


class DaskExecutor(Executor):
    """A :class:`concurrent.futures.Executor` over a Dask client; closes the client (and a cluster it started)."""

    def __init__(self, address: str | None, max_workers: int | None, threads_per_task: int) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise RuntimeError('the Dask executor needs dask[distributed]: pip install "optiops[dask]"') from exc
        self._cluster = None
        if address is None:
            pin_threads(threads_per_task)  # worker processes inherit the environment
            self._cluster = LocalCluster(
                n_workers=max_workers or default_workers(), threads_per_worker=1, processes=True,
                dashboard_address=None,
            )  # fmt: skip
            self._client = Client(self._cluster)
        else:
            self._client = Client(address)
        self._pool = self._client.get_executor(pure=False)

    @property
    def client(self) -> Any:
        return self._client

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait)
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(
    kind: ExecutorKind = "process", max_workers: int | None = None, threads_per_task: int = 1,
    address: str | None = None,
) -> Executor:  # fmt: skip
    """An executor for independent tasks.

    Parameters
    ----------
    kind
        ``"process"`` (default): a pool of fresh processes (spawned, so solver libraries start
        clean); ``"inline"``: run in this process; ``"dask"``: a Dask cluster.
    max_workers
        Pool size (or local Dask workers); defaults to the cores available.
    threads_per_task
        BLAS/OpenMP threads each worker may use.
    address
        Dask scheduler address (``tcp://HOST:PORT``); ``None`` starts a local cluster.
    """
    if kind == "inline":
        return InlineExecutor()
    if kind == "dask":
        return DaskExecutor(address, max_workers, threads_per_task)
    if kind != "process":
        raise ValueError(f"unknown executor kind {kind!r}; use 'process', 'inline' or 'dask'")
    workers = max_workers or default_workers()
    # Spawned workers inherit the environment at start: pin before the pool exists.
    pin_threads(threads_per_task)
    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
