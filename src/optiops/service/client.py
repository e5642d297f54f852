"""A small client of the optiops service, on the standard library only.

::

    import optiops
    client = optiops.Client("http://127.0.0.1:8000", api_key=None)
    job = client.submit("instances/routing/city-deliveries.yaml", time_limit=5)
    job.wait()                 # the job as GET /v1/jobs/{id} reports it, once finished
    plan = job.plan()          # plan.json as a dict
"""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from optiops.exceptions import OptiopsError

FINISHED = ("done", "failed", "stopped")


class ServiceError(OptiopsError):
    """The service answered with an error status; ``status`` is the HTTP code, ``errors`` its problem lines."""

    def __init__(self, status: int, detail: str, errors: list[str] | None = None) -> None:
        self.status = status
        self.errors = list(errors or [])
        super().__init__("\n".join([f"{status}: {detail}", *self.errors]))


def zip_folder(folder: Path) -> bytes:
    """A folder's files (not hidden ones) zipped below the folder's name."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buf.getvalue()


def multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body of text fields and one file; (body, content type)."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]  # fmt: skip
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")  # fmt: skip
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    """A connection to an optiops server at ``url`` (``http://host:port``), with its API key if it has one."""

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None) -> bytes:
        """The body of the answer to one request; raise :class:`ServiceError` on an error status."""
        headers = {"X-API-Key": self.api_key} if self.api_key else {}
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as exc:
            text = exc.read()
            try:
                problem = json.loads(text)
                raise ServiceError(exc.code, str(problem.get("detail")), problem.get("errors")) from None
            except (ValueError, AttributeError):
                raise ServiceError(exc.code, text.decode("utf-8", "replace")) from None

    def json(self, method: str, path: str, payload: Any = None) -> Any:
        body = None if payload is None else json.dumps(payload).encode()
        return json.loads(self.request(method, path, body, "application/json" if body is not None else None))

    def submit(self, instance: str | Path | BaseModel | dict[str, Any], **options: Any) -> JobHandle:
        """Queue a job and return its handle.

        Parameters
        ----------
        instance
            A file (any format the CLI reads), a folder (zipped on the way: a scenario or CSV folder),
            an instance model or an instance document as a dict.
        **options
            :class:`~optiops.service.jobs.JobOptions` fields: ``time_limit``, ``backend``, ``seed``,
            ``mode`` (``plan``/``replay`` for a scenario), ``horizon``, ``days``, ``wall_limit``.
        """
        options = {k: v for k, v in options.items() if v is not None}
        if isinstance(instance, BaseModel | dict):
            doc = instance.model_dump(mode="json", exclude_none=True) if isinstance(instance, BaseModel) else instance
            answer = self.json("POST", "/v1/jobs", {"instance": doc, "options": options})
        else:
            path = Path(instance)
            name, data = (f"{path.name}.zip", zip_folder(path)) if path.is_dir() else (path.name, path.read_bytes())
            body, ctype = multipart({k: str(v) for k, v in options.items()}, name, data)
            answer = json.loads(self.request("POST", "/v1/jobs", body, ctype))
        return JobHandle(self, answer["id"])

    def job(self, job_id: str) -> JobHandle:
        return JobHandle(self, job_id)

    def jobs(self, **filters: Any) -> list[dict[str, Any]]:
        """Jobs newest first; filters: ``status``, ``kind``, ``mode``, ``since``, ``limit``, ``offset``."""
        query = "&".join(f"{k}={v}" for k, v in filters.items() if v is not None)
        return list(self.json("GET", "/v1/jobs" + (f"?{query}" if query else ""))["jobs"])

    def evaluate(self, instance: BaseModel | dict[str, Any], plan: BaseModel | dict[str, Any]) -> dict[str, Any]:
        """The independent checker's verdict on a plan of an instance (documents or models)."""

        def doc(x: BaseModel | dict[str, Any]) -> dict[str, Any]:
            return x.model_dump(mode="json", exclude_none=True) if isinstance(x, BaseModel) else x

        return dict(self.json("POST", "/v1/evaluate", {"instance": doc(instance), "plan": doc(plan)}))


class JobHandle:
    """A job on the server: ask its status, wait for it, read its plan and files, stop it."""

    def __init__(self, client: Client, job_id: str) -> None:
        self.client = client
        self.id = job_id

    def __repr__(self) -> str:
        return f"JobHandle({self.client.url!r}, {self.id!r})"

    def status(self) -> dict[str, Any]:
        """The job as ``GET /v1/jobs/{id}`` reports it (status, progress, KPIs, files)."""
        return dict(self.client.json("GET", f"/v1/jobs/{self.id}"))

    def wait(self, timeout: float | None = None, poll_s: float = 0.5) -> dict[str, Any]:
        """Poll until the job has finished; raise :class:`TimeoutError` after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.status()
            if job["status"] in FINISHED:
                return job
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {self.id} still {job['status']} after {timeout:g} s")
            time.sleep(poll_s)

    def plan(self) -> dict[str, Any]:
        """The job's ``plan.json`` (for a replay, ``replay.json``: its KPIs, targets and notes)."""
        return dict(json.loads(self.client.request("GET", f"/v1/jobs/{self.id}/plan")))

    def file(self, name: str) -> bytes:
        """One output file's bytes."""
        return self.client.request("GET", f"/v1/jobs/{self.id}/files/{name}")

    def stop(self) -> dict[str, Any]:
        """Ask the job to stop, keeping the best plan found."""
        return dict(self.client.json("DELETE", f"/v1/jobs/{self.id}"))
