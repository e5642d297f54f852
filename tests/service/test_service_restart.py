"""kill -9 of the server while jobs run: started again on the same data, every accepted job finishes once."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.service.helpers import routing_document, start_server

from optiops.service.client import Client


def test_a_killed_server_loses_no_job(tmp_path: Path) -> None:
    """Jobs running or queued at a kill -9 are re-queued at the next start and finish, their outputs whole."""
    data = tmp_path / "data"
    server = start_server(data, workers=1)
    try:
        client = Client(server.url)
        jobs = [client.submit(routing_document(), time_limit=t, plots=False) for t in (3, 0.3, 0.3)]
        deadline = time.monotonic() + 60
        while jobs[0].status()["progress"].get("best") is None:  # the first is well into its solve
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert [j.status()["status"] for j in jobs] == ["running", "queued", "queued"]
        server.kill()
    finally:
        server.stop()
    server = start_server(data, workers=1)
    try:
        client = Client(server.url)
        finished = [client.job(j.id).wait(timeout=90) for j in jobs]
        assert [j["status"] for j in finished] == ["done"] * 3, finished
        assert [j["attempts"] for j in finished] == [2, 1, 1]
        assert len(client.jobs()) == 3
        for job in finished:
            out = data / "jobs" / job["id"] / "out"
            assert sorted(p.name for p in out.iterdir()) == sorted([*job["files"], "result.json"])
            assert json.loads((out / "plan.json").read_text())["kind"] == "routing-plan"
            assert not (data / "jobs" / job["id"] / "work").exists()
    finally:
        server.stop()
