"""Jobs in an embedded SQLite database under the data folder, their inputs and outputs as files beside it.

Layout of ``DATA``::

    jobs.sqlite3            one row per job (status, options, progress, KPIs, error)
    jobs/<id>/input/        the validated upload (a document, a text file or an unzipped folder)
    jobs/<id>/out/          the outputs, renamed into place whole by the worker (never half-written)
    staging/                uploads being validated; anything left there at start is removed

The database runs in WAL mode: a killed server loses no committed row, and readers never wait for
the scheduler's writes.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from optiops.service.jobs import FINISHED, Job, JobOptions, Progress

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,
    name TEXT NOT NULL,
    input TEXT NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    options TEXT NOT NULL,
    progress TEXT NOT NULL DEFAULT '{}',
    kpis TEXT,
    error TEXT,
    files TEXT NOT NULL DEFAULT '[]',
    attempts INTEGER NOT NULL DEFAULT 0,
    stop_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, seq);
"""
COLUMNS = ("id", "kind", "mode", "name", "status", "created", "started", "finished", "options", "progress", "kpis",
           "error", "files", "attempts")  # fmt: skip


class Store:
    """The job table and job folders under ``root``; safe to share between the server's threads."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / "jobs").mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.root / "staging", ignore_errors=True)
        (self.root / "staging").mkdir()
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.root / "jobs.sqlite3", check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # folders

    def staging(self) -> Path:
        """A fresh folder for an upload being validated."""
        path = self.root / "staging" / uuid.uuid4().hex
        path.mkdir()
        return path

    def job_dir(self, job_id: str) -> Path:
        return self.root / "jobs" / job_id

    def out_dir(self, job_id: str) -> Path:
        return self.job_dir(job_id) / "out"

    # rows

    def add(self, staged: Path, input_rel: str, kind: str, name: str, options: JobOptions) -> str:
        """Move a validated upload into its job folder and queue the job; returns its id."""
        job_id = uuid.uuid4().hex[:16]
        target = self.job_dir(job_id)
        target.mkdir()
        staged.rename(target / "input")
        with self._tx() as db:
            db.execute(
                "INSERT INTO jobs (id, kind, mode, name, input, status, created, options) VALUES (?,?,?,?,?,?,?,?)",
                (job_id, kind, options.mode, name, input_rel, "queued", time.time(), options.model_dump_json()),
            )
        return job_id

    def get(self, job_id: str) -> Job | None:
        rows = self._query(f"SELECT {', '.join(COLUMNS)} FROM jobs WHERE id = ?", (job_id,))
        return _job(rows[0]) if rows else None

    def input_path(self, job_id: str) -> Path:
        (rel,) = self._query("SELECT input FROM jobs WHERE id = ?", (job_id,))[0]
        return self.job_dir(job_id) / "input" / rel

    def jobs(self, status: str | None = None, kind: str | None = None, mode: str | None = None,
             since: float | None = None, limit: int = 100, offset: int = 0) -> tuple[list[Job], int]:  # fmt: skip
        """Jobs newest first matching every filter given, and how many match in all."""
        where, args = _filters(status=status, kind=kind, mode=mode, since=since)
        (total,) = self._query(f"SELECT COUNT(*) FROM jobs{where}", args)[0]
        rows = self._query(f"SELECT {', '.join(COLUMNS)} FROM jobs{where} ORDER BY seq DESC LIMIT ? OFFSET ?",
                           (*args, limit, offset))  # fmt: skip
        return [_job(row, history=False) for row in rows], int(total)

    def next_queued(self) -> str | None:
        """The oldest queued job's id."""
        rows = self._query("SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1")
        return rows[0][0] if rows else None

    def start(self, job_id: str) -> bool:
        """Mark a queued job running; false when it is no longer queued (stopped meanwhile)."""
        with self._tx() as db:
            cur = db.execute("UPDATE jobs SET status='running', started=?, attempts=attempts+1, progress='{}' "
                       "WHERE id=? AND status='queued'", (time.time(), job_id))  # fmt: skip
        return cur.rowcount == 1

    def set_progress(self, job_id: str, progress: Progress) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET progress=? WHERE id=? AND status='running'",
                       (progress.model_dump_json(), job_id))  # fmt: skip

    def finish(self, job_id: str, status: str, kpis: dict[str, Any] | None = None, error: str | None = None,
               files: list[str] | None = None) -> None:  # fmt: skip
        assert status in FINISHED
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET status=?, finished=?, kpis=?, error=?, files=? WHERE id=? AND status IN "
                "('queued','running')",
                (status, time.time(), None if kpis is None else json.dumps(kpis), error, json.dumps(files or []),
                 job_id),
            )  # fmt: skip

    def request_stop(self, job_id: str) -> str | None:
        """Stop a job: a queued one at once, a running one by the scheduler; returns the status it had."""
        with self._tx() as db:
            rows = db.execute("SELECT status FROM jobs WHERE id=?", (job_id,)).fetchall()
            if not rows:
                return None
            status = str(rows[0][0])
            if status == "queued":
                db.execute("UPDATE jobs SET status='stopped', finished=?, error=? WHERE id=?",
                           (time.time(), "stopped before it started", job_id))  # fmt: skip
            elif status == "running":
                db.execute("UPDATE jobs SET stop_requested=1 WHERE id=?", (job_id,))
            return status

    def stop_requested(self) -> set[str]:
        return {r[0] for r in self._query("SELECT id FROM jobs WHERE status='running' AND stop_requested=1")}

    def running(self) -> list[str]:
        return [r[0] for r in self._query("SELECT id FROM jobs WHERE status='running' ORDER BY seq")]

    def requeue(self, job_id: str) -> None:
        """Put a job that was running back in the queue, in its old place (its outputs so far discarded)."""
        shutil.rmtree(self.job_dir(job_id) / "work", ignore_errors=True)
        with self._tx() as db:
            db.execute("UPDATE jobs SET status='queued', started=NULL, progress='{}', stop_requested=0 "
                       "WHERE id=? AND status='running'", (job_id,))  # fmt: skip

    def counts(self) -> dict[str, int]:
        """Jobs by status."""
        return {str(s): int(n) for s, n in self._query("SELECT status, COUNT(*) FROM jobs GROUP BY status")}

    def solve_seconds(self) -> list[float]:
        """Wall seconds of every finished job that ran."""
        rows = self._query("SELECT finished - started FROM jobs WHERE started IS NOT NULL AND finished IS NOT NULL")
        return [float(r[0]) for r in rows]


def _filters(**values: Any) -> tuple[str, tuple[Any, ...]]:
    clauses, args = [], []
    for column, value in values.items():
        if value is not None:
            clauses.append("created >= ?" if column == "since" else f"{column} = ?")
            args.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(args)


def _job(row: tuple[Any, ...], history: bool = True) -> Job:
    data = dict(zip(COLUMNS, row, strict=True))
    progress = Progress.model_validate_json(data["progress"] or "{}")
    if not history:
        progress = progress.model_copy(update={"history": []})
    return Job(
        id=data["id"], kind=data["kind"], mode=data["mode"], name=data["name"], status=data["status"],
        created=data["created"], started=data["started"], finished=data["finished"],
        options=JobOptions.model_validate_json(data["options"]), progress=progress,
        kpis=None if data["kpis"] is None else json.loads(data["kpis"]), error=data["error"],
        files=json.loads(data["files"]), attempts=data["attempts"],
    )  # fmt: skip
