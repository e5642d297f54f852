"""Pictures of roster plans (matplotlib object API, off-screen): the roster grid and its cover.

Example::

    from optiops.plotting.roster import plot_coverage, plot_roster
    from optiops.plotting.save import figure_png
    png = figure_png(lambda ax: plot_roster(inst, plan, ax=ax))
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap, TwoSlopeNorm, to_rgba
from matplotlib.patches import Patch

from optiops.model.labour import RosterInstance, RosterPlan
from optiops.plotting.save import new_axes

OFF_COLOUR = "#f4f4f4"
WEEKDAYS = "MTWTFSS"
MAX_ANNOTATED = 400  # cells of the coverage chart annotated with scheduled/required


def shift_colours(inst: RosterInstance) -> list[tuple[float, float, float, float]]:
    """One colour per shift type, in instance order (tab10, then tab20, cycling beyond 20).

    Parameters
    ----------
    inst : RosterInstance
        The instance.

    Returns
    -------
    list of RGBA tuples
        The colours.
    """
    from matplotlib import colormaps

    n = len(inst.shift_types)
    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    size = 10 if n <= 10 else 20
    return [to_rgba(cmap(k % size)) for k in range(n)]


def plot_roster(inst: RosterInstance, plan: RosterPlan, ax: Axes | None = None) -> Axes:
    """The roster as a grid: one row per employee, one cell per day coloured by its shift type.

    Days off are pale; a contract day off carries a dot; weekends are outlined by darker
    column borders.

    Parameters
    ----------
    inst : RosterInstance
        The instance.
    plan : RosterPlan
        The plan to draw.
    ax : Axes, optional
        Where to draw; a new off-screen figure when omitted.

    Returns
    -------
    Axes
        The axes drawn on.
    """
    ax = (
        ax
        if ax is not None
        else new_axes((max(6.0, 0.28 * inst.horizon + 2), max(3.0, 0.25 * len(inst.employees) + 1.5)))
    )
    matrix = _matrix(inst, plan)
    colours = shift_colours(inst)
    cmap = ListedColormap([to_rgba(OFF_COLOUR), *colours])
    norm = BoundaryNorm(np.arange(-1.5, len(colours) + 0.5), cmap.N)
    ax.pcolormesh(matrix, cmap=cmap, norm=norm, edgecolors="white", linewidth=0.5)
    for i, emp in enumerate(inst.employees):
        if emp.days_off:
            ax.plot(np.asarray(emp.days_off) + 0.5, np.full(len(emp.days_off), i + 0.5), ".", color="0.45", ms=3)
    for d in range(1, inst.horizon):
        if (inst.first_weekday + d) % 7 in (0, 5):  # a weekend starts (Saturday) or ends (Monday) here
            ax.axvline(d, color="0.3", lw=0.8)
    _day_axis(ax, inst)
    ax.set_yticks(np.arange(len(inst.employees)) + 0.5, [e.id for e in inst.employees], fontsize=7)
    ax.set_ylim(len(inst.employees), 0)
    ax.set_ylabel("employee")
    handles = [Patch(facecolor=c, label=s.id) for s, c in zip(inst.shift_types, colours, strict=True)]
    handles.append(Patch(facecolor=OFF_COLOUR, edgecolor="0.7", label="off"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    title = f"{plan.instance or inst.name}: roster"
    if plan.objective is not None:
        title += f" (penalty {plan.objective})"
    ax.set_title(title)
    return ax


def plot_coverage(inst: RosterInstance, plan: RosterPlan, ax: Axes | None = None) -> Axes:
    """Required vs scheduled staff per day x shift type: a grid coloured by the difference.

    Red cells are under-covered, blue ones over-covered, white ones exact; small grids are
    annotated ``scheduled/required``.

    Parameters
    ----------
    inst : RosterInstance
        The instance.
    plan : RosterPlan
        The plan to draw.
    ax : Axes, optional
        Where to draw; a new off-screen figure when omitted.

    Returns
    -------
    Axes
        The axes drawn on.
    """
    n_s, n_d = len(inst.shift_types), inst.horizon
    ax = ax if ax is not None else new_axes((max(6.0, 0.3 * n_d + 2), max(2.5, 0.35 * n_s + 1.5)))
    matrix = _matrix(inst, plan)
    scheduled = np.stack([(matrix == s).sum(axis=0) for s in range(n_s)])  # (S, D)
    required = np.zeros((n_s, n_d), dtype=np.int64)
    s_index = {s.id: k for k, s in enumerate(inst.shift_types)}
    for c in inst.cover:
        required[s_index[c.shift], c.day] = c.requirement
    diff = scheduled - required
    limit = max(1, int(np.abs(diff).max()))
    mesh = ax.pcolormesh(diff, cmap="RdBu", norm=TwoSlopeNorm(0, -limit, limit), edgecolors="white", linewidth=0.5)
    if n_s * n_d <= MAX_ANNOTATED:
        for s, d in np.ndindex(n_s, n_d):
            ax.text(d + 0.5, s + 0.5, f"{scheduled[s, d]}/{required[s, d]}", ha="center", va="center", fontsize=6)
    ticks = np.arange(-limit, limit + 1) if limit <= 10 else None
    ax.figure.colorbar(mesh, ax=ax, label="scheduled - required", fraction=0.03, pad=0.01, ticks=ticks)
    _day_axis(ax, inst)
    ax.set_yticks(np.arange(n_s) + 0.5, [s.id for s in inst.shift_types], fontsize=7)
    ax.set_ylim(n_s, 0)
    ax.set_ylabel("shift type")
    under, over = int(np.maximum(-diff, 0).sum()), int(np.maximum(diff, 0).sum())
    ax.set_title(f"{plan.instance or inst.name}: cover ({under} missing, {over} extra)")
    return ax


def _matrix(inst: RosterInstance, plan: RosterPlan) -> np.ndarray:
    """(E, D) shift indices of the plan, -1 for days off and for anything the plan lacks."""
    s_index = {s.id: k for k, s in enumerate(inst.shift_types)}
    matrix = np.full((len(inst.employees), inst.horizon), -1, dtype=np.int64)
    for i, emp in enumerate(inst.employees):
        for d, sid in enumerate(plan.assignment.get(emp.id, [])[: inst.horizon]):
            matrix[i, d] = s_index.get(sid, -1) if sid is not None else -1
    return matrix


def _day_axis(ax: Axes, inst: RosterInstance) -> None:
    """Day numbers with weekday initials; every day when short, every week's Monday when long."""
    days = np.arange(inst.horizon)
    step = 1 if inst.horizon <= 42 else 7
    shown = days[(days % step == 0) if step == 1 else ((inst.first_weekday + days) % 7 == 0)]
    ax.set_xticks(shown + 0.5, [f"{d}\n{WEEKDAYS[(inst.first_weekday + d) % 7]}" for d in shown], fontsize=6)
    ax.set_xlim(0, inst.horizon)
    ax.set_xlabel("day")
