"""Gantt-like schedule of a routing plan: one row per route, with travel, waiting and service over time."""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from optiops.model import RoutePlan, RoutingInstance, RoutingPlan
from optiops.plotting.route_map import route_colours, route_label
from optiops.plotting.save import new_axes

BAR_HEIGHT = 0.5
Span = tuple[float, float]  # (start, width), as broken_barh takes it


def node_time_windows(instance: RoutingInstance) -> dict[str, list[tuple[float, float]]]:
    """Time windows of every stop and shipment end that has any, by node id."""
    windows = {s.id: list(s.time_windows) for s in instance.stops if s.time_windows}
    for sh in instance.shipments:
        for end, place in (("pickup", sh.pickup), ("delivery", sh.delivery)):
            if place.time_windows:
                windows[f"{sh.id}:{end}"] = list(place.time_windows)
    return windows


def _route_spans(route: RoutePlan) -> tuple[list[Span], list[Span], list[Span], list[float]]:
    """Travel, waiting and service spans of a route, and the starts of zero-length services."""
    travel: list[Span] = []
    waiting: list[Span] = []
    service: list[Span] = []
    instants: list[float] = []
    last_departure: float | None = None
    for v in route.visits:
        # A negative gap means inconsistent times in the plan; drawing it would invent travel.
        if last_departure is not None and v.arrival is not None and v.arrival >= last_departure:
            travel.append((last_departure, v.arrival - last_departure))
        if v.arrival is not None and v.start is not None and v.start > v.arrival:
            waiting.append((v.arrival, v.start - v.arrival))
        if v.start is not None and v.departure is not None:
            if v.departure > v.start:
                service.append((v.start, v.departure - v.start))
            elif v.kind != "depot":
                instants.append(v.start)
        last_departure = v.departure
    return travel, waiting, service, instants


def _legend(ax: Axes) -> None:
    """Explain the bar styles (routes are named on the y axis)."""
    handles = [
        Line2D([], [], color="0.3", lw=0.8, label="travel"),
        Patch(facecolor="0.92", edgecolor="0.45", hatch="////", lw=0, label="waiting"),
        Patch(facecolor="0.4", label="service"),
        Line2D([], [], color="0.55", lw=2.5, alpha=0.5, label="time window"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)


def plot_route_schedule(instance: RoutingInstance, plan: RoutingPlan, ax: Axes | None = None) -> Axes:
    """Draw one horizontal row per route with its travel, waiting and service along the time axis.

    Travel between visits is a thin line, waiting for a time window to open a light hatched bar,
    and service a solid bar from ``Visit.start`` to ``Visit.departure`` in the route's colour (the
    same colours as :func:`plot_route_map`). Each visited stop's time windows are drawn as a faint
    band just below its row. Visits without times (``None``) are left out.

    Parameters
    ----------
    instance
        The routing instance the plan solves (gives the time windows).
    plan
        The plan to draw, with the schedule the evaluator computed.
    ax
        Axes to draw on. A new off-screen (Agg) figure is made if not given; save it with
        ``ax.figure.savefig(...)``.

    Returns
    -------
    Axes
        The axes drawn on; its y ticks are the routes, labelled '<vehicle_type> #<vehicle>'.
    """
    if ax is None:
        ax = new_axes()
    windows = node_time_windows(instance)
    travel_segments: list[list[tuple[float, float]]] = []
    travel_colours: list[tuple[float, float, float, float]] = []
    window_rows: list[tuple[float, float, float]] = []  # (lo, hi, row)
    t_min, t_max = math.inf, -math.inf
    for row, (route, colour) in enumerate(zip(plan.routes, route_colours(len(plan.routes)), strict=True)):
        travel, waiting, service, instants = _route_spans(route)
        for start, width in travel:
            travel_segments.append([(start, row), (start + width, row)])
            travel_colours.append(colour)
        y_range = (row - BAR_HEIGHT / 2, BAR_HEIGHT)
        light = to_rgba(colour, 0.15)
        ax.broken_barh(waiting, y_range, facecolors=light, edgecolors=colour, hatch="////", linewidth=0)
        ax.broken_barh(service, y_range, facecolors=colour, edgecolors="white", linewidth=0.4)
        if instants:
            ax.scatter(instants, [row] * len(instants), marker="|", color=colour, s=40, linewidths=1)
        for v in route.visits:
            for lo, hi in windows.get(v.node, []):
                window_rows.append((lo, hi, row + 0.36))
        times = [t for s in travel + waiting + service for t in (s[0], s[0] + s[1])] + instants
        if times:
            t_min, t_max = min(t_min, *times), max(t_max, *times)
    ax.add_collection(LineCollection(travel_segments, colors=travel_colours, linewidths=0.8))
    if window_rows and t_min <= t_max:
        # Windows may be open-ended (huge or infinite ends): clip them to the plan's own times.
        segments = [
            [(max(lo, t_min), y), (min(hi, t_max), y)] for lo, hi, y in window_rows if hi >= t_min and lo <= t_max
        ]
        ax.add_collection(LineCollection(segments, colors="0.55", linewidths=2.5, alpha=0.35), autolim=False)
    ax.autoscale_view()
    ax.set_yticks(range(len(plan.routes)), labels=[route_label(r) for r in plan.routes])
    ax.set_ylim(len(plan.routes) - 0.4, -0.6)  # first route on top
    ax.tick_params(axis="y", labelsize="small" if len(plan.routes) <= 30 else "x-small")
    ax.set_xlabel("time")
    ax.grid(axis="x", color="0.85", lw=0.4)
    ax.set_axisbelow(True)
    ax.set_title(f"{instance.name}: schedule of {len(plan.routes)} routes")
    _legend(ax)
    return ax
