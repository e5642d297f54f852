"""The files of a replay: ``kpis.json``, ``replay.json``, ``daily.csv``, the ledger and ``report.html``."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import pandas as pd

from optiops.closed_loop.engine import ReplayResult
from optiops.closed_loop.events import EVENT_COLUMNS
from optiops.closed_loop.kpis import COST_PARTS, KPI_KEYS
from optiops.plan.pipeline import target_checks as plan_target_checks


def target_checks(kpis: dict[str, dict[str, float]]) -> dict[str, dict[str, object]]:
    """The report's targets (those of ``optiops plan``) judged on the replayed days; none with one plan only."""
    return plan_target_checks(kpis) if {"baseline", "optimised"} <= set(kpis) else {}


# the report's starting point (docs/replay.md): what the baseline's replay must look like
CALIBRATION = {
    "days_of_inventory": ("40-50", lambda k, b: 40.0 <= k["days_of_inventory"] <= 50.0),
    "stockout_rate": ("5-12 %", lambda k, b: 0.05 <= k["stockout_rate"] <= 0.12),
    "fill_rate": (">= 0.93", lambda k, b: k["fill_rate"] >= 0.93),
    "on_time_rate": (">= 0.90", lambda k, b: k["on_time_rate"] >= 0.90),
    "fulfilment_cost_per_order": (
        "12.8 CNY +- 10 %",
        lambda k, b: abs(k["fulfilment_cost_per_order"] / 12.8 - 1) <= 0.1,
    ),
    "warehouse_share": ("about 40 % (35-45 %)", lambda k, b: 0.35 <= warehouse_share(k, b) <= 0.45),
    "reverse_to_forward_per_unit": ("about 1.8 (1.6-2.0)", lambda k, b: 1.6 <= k["reverse_to_forward_per_unit"] <= 2.0),
}
WAREHOUSE_PARTS = ("handling", "labour", "warehouse_fixed")


def warehouse_share(kpis: dict[str, float], breakdown: dict[str, float]) -> float:
    """Share of the fulfilment cost per order spent on warehouse operations (handling, labour, rent)."""
    total = kpis["fulfilment_cost_per_order"]
    return sum(breakdown[p] for p in WAREHOUSE_PARTS) / total if total else 0.0


def calibration_checks(kpis: dict[str, float], breakdown: dict[str, float]) -> dict[str, dict[str, object]]:
    """The baseline's figures against the report's starting point: value, range and whether it lies inside."""
    out: dict[str, dict[str, object]] = {}
    for key, (text, ok) in CALIBRATION.items():
        value = warehouse_share(kpis, breakdown) if key == "warehouse_share" else kpis[key]
        out[key] = {"value": round(value, 4), "range": text, "inside": bool(ok(kpis, breakdown))}
    return out


def ledger_bytes(ledger: pd.DataFrame) -> tuple[str, bytes]:
    """The ledger as Parquet when pyarrow is installed, else as CSV; (file name, bytes)."""
    try:
        buf = io.BytesIO()
        ledger.to_parquet(buf, index=False)
        return "ledger.parquet", buf.getvalue()
    except ImportError:
        return "ledger.csv", ledger.to_csv(index=False, float_format="%.6g").encode()


def replay_files(result: ReplayResult, out_dir: Path) -> dict[Path, bytes]:
    """Every output file of ``result`` under ``out_dir`` (written together by :func:`optiops.io.atomic.write_all`)."""
    summary = {"scenario": result.scenario, "kpis": result.kpis, "cost_per_order_breakdown": result.breakdown,
               "targets": target_checks(result.kpis), "stats": result.stats,
               "baseline_calibration": calibration_checks(result.kpis["baseline"], result.breakdown["baseline"])
               if "baseline" in result.kpis else {}, "notes": result.notes,
               "runtime_s": result.runtime_s}  # fmt: skip
    name, ledger = ledger_bytes(result.ledger)
    figures = day_figures(result.daily)
    files = {
        out_dir / "kpis.json": (json.dumps(result.kpis, indent=2, sort_keys=True) + "\n").encode(),
        out_dir / "replay.json": (json.dumps(summary, indent=2, sort_keys=True, default=str) + "\n").encode(),
        out_dir / "daily.csv": result.daily.to_csv(index=False, float_format="%.6g").encode(),
        out_dir / name: ledger,
        out_dir / "report.html": replay_report(result, figures).encode("utf-8"),
    }
    files.update({out_dir / k: v for k, v in figures.items()})
    return files


def day_figures(daily: pd.DataFrame) -> dict[str, bytes]:
    """Day-by-day charts of every plan: cost per order, stock and empty shelves, backlog and overtime."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = daily.assign(day=pd.to_datetime(daily["day"]))
    frame = frame.assign(cost_per_order=frame["cost_total"] / frame["orders"].clip(lower=1),
                         empty_share=frame["stocked_items_empty"] / frame["stocked_items"].clip(lower=1))  # fmt: skip
    panels = [("cost_per_order", "cost per order"), ("on_hand_units", "units on hand"),
              ("empty_share", "stocked items with an empty shelf"), ("backlog_orders", "orders in backlog"),
              ("overtime_hours", "overtime hours")]  # fmt: skip
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 2.2 * len(panels)), sharex=True)
    for ax, (col, title) in zip(axes, panels, strict=True):
        for plan, rows in frame.groupby("plan", sort=False):
            ax.plot(rows["day"], rows[col], marker=".", label=str(plan))
        ax.set_title(title, fontsize=9, loc="left")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return {"replay_days.png": buf.getvalue()}


def replay_report(result: ReplayResult, figures: dict[str, bytes]) -> str:
    """One self-contained HTML page: KPIs and targets, cost per order by part, day-by-day charts, statistics."""
    from optiops.report.html import STYLE, _img, _table

    plans = list(result.kpis)
    checks = target_checks(result.kpis)
    rows = []
    for key in (*KPI_KEYS, "lost_sales_per_order"):
        verdict = checks.get(key, {})
        text = "" if not verdict else f"{verdict['target']}: {'met' if verdict['met'] else 'not met'}"
        rows.append([key, *[result.kpis[p].get(key) for p in plans], text])
    kpi_table = _table(["KPI", *plans, "target"], rows)
    cost_rows = [[part, *[result.breakdown[p][part] for p in plans]] for part in COST_PARTS]
    cost_table = _table(["part (per order)", *plans], cost_rows)
    stats = _table(["statistic", "value"], [[k, json.dumps(v, default=str)] for k, v in result.stats.items()])
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in result.notes[:30])
    events = _events_section(result.daily)
    charts = "".join(_img(k, v) for k, v in figures.items())
    title = f"optiops replay: {html.escape(result.scenario)}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{STYLE}</style></head><body><h1>{title}</h1>"
            f'<p class="note">{result.stats.get("days")} days replayed in {result.runtime_s:.1f} s.</p>'
            f'<section id="kpis"><h2>KPIs over the replayed days</h2>{kpi_table}</section>'
            f'<section id="costs"><h2>Cost per order by part</h2>{cost_table}</section>'
            f'<section id="days"><h2>Day by day</h2>{charts}</section>{events}'
            f'<section id="stats"><h2>Statistics</h2>{stats}{notes}</section></body></html>')  # fmt: skip


def _events_section(daily: pd.DataFrame) -> str:
    """The days with events and what they did to each plan (empty without events)."""
    from optiops.report.html import _table

    if "events" not in daily.columns:
        return ""
    hit = daily[daily["events"].fillna("") != ""]
    cols = [c for c in EVENT_COLUMNS if c != "events"]
    rows = [[r["day"], r["plan"], str(r["events"]), *[r[c] for c in cols]] for _, r in hit.iterrows()]
    return f'<section id="events"><h2>Events</h2>{_table(["day", "plan", "events", *cols], rows)}</section>'
