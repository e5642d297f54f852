"""A real online retailer (UCI Online Retail, both files): import, plan, replay and forecast (suite real-data).

1. ``optiops import orders`` on both files with docs/networks/online-retail.yaml, the last 28 trading
   days held out, in a child process: wall seconds and peak memory (max RSS) of the import.
2. ``optiops plan`` and ``optiops replay`` on the imported scenario: the KPIs of both plans.
3. Forecasts of the real daily series (units per SKU per calendar day, summed over zones, zero on
   closed days) over the hold-out: ``auto`` against the 28-day moving average and the seasonal
   naive (one week), WAPE and RMSSE over all series.

One JSON line per step (and per plan or model) goes to benchmarks/results/real-data.jsonl unless
--no-record. ``--top-skus N`` keeps the N SKUs with the most order lines (the import's
``--exclude-sku`` with the others), for a plan and replay that fit the time at hand.

    python benchmarks/real_data.py [--data DIR] [--top-skus N] [--time-limit 10] [--workers 1]
                                   [--replay-days N] [--steps import,plan,replay,forecast] [--no-record]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optiops.bench.runner import append_rows, git_commit, machine, versions
from optiops.bench.suites import data_root

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "real-data.jsonl"
NETWORK = ROOT / "docs" / "networks" / "online-retail.yaml"
FILES = ("transactions_2009_2010.csv.gz", "transactions_2010_2011.csv.gz")
HOLDOUT = 28


def run_import(files: list[Path], out: Path, exclude: str | None) -> dict[str, Any]:
    """``optiops import orders`` in a child process: its summary, wall seconds and peak memory."""
    cmd = [sys.executable, "-m", "optiops", "import", "orders", *map(str, files), "--out", str(out),
           "--network", str(NETWORK), "--holdout", str(HOLDOUT)]  # fmt: skip
    cmd += ["--exclude-sku", exclude] if exclude else []
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"import failed ({done.returncode}):\n{done.stderr}")
    print(done.stdout)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kB on Linux
    summary = json.loads((out / "import_summary.json").read_text())
    return {"step": "import", "wall_s": round(wall, 1), "peak_rss_mib": round(peak_mib), "summary": summary}


def top_skus_rule(files: list[Path], n: int) -> str:
    """``--exclude-sku`` that keeps the ``n`` product SKUs with the most sale lines (both files, overlap included)."""
    lines = pd.concat([pd.read_csv(f, usecols=["StockCode", "Quantity"], dtype={"StockCode": str}) for f in files])
    sales = lines[(lines["Quantity"] > 0) & lines["StockCode"].str.match(r"\d{5}")]
    keep = sales["StockCode"].value_counts().index[:n]
    return "(?!(?:" + "|".join(map(re.escape, sorted(keep))) + ")$)"


def run_plan(folder: Path, time_limit: float, workers: int) -> list[dict[str, Any]]:
    from optiops.plan.base import PlanOptions
    from optiops.plan.pipeline import run_plan as plan
    from optiops.scenario import read_scenario

    options = PlanOptions(time_limit=time_limit, seed=1, workers=workers,
                          executor="inline" if workers == 1 else "process")  # fmt: skip
    t0 = time.perf_counter()
    result = plan(read_scenario(folder), options)
    wall = round(time.perf_counter() - t0, 1)
    return [{"step": "plan", "plan": p, **result.kpis[p], "breakdown": result.breakdown[p], "wall_s": wall}
            for p in result.kpis]  # fmt: skip


def run_replay(folder: Path, time_limit: float, workers: int, days: int | None) -> list[dict[str, Any]]:
    from optiops.closed_loop import ReplayOptions, replay
    from optiops.scenario import read_scenario

    options = ReplayOptions(days=days, time_limit=time_limit, seed=1, workers=workers,
                            executor="inline" if workers == 1 else "process")  # fmt: skip
    t0 = time.perf_counter()
    result = replay(read_scenario(folder), options)
    wall = round(time.perf_counter() - t0, 1)
    stats = {"days": result.stats["days"], "step_seconds": result.stats["step_seconds"]}
    return [{"step": "replay", "plan": p, **result.kpis[p], "breakdown": result.breakdown[p], "wall_s": wall, **stats}
            for p in result.kpis]  # fmt: skip


def run_forecast(folder: Path) -> list[dict[str, Any]]:
    """``auto``, 28-day moving average and seasonal naive on the hold-out of the real daily series."""
    from optiops.forecast.base import Backtest
    from optiops.forecast.evaluation import score
    from optiops.forecast.models import MovingAverage, SeasonalNaive
    from optiops.forecast.registry import make_model
    from optiops.io.demand import demand_from_frame
    from optiops.scenario import read_scenario

    s = read_scenario(folder)
    days = pd.date_range(pd.Timestamp(s.start), periods=s.days, freq="D")
    units = s.demand.groupby(["sku", "ds"])["y"].sum()
    grid = units.unstack(fill_value=0).reindex(columns=days, fill_value=0)
    first = np.argmax(grid.to_numpy() > 0, axis=1)
    keep = first < s.days - s.holdout_days - 28  # four weeks of history before the hold-out at least
    grid = grid[keep]
    long = grid.stack().rename("y").reset_index()
    long.columns = pd.Index(["unique_id", "ds", "y"])
    long = long[long["ds"] >= long["unique_id"].map(dict(zip(grid.index, days[first[keep]], strict=True)))]
    history = demand_from_frame(long, freq="D")
    train, test = history.split(s.holdout_days)
    rows = []
    models = {"auto": make_model("auto", 7, Backtest(h=s.holdout_days)), "moving_average_28": MovingAverage(window=28),
              "seasonal_naive_7": SeasonalNaive(season_length=7)}  # fmt: skip
    for name, model in models.items():
        t0 = time.perf_counter()
        prediction = model.fit(train).predict(s.holdout_days)
        for row in score(name, train, test, prediction, (), time.perf_counter() - t0):
            rows.append({"step": "forecast", **{k: v for k, v in row.items() if not k.startswith("coverage")}})
        print(f"forecast {name}: {time.perf_counter() - t0:.0f} s")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=None, help="data root (default $OPTIOPS_DATA or ../shared/benchmarks)")
    parser.add_argument("--top-skus", type=int, default=None)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--replay-days", type=int, default=None)
    parser.add_argument("--steps", default="import,plan,replay,forecast")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    files = [data_root(args.data) / "online-retail" / name for name in FILES]
    steps = args.steps.split(",")
    common = {
        "suite": "real-data", "data": "online-retail", "commit": git_commit(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(), "versions": versions(),
        "run_id": uuid.uuid4().hex[:12], "top_skus": args.top_skus, "time_limit_s": args.time_limit,
        "workers": args.workers, "holdout_trading_days": HOLDOUT,
    }  # fmt: skip
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "online-retail"
        exclude = top_skus_rule(files, args.top_skus) if args.top_skus else None
        rows.append(run_import(files, folder, exclude))
        print(f"import: {rows[-1]['wall_s']} s, {rows[-1]['peak_rss_mib']} MiB")
        if "plan" in steps:
            rows += run_plan(folder, args.time_limit, args.workers)
            print("plan:", json.dumps(rows[-2:], indent=1))
        if "replay" in steps:
            rows += run_replay(folder, args.time_limit, args.workers, args.replay_days)
            print("replay:", json.dumps(rows[-2:], indent=1))
        if "forecast" in steps:
            rows += run_forecast(folder)
            print(pd.DataFrame([r for r in rows if r["step"] == "forecast"]).to_string())
    if not args.no_record:
        append_rows([{**common, **row} for row in rows], RESULTS)


if __name__ == "__main__":
    main()
