"""Transfers between warehouses in the replay: the optimised plan with and without them, with and without events.

The medium scenario of ``replay_scenarios.py`` (the shipped folder for seed 1), the generator's event
mix (``generate_events(scenario, N, seed)`` over the replayed days) or none; the replay runs both
plans (the optimised plan's routing guard reads the baseline's day) with ``transfers`` on and off.
One JSON line per seed x events x transfers (the optimised plan's figures) goes to
benchmarks/results/replay-transfers.jsonl.

    python benchmarks/replay_transfers.py [--seed 1] [--events 12] [--days 7] [--time-limit 2]
                                          [--shipment-cost X] [--daily DIR] [--no-record]

``--shipment-cost`` replaces the scenario's ``transfer_cost_per_shipment`` (a sensitivity).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from plan_scenarios import MEDIUM, scenario_for  # this folder's script: the same scenarios

from optiops.bench.runner import append_rows, git_commit, machine, results_file, versions
from optiops.closed_loop import ReplayOptions, replay
from optiops.closed_loop.engine import ReplayResult
from optiops.scenario.events import generate_events

RESULTS = results_file("replay-transfers")


def figures(result: ReplayResult) -> dict[str, Any]:
    """The optimised plan's transfers, service and cost over the replay."""
    rows = result.daily[result.daily["plan"] == "optimised"]
    k = result.kpis["optimised"]
    orders = float(rows["orders"].sum())
    return {"transfer_units": float(rows["transfer_units"].sum()),
            "transfer_shipments": float(rows["transfer_shipments"].sum()),
            "transfer_cost": round(float(rows["cost_transfers"].sum()), 2), "fill_rate": k["fill_rate"],
            "lost_units": float(rows["lost_units"].sum()),
            "item_days_out_of_stock": float(rows["stocked_items_empty"].sum()),
            "stockout_rate": k["stockout_rate"], "cost_per_order": k["cost_per_order"],
            "cost_besides_labour_per_order": round(float((rows["cost_total"] - rows["cost_labour"]).sum()) / orders, 4),
            "transfers_per_order": result.breakdown["optimised"]["transfers"],
            "on_time_rate": k["on_time_rate"], "days_of_inventory": k["days_of_inventory"]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--events", type=int, default=12)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--shipment-cost", type=float, default=None)
    parser.add_argument("--daily", type=Path, default=None, help="Folder for each run's daily.csv.")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    header = {"suite": "replay-transfers", "commit": git_commit(), "machine": machine(), "versions": versions(),
              "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "run_id": uuid.uuid4().hex[:12],
              "time_limit_s": args.time_limit, "days": args.days}  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seed or [1]:
            plain = scenario_for(seed, Path(tmp))
            if args.shipment_cost is not None:
                costs = dataclasses.replace(plain.costs, transfer_cost_per_shipment=args.shipment_cost)
                plain = dataclasses.replace(plain, costs=costs)
            replayed = min(args.days, plain.holdout_days)
            window = dataclasses.replace(plain, days=plain.days - plain.holdout_days + replayed, holdout_days=replayed)
            disrupted = dataclasses.replace(plain, events=generate_events(window, args.events, seed))
            for events, scenario in ((0, plain), (args.events, disrupted)):
                for transfers in (False, True):
                    options = ReplayOptions(days=args.days, time_limit=args.time_limit, seed=1, workers=1,
                                            executor="inline", transfers=transfers)  # fmt: skip
                    t0 = time.perf_counter()
                    result = replay(scenario, options)
                    if args.daily:
                        args.daily.mkdir(parents=True, exist_ok=True)
                        name = f"daily-seed{seed}-events{events}-transfers-{transfers}.csv"
                        result.daily.to_csv(args.daily / name, index=False)
                    row = {**header, "scenario": f"{MEDIUM.name}-seed{seed}", "events": events,
                           "transfers": transfers,
                           "transfer_cost_per_shipment": scenario.costs.transfer_cost_per_shipment,
                           "runtime_s": round(time.perf_counter() - t0, 1),
                           **figures(result)}  # fmt: skip
                    rows.append(row)
                    print({k: v for k, v in row.items() if k not in ("machine", "versions")}, flush=True)
    if not args.no_record:
        append_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
