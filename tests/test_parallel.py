"""The executors of optiops.parallel: in-process, process pool and a real Dask LocalCluster give the same results."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from optiops.forecast.api import forecast_frame
from optiops.model.demand import DemandHistory
from optiops.parallel import make_executor


def square(x: int) -> int:
    return x * x


def pinned() -> str:
    return os.environ.get("OMP_NUM_THREADS", "")


def history() -> DemandHistory:
    rng = np.random.default_rng(1)
    lengths = np.full(6, 24)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    values = rng.poisson(3.0, int(lengths.sum())).astype(float)
    return DemandHistory(tuple(f"s{i}" for i in range(6)), values, offsets, np.zeros(6, dtype=np.int64),
                         pd.Timestamp("2020-01-01"), "MS")  # fmt: skip


@pytest.mark.parametrize("kind", ["inline", "process", "dask"])
def test_every_executor_returns_the_task_results(kind: str) -> None:
    """The same tasks give the same results on every executor; worker BLAS threads are pinned."""
    with make_executor(kind, max_workers=2) as pool:  # type: ignore[arg-type]
        got = [f.result() for f in [pool.submit(square, k) for k in range(5)]]
        threads = pool.submit(pinned).result()
    assert got == [0, 1, 4, 9, 16]
    if kind != "inline":  # worker processes start with BLAS threads pinned to one
        assert threads == "1"


def test_forecast_fan_out_on_a_dask_cluster_matches_inline() -> None:
    """Forecasting in chunks on a LocalCluster gives the in-process table."""
    inline = forecast_frame(history(), 3, model="adida", levels=(80,))
    dask = forecast_frame(history(), 3, model="adida", levels=(80,), executor="dask", workers=2, chunk_size=2)
    np.testing.assert_allclose(dask["forecast"], inline["forecast"])
    np.testing.assert_allclose(dask["hi-80"], inline["hi-80"])


def test_unknown_executor_kind_is_refused() -> None:
    """A typo in the kind is an error, not a silent default."""
    with pytest.raises(ValueError, match="unknown executor kind"):
        make_executor("threads")  # type: ignore[arg-type]


def test_benchmark_sweep_runs_on_a_local_dask_cluster() -> None:
    """A suite's solves run on Dask workers and come back as checked rows (generated day, no data folder)."""
    from optiops.bench.runner import run_suite

    rows = run_suite("allocation-orders", time_limit=2.0, instances="orders-1k-5w", executor="dask", workers=1)
    assert len(rows) == 1
    assert rows[0]["feasible"] and rows[0]["objective"] is not None
