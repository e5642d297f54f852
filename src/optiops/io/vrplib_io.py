"""VRPLIB (``.vrp``/``.sol``) and Solomon text (``.txt``) files, read with the ``vrplib`` package.

Customers are named by their solution-file number (depot 0, customers 1..n), so a plan can be
written back as a VRPLIB ``.sol`` that matches the shared best-known solutions.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import vrplib

from optiops.exceptions import InstanceError
from optiops.model.plan import RoutingPlan
from optiops.model.routing import Depot, Rounding, RoutingInstance, Stop, Travel, VehicleType


def read_vrplib(path: Path, rounding: Rounding | None = None) -> RoutingInstance:
    """Read a CVRP/VRPTW instance (``.vrp`` VRPLIB or ``.txt`` Solomon)."""
    fmt = "solomon" if path.suffix.lower() == ".txt" else "vrplib"
    try:
        raw: dict[str, Any] = vrplib.read_instance(str(path), instance_format=fmt)
    except Exception as exc:  # vrplib raises assorted errors on malformed text
        raise InstanceError(f"not a readable {fmt} file: {exc}", str(path)) from exc
    for key in ("node_coord", "demand", "capacity"):
        if key not in raw:
            raise InstanceError(f"{key}: missing section (only coordinate instances are read)", str(path))
    coords = np.asarray(raw["node_coord"], dtype=float)
    demand = np.asarray(raw["demand"], dtype=int)
    depot = int(np.asarray(raw.get("depot", [0])).ravel()[0])
    tws = np.asarray(raw["time_window"], dtype=float) if "time_window" in raw else None
    service = raw.get("service_time", 0)
    service_arr = np.broadcast_to(np.asarray(service, dtype=float), (len(coords),))
    if fmt == "vrplib" and np.ndim(service) == 0:
        service_arr = np.where(np.arange(len(coords)) == depot, 0.0, service_arr)
    n = len(coords) - 1
    vehicles = int(raw.get("vehicles", n))
    if rounding is None:
        rounding = "dimacs" if tws is not None else "round"
    stops = []
    customers = (i for i in range(len(coords)) if i != depot)
    for number, i in enumerate(customers, start=1):
        stops.append(
            Stop(
                id=str(number),
                x=coords[i, 0], y=coords[i, 1], delivery=int(demand[i]),
                service_time=float(service_arr[i]),
                time_windows=[(tws[i, 0], tws[i, 1])] if tws is not None else [],
            )
        )  # fmt: skip
    depot_tw = (float(tws[depot, 0]), float(tws[depot, 1])) if tws is not None else None
    return RoutingInstance(
        name=str(raw.get("name", path.stem)).strip(),
        rounding=rounding,
        travel=Travel(metric="euclidean"),
        depots=[Depot(id="0", x=coords[depot, 0], y=coords[depot, 1], time_window=depot_tw)],
        vehicle_types=[
            VehicleType(id="vehicle", count=max(1, vehicles), capacity=int(raw["capacity"]), start_depot="0")
        ],
        stops=stops,
    )  # fmt: skip


def read_best_known(path: Path) -> tuple[list[list[int]], float | None]:
    """Routes and cost of a VRPLIB ``.sol`` file."""
    sol = vrplib.read_solution(str(path))
    cost = sol.get("cost")
    return [list(map(int, r)) for r in sol["routes"]], (float(cost) if cost is not None else None)


def solution_text(plan: RoutingPlan) -> str:
    """A plan in VRPLIB solution format (customers numbered as in the instance's ``.sol``)."""
    lines = []
    for k, route in enumerate((r for r in plan.routes if len(r.visits) > 2), start=1):
        ids = " ".join(v.node for v in route.visits if v.kind != "depot")
        lines.append(f"Route #{k}: {ids}")
    cost = plan.objective if plan.objective is not None else math.nan
    lines.append(f"Cost {round(cost, 6):.10g}")
    return "\n".join(lines) + "\n"
