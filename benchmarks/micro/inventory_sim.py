"""Micro-benchmark of the inventory simulation kernel against its pure-Python reference.

Measures simulated SKU-days per second on one core (numba kernel, warm) and the speed-up over the
reference on the same case and mode, and appends one JSON line per case to
benchmarks/results/micro-inventory.jsonl. The case is a daily e-commerce catalogue: 2,000 SKUs with a
year of history (a third intermittent, the rest Poisson at rates up to 40 a day), daily or weekly
review, stochastic lead times (mean 3 days, sd 1), 25 % returns back after 5 days, demand bootstrapped
from the history. Daily review with fast movers orders almost every day: the worst case.

    python benchmarks/micro/inventory_sim.py [--scenarios 200] [--days 365] [--repeats 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np

from optiops.bench.runner import append_rows, best_of, git_commit, machine, versions
from optiops.inventory.simulate import NO_GROUPS
from optiops.kernels.inventory import N_RISK, N_TRACE, simulate_policies, warmup_compile

# The kernels' pure-Python references live with the tests, below the checkout's root.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.kernels.reference_inventory import simulate_policies_reference

RESULTS = Path(__file__).resolve().parents[1] / "results" / "micro-inventory.jsonl"


def case(n_sku: int, review: int, seed: int) -> tuple:  # type: ignore[type-arg]
    """Kernel arguments (without periods, warm-up, scenarios and trace) for a synthetic catalogue."""
    rng = np.random.default_rng(seed)
    rate = rng.uniform(0.5, 40.0, n_sku)
    hist = rng.poisson(rate[:, None], (n_sku, 365)).astype(float)
    slow = rng.random(n_sku) < 1 / 3
    hist[slow] *= rng.random((int(slow.sum()), 365)) < 0.1
    mean, sd = hist.mean(1), hist.std(1)
    p = 3.0 + review
    level = np.ceil(mean * p * 0.75 + 1.65 * sd * np.sqrt(p))
    f = np.ones(n_sku)
    return (
        hist.ravel(), np.arange(0, 365 * (n_sku + 1), 365, dtype=np.int64), True, np.full(n_sku, review, np.int64),
        level, level, f * 0, f * 0, f, f * 3.0, f * 1.0, f * 0.25, np.full(n_sku, 5, np.int64),
        np.zeros(n_sku, np.bool_), level, np.arange(n_sku, dtype=np.int64), np.zeros((0, N_RISK)),
    )  # fmt: skip


def measure(review: int, args: argparse.Namespace) -> dict[str, object]:
    n_sku = 2000
    a = case(n_sku, review, seed=1)
    no_trace = np.zeros((0, 0, N_TRACE))
    run = (args.days, 0, args.scenarios)
    t_kernel = best_of(lambda: simulate_policies(*a, *run, no_trace, *NO_GROUPS), args.repeats)
    sku_days = n_sku * args.days * args.scenarios
    # reference on the first 20 SKUs x 10 scenarios (it is slow), kernel on the same slice for the ratio
    k, sc = 20, 10
    sub = tuple(x[:k] if isinstance(x, np.ndarray) and x.shape[0] == n_sku else x for x in a)
    sub = (a[0][: 365 * k], a[1][: k + 1], *sub[2:])
    t_ref = best_of(lambda: simulate_policies_reference(*sub, args.days, 0, sc), 1)
    t_same = best_of(lambda: simulate_policies(*sub, args.days, 0, sc, no_trace, *NO_GROUPS), args.repeats)
    return {
        "suite": "micro-inventory",
        "instance": f"simulate_policies-review-{review}",
        "commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "sku_days": sku_days,
        "kernel_s": round(t_kernel, 4),
        "sku_days_per_s": round(sku_days / t_kernel),
        "reference_sku_days": k * args.days * sc,
        "reference_s": round(t_ref, 4),
        "reference_sku_days_per_s": round(k * args.days * sc / t_ref),
        "speedup_vs_reference": round(t_ref / t_same, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--review", type=int, action="append")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    warmup_compile()
    rows = [measure(r, args) for r in args.review or [1, 7]]
    print(json.dumps(rows, indent=2))
    if not args.no_record:
        append_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
