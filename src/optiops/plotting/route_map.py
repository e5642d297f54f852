"""Map of a routing plan: depots, stops, shipment ends and one coloured polyline per route."""

from __future__ import annotations

import math

import numpy as np
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from optiops.model import RoutePlan, RoutingInstance, RoutingPlan
from optiops.plotting.save import new_axes

MAX_LEGEND_ROUTES = 15

Colour = tuple[float, float, float, float]


def route_label(route: RoutePlan) -> str:
    """Legend and tick label of a route: '<vehicle_type> #<vehicle>'."""
    return f"{route.vehicle_type} #{route.vehicle}"


def route_colours(n: int) -> list[Colour]:
    """n distinguishable colours: qualitative maps while they last, then an even spread of turbo."""
    if n <= 10:
        return [colormaps["tab10"](i) for i in range(n)]
    if n <= 20:
        return [colormaps["tab20"](i) for i in range(n)]
    return [colormaps["turbo"](v) for v in np.linspace(0.05, 0.95, n)]


def node_coordinates(instance: RoutingInstance) -> dict[str, tuple[float, float]]:
    """(x, y) of every node id in ``instance.node_ids()`` order."""
    xy = {d.id: (d.x, d.y) for d in instance.depots}
    xy |= {s.id: (s.x, s.y) for s in instance.stops}
    for sh in instance.shipments:
        xy[f"{sh.id}:pickup"] = (sh.pickup.x, sh.pickup.y)
        xy[f"{sh.id}:delivery"] = (sh.delivery.x, sh.delivery.y)
    return xy


def _scatter(ax: Axes, points: list[tuple[float, float]], label: str, **style: object) -> None:
    """Scatter points (if any) so markers never add to ``ax.lines``, which holds only routes."""
    if points:
        xs, ys = zip(*points, strict=True)
        ax.scatter(xs, ys, label=label, **style)  # type: ignore[arg-type]


def _draw_nodes(ax: Axes, instance: RoutingInstance, plan: RoutingPlan, size: float) -> None:
    """Markers for depots, served and skipped stops, and shipment ends."""
    skipped = set(plan.skipped)
    delivery, returns, grey = [], [], []
    for s in instance.stops:
        point = (s.x, s.y)
        if s.id in skipped:
            grey.append(point)
        elif s.pickup and not s.delivery:
            returns.append(point)
        else:
            delivery.append(point)
    pickups, deliveries = [], []
    for sh in instance.shipments:
        ends = ((sh.pickup.x, sh.pickup.y), (sh.delivery.x, sh.delivery.y))
        if sh.id in skipped:
            grey.extend(ends)
        else:
            pickups.append(ends[0])
            deliveries.append(ends[1])
    common: dict[str, object] = {"s": size, "linewidths": 0.4, "zorder": 3}
    _scatter(ax, delivery, "stop", marker="o", c="0.25", **common)
    _scatter(ax, returns, "returns pickup", marker="D", c="tab:orange", edgecolors="0.2", **common)
    _scatter(ax, pickups, "shipment pickup", marker="^", c="tab:green", edgecolors="0.2", **common)
    _scatter(ax, deliveries, "shipment delivery", marker="v", c="tab:purple", edgecolors="0.2", **common)
    _scatter(ax, grey, "skipped", marker="o", facecolors="none", edgecolors="0.6", **common)
    depots = [(d.x, d.y) for d in instance.depots]
    _scatter(ax, depots, "depot", marker="s", c="black", s=4 * size + 20, zorder=4)


def _set_aspect(ax: Axes, instance: RoutingInstance) -> None:
    """Equal scales; for longitude/latitude, shrink x so that distances look right."""
    if instance.travel.metric == "haversine":
        mean_lat = float(np.mean([d.y for d in instance.depots]))
        ax.set_aspect(1.0 / max(math.cos(math.radians(mean_lat)), 0.1), adjustable="datalim")
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
    elif instance.travel.metric == "euclidean":
        ax.set_aspect("equal", adjustable="datalim")


def plot_route_map(instance: RoutingInstance, plan: RoutingPlan, ax: Axes | None = None) -> Axes:
    """Draw the plan's routes over the instance's depots, stops and shipment ends.

    Each route is one polyline through its visits (depot, stops, depot), so ``ax.lines`` holds
    exactly one line per route; all markers are scatter collections. Depots are black squares,
    delivery stops dark dots, returns-only stops orange diamonds, shipment pickups and deliveries
    up and down triangles, and skipped stops and shipments hollow grey circles.

    Parameters
    ----------
    instance
        The routing instance the plan solves (gives the coordinates).
    plan
        The plan to draw; ``Visit.node`` must be an id of ``instance.node_ids()``.
    ax
        Axes to draw on. A new off-screen (Agg) figure is made if not given; save it with
        ``ax.figure.savefig(...)``.

    Returns
    -------
    Axes
        The axes drawn on.

    Raises
    ------
    ValueError
        If a route visits a node the instance does not have (a plan made for another instance).
    """
    if ax is None:
        ax = new_axes()
    xy = node_coordinates(instance)
    n_nodes = len(xy)
    # Shrink markers and lines as the map fills up so 100-400 stops stay readable.
    size = float(np.clip(2500.0 / max(n_nodes, 1), 6.0, 40.0))
    width = 1.6 if n_nodes <= 60 else 1.0
    _draw_nodes(ax, instance, plan, size)
    lines: list[Line2D] = []
    for route, colour in zip(plan.routes, route_colours(len(plan.routes)), strict=True):
        unknown = [v.node for v in route.visits if v.node not in xy]
        if unknown:
            raise ValueError(
                f"route {route_label(route)} visits {unknown[:3]}, which instance "
                f"{instance.name!r} does not have; was the plan made for another instance?"
            )
        path = np.array([xy[v.node] for v in route.visits], dtype=float).reshape(-1, 2)
        label = route_label(route)
        (line,) = ax.plot(path[:, 0], path[:, 1], color=colour, lw=width, alpha=0.9, label=label, zorder=2)
        lines.append(line)
    objective = "n/a" if plan.objective is None else f"{plan.objective:,.1f}"
    ax.set_title(f"{instance.name}: objective {objective}, {len(plan.routes)} routes")
    _set_aspect(ax, instance)
    ax.grid(color="0.85", lw=0.4)
    ax.set_axisbelow(True)
    handles: list[Artist] = [c for c in ax.collections if not str(c.get_label()).startswith("_")]
    if len(lines) <= MAX_LEGEND_ROUTES:  # beyond that colours cannot be told apart: explain markers only
        handles += lines
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return ax
