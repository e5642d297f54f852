"""The network plan's HTML report: one self-contained file, figures embedded as base64 PNG, no scripts.

Sections (each a ``<section id=...>``): ``kpis`` (baseline vs optimised with the targets and whether
they are met, honestly), ``cost`` (cost per order by part), one per step (``forecast``,
``inventory``, ``allocation``, ``routing``, ``labour``: notes, KPI parts, figures) and ``solvers``
(each step's statistics).
"""

from __future__ import annotations

import base64
import html
from typing import Any

from optiops.plan.base import StepResult
from optiops.plan.pipeline import EXTRA_KPI_KEYS, KPI_KEYS, PlanResult, target_checks

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{font-size:1.6rem}h2{font-size:1.25rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .6rem}
th{background:#f4f6f8;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.met{color:#17733a;font-weight:600}.missed{color:#b3261e;font-weight:600}img{max-width:100%;margin:.5rem 0}
p.note{color:#444;font-size:.92rem}
"""
STEP_TITLES = {"forecast": "Forecast", "inventory": "Inventory", "allocation": "Order allocation",
               "routing": "Routing", "labour": "Staffing"}  # fmt: skip


def _num(v: Any, nd: int = 3) -> str:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return html.escape(str(v))
    return f"{v:,.{nd}f}" if isinstance(v, float) else f"{v:,}"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{_num(c)}</td>' if isinstance(c, int | float) and not isinstance(c, bool)
                         else f"<td>{c if isinstance(c, Markup) else html.escape(str(c))}</td>" for c in row) + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Markup(str):
    """Text already escaped (inserted as is)."""


def _img(name: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{data}"></figure>'


def _kpi_section(result: PlanResult) -> str:
    checks = target_checks(result.kpis)
    rows = []
    for key in KPI_KEYS + EXTRA_KPI_KEYS:
        if key not in result.kpis["baseline"]:
            continue
        b, o = result.kpis["baseline"][key], result.kpis["optimised"][key]
        change = (o - b) / b if b else 0.0
        check = checks.get(key)
        verdict = Markup("") if check is None else Markup(
            f'<span class="{"met" if check["met"] else "missed"}">{"met" if check["met"] else "not met"}</span>'
            f" ({html.escape(check['target'])})"
        )  # fmt: skip
        rows.append([key, b, o, f"{change:+.1%}", verdict])
    return ('<section id="kpis"><h2>KPI summary</h2><p class="note">Both plans played through the same '
            "simulation and evaluators on the scenario's held-out days. Targets are the report's figures for the "
            "leaders; a target not reached is shown as such. Stock-out rate: share of item-days ending with "
            "nothing on hand (the item shows as out of stock); unmet_demand_day_rate: share of item-days with "
            "demand left unserved.</p>"
            + _table(["KPI", "baseline", "optimised", "change", "target"], rows) + "</section>")  # fmt: skip


def _cost_section(result: PlanResult) -> str:
    parts = list(result.breakdown["baseline"])
    rows = [[p, result.breakdown["baseline"][p], result.breakdown["optimised"][p]] for p in parts]
    rows.append(["total", result.kpis["baseline"]["cost_per_order"], result.kpis["optimised"]["cost_per_order"]])
    return (
        '<section id="cost"><h2>Cost per order by part</h2>'
        + _table(["part", "baseline", "optimised"], rows)
        + ("</section>")
    )


def _step_section(step: StepResult) -> str:
    parts = [f'<section id="{step.name}"><h2>{STEP_TITLES.get(step.name, step.name)}</h2>']
    parts += [f'<p class="note">{html.escape(n)}</p>' for n in step.notes]
    rows = [[k, step.baseline[k], step.optimised.get(k, "")] for k in step.baseline]
    parts.append(_table(["measure", "baseline", "optimised"], rows))
    parts += [_img(name, png) for name, png in sorted(step.figures.items())]
    parts.append("</section>")
    return "".join(parts)


def _solver_section(result: PlanResult) -> str:
    rows = [[s.name, k, v if isinstance(v, int | float) else str(v)] for s in result.steps for k, v in s.stats.items()]
    return (
        '<section id="solvers"><h2>Solver statistics</h2>'
        + _table(["step", "statistic", "value"], rows)
        + ("</section>")
    )


def plan_report(result: PlanResult) -> str:
    """The whole report as one HTML document (UTF-8 text)."""
    body = "".join([_kpi_section(result), _cost_section(result), *(_step_section(s) for s in result.steps),
                    _solver_section(result)])  # fmt: skip
    title = f"optiops network plan: {html.escape(result.scenario)}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{STYLE}</style></head><body><h1>{title}</h1>"
            f'<p class="note">Run time {result.runtime_s:.1f} s.</p>{body}</body></html>')  # fmt: skip
