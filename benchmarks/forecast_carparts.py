"""Car-parts forecasting benchmark and intermittent-kernel micro-benchmark (suite forecast-carparts).

Prints the comparison table (per model: MASE, RMSSE, WAPE, bias, scaled pinball, 80/95 % coverage,
overall and per Syntetos-Boylan class), the speed of the kernels against their pure-Python
references, and appends one JSON line per model x group to benchmarks/results/forecast-carparts.jsonl
unless --no-record is given.

    python benchmarks/forecast_carparts.py [--data DIR] [--series N] [--model NAME ...] [--peers] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tomllib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from optiops.bench.runner import append_rows, best_of, git_commit, machine, versions
from optiops.bench.suites import SUITES_DIR, data_root
from optiops.forecast.base import Backtest
from optiops.forecast.bench import CARPARTS, result_rows, run_carparts
from optiops.kernels import adida_levels, croston_levels, ses_levels, tsb_levels, warmup

# The kernels' pure-Python references live with the tests, below the checkout's root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.kernels.reference_intermittent import adida_reference, croston_reference, ses_reference, tsb_reference

SUITE = "forecast-carparts"
RESULTS = Path(__file__).resolve().parent / "results" / f"{SUITE}.jsonl"


def kernel_speedups(n_series: int = 500, length: int = 51, seed: int = 1) -> dict[str, float]:
    """Kernel time vs pure-Python reference time on the same intermittent panel."""
    rng = np.random.default_rng(seed)
    values = (rng.random(n_series * length) < 0.25) * rng.integers(1, 10, n_series * length).astype(float)
    offsets = np.arange(0, n_series * length + 1, length, dtype=np.int64)
    series = [values[offsets[i] : offsets[i + 1]].tolist() for i in range(n_series)]
    grid = np.round(np.arange(0.05, 1.0001, 0.05), 2)
    alphas = list(grid)
    cases: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "croston": (
            lambda: croston_levels(values, offsets, 0.1, 1.0),
            lambda: [croston_reference(s, 0.1) for s in series],
        ),
        "tsb": (lambda: tsb_levels(values, offsets, 0.1, 0.1), lambda: [tsb_reference(s, 0.1, 0.1) for s in series]),
        "ses": (lambda: ses_levels(values, offsets, grid), lambda: [ses_reference(s, alphas) for s in series]),
        "adida": (lambda: adida_levels(values, offsets, grid), lambda: [adida_reference(s, alphas) for s in series]),
    }
    return {name: round(best_of(ref, 3) / best_of(kernel, 5), 1) for name, (kernel, ref) in cases.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=None, help="data root (default $OPTIOPS_DATA or ../shared/benchmarks)")
    parser.add_argument("--series", type=int, default=None, help="evenly spaced subset of this many series")
    parser.add_argument("--model", action="append", help="model name (repeatable); default: the suite's")
    parser.add_argument("--peers", action="store_true", help="also run statsforecast's models (optiops[peers])")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    settings = tomllib.loads((SUITES_DIR / f"{SUITE}.toml").read_text(encoding="utf-8"))["settings"]
    warmup()
    table = run_carparts(
        data_root(args.data) / CARPARTS, horizon=settings["horizon"], levels=tuple(settings["levels"]),
        models=tuple(args.model or settings["models"]), n_series=args.series,
        backtest=Backtest(h=settings["horizon"], n_windows=settings["backtest_windows"]), peers=args.peers,
    )  # fmt: skip
    print(table.round(3).to_string(index=False))
    speedups = kernel_speedups()
    print("kernel speed-up over the pure-Python reference:", speedups)
    common = {"suite": SUITE, "commit": git_commit(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "machine": machine(), "versions": versions(), "series_subset": args.series,
              "kernel_speedup": speedups, "run_id": uuid.uuid4().hex[:12]}  # fmt: skip
    rows = result_rows(table, **common)
    if not args.no_record:
        append_rows(rows, RESULTS)
    print(json.dumps({"rows": len(rows), "recorded": not args.no_record}))


if __name__ == "__main__":
    main()
