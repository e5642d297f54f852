"""The files of a network plan: ``kpis.json``, ``plan.json``, the steps' CSV tables and PNG figures, ``report.html``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from optiops.plan.pipeline import PlanResult, target_checks


def plan_summary(result: PlanResult) -> dict[str, Any]:
    """The content of ``plan.json``: KPIs of both plans, the cost breakdown, targets and every step's KPI parts."""
    return {
        "scenario": result.scenario,
        "kpis": result.kpis,
        "cost_per_order_breakdown": result.breakdown,
        "targets": target_checks(result.kpis),
        "steps": {
            s.name: {"baseline": s.baseline, "optimised": s.optimised, "stats": s.stats, "notes": s.notes}
            for s in result.steps
        },
        "runtime_s": result.runtime_s,
    }


def plan_files(result: PlanResult, out_dir: Path) -> dict[Path, bytes]:
    """Every output file of ``result`` under ``out_dir`` (written together by :func:`optiops.io.atomic.write_all`)."""
    from optiops.report import plan_report

    summary = plan_summary(result)
    files = {
        out_dir / "kpis.json": (json.dumps(result.kpis, indent=2, sort_keys=True) + "\n").encode(),
        out_dir / "plan.json": (json.dumps(summary, indent=2, sort_keys=True, default=str) + "\n").encode(),
        out_dir / "report.html": plan_report(result).encode("utf-8"),
    }
    for step in result.steps:
        for name, frame in step.tables.items():
            files[out_dir / name] = frame.to_csv(index=False, float_format="%.6g").encode()
        for name, png in step.figures.items():
            files[out_dir / name] = png
    return files
