"""``routes.csv``: one row per visit of every route, the flat view of a plan for spreadsheets."""

from __future__ import annotations

import csv
import io

from optiops.model.plan import RoutingPlan


def routes_csv(plan: RoutingPlan, dimensions: list[str]) -> str:
    """Columns: route, vehicle_type, vehicle, seq, node, kind, arrival, start, departure, load_<dim>..."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        ["route", "vehicle_type", "vehicle", "seq", "node", "kind", "arrival", "start", "departure"]
        + [f"load_{d}" for d in dimensions]
    )

    def cell(v: float | None) -> str:
        return "" if v is None else f"{v:.6g}"

    for r, route in enumerate(plan.routes):
        for seq, v in enumerate(route.visits):
            loads: list[float | None] = list(v.load) if v.load else [None] * len(dimensions)
            writer.writerow(
                [r, route.vehicle_type, route.vehicle, seq, v.node, v.kind, cell(v.arrival), cell(v.start),
                 cell(v.departure)] + [cell(x) for x in loads]
            )  # fmt: skip
    return buf.getvalue()
