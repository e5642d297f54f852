"""Bounded local load on ``optiops serve``: many small routing jobs from concurrent clients.

Starts a server (``--workers`` solver processes, a fresh data folder), then ``--clients`` threads
each submit their share of ``--jobs`` small routing jobs at once and poll ``GET /v1/jobs/{id}``
every ``--poll`` seconds until all have finished. Reports the latency of those status polls (taken
while solves run) as the clients see it and as the server's own request histogram has it, of the
submissions, and checks that every job finished exactly once: all done,
none lost, none run twice, never more than ``--workers`` at once. One JSON line goes to
benchmarks/results/service-load.jsonl unless --no-record is given.

    python benchmarks/service_load.py [--jobs 200] [--clients 20] [--workers 2] [--time-limit 0.2] [--no-plots]
                                      [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from optiops.bench.runner import append_rows, git_commit, machine, versions
from optiops.service.client import Client

RESULTS = Path(__file__).resolve().parent / "results" / "service-load.jsonl"
FINISHED = ("done", "failed", "stopped")


def small_routing(seed: int) -> dict[str, Any]:
    """One depot, six stops, two vans: solved in well under a second."""
    stops = [{"id": f"s{i}", "x": (i * 37 + seed) % 50, "y": (i * 53 + 3 * seed) % 50, "delivery": 2 + i % 3}
             for i in range(6)]  # fmt: skip
    return {
        "kind": "routing", "schema_version": 1, "name": f"load-{seed}", "rounding": "exact",
        "depots": [{"id": "D", "x": 25, "y": 25, "time_window": [0, 1000]}],
        "vehicle_types": [{"id": "van", "count": 2, "capacity": 10, "start_depot": "D", "fixed_cost": 5}],
        "stops": stops,
    }  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def start_server(workers: int, data: Path, port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "optiops", "serve", "--port", str(port), "--workers", str(workers), "--data",
           str(data), "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(cmd)
    client = Client(f"http://127.0.0.1:{port}", timeout=5)
    deadline = time.monotonic() + 120
    while True:
        try:
            client.json("GET", "/healthz")
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.3)


def client_run(url: str, seeds: list[int], poll: float, options: dict[str, Any], out: dict[str, Any]) -> None:
    """Submit every job of this client, then poll them all until finished, timing each request."""
    client = Client(url, timeout=60)
    submits, gets, ids = [], [], []
    for seed in seeds:
        t0 = time.perf_counter()
        ids.append(client.submit(small_routing(seed), seed=seed, **options).id)
        submits.append(time.perf_counter() - t0)
    pending = set(ids)
    while pending:
        for job_id in sorted(pending):
            t0 = time.perf_counter()
            status = client.json("GET", f"/v1/jobs/{job_id}")["status"]
            gets.append(time.perf_counter() - t0)
            if status in FINISHED:
                pending.discard(job_id)
        time.sleep(poll)
    out.update(submits=submits, gets=gets, ids=ids)


def server_quantiles(metrics: str, method: str) -> dict[str, float]:
    """Upper bounds (ms) of the server's own histogram buckets holding its p50 and p95 of ``method`` requests."""
    buckets = []
    for line in metrics.splitlines():
        if line.startswith(f'optiops_http_request_seconds_bucket{{method="{method}",le="'):
            le = line.split('le="')[1].split('"')[0]
            buckets.append((float("inf") if le == "+Inf" else float(le) * 1000, int(line.rsplit(" ", 1)[1])))
    total = buckets[-1][1]
    return {f"p{q}_at_most": next(b for b, n in buckets if n >= q / 100 * total) for q in (50, 95, 99)}


def max_concurrency(jobs: list[dict[str, Any]]) -> int:
    events = sorted([(j["started"], 1) for j in jobs] + [(j["finished"], -1) for j in jobs], key=lambda e: (e[0], e[1]))
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=0.2)
    parser.add_argument("--no-plots", action="store_true", help="jobs draw no route maps")
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between a client's rounds of polls")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="optiops-load-") as tmp:
        server = start_server(args.workers, Path(tmp) / "data", args.port)
        url = f"http://127.0.0.1:{args.port}"
        try:
            results: list[dict[str, Any]] = [{} for _ in range(args.clients)]
            shares = [list(range(c, args.jobs, args.clients)) for c in range(args.clients)]
            t0 = time.perf_counter()
            options = {"time_limit": args.time_limit, "plots": not args.no_plots}
            threads = [threading.Thread(target=client_run, args=(url, shares[c], args.poll, options, results[c]))
                       for c in range(args.clients)]  # fmt: skip
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
            jobs = Client(url).jobs(limit=args.jobs + 100)
            server_get = server_quantiles(Client(url).request("GET", "/metrics").decode(), "GET")
        finally:
            server.terminate()
            server.wait(timeout=30)
    gets = [g * 1000 for r in results for g in r.get("gets", [])]
    submits = [s * 1000 for r in results for s in r.get("submits", [])]
    ids = [i for r in results for i in r.get("ids", [])]
    runs = [j["finished"] - j["started"] for j in jobs if j["started"] and j["finished"]]
    statuses = {s: sum(j["status"] == s for j in jobs) for s in ("done", "failed", "stopped", "queued", "running")}
    row = {
        "suite": "service-load", "commit": git_commit(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()], "versions": versions(),
        "run_id": uuid.uuid4().hex[:12], "jobs": args.jobs, "clients": args.clients, "workers": args.workers,
        "time_limit_s": args.time_limit, "plots": not args.no_plots, "poll_s": args.poll, "wall_s": round(wall, 2),
        "jobs_per_s": round(args.jobs / wall, 3), "statuses": statuses,
        "submitted": len(ids), "unique_ids": len(set(ids)), "stored": len(jobs),
        "run_twice": sum(j["attempts"] != 1 for j in jobs), "max_concurrent": max_concurrency(jobs),
        "job_s": {"p50": round(statistics.median(runs), 2), "max": round(max(runs), 2)},
        "get_ms": {"n": len(gets), "p50": round(statistics.median(gets), 2), "p95": round(percentile(gets, 95), 2),
                   "p99": round(percentile(gets, 99), 2), "max": round(max(gets), 2)},
        "server_get_ms": server_get,  # measured inside the server: arrival to last byte
        "submit_ms": {"n": len(submits), "p50": round(statistics.median(submits), 2),
                      "p95": round(percentile(submits, 95), 2), "max": round(max(submits), 2)},
    }  # fmt: skip
    print(json.dumps(row, indent=2))
    ok = (statuses["done"] == args.jobs and len(set(ids)) == args.jobs == len(jobs) and row["run_twice"] == 0
          and row["max_concurrent"] <= args.workers)  # fmt: skip
    print("every job finished exactly once" if ok else "JOBS LOST, FAILED OR DUPLICATED")
    if not args.no_record:
        append_rows([row], RESULTS)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
