"""Plans as flat tables for spreadsheets: ``routes.csv`` (a row per visit) and ``schedule.csv`` (a row per task)."""

from __future__ import annotations

import csv
import io

from optiops.model.labour import TaskDayInstance, TaskDayPlan
from optiops.model.plan import RoutingPlan

SCHEDULE_COLUMNS = ["task", "skill", "worker", "start", "end", "release", "due", "minutes_late"]


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


def schedule_csv(inst: TaskDayInstance, plan: TaskDayPlan) -> str:
    """One row per task: who does it, when, and how late (minutes from the start of the day)."""
    task = {t.id: t for t in inst.tasks}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(SCHEDULE_COLUMNS)
    for a in plan.assignments:
        t = task[a.task]
        writer.writerow([a.task, t.skill, a.worker, a.start, a.end, t.release, t.due, max(0, a.end - t.due)])
    return buf.getvalue()
