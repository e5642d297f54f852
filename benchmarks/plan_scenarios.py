"""The network plan's KPIs on the shipped medium scenario and on two more seeds (issue 7's measurement).

For each seed, the medium scenario (400 SKUs, 4 warehouses, 280 days, 28 hold-out days) is the
shipped folder for seed 1 and generated afresh (`optiops generate scenario`, same sizes) for the
others; `optiops.plan.pipeline.run_plan` plays baseline and optimised; one JSON line per seed x plan
(the kpis.json figures, the cost breakdown and whether each target is met) goes to
benchmarks/results/plan.jsonl.

    python benchmarks/plan_scenarios.py [--seed 1 --seed 2 --seed 3] [--time-limit 10] [--no-record]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import tempfile
import uuid
from pathlib import Path

from optiops.bench.runner import append_rows, git_commit, machine, versions
from optiops.model.scenario import Scenario
from optiops.plan.base import PlanOptions
from optiops.plan.pipeline import run_plan, target_checks
from optiops.scenario.config import config_from_dict
from optiops.scenario.generate import generate_scenario
from optiops.scenario.read import read_scenario
from optiops.scenario.write import write_scenario

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "plan.jsonl"
MEDIUM = ROOT / "instances" / "scenarios" / "medium"


def scenario_for(seed: int, tmp: Path, base: Path = MEDIUM, holdout: int | None = None) -> Scenario:
    """The scenario folder ``base`` for seed 1, otherwise its configuration generated with ``seed``.

    ``holdout``: generate the configuration with that many hold-out days, seed 1 included.
    """
    if seed == 1 and holdout is None:
        return read_scenario(base)
    config = config_from_dict(read_scenario(base).config)  # the folder's sizes and parameters
    if holdout is not None:
        config = dataclasses.replace(config, holdout_days=holdout)
    folder = tmp / f"{base.name}-seed{seed}"
    write_scenario(generate_scenario(config, seed), folder)
    return read_scenario(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    common = {
        "suite": "plan", "commit": git_commit(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "versions": versions(), "run_id": uuid.uuid4().hex[:12], "time_limit_s": args.time_limit,
    }  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seed or [1, 2, 3]:
            scenario = scenario_for(seed, Path(tmp))
            result = run_plan(scenario, PlanOptions(time_limit=args.time_limit, seed=1))
            checks = target_checks(result.kpis)
            for plan in ("baseline", "optimised"):
                rows.append({**common, "scenario": f"medium-seed{seed}", "plan": plan, **result.kpis[plan],
                             "breakdown": result.breakdown[plan], "runtime_s": result.runtime_s,
                             "targets_met": {k: v["met"] for k, v in checks.items()}})  # fmt: skip
            b, o = result.kpis["baseline"], result.kpis["optimised"]
            changes = ", ".join(f"{k} {b[k]:.3f} -> {o[k]:.3f}" for k in b)
            print(f"seed {seed} ({result.runtime_s:.0f} s): {changes}")
    if not args.no_record:
        append_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
