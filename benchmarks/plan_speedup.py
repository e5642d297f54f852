"""Speed-up of the network plan from 1 to 2 Dask workers on the medium scenario (issue 7's scale-out).

Runs :func:`optiops.plan.pipeline.run_plan` on ``instances/scenarios/medium`` with the fan-out steps
(forecast chunks, routing per warehouse) on a Dask LocalCluster of 1 and then 2 single-threaded
worker processes, and records wall time, the KPIs (which must not change with the worker count:
the routing solves are time-limited, so they may differ slightly) and the ratio, one JSON line per
run to benchmarks/results/plan-speedup.jsonl.

    python benchmarks/plan_speedup.py [--time-limit 10] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid
from pathlib import Path

from optiops.bench.runner import append_rows, git_commit, machine, versions
from optiops.plan.base import PlanOptions
from optiops.plan.pipeline import run_plan
from optiops.scenario.read import read_scenario

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "plan-speedup.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    scenario = read_scenario(ROOT / "instances" / "scenarios" / "medium")
    common = {
        "suite": "plan-speedup", "commit": git_commit(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "versions": versions(), "run_id": uuid.uuid4().hex[:12], "time_limit_s": args.time_limit,
    }  # fmt: skip
    rows = []
    for workers in (1, 2):
        t0 = time.perf_counter()
        result = run_plan(scenario, PlanOptions(time_limit=args.time_limit, executor="dask", workers=workers))
        wall = time.perf_counter() - t0
        rows.append({**common, "scenario": "medium", "workers": workers, "wall_s": round(wall, 2),
                     "kpis": result.kpis["optimised"]})  # fmt: skip
        cost = result.kpis["optimised"]["cost_per_order"]
        print(f"{workers} Dask worker(s): {wall:.1f} s, optimised cost per order {cost}")
    speedup = rows[0]["wall_s"] / rows[1]["wall_s"]
    for r in rows:
        r["speedup_1_to_2"] = round(speedup, 3)
    print(f"speed-up 1 -> 2 workers: {speedup:.2f}x")
    if not args.no_record:
        append_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
