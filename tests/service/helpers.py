"""What the service tests share: a real server process, zips, documents, waiting for a job."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import tiny_document

from optiops.resources import data_dir

ROUTING = data_dir("instances") / "routing" / "city-deliveries.yaml"
SMALL_SCENARIO = data_dir("instances") / "scenarios" / "small"
ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "service-tests"  # screenshots of failed browser tests


def routing_document(**changes: Any) -> dict[str, Any]:
    """The tiny routing document of the suite's conftest."""
    return tiny_document(**changes)


def zip_bytes(entries: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    """A zip of ``entries`` (name: bytes) and ``symlinks`` (name: target)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16  # a symbolic link
            archive.writestr(info, target)
    return buf.getvalue()


def wait_for(client: Any, job_id: str, timeout: float = 60.0, until: tuple[str, ...] = ("done", "failed", "stopped"),
             headers: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """Poll ``GET /v1/jobs/{id}`` until its status is one of ``until``."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/v1/jobs/{job_id}", headers=headers or {}).json()
        if job["status"] in until:
            return dict(job)
        assert time.monotonic() < deadline, f"job still {job['status']} after {timeout} s: {job}"
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A real ``optiops serve`` process."""

    process: subprocess.Popen[bytes]
    url: str
    data: Path
    log: Path

    def kill(self) -> None:
        """kill -9, as a crash would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(data: Path, workers: int = 2, key_file: Path | None = None, timeout: float = 60.0) -> Server:
    """Start ``optiops serve`` on a free port and wait until ``/healthz`` answers."""
    import urllib.request

    port = free_port()
    log = data.parent / f"server-{port}.log"
    args = [sys.executable, "-m", "optiops", "serve", "--port", str(port), "--data", str(data),
            "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    if key_file is not None:
        args += ["--api-key-file", str(key_file)]
    with log.open("wb") as fh:
        process = subprocess.Popen(
            args, stdout=fh, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
    server = Server(process, f"http://127.0.0.1:{port}", data, log)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2):
                return server
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise AssertionError(f"the server did not start:\n{log.read_text()}") from None
            time.sleep(0.2)


def test_client_class() -> Any:
    """FastAPI's TestClient, imported without Starlette's notice that it would rather run on httpx2."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient
    return TestClient
