"""Routing re-plan after a mid-day breakdown: warm-started re-plan against a 10-s cold solve of the same rest of day.

For each bundled breakdown day (``instances/routing/breakdown``, made by ``breakdown_days.py``) and
each backend: ``optiops.reoptimise`` with its default time limit (wall seconds from the call to the
checked plan), then a cold solve of the same remaining problem with the same backend. The gap is
(re-plan cost - cold cost) / cold cost on the rest of the day (the remaining problem's cost plus the
return trips of the vehicles already out, which it counts as negative fixed costs), the only part
a re-plan can change.
One JSON line per day x backend goes to benchmarks/results/reoptimise.jsonl.

    python benchmarks/reoptimise.py [--backend pyvrp --backend ortools] [--cold 10] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
import uuid
from pathlib import Path

import optiops
from optiops.bench.runner import append_rows, git_commit, machine, versions
from optiops.io import load_plan
from optiops.io.documents import read_as
from optiops.kernels.routing import warmup
from optiops.model.routing_state import RoutingState
from optiops.routing import SolveOptions, solve
from optiops.routing.reoptimise import REPLAN_TIME_LIMIT

ROOT = Path(__file__).resolve().parents[1]
DAYS = ROOT / "instances" / "routing" / "breakdown"
RESULTS = ROOT / "benchmarks" / "results" / "reoptimise.jsonl"


def run(folder: Path, backend: str, cold_s: float, seed: int) -> dict[str, object]:
    inst = optiops.load(folder / "instance.yaml")
    plan = load_plan(folder / "plan.json")
    state = read_as(folder / "state.json", RoutingState)
    t0 = time.perf_counter()
    res = optiops.reoptimise(inst, plan, state, backend=backend, seed=seed)
    replan_s = time.perf_counter() - t0
    rest = res.detail.remaining.instance
    cold = solve(rest, SolveOptions(backend=backend, time_limit=cold_s, seed=seed)).plan
    returns = float(res.stats["rest_cost"]) - float(res.stats["remaining_objective"])
    replan_cost, cold_cost = float(res.stats["rest_cost"]), float(cold.objective or 0.0) + returns
    return {
        "instance": folder.name, "backend": backend, "seed": seed, "stops": len(inst.stops),
        "served": len(state.served), "late_orders": len(state.new_stops), "remaining_stops": len(rest.stops),
        "time_limit_s": REPLAN_TIME_LIMIT, "replan_s": round(replan_s, 3), "replan_cost": round(replan_cost, 3),
        "cold_time_limit_s": cold_s, "cold_cost": round(cold_cost, 3), "cold_feasible": cold.status == "feasible",
        "gap_pct": round(100.0 * (replan_cost - cold_cost) / cold_cost, 3),
        "day_cost": res.objective, "feasible": res.status == "feasible", "served_kept": not res.check.violations,
        "within_1s": replan_s <= 1.0, "within_2pct": replan_cost <= 1.02 * cold_cost,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", action="append")
    parser.add_argument("--cold", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    warmup()
    common = {
        "suite": "reoptimise", "commit": git_commit(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "load_avg_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "versions": versions(), "run_id": uuid.uuid4().hex[:12],
    }  # fmt: skip
    rows = []
    for folder in sorted(p for p in DAYS.iterdir() if p.is_dir()):
        for backend in args.backend or ["pyvrp", "ortools"]:
            row = {**common, **run(folder, backend, args.cold, args.seed)}
            rows.append(row)
            print(
                f"{row['instance']:>14} {backend:>7}: re-plan {row['replan_s']:.2f} s cost {row['replan_cost']:,.1f}; "
                f"cold {args.cold:g} s {row['cold_cost']:,.1f}; gap {row['gap_pct']:+.2f} %; "
                f"{'feasible' if row['feasible'] else 'INFEASIBLE'}, served kept: {row['served_kept']}"
            )
    if not args.no_record:
        append_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
