"""Micro-benchmark of the task-queue dispatcher against its pure-Python reference, on one core.

A queue of about 5,000 tasks (a synthetic warehouse day of 2,250 orders: picks over 8 zones,
packs, put-away and returns), all known and 90 % waiting; each re-ordering is one call of
``optiops.labour.dispatch`` at a new time (Python call included). The event cycle adds what an
arrival costs the caller: marking the task waiting, then re-ordering. Rates are given per wall
second and per CPU second of this process (``time.process_time``): on a machine whose cores are
shared, the second is what one core of its own would do. One JSON line goes to
benchmarks/results/micro-dispatch.jsonl.

    python benchmarks/micro/dispatch.py [--calls 2000] [--reference-calls 5] [--repeats 5] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from optiops.bench.runner import append_rows, best_of, git_commit, machine, versions
from optiops.kernels.dispatch import warmup
from optiops.labour import DispatchRules, dispatch, synthetic_day

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.kernels.reference_dispatch import dispatch_reference

RESULTS = Path(__file__).resolve().parents[1] / "results" / "micro-dispatch.jsonl"


def best_cpu(fn: Callable[[], None], repeats: int) -> float:
    """Least CPU seconds of this process over ``repeats`` calls of ``fn``."""
    spent = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        spent.append(time.process_time() - t0)
    return min(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--reference-calls", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    warmup()
    queue = synthetic_day(seed=1, orders=2250)
    rng = np.random.default_rng(1)
    waiting = rng.random(len(queue)) < 0.9
    times = np.sort(rng.uniform(0, 900, args.calls))
    rules = DispatchRules()

    def reorder_all() -> None:
        for now in times:
            dispatch(queue, now, waiting, rules)

    def events() -> None:
        flags = waiting.copy()
        for k, now in enumerate(times):
            flags[k % len(flags)] = True  # an arrival
            dispatch(queue, now, flags, rules)

    lists = (waiting.tolist(), queue.key.tolist(), queue.release.tolist(), queue.zone.tolist(), queue.kind.tolist())

    def reference() -> None:
        for now in times[: args.reference_calls]:
            dispatch_reference(now, *lists, rules.batch_size, rules.batch_window)

    t_kernel = best_of(reorder_all, args.repeats)
    t_events = best_of(events, args.repeats)
    t_ref = best_of(reference, max(1, args.repeats // 2))
    cpu_kernel, cpu_ref = best_cpu(reorder_all, args.repeats), best_cpu(reference, max(1, args.repeats // 2))
    per_s, ref_per_s = args.calls / t_kernel, args.reference_calls / t_ref
    cpu_per_s = args.calls / cpu_kernel
    row = {
        "suite": "micro-dispatch", "instance": f"dispatch-{len(queue)}-tasks", "tasks": len(queue),
        "waiting": int(waiting.sum()), "commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "load_avg_1m": round(os.getloadavg()[0], 2), "versions": versions(),
        "calls": args.calls, "kernel_s": round(t_kernel, 4), "reorderings_per_s": round(per_s),
        "event_cycles_per_s": round(args.calls / t_events), "reference_calls": args.reference_calls,
        "reference_s": round(t_ref, 4), "reference_reorderings_per_s": round(ref_per_s, 1),
        "cpu_s": round(cpu_kernel, 4), "reorderings_per_cpu_s": round(cpu_per_s),
        "reference_reorderings_per_cpu_s": round(args.reference_calls / cpu_ref, 1),
        "speedup_vs_reference": round(per_s / ref_per_s, 1), "target_per_s": 10_000,
        "meets_target_wall": per_s >= 10_000, "meets_target_cpu": cpu_per_s >= 10_000,
    }  # fmt: skip
    print(json.dumps(row, indent=2))
    if not args.no_record:
        append_rows([row], RESULTS)


if __name__ == "__main__":
    main()
