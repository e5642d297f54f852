"""The replay of the medium scenario on seeds 1-3: both plans over the whole hold-out (issue 20's measurement).

For each seed the medium scenario is the shipped folder for seed 1 and generated afresh (same sizes
and parameters) for the others; :func:`optiops.replay` plays baseline and optimised day by
day; one JSON line per seed x plan (the kpis.json figures, the cost breakdown, the baseline's
calibration checks, whether each target is met, per-step seconds) goes to
benchmarks/results/replay.jsonl.

    python benchmarks/replay_scenarios.py [--seed 1 --seed 2 --seed 3] [--time-limit 10] [--workers 2]
                                          [--days N] [--scenario DIR] [--holdout DAYS] [--daily DIR]
                                          [--no-record]

``--holdout DAYS`` generates the scenario's configuration afresh with that many hold-out days, for
every seed (seed 1 included), to see where the plans settle after the first weeks; ``--daily DIR``
keeps each seed's ``daily.csv`` there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from plan_scenarios import MEDIUM, scenario_for  # this folder's script: the same scenarios

from optiops.bench.runner import append_rows, git_commit, machine, versions
from optiops.closed_loop import ReplayOptions, replay
from optiops.closed_loop.write import calibration_checks, target_checks

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "replay.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--days", type=int, default=None)
    parser.add_argument("--scenario", type=Path, default=MEDIUM)
    parser.add_argument("--holdout", type=int, default=None)
    parser.add_argument("--daily", type=Path, default=None)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    common = {
        "suite": "replay", "commit": git_commit(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "versions": versions(), "run_id": uuid.uuid4().hex[:12], "time_limit_s": args.time_limit,
        "workers": args.workers,
    }  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seed or [1, 2, 3]:
            scenario = scenario_for(seed, Path(tmp), args.scenario, args.holdout)
            options = ReplayOptions(days=args.days, time_limit=args.time_limit, seed=1, workers=args.workers,
                                    executor="inline" if args.workers == 1 else "process")  # fmt: skip
            t0 = time.perf_counter()
            result = replay(scenario, options)
            wall = time.perf_counter() - t0
            if args.daily:
                args.daily.mkdir(parents=True, exist_ok=True)
                result.daily.to_csv(args.daily / f"daily-seed{seed}.csv", index=False)
            checks = target_checks(result.kpis)
            calibration = calibration_checks(result.kpis["baseline"], result.breakdown["baseline"])
            for plan in result.kpis:
                name = f"{args.scenario.name}-seed{seed}" + (f"-holdout{args.holdout}" if args.holdout else "")
                rows.append({**common, "scenario": name, "plan": plan,
                             **result.kpis[plan], "breakdown": result.breakdown[plan], "runtime_s": round(wall, 1),
                             "days": result.stats["days"], "step_seconds": result.stats["step_seconds"],
                             "targets_met": {k: v["met"] for k, v in checks.items()},
                             "baseline_calibration": calibration})  # fmt: skip
            b, o = result.kpis["baseline"], result.kpis["optimised"]
            changes = ", ".join(f"{k} {b[k]:.3f} -> {o[k]:.3f}" for k in b)
            print(f"seed {seed} ({wall:.0f} s): {changes}")
            print(f"  calibration: {calibration}")
            print(f"  targets: { {k: v['met'] for k, v in checks.items()} }")
    if not args.no_record:
        append_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
