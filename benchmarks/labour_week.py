"""Forecast-driven shift design vs fixed shifts on generated warehouse weeks (issue 6's labour-hours comparison).

For each seed, :func:`optiops.labour.week.compare_week` plans one warehouse week from four history
weeks both ways and judges both on the actual week; one JSON line per seed x plan x skill goes to
benchmarks/results/labour-week.jsonl.

    python benchmarks/labour_week.py [--seed 1 --seed 2 ...] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import uuid
from pathlib import Path

from optiops.bench.runner import append_rows, git_commit, machine, versions
from optiops.labour.week import compare_week

RESULTS = Path(__file__).resolve().parent / "results" / "labour-week.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    common = {
        "suite": "labour-week", "commit": git_commit(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "versions": versions(), "run_id": uuid.uuid4().hex[:12],
    }  # fmt: skip
    rows = []
    for seed in args.seed or [1, 2, 3, 4, 5]:
        got = [{**common, **r} for r in compare_week(seed=seed)]
        total = {r["plan"]: r for r in got if r["skill"] == "all"}
        saving = 1.0 - total["optimised"]["paid_hours"] / total["fixed_shifts"]["paid_hours"]
        most = 1.0 - total["optimised"]["bound_hours"] / total["fixed_shifts"]["paid_hours"]
        for r in got:
            r["saving_vs_fixed"] = round(saving, 4)
            r["saving_bound"] = round(most, 4)  # the most any plan meeting the target could save
        rows += got
        ours, fixed = total["optimised"], total["fixed_shifts"]
        print(
            f"seed {seed}: optimised {ours['paid_hours']:,.0f} h (coverage {ours['hour_coverage']:.3f}), fixed "
            f"{fixed['paid_hours']:,.0f} h (coverage {fixed['hour_coverage']:.3f}): saving {saving:.1%} "
            f"(any plan: at most {most:.1%})"
        )
    if not args.no_record:
        append_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
