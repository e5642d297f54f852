"""The HTTP job API and the web page, over the kind registry, the job store and the scheduler.

Build it with :func:`create_app`; ``optiops serve`` runs it under uvicorn. Endpoints (docs/service.md):
``POST /v1/jobs``, ``GET /v1/jobs``, ``GET|DELETE /v1/jobs/{id}``, ``GET /v1/jobs/{id}/events|plan``,
``GET /v1/jobs/{id}/files/{name}``, ``POST /v1/evaluate``, ``GET /v1/schemas/{kind}``, ``GET /v1/kinds``,
``GET /healthz``, ``GET /metrics`` and the page at ``/``.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import ValidationError

from optiops.exceptions import InstanceError
from optiops.service import openapi, page
from optiops.service.guard import ApiKey, BodyLimit, RequestTimes, Timed
from optiops.service.intake import Intake, Limits, from_document, from_upload
from optiops.service.jobs import (
    FINISHED,
    PLAN_DOCUMENT,
    Accepted,
    EvaluateRequest,
    Evaluation,
    Job,
    JobList,
    JobOptions,
    JobRequest,
    Problem,
)
from optiops.service.metrics import prometheus_text
from optiops.service.scheduler import Scheduler
from optiops.service.store import Store

EVENT_POLL_S = 0.25
FORM_OPTIONS = tuple(JobOptions.model_fields)


@dataclass(frozen=True)
class Settings:
    """What ``optiops serve`` configures: the data folder, worker processes, the key, the limits, a Dask cluster."""

    data: Path
    workers: int = 2
    api_key: str | None = None
    max_body: int = 100 * 1024 * 1024
    limits: Limits = field(default_factory=Limits)
    stop_grace_s: float = 10.0
    dask_address: str | None = None


def problem(status: int, detail: str, errors: list[str] | None = None) -> JSONResponse:
    """An error response with one line per problem."""
    return JSONResponse(Problem(detail=detail, errors=errors or []).model_dump(), status_code=status)


def pydantic_errors(exc: ValidationError, where: str) -> list[str]:
    """``where.field.path: reason`` lines, in the CLI's shape."""
    return [f"{where}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}".rstrip(".") for e in exc.errors()]


def create_app(settings: Settings) -> FastAPI:
    """The service app; the store and the scheduler start and stop with the app's lifespan."""
    store = Store(settings.data)
    scheduler = Scheduler(
        store, settings.workers, stop_grace_s=settings.stop_grace_s, dask_address=settings.dask_address
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from optiops.kinds import list_kinds

        await run_in_threadpool(list_kinds)  # imports every kind now rather than in the first upload
        scheduler.start()
        try:
            yield
        finally:
            await run_in_threadpool(scheduler.close)

    app = FastAPI(title="optiops", summary="Optimisation jobs for e-commerce fulfilment", lifespan=lifespan,
                  responses={401: {"model": Problem}, 403: {"model": Problem}, 413: {"model": Problem}})  # fmt: skip
    app.state.store, app.state.scheduler, app.state.settings = store, scheduler, settings
    if settings.api_key:
        app.add_middleware(ApiKey, key=settings.api_key)
    app.add_middleware(BodyLimit, limit=settings.max_body)
    times = RequestTimes()
    app.add_middleware(Timed, times=times)  # added last, so outermost: times the guards too
    page.add_routes(app)
    add_job_routes(app, store, settings)
    add_other_routes(app, store, scheduler, times)
    openapi.document(app)
    return app


def get_job(store: Store, job_id: str) -> Job:
    job = store.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return job


async def intake(request: Request, staged: Path, settings: Settings) -> Intake | JSONResponse:
    """The upload of a ``POST /v1/jobs`` validated in the ``staged`` folder, or the error response."""
    try:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form(max_part_size=settings.max_body)
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise HTTPException(400, "multipart upload without a 'file' part")
            fields = {k: v for k, v in form.items() if k in FORM_OPTIONS and isinstance(v, str) and v != ""}
            unknown = sorted(k for k in form if k != "file" and k not in FORM_OPTIONS)
            if unknown:
                return problem(422, "invalid options", [f"options.{k}: unknown option" for k in unknown])
            options = JobOptions.model_validate(fields)
            data = await upload.read()
            await form.close()  # removes the spooled temporary file of a large upload
            return await run_in_threadpool(from_upload, staged, upload.filename or "upload", data, options,
                                           settings.limits)  # fmt: skip
        body = await request.body()
        try:
            doc = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return problem(400, f"malformed JSON: {exc}")
        job = JobRequest.model_validate(doc)
        return await run_in_threadpool(from_document, staged, job.instance, job.options)
    except ValidationError as exc:
        return problem(422, "invalid request", pydantic_errors(exc, "request"))
    except InstanceError as exc:
        return problem(422, "invalid instance", str(exc).splitlines())


def add_job_routes(app: FastAPI, store: Store, settings: Settings) -> None:
    """``/v1/jobs`` and everything below it."""

    @app.post("/v1/jobs", status_code=202, response_model=Accepted, openapi_extra=openapi.JOB_BODY,
              responses={400: {"model": Problem}, 422: {"model": Problem}})  # fmt: skip
    async def submit(request: Request) -> Response:
        """Queue a job: an instance document (JSON) or an uploaded file or zipped folder (multipart)."""
        staged = store.staging()
        try:
            taken = await intake(request, staged, settings)
            if isinstance(taken, JSONResponse):
                return taken  # nothing is stored: the staging folder goes below
            job_id = await run_in_threadpool(store.add, staged / "input", taken.input_rel, taken.kind, taken.name,
                                             taken.options)  # fmt: skip
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        url = f"/v1/jobs/{job_id}"
        body = Accepted(id=job_id, status="queued", kind=taken.kind, mode=taken.options.mode, url=url)
        return JSONResponse(body.model_dump(), status_code=202, headers={"Location": url})

    @app.get("/v1/jobs", response_model=JobList)
    def list_jobs(status: str | None = None, kind: str | None = None, mode: str | None = None,
                  since: float | None = None, limit: int = 100, offset: int = 0) -> JobList:  # fmt: skip
        """Jobs newest first, filtered by status, kind, mode and creation time (Unix seconds)."""
        jobs, total = store.jobs(status, kind, mode, since, max(1, min(limit, 1000)), max(0, offset))
        return JobList(jobs=jobs, total=total)

    @app.get("/v1/jobs/{job_id}", response_model=Job, responses={404: {"model": Problem}})
    async def job_status(job_id: str) -> Response:
        """Status, progress (elapsed, best objective, bound) and the KPIs once done."""
        # the most frequent request: one indexed row read on the event loop, serialised once
        return Response(get_job(store, job_id).model_dump_json(), media_type="application/json")

    @app.delete("/v1/jobs/{job_id}", response_model=Job, responses={404: {"model": Problem}})
    def stop_job(job_id: str) -> Job:
        """Stop a job: a queued one never starts; a running one ends early and keeps the best plan found."""
        if store.request_stop(job_id) is None:
            raise HTTPException(404, f"no job {job_id!r}")
        return get_job(store, job_id)

    @app.get("/v1/jobs/{job_id}/events", responses={404: {"model": Problem}})
    async def job_events(job_id: str, request: Request) -> StreamingResponse:
        """Server-sent events: ``progress`` whenever the job changes, then ``end`` when it has finished."""
        get_job(store, job_id)

        async def stream() -> AsyncIterator[str]:
            last = ""
            while not await request.is_disconnected():
                job = await run_in_threadpool(store.get, job_id)
                if job is None:
                    return
                text = job.model_dump_json()
                if text != last:
                    last = text
                    yield f"event: progress\ndata: {text}\n\n"
                if job.status in FINISHED:
                    yield f"event: end\ndata: {json.dumps({'status': job.status})}\n\n"
                    return
                await asyncio.sleep(EVENT_POLL_S)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @app.get("/v1/jobs/{job_id}/plan", responses={404: {"model": Problem}, 409: {"model": Problem}})
    def job_plan(job_id: str) -> FileResponse:
        """The job's plan document: ``plan.json`` (``replay.json``, the replay's summary, for a replay)."""
        return job_file(job_id, PLAN_DOCUMENT[get_job(store, job_id).mode])

    @app.get("/v1/jobs/{job_id}/files/{name}", responses={404: {"model": Problem}, 409: {"model": Problem}})
    def job_file(job_id: str, name: str) -> FileResponse:
        """One output file (``routes.csv``, ``report.html``, PNGs ...); the job's ``files`` lists them."""
        job = get_job(store, job_id)
        if job.status not in FINISHED or not job.files:
            raise HTTPException(409, f"job {job_id} is {job.status}: no outputs yet" if job.status not in FINISHED
                                else f"job {job_id} is {job.status} without outputs")  # fmt: skip
        if name not in job.files:
            raise HTTPException(404, f"job {job_id} has no file {name!r}; it has {job.files}")
        return FileResponse(store.out_dir(job_id) / name, filename=name)


def add_other_routes(app: FastAPI, store: Store, scheduler: Scheduler, times: RequestTimes) -> None:
    """Evaluate, schemas, kinds, health and metrics."""

    @app.post("/v1/evaluate", response_model=Evaluation, responses={400: {"model": Problem}, 422: {"model": Problem}})
    async def evaluate(request: Request) -> Response:
        """The independent checker on an instance and a plan document, answered at once."""
        try:
            body = EvaluateRequest.model_validate(json.loads(await request.body()))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return problem(400, f"malformed JSON: {exc}")
        except ValidationError as exc:
            return problem(422, "invalid request", pydantic_errors(exc, "request"))
        staged = store.staging()
        try:
            result = await run_in_threadpool(check_plan, staged, body)
        except InstanceError as exc:
            return problem(422, "invalid instance or plan", str(exc).splitlines())
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        return JSONResponse(json.loads(result.model_dump_json()))

    @app.get("/v1/schemas/{kind}", responses={404: {"model": Problem}})
    def schema(kind: str) -> Response:
        """The JSON Schema of an instance or plan document kind (``routing``, ``facility-plan``, ...)."""
        from optiops.kinds import schema as kind_schema

        try:
            return Response(kind_schema(kind), media_type="application/schema+json")
        except InstanceError as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get("/v1/kinds")
    def kinds() -> dict[str, Any]:
        """The problem kinds a job may hold, with their default time limits."""
        from optiops.kinds import get_kind, list_kinds

        return {"kinds": {k: {"default_time_limit": get_kind(k).default_time_limit} for k in list_kinds()}}

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        """Alive, with the worker count, busy workers and queued jobs."""
        counts = store.counts()
        return {"status": "ok", "workers": scheduler.workers, "busy": scheduler.busy(),
                "queued": counts.get("queued", 0)}  # fmt: skip

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics() -> PlainTextResponse:
        """Prometheus text: jobs by status, solve seconds, workers, request seconds."""
        text = prometheus_text(store.counts(), store.solve_seconds(), scheduler.workers, scheduler.busy(), times)
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    @app.exception_handler(HTTPException)
    async def http_problem(request: Request, exc: HTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail))


def check_plan(staged: Path, body: EvaluateRequest) -> Evaluation:
    """Load the instance as a job would, read the plan as ``optiops evaluate`` does, and check it."""
    from optiops.kinds import Options, get_kind

    taken = from_document(staged, body.instance, JobOptions())
    kind = get_kind(taken.kind)
    instance = taken.instance
    plan_path = staged / "plan.json"
    plan_path.write_text(json.dumps(body.plan), encoding="utf-8")
    try:
        plan = kind.read_plan(plan_path)
    except InstanceError as exc:
        raise InstanceError(exc.problems, "plan") from None
    check = kind.check(instance, plan, Options(rounding=body.rounding))
    return Evaluation(kind=kind.name, feasible=check.feasible, objective=check.objective,
                      violations=list(check.violations), summary=check.summary,
                      figures=json.loads(json.dumps(dict(check.figures), default=str)),
                      stated=check.stated)  # fmt: skip
