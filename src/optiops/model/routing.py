"""Routing instances: depots, stops (deliveries and returns pickups), shipments, vehicle types, travel.

Every model is frozen and validated once, at the boundary; cross-field rules (unique ids, known
depots, demand that fits some vehicle) live in :class:`RoutingInstance`'s validator so that the
error names the field path.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Rounding = Literal["none", "round", "dimacs", "exact"]
NonNeg = Annotated[float, Field(ge=0)]
Window = tuple[float, float]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_windows(windows: list[Window]) -> list[Window]:
    for lo, hi in windows:
        if hi < lo:
            raise ValueError(f"time window ends ({hi}) before it starts ({lo})")
    ordered = sorted(windows)
    for (_, hi), (lo, _) in itertools.pairwise(ordered):
        if lo < hi:
            raise ValueError("time windows overlap; merge them into one")
    return ordered


class Depot(_Frozen):
    """A place where vehicle routes start or end."""

    id: str = Field(min_length=1, description="Unique id among depots, stops and shipments.")
    x: float = Field(description="x coordinate (longitude when travel.metric is haversine).")
    y: float = Field(description="y coordinate (latitude when travel.metric is haversine).")
    time_window: Window | None = Field(
        None, description="Opening hours [start, end]; routes from here start and end inside them."
    )

    @field_validator("time_window")
    @classmethod
    def _window(cls, v: Window | None) -> Window | None:
        if v is not None:
            _check_windows([v])
        return v


class Stop(_Frozen):
    """A customer visit: a delivery from the depot, a returns pickup back to it, or both."""

    id: str = Field(min_length=1)
    x: float
    y: float
    delivery: list[Annotated[int, Field(ge=0)]] | Annotated[int, Field(ge=0)] = Field(
        0, description="Units delivered, per capacity dimension (an integer when there is one)."
    )
    pickup: list[Annotated[int, Field(ge=0)]] | Annotated[int, Field(ge=0)] = Field(
        0, description="Units picked up (customer returns) and brought back to the end depot."
    )
    service_time: NonNeg = Field(0.0, description="Time spent at the stop.")
    time_windows: list[Window] = Field(
        default_factory=list,
        description="One or more [start, end] windows in which service must start; empty = any time.",
    )
    required: bool = Field(True, description="False: the stop may be skipped at skip_penalty.")
    skip_penalty: NonNeg | None = Field(None, description="Cost of skipping an optional stop.")

    @field_validator("time_windows")
    @classmethod
    def _windows(cls, v: list[Window]) -> list[Window]:
        return _check_windows(v)


class ShipmentEnd(_Frozen):
    """One end (pickup or delivery) of a paired shipment."""

    x: float
    y: float
    service_time: NonNeg = 0.0
    time_windows: list[Window] = Field(default_factory=list)

    @field_validator("time_windows")
    @classmethod
    def _windows(cls, v: list[Window]) -> list[Window]:
        return _check_windows(v)


class Shipment(_Frozen):
    """Goods carried from a pickup place to a delivery place by the same vehicle, pickup first."""

    id: str = Field(min_length=1)
    amount: list[Annotated[int, Field(ge=0)]] | Annotated[int, Field(ge=0)] = 0
    pickup: ShipmentEnd
    delivery: ShipmentEnd
    required: bool = True
    skip_penalty: NonNeg | None = None


class VehicleType(_Frozen):
    """A group of identical vehicles."""

    id: str = Field(min_length=1)
    count: int = Field(1, ge=1, description="How many vehicles of this type are available.")
    capacity: list[Annotated[int, Field(ge=0)]] | Annotated[int, Field(ge=0)] = Field(
        description="Capacity per dimension (an integer when there is one dimension)."
    )
    fixed_cost: NonNeg = Field(0.0, description="Cost of using one vehicle (non-empty route).")
    cost_per_distance: NonNeg = 1.0
    cost_per_time: NonNeg = Field(0.0, description="Cost per unit of route duration.")
    start_depot: str
    end_depot: str | None = Field(None, description="Defaults to start_depot.")
    shift: Window | None = Field(None, description="[earliest start, latest return].")
    max_duration: NonNeg | None = Field(None, description="Maximum route duration.")

    @field_validator("shift")
    @classmethod
    def _shift(cls, v: Window | None) -> Window | None:
        if v is not None:
            _check_windows([v])
        return v


class Travel(_Frozen):
    """How distances and travel times between places are obtained."""

    metric: Literal["euclidean", "haversine", "matrix"] = "euclidean"
    speed: float = Field(1.0, gt=0, description="Distance units per time unit (coordinates metrics only).")
    distance_matrix: list[list[float]] | None = Field(
        None, description="metric=matrix: rows/columns in node order (depots, stops, shipments)."
    )
    time_matrix: list[list[float]] | None = Field(
        None, description="metric=matrix: travel times; defaults to distance / speed."
    )


class RoutingInstance(_Frozen):
    """A vehicle routing problem: who is visited, by which vehicles, at what cost."""

    kind: Literal["routing"] = "routing"
    schema_version: Literal[1] = 1
    name: str = "routing"
    dimensions: list[str] = Field(default_factory=lambda: ["load"], min_length=1)
    rounding: Rounding = Field(
        "exact",
        description=(
            "Integer scaling for the solvers: none (values used as given, must be integers), "
            "round (nearest integer), dimacs (Euclidean truncated to one decimal), "
            "exact (scaled by 1000)."
        ),
    )
    travel: Travel = Field(default_factory=Travel)
    depots: list[Depot] = Field(min_length=1)
    vehicle_types: list[VehicleType] = Field(min_length=1)
    stops: list[Stop] = Field(default_factory=list)
    shipments: list[Shipment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_checks(self) -> RoutingInstance:
        problems = _cross_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- derived views ------------------------------------------------------------------
    def node_ids(self) -> list[str]:
        """Node order used by matrices and arrays: depots, stops, then each shipment's two ends."""
        ids = [d.id for d in self.depots] + [s.id for s in self.stops]
        for sh in self.shipments:
            ids += [f"{sh.id}:pickup", f"{sh.id}:delivery"]
        return ids

    def vector(self, value: list[int] | int) -> list[int]:
        """A demand or capacity as one integer per dimension."""
        if isinstance(value, int):
            return [value] + [0] * (len(self.dimensions) - 1)
        return list(value)


def _cross_problems(inst: RoutingInstance) -> list[str]:
    problems: list[str] = []
    n_dim = len(inst.dimensions)
    seen: dict[str, str] = {}
    items = [("depots", d.id) for d in inst.depots] + [("stops", s.id) for s in inst.stops]
    items += [("shipments", s.id) for s in inst.shipments]
    vt_ids = [vt.id for vt in inst.vehicle_types]
    for ident in sorted({i for i in vt_ids if vt_ids.count(i) > 1}):
        problems.append(f"vehicle_types: id {ident!r} is used twice")
    for group, ident in items:
        if ident in seen:
            problems.append(f"{group}: id {ident!r} is used twice")
        seen[ident] = group
    if not inst.stops and not inst.shipments:
        problems.append("stops: the instance has no stops and no shipments to plan")
    depot_ids = {d.id for d in inst.depots}

    def check_vec(path: str, value: list[int] | int) -> None:
        if isinstance(value, int) and value != 0 and n_dim > 1:
            problems.append(f"{path}: give one value per dimension {inst.dimensions}, not a single number")
        if isinstance(value, list) and len(value) != n_dim:
            problems.append(f"{path}: has {len(value)} values, expected {n_dim} ({inst.dimensions})")

    caps: list[list[int]] = []
    for k, vt in enumerate(inst.vehicle_types):
        for field, ref in (("start_depot", vt.start_depot), ("end_depot", vt.end_depot)):
            if ref is not None and ref not in depot_ids:
                problems.append(f"vehicle_types[{k}].{field}: unknown depot {ref!r}")
        check_vec(f"vehicle_types[{k}].capacity", vt.capacity)
        caps.append(inst.vector(vt.capacity))

    def fits(demand: list[int]) -> bool:
        return any(len(c) == len(demand) and all(d <= q for d, q in zip(demand, c, strict=True)) for c in caps)

    for i, s in enumerate(inst.stops):
        for field in ("delivery", "pickup"):
            value = getattr(s, field)
            check_vec(f"stops[{i}].{field}", value)
            if not fits(inst.vector(value)):
                problems.append(
                    f"stops[{i}].{field}: {value} of stop {s.id!r} exceeds the capacity of every vehicle type"
                )
        if not s.required and s.skip_penalty is None:
            problems.append(f"stops[{i}].skip_penalty: an optional stop needs a skip_penalty")
    for i, sh in enumerate(inst.shipments):
        check_vec(f"shipments[{i}].amount", sh.amount)
        if not fits(inst.vector(sh.amount)):
            problems.append(f"shipments[{i}].amount: exceeds the capacity of every vehicle type")
        if not sh.required and sh.skip_penalty is None:
            problems.append(f"shipments[{i}].skip_penalty: an optional shipment needs one")

    n_nodes = len(inst.depots) + len(inst.stops) + 2 * len(inst.shipments)
    tr = inst.travel
    if tr.metric == "matrix":
        if tr.distance_matrix is None:
            problems.append("travel.distance_matrix: required when travel.metric is 'matrix'")
        for name in ("distance_matrix", "time_matrix"):
            m = getattr(tr, name)
            if m is None:
                continue
            if len(m) != n_nodes or any(len(row) != n_nodes for row in m):
                problems.append(
                    f"travel.{name}: must be {n_nodes} x {n_nodes} "
                    "(depots, stops, then pickup and delivery of each shipment)"
                )
            elif any(v < 0 for row in m for v in row):
                problems.append(f"travel.{name}: negative entries")
    return problems
