"""The task-queue dispatcher against first in, first out on synthetic warehouse days, with the same staff.

For each seed, :func:`optiops.labour.synthetic_day` (1,500 orders: a pick and a pack each, put-away
and returns; about 165 standard hours) is worked under both rules by N early and N late 8-hour
shifts: N = 12 (192 paid hours, enough for every task) and N = 9 (144 paid hours, short-staffed).
One JSON line per seed x staff x rule goes to benchmarks/results/labour-dispatch.jsonl.

    python benchmarks/dispatch_day.py [--seed 1 --seed 2 ...] [--staff 12 --staff 9] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import uuid
from pathlib import Path

from optiops.bench.runner import append_rows, git_commit, machine, versions
from optiops.labour import DispatchRules, simulate_day, staff, synthetic_day

RESULTS = Path(__file__).resolve().parent / "results" / "labour-dispatch.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--orders", type=int, default=1500)
    parser.add_argument("--staff", type=int, action="append", help="Workers per shift (early and late).")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    rules = DispatchRules()
    common = {
        "suite": "labour-dispatch", "commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "load_avg_1m": round(os.getloadavg()[0], 2), "versions": versions(),
        "run_id": uuid.uuid4().hex[:12], "orders": args.orders,
        "batch_size": rules.batch_size, "batch_window": rules.batch_window, "walk_share": rules.walk_share,
    }  # fmt: skip
    rows = []
    runs = itertools.product(args.seed or [1, 2, 3], args.staff or [12, 9], ("fifo", "dispatch"))
    for seed, per_shift, rule in runs:
        r = simulate_day(synthetic_day(seed=seed, orders=args.orders), staff(per_shift, per_shift), rule, rules)
        rows.append({
            **common, "seed": seed, "staff_per_shift": per_shift, "rule": rule, "tasks": r.tasks, "done": r.done,
            "on_time": r.on_time, "on_time_share": round(r.on_time_share, 4), "units": r.units,
            "labour_hours": r.labour_hours, "worked_hours": round(r.worked_hours, 2),
            "units_per_labour_hour": round(r.units_per_labour_hour, 2),
            "units_per_worked_hour": round(r.units_per_worked_hour, 2), "reorderings": r.reorderings,
        })  # fmt: skip
        print(f"seed {seed}, {per_shift} per shift, {rule:>8}: {r.on_time}/{r.tasks} tasks by their cut-off "
              f"({r.on_time_share:.1%}), {r.units_per_labour_hour:.1f} units per paid hour, "
              f"{r.units_per_worked_hour:.1f} per worked hour, {r.reorderings} re-orderings")  # fmt: skip
    if not args.no_record:
        append_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
