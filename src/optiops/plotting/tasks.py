"""Picture of a task-day schedule (matplotlib object API, off-screen): one row per worker.

Example::

    from optiops.plotting.save import figure_png
    from optiops.plotting.tasks import plot_task_gantt
    png = figure_png(lambda ax: plot_task_gantt(inst, plan, ax))
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from optiops.model.labour import TaskDayInstance, TaskDayPlan


def plot_task_gantt(inst: TaskDayInstance, plan: TaskDayPlan, ax: Axes) -> Axes:
    """Shifts as grey bands, tasks as bars coloured by skill (hatched when late), times in hours.

    Parameters
    ----------
    inst : TaskDayInstance
        Tasks (skill, due) and workers (shift windows).
    plan : TaskDayPlan
        The schedule.
    ax : Axes
        Where to draw.

    Returns
    -------
    Axes
        ``ax``.
    """
    from matplotlib import colormaps

    skills = sorted({t.skill for t in inst.tasks})
    colour = {s: colormaps["tab10"](k % 10) for k, s in enumerate(skills)}
    task = {t.id: t for t in inst.tasks}
    row = {w.id: k for k, w in enumerate(inst.workers)}
    for w in inst.workers:
        ax.barh(row[w.id], (w.end - w.start) / 60, left=w.start / 60, height=0.8, color="0.92", zorder=1)
    for a in plan.assignments:
        t = task[a.task]
        late = a.end > t.due
        ax.barh(row[a.worker], (a.end - a.start) / 60, left=a.start / 60, height=0.6, color=colour[t.skill],
                edgecolor="black", linewidth=0.5, hatch="//" if late else None, zorder=2)  # fmt: skip
    ax.set_yticks(range(len(inst.workers)), [w.id for w in inst.workers])
    ax.invert_yaxis()
    ax.set_xlabel("hour of the day")
    ax.set_title(f"{inst.name or 'task day'}: lateness {plan.lateness} min, idle {plan.idle} min")
    handles = [Patch(color=colour[s], label=s) for s in skills] + [Patch(facecolor="white", hatch="//", label="late")]
    ax.legend(handles=handles, loc="upper right", fontsize="small")
    return ax
