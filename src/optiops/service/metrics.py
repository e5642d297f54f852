"""``GET /metrics`` in the Prometheus text format: jobs by status, solve seconds, workers."""

from __future__ import annotations

from optiops.service.guard import RequestTimes
from optiops.service.jobs import Status

STATUSES: tuple[Status, ...] = ("queued", "running", "done", "failed", "stopped")
BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 1800.0)


def prometheus_text(
    counts: dict[str, int], solve_seconds: list[float], workers: int, busy: int, times: RequestTimes | None = None
) -> str:
    """The exposition text of the service's figures."""
    lines = ["# HELP optiops_jobs Jobs in the store by status.", "# TYPE optiops_jobs gauge"]
    lines += [f'optiops_jobs{{status="{s}"}} {counts.get(s, 0)}' for s in STATUSES]
    lines += ["# HELP optiops_solve_seconds Wall seconds of finished jobs, from start to end.",
              "# TYPE optiops_solve_seconds histogram"]  # fmt: skip
    lines += [f'optiops_solve_seconds_bucket{{le="{b:g}"}} {sum(s <= b for s in solve_seconds)}' for b in BUCKETS]
    lines += [
        f'optiops_solve_seconds_bucket{{le="+Inf"}} {len(solve_seconds)}',
        f"optiops_solve_seconds_sum {sum(solve_seconds):.3f}",
        f"optiops_solve_seconds_count {len(solve_seconds)}",
    ]
    lines += ["# HELP optiops_workers Worker processes the server may run at once.", "# TYPE optiops_workers gauge",
              f"optiops_workers {workers}", "# HELP optiops_workers_busy Worker processes running a job.",
              "# TYPE optiops_workers_busy gauge", f"optiops_workers_busy {busy}"]  # fmt: skip
    if times is not None:
        lines += request_lines(times)
    return "\n".join(lines) + "\n"


def request_lines(times: RequestTimes) -> list[str]:
    """The histogram ``optiops_http_request_seconds`` by method (event streams not counted)."""
    lines = ["# HELP optiops_http_request_seconds Seconds from a request's arrival to its last byte sent.",
             "# TYPE optiops_http_request_seconds histogram"]  # fmt: skip
    for method, counts in sorted(times.counts.items()):
        total = 0
        for bound, count in zip((*times.BUCKETS, float("inf")), counts, strict=True):
            total += count
            le = "+Inf" if bound == float("inf") else f"{bound:g}"
            lines.append(f'optiops_http_request_seconds_bucket{{method="{method}",le="{le}"}} {total}')
        lines += [f'optiops_http_request_seconds_sum{{method="{method}"}} {times.sums[method]:.6f}',
                  f'optiops_http_request_seconds_count{{method="{method}"}} {total}']  # fmt: skip
    return lines
