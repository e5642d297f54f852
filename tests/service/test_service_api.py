"""The job API in this process: submit, follow, read back, stop, evaluate, schemas, health and metrics."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.service.helpers import ROUTING, routing_document, wait_for


def submit_tiny(client: Any, **options: Any) -> str:
    """Queue the tiny routing instance (no charts unless asked: they cost a second a job)."""
    body = {"instance": routing_document(), "options": {"time_limit": 0.5, "plots": False, **options}}
    response = client.post("/v1/jobs", json=body)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/v1/jobs/{response.json()['id']}"
    return str(response.json()["id"])


def test_a_routing_job_runs_to_a_checked_plan(app_client: Any) -> None:
    """A JSON routing job: 202, done with KPIs, its plan and files readable, the plan passes /v1/evaluate."""
    job_id = submit_tiny(app_client, plots=True)
    job = wait_for(app_client, job_id)
    assert job["status"] == "done", job
    assert job["kind"] == "routing" and job["kpis"]["feasible"] is True
    assert {"plan.json", "routes.csv", "route_map.png"} <= set(job["files"])
    plan = app_client.get(f"/v1/jobs/{job_id}/plan").json()
    assert plan["kind"] == "routing-plan" and plan["objective"] == job["kpis"]["objective"]
    png = app_client.get(f"/v1/jobs/{job_id}/files/route_map.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    verdict = app_client.post("/v1/evaluate", json={"instance": routing_document(), "plan": plan}).json()
    assert verdict["feasible"] is True and abs(verdict["objective"] - plan["objective"]) < 1e-6
    assert app_client.get(f"/v1/jobs/{job_id}/files/..%2Fjobs.sqlite3").status_code == 404


def test_events_stream_progress_then_end(app_client: Any) -> None:
    """``/events`` sends the job as ``progress`` events and ends with ``end`` once it has finished."""
    job_id = submit_tiny(app_client)
    with app_client.stream("GET", f"/v1/jobs/{job_id}/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = [block.split("\n") for block in text.strip().split("\n\n")]
    assert events[-1][0] == "event: end" and events[0][0] == "event: progress"
    last = json.loads(events[-2][1].removeprefix("data: "))
    assert last["status"] == "done"


def test_an_uploaded_file_is_a_job_and_the_list_filters(app_client: Any) -> None:
    """A multipart upload of a YAML instance is queued; ``GET /v1/jobs`` filters by kind and status."""
    files = {"file": (ROUTING.name, ROUTING.read_bytes())}
    response = app_client.post("/v1/jobs", files=files, data={"time_limit": "2", "seed": "3"})
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    assert wait_for(app_client, job_id)["status"] == "done"
    listed = app_client.get("/v1/jobs", params={"kind": "routing", "status": "done"}).json()
    assert [j["id"] for j in listed["jobs"]] == [job_id] and listed["total"] == 1
    assert listed["jobs"][0]["options"]["seed"] == 3 and listed["jobs"][0]["name"] == ROUTING.name
    assert app_client.get("/v1/jobs", params={"status": "failed"}).json()["total"] == 0


def test_delete_stops_a_running_job_and_keeps_its_best_plan(app_client: Any) -> None:
    """DELETE on a running routing solve ends it early: status stopped, with a plan."""
    job_id = submit_tiny(app_client, time_limit=60)
    wait_for(app_client, job_id, until=("running",))
    wait_for_best(app_client, job_id)
    assert app_client.delete(f"/v1/jobs/{job_id}").status_code == 200
    job = wait_for(app_client, job_id, timeout=30)
    assert job["status"] == "stopped" and "plan.json" in job["files"], job
    assert job["finished"] - job["started"] < 30
    assert app_client.get(f"/v1/jobs/{job_id}/plan").json()["kind"] == "routing-plan"


DATA = Path(os.environ.get("OPTIOPS_DATA", Path(__file__).resolve().parents[3] / "shared" / "benchmarks"))
CAPB = DATA / "facility" / "capb.txt"


@pytest.fixture()
def patient_client(tmp_path: Path) -> Iterator[Any]:
    """The app with 30 s of grace after a stop request (the suite's 5 s is short for a plan on a loaded machine)."""
    from tests.service.helpers import test_client_class

    from optiops.service.app import Settings, create_app

    app = create_app(Settings(data=tmp_path / "data", workers=1, max_body=2_000_000, stop_grace_s=30.0))
    with test_client_class()(app) as client:
        yield client


@pytest.mark.skipif(not CAPB.is_file(), reason="shared OR-Library data absent")
def test_delete_stops_a_facility_solve_and_keeps_its_best_plan(patient_client: Any) -> None:
    """DELETE on a running facility solve (OR-Library capb, minutes to prove) keeps its best plan, checked."""
    import time

    from optiops.io.orlib import load_facility

    app_client = patient_client

    doc = load_facility(CAPB, 5000).model_dump(mode="json", exclude_none=True)
    body = {"instance": doc, "options": {"time_limit": 120, "backend": "highs", "plots": False}}
    job_id = app_client.post("/v1/jobs", json=body).json()["id"]
    wait_for(app_client, job_id, until=("running",))
    time.sleep(1)
    assert app_client.delete(f"/v1/jobs/{job_id}").status_code == 200
    job = wait_for(app_client, job_id, timeout=30)
    assert job["status"] == "stopped" and "plan.json" in job["files"], job
    assert job["kpis"]["feasible"] is True and job["kpis"]["status"] == "feasible"
    assert job["finished"] - job["started"] < 30  # not the 120 s limit, nor the 30 s grace after the stop


def wait_for_best(client: Any, job_id: str) -> None:
    import time

    deadline = time.monotonic() + 30
    while client.get(f"/v1/jobs/{job_id}").json()["progress"].get("best") is None:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_delete_of_a_queued_job_means_it_never_runs(app_client: Any) -> None:
    """With the one worker busy, a second job deleted while queued is stopped and never started."""
    first = submit_tiny(app_client, time_limit=30)
    second = submit_tiny(app_client)
    assert app_client.get(f"/v1/jobs/{second}").json()["status"] == "queued"
    assert app_client.delete(f"/v1/jobs/{second}").json()["status"] == "stopped"
    app_client.delete(f"/v1/jobs/{first}")
    wait_for(app_client, first)
    job = app_client.get(f"/v1/jobs/{second}").json()
    assert job["status"] == "stopped" and job["started"] is None and job["attempts"] == 0
    assert app_client.get(f"/v1/jobs/{second}/plan").status_code == 409


def test_schemas_kinds_health_metrics_and_openapi(app_client: Any) -> None:
    """Schemas by kind (404 for an unknown one), the health check, Prometheus text, and every kind in OpenAPI."""
    assert app_client.get("/v1/schemas/routing").json()["title"] == "RoutingInstance"
    missing = app_client.get("/v1/schemas/nonsense")
    assert missing.status_code == 404 and "unknown kind 'nonsense'" in missing.json()["detail"]
    assert "scenario" in app_client.get("/v1/kinds").json()["kinds"]
    assert app_client.get("/healthz").json()["status"] == "ok"
    metrics = app_client.get("/metrics").text
    assert 'optiops_jobs{status="queued"} 0' in metrics and "optiops_solve_seconds_count 0" in metrics
    spec = app_client.get("/openapi.json").json()
    kinds = {ref["$ref"].rsplit("/", 1)[1] for ref in spec["components"]["schemas"]["JobRequest"]["properties"]
             ["instance"]["oneOf"]}  # fmt: skip
    assert {"RoutingInstance", "FacilityInstance", "RosterInstance", "InventoryInstance"} <= kinds
    assert "/v1/jobs/{job_id}/events" in spec["paths"]


def test_the_page_and_its_script_are_served(app_client: Any) -> None:
    """``/`` is the HTML page; it loads its script and style from /static."""
    page = app_client.get("/")
    assert page.status_code == 200 and '<script src="/static/app.js">' in page.text
    assert app_client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert app_client.get("/static/../store.py").status_code == 404


def test_a_facility_job_reports_a_bound_below_its_plan(app_client: Any) -> None:
    """Progress of a MIP kind carries the best plan and a bound of the whole instance; the bound never
    exceeds the plan's checked cost."""
    from tests.allocation.test_facility_lagrange import random_instance

    doc = random_instance(3, m=20, n=120).model_dump(mode="json", exclude_none=True)
    body = {"instance": doc, "options": {"time_limit": 60, "backend": "highs", "plots": False}}
    job_id = app_client.post("/v1/jobs", json=body).json()["id"]
    job = wait_for(app_client, job_id)
    assert job["status"] == "done", job
    progress, cost = job["progress"], job["kpis"]["checked_objective"]
    assert progress["best"] is not None and progress["bound"] is not None
    assert progress["bound"] <= cost + 1e-6 * abs(cost) and progress["best"] >= cost - 1e-6 * abs(cost)
