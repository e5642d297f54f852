"""Numpy arrays derived once from a :class:`RoutingInstance`, in explicit integer solver units.

The rounding rule fixes the metric everyone works in: the solvers get ``*_int`` arrays, the
evaluator gets the same values divided by ``scale``, so solver and evaluator agree by construction.

=========  =====  ==========================================================================
rounding   scale  distance / time in solver units
=========  =====  ==========================================================================
none       1      values used as given; they must already be integers
round      1      nearest integer, halves up (TSPLIB ``nint``, CVRPLIB X)
dimacs     10     truncated to one decimal (DIMACS 2021 VRPTW, Solomon in the literature)
exact      1000   rounded to 1/1000 (effectively exact)
=========  =====  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optiops.exceptions import InstanceError
from optiops.model.routing import Rounding, RoutingInstance, Window

SCALES: dict[str, int] = {"none": 1, "round": 1, "dimacs": 10, "exact": 1000}
EARTH_RADIUS_KM = 6371.0088
KIND_DEPOT, KIND_STOP, KIND_PICKUP, KIND_DELIVERY = 0, 1, 2, 3
KIND_NAMES = ("depot", "stop", "pickup", "delivery")


class RoundingError(InstanceError):
    """Data that the chosen rounding cannot represent exactly."""


def to_units(values: np.ndarray, rounding: Rounding, what: str) -> np.ndarray:
    """Float values -> int64 solver units under a rounding rule."""
    v = np.asarray(values, dtype=np.float64)
    if rounding == "none":
        if not np.all(np.isfinite(v)) or np.any(np.abs(v - np.round(v)) > 1e-9):
            raise RoundingError(f"{what}: rounding 'none' needs integer values; use round, dimacs or exact")
        return np.round(v).astype(np.int64)
    if rounding == "round":
        return np.floor(v + 0.5).astype(np.int64)
    if rounding == "dimacs":
        return np.floor(10.0 * v + 1e-7).astype(np.int64)
    return np.floor(1000.0 * v + 0.5).astype(np.int64)


def _time_units(values: np.ndarray, rounding: Rounding, what: str) -> np.ndarray:
    """Time-like data (windows, service) scaled without truncation; 'none' must be integral."""
    if rounding == "none":
        return to_units(values, rounding, what)
    # halves up, as for distances under 'round' (np.round would round halves to even)
    return np.floor(np.asarray(values, dtype=np.float64) * SCALES[rounding] + 0.5).astype(np.int64)


def raw_matrices(inst: RoutingInstance) -> tuple[np.ndarray, np.ndarray]:
    """Unrounded distance and travel-time matrices in node order."""
    tr = inst.travel
    if tr.metric == "matrix":
        dist = np.asarray(tr.distance_matrix, dtype=np.float64)
        time = np.asarray(tr.time_matrix, dtype=np.float64) if tr.time_matrix else dist / tr.speed
        return dist, time
    xy = [(d.x, d.y) for d in inst.depots] + [(s.x, s.y) for s in inst.stops]
    for sh in inst.shipments:
        xy += [(sh.pickup.x, sh.pickup.y), (sh.delivery.x, sh.delivery.y)]
    pts = np.asarray(xy, dtype=np.float64)
    if tr.metric == "euclidean":
        diff = pts[:, None, :] - pts[None, :, :]
        dist = np.sqrt((diff**2).sum(axis=2))
    else:
        lon, lat = np.radians(pts[:, 0]), np.radians(pts[:, 1])
        dlat = lat[None, :] - lat[:, None]
        dlon = lon[None, :] - lon[:, None]
        a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return dist, dist / tr.speed


@dataclass(frozen=True)
class RoutingArrays:
    """Everything solvers and the evaluator need, as arrays; ``*_int`` in solver units."""

    node_ids: list[str]
    node_kind: np.ndarray  # int8, KIND_*
    n_depots: int
    scale: int
    rounding: Rounding
    dist_int: np.ndarray  # int64 [N, N]
    time_int: np.ndarray  # int64 [N, N]
    service_int: np.ndarray  # int64 [N]
    tw_ptr: np.ndarray  # int64 [N + 1]; windows of node i are tw_*[tw_ptr[i]:tw_ptr[i+1]]
    tw_lo_int: np.ndarray
    tw_hi_int: np.ndarray
    delivery: np.ndarray  # int64 [N, D]: loaded at the start depot
    pickup: np.ndarray  # int64 [N, D]: carried to the end depot
    ship: np.ndarray  # int64 [N, D]: +amount at a shipment pickup, -amount at its delivery
    partner: np.ndarray  # int64 [N]: the other end of a shipment, else -1
    required: np.ndarray  # bool [N]
    penalty: np.ndarray  # float64 [N]: cost of leaving the node unserved (pickup end carries it)
    vt_ids: list[str]
    vt_count: np.ndarray  # int64 [T]
    vt_start: np.ndarray  # int64 [T]: start depot node
    vt_end: np.ndarray
    vt_cap: np.ndarray  # int64 [T, D]
    vt_shift_lo_int: np.ndarray
    vt_shift_hi_int: np.ndarray
    vt_max_dur_int: np.ndarray
    vt_fixed: np.ndarray  # float64 cost
    vt_cd: np.ndarray  # cost per distance unit
    vt_ct: np.ndarray  # cost per time unit
    horizon_int: int

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    def floats(self, a: np.ndarray) -> np.ndarray:
        """Solver units back to instance units."""
        return np.asarray(a, dtype=np.float64) / self.scale

    def index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.node_ids)}


def routing_arrays(inst: RoutingInstance, rounding: Rounding | None = None) -> RoutingArrays:
    """Derive :class:`RoutingArrays` from an instance (``rounding`` overrides the instance's)."""
    rnd: Rounding = rounding or inst.rounding
    scale = SCALES[rnd]
    dist_raw, time_raw = raw_matrices(inst)
    dist_int = to_units(dist_raw, rnd, "travel distances")
    time_int = to_units(time_raw, rnd, "travel times")
    n_dim = len(inst.dimensions)
    ids = inst.node_ids()
    n = len(ids)
    nd = len(inst.depots)

    kind = np.full(n, KIND_STOP, dtype=np.int8)
    kind[:nd] = KIND_DEPOT
    service = np.zeros(n)
    windows: list[list[Window]] = [[] for _ in range(n)]
    deliv = np.zeros((n, n_dim), dtype=np.int64)
    pick = np.zeros((n, n_dim), dtype=np.int64)
    ship = np.zeros((n, n_dim), dtype=np.int64)
    partner = np.full(n, -1, dtype=np.int64)
    required = np.ones(n, dtype=bool)
    penalty = np.zeros(n)
    for k, d in enumerate(inst.depots):
        if d.time_window is not None:
            windows[k] = [d.time_window]
    for k, s in enumerate(inst.stops, start=nd):
        service[k] = s.service_time
        windows[k] = list(s.time_windows)
        deliv[k] = inst.vector(s.delivery)
        pick[k] = inst.vector(s.pickup)
        required[k] = s.required
        penalty[k] = s.skip_penalty or 0.0
    k = nd + len(inst.stops)
    for sh in inst.shipments:
        amount = inst.vector(sh.amount)
        for j, end in enumerate((sh.pickup, sh.delivery)):
            kind[k + j] = KIND_PICKUP if j == 0 else KIND_DELIVERY
            service[k + j] = end.service_time
            windows[k + j] = list(end.time_windows)
            ship[k + j] = amount if j == 0 else [-a for a in amount]
            required[k + j] = sh.required
        partner[k], partner[k + 1] = k + 1, k
        penalty[k] = sh.skip_penalty or 0.0
        k += 2

    finite = [v for ws in windows for w in ws for v in w]
    for vt in inst.vehicle_types:
        finite += list(vt.shift or ())
    finite = [v for v in finite if np.isfinite(v)]
    service_int = _time_units(service, rnd, "service times")
    horizon = int(
        _time_units(np.array([max(finite, default=0.0)]), rnd, "time windows")[0]
        + service_int.sum()
        + time_int.max(axis=1).sum()
        + 1
    )
    tw_ptr = np.zeros(n + 1, dtype=np.int64)
    lo: list[float] = []
    hi: list[float] = []
    for i, ws in enumerate(windows):
        for a, b in ws:
            lo.append(a)
            hi.append(b)
        tw_ptr[i + 1] = len(lo)
    open_end = horizon / scale  # an open-ended window closes at the horizon
    tw_lo = _time_units(np.minimum(lo, open_end), rnd, "time windows")
    tw_hi = _time_units(np.minimum(hi, open_end), rnd, "time windows")

    depot_index = {d.id: k for k, d in enumerate(inst.depots)}
    t = len(inst.vehicle_types)
    vt_start = np.zeros(t, dtype=np.int64)
    vt_end = np.zeros(t, dtype=np.int64)
    shift_lo = np.zeros(t, dtype=np.int64)
    shift_hi = np.full(t, horizon, dtype=np.int64)
    max_dur = np.full(t, horizon, dtype=np.int64)
    for j, vt in enumerate(inst.vehicle_types):
        vt_start[j] = depot_index[vt.start_depot]
        vt_end[j] = depot_index[vt.end_depot or vt.start_depot]
        for node, side in ((vt_start[j], 0), (vt_end[j], 1)):
            if tw_ptr[node + 1] > tw_ptr[node]:
                if side == 0:
                    shift_lo[j] = max(shift_lo[j], tw_lo[tw_ptr[node]])
                else:
                    shift_hi[j] = min(shift_hi[j], tw_hi[tw_ptr[node]])
        if vt.shift is not None:
            a, b = _time_units(np.minimum(vt.shift, open_end), rnd, f"vehicle_types[{j}].shift")
            shift_lo[j] = max(shift_lo[j], a)
            shift_hi[j] = min(shift_hi[j], b)
        if vt.max_duration is not None:
            max_dur[j] = _time_units(np.array([vt.max_duration]), rnd, "max_duration")[0]

    return RoutingArrays(
        node_ids=ids,
        node_kind=kind,
        n_depots=nd,
        scale=scale,
        rounding=rnd,
        dist_int=dist_int,
        time_int=time_int,
        service_int=service_int,
        tw_ptr=tw_ptr,
        tw_lo_int=tw_lo,
        tw_hi_int=tw_hi,
        delivery=deliv,
        pickup=pick,
        ship=ship,
        partner=partner,
        required=required,
        penalty=penalty,
        vt_ids=[vt.id for vt in inst.vehicle_types],
        vt_count=np.array([vt.count for vt in inst.vehicle_types], dtype=np.int64),
        vt_start=vt_start,
        vt_end=vt_end,
        vt_cap=np.array([inst.vector(vt.capacity) for vt in inst.vehicle_types], dtype=np.int64),
        vt_shift_lo_int=shift_lo,
        vt_shift_hi_int=shift_hi,
        vt_max_dur_int=max_dur,
        vt_fixed=np.array([vt.fixed_cost for vt in inst.vehicle_types]),
        vt_cd=np.array([vt.cost_per_distance for vt in inst.vehicle_types]),
        vt_ct=np.array([vt.cost_per_time for vt in inst.vehicle_types]),
        horizon_int=horizon,
    )
