"""``optiops solve`` for a task-day document: plan.json, schedule.csv and a Gantt chart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optiops.model.labour import TaskDayInstance, TaskDayPlan

SCHEDULE_COLUMNS = ["task", "skill", "worker", "start", "end", "release", "due", "minutes_late"]


def schedule_csv(inst: TaskDayInstance, plan: TaskDayPlan) -> str:
    """One row per task: who does it, when, and how late (minutes from the start of the day)."""
    task = {t.id: t for t in inst.tasks}
    rows = [(a.task, task[a.task].skill, a.worker, a.start, a.end, task[a.task].release, task[a.task].due,
             max(0, a.end - task[a.task].due)) for a in plan.assignments]  # fmt: skip
    return pd.DataFrame(rows, columns=SCHEDULE_COLUMNS).to_csv(index=False)


def solve_task_day_file(file: Path, out_dir: Path, time_limit: float | None, seed: int, workers: int, plots: bool,
                        stale: tuple[Path, ...] = ()) -> str:  # fmt: skip
    """Schedule ``file`` and write plan.json, schedule.csv (and schedule.png) together, removing ``stale``
    outputs of an earlier solve; return a summary line."""
    from optiops.io import dump_document
    from optiops.io.atomic import write_all
    from optiops.io.documents import read_as
    from optiops.labour.tasks import solve_task_day

    inst = read_as(file, TaskDayInstance)
    limit = time_limit if time_limit is not None else 10.0
    plan = solve_task_day(inst, time_limit=limit, seed=seed, num_workers=workers)
    files = {
        out_dir / "plan.json": dump_document(plan).encode(),
        out_dir / "schedule.csv": schedule_csv(inst, plan).encode(),
    }
    if plots:
        from optiops.plotting.save import figure_png
        from optiops.plotting.tasks import plot_task_gantt

        files[out_dir / "schedule.png"] = figure_png(lambda ax: plot_task_gantt(inst, plan, ax), size=(12.0, 5.0))
    write_all(files, stale=stale)
    return (
        f"[green]{plan.status}[/green] task day: lateness {plan.lateness} min, idle {plan.idle} min "
        f"({len(inst.tasks)} tasks on {len(inst.workers)} workers, {plan.runtime_s:.1f} s) -> {out_dir}"
    )
