"""Faults in this process's app: a solver process killed mid-solve, a runaway one, and a crash-proof scheduler."""

from __future__ import annotations

import itertools
import os
import signal
import time
from pathlib import Path
from typing import Any

from tests.service.helpers import routing_document, wait_for


def running_pid(client: Any, job_id: str) -> int:
    """The pid of a job's process once it has one."""
    running = client.app.state.scheduler.running
    deadline = time.monotonic() + 30
    while job_id not in running or running[job_id].process.pid is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)  # well into its solve
    return int(running[job_id].process.pid)


def test_a_killed_solver_process_fails_its_job_and_the_server_keeps_serving(app_client: Any) -> None:
    """kill -9 of a job's process: the job fails naming the signal; the next job runs to a plan."""
    doomed = app_client.post("/v1/jobs", json={"instance": routing_document(), "options": {"time_limit": 60}})
    job_id = doomed.json()["id"]
    os.kill(running_pid(app_client, job_id), signal.SIGKILL)
    job = wait_for(app_client, job_id)
    assert job["status"] == "failed" and job["error"] == "the solver process was killed (SIGKILL)", job
    assert job["files"] == [] and not (app_client.app.state.store.out_dir(job_id)).exists()
    after = app_client.post(
        "/v1/jobs", json={"instance": routing_document(), "options": {"time_limit": 0.5, "plots": False}}
    )
    assert wait_for(app_client, after.json()["id"])["status"] == "done"
    assert app_client.get("/healthz").json()["busy"] == 0


def test_a_job_past_its_hard_wall_clock_stop_is_killed(app_client: Any) -> None:
    """A job whose wall limit is shorter than its search is killed at the wall limit and says so."""
    body = {"instance": routing_document(), "options": {"time_limit": 60, "wall_limit": 1.5}}
    job_id = app_client.post("/v1/jobs", json=body).json()["id"]
    job = wait_for(app_client, job_id, timeout=30)
    assert job["status"] == "stopped" and "hard wall-clock limit of 1.5 s" in job["error"], job
    assert job["finished"] - job["started"] < 10


def test_jobs_run_in_the_order_they_came(app_client: Any) -> None:
    """With one worker, three jobs start in the order they were submitted."""
    quick = {"instance": routing_document(), "options": {"time_limit": 0.2, "plots": False}}
    ids = [app_client.post("/v1/jobs", json=quick).json()["id"] for _ in range(3)]
    jobs = [wait_for(app_client, job_id) for job_id in ids]
    assert all(j["status"] == "done" for j in jobs)
    starts = [j["started"] for j in jobs]
    assert starts == sorted(starts)
    assert all(a["finished"] <= b["started"] for a, b in itertools.pairwise(jobs))


def test_plan_and_replay_fan_out_on_dask_only_when_the_server_names_a_cluster() -> None:
    """``--scheduler`` sends a plan's fan-out steps to that Dask address; without it they run in the job process."""
    from optiops.service.worker import Context, Reporter

    class Never:
        def is_set(self) -> bool:
            return False

    reporter = Reporter(Path("/nonexistent/progress.json"), timer=False)
    assert Context(reporter, Never()).where() == ("inline", None)
    assert Context(reporter, Never(), "tcp://10.0.0.5:8786").where() == ("dask", "tcp://10.0.0.5:8786")
