"""The cost of disruptions to each plan: the medium replay with the generator's event mix against without.

For each seed the medium scenario is that of ``replay_scenarios.py`` (the shipped folder for seed 1,
generated afresh with the same configuration for the others); ``generate_events(scenario, N, seed)``
draws the event mix over the replayed days of its hold-out (``--days``: the first N). Both plans are
replayed with and without the events (same options, same seed); one JSON line per seed x plan (KPIs
without, with, and with minus without) goes to benchmarks/results/replay-events.jsonl.

    python benchmarks/replay_events.py [--seed 1 --seed 2 --seed 3] [--events 12] [--time-limit 5]
                                       [--workers 1] [--days N] [--daily DIR] [--no-record]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path

from plan_scenarios import MEDIUM, scenario_for  # this folder's script: the same scenarios

from optiops.bench.runner import append_rows, git_commit, machine, results_file, versions
from optiops.closed_loop import ReplayOptions, replay
from optiops.scenario.events import generate_events

RESULTS = results_file("replay-events")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--events", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--days", type=int, default=None)
    parser.add_argument("--daily", type=Path, default=None)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    header = {"suite": "replay-events", "commit": git_commit(), "machine": machine(), "versions": versions(),
              "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "run_id": uuid.uuid4().hex[:12],
              "time_limit_s": args.time_limit, "workers": args.workers, "events": args.events}  # fmt: skip
    options = ReplayOptions(days=args.days, time_limit=args.time_limit, seed=1, workers=args.workers,
                            executor="inline" if args.workers == 1 else "process")  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seed or [1, 2, 3]:
            plain = scenario_for(seed, Path(tmp))
            replayed = min(args.days or plain.holdout_days, plain.holdout_days)  # the events fall on these days
            window = dataclasses.replace(plain, days=plain.days - plain.holdout_days + replayed, holdout_days=replayed)
            disrupted = dataclasses.replace(plain, events=generate_events(window, args.events, seed))
            t0 = time.perf_counter()
            without, with_events = replay(plain, options), replay(disrupted, options)
            wall = time.perf_counter() - t0
            if args.daily:
                args.daily.mkdir(parents=True, exist_ok=True)
                with_events.daily.to_csv(args.daily / f"daily-events-seed{seed}.csv", index=False)
                without.daily.to_csv(args.daily / f"daily-seed{seed}.csv", index=False)
            for plan in without.kpis:
                a, b = without.kpis[plan], with_events.kpis[plan]
                delta = {k: round(b[k] - a[k], 5) for k in a}
                rows.append({**header, "scenario": f"{MEDIUM.name}-seed{seed}", "plan": plan,
                             "days": with_events.stats["days"], "without": a, "with_events": b, "delta": delta,
                             "runtime_s": round(wall, 1),
                             "event_types": sorted({e.type for e in disrupted.events.events})})  # fmt: skip
                print(f"seed {seed} {plan}: " + ", ".join(f"{k} {a[k]:.4f} -> {b[k]:.4f}" for k in a), flush=True)
    if not args.no_record:
        append_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
