"""The numba route evaluator agrees with its pure-Python reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.kernels.reference_routing import evaluate_route_reference, evaluate_routes_reference

from optiops.evaluate import KernelData, run_kernel


def random_case(seed: int) -> tuple[KernelData, list[list[int]], list[int]]:
    """A random node set (depots, stops, shipment pairs), fleet and assignment of nodes to routes."""
    rng = np.random.default_rng(seed)
    n_dep, n_stop, n_ship, n_dim, n_types = 2, int(rng.integers(1, 12)), int(rng.integers(0, 3)), 2, 2
    n = n_dep + n_stop + 2 * n_ship
    pts = rng.uniform(0, 100, (n, 2))
    dist = np.round(np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1)), 1)
    windows: list[list[tuple[float, float]]] = [[] for _ in range(n)]
    for i in range(n_dep, n):
        k = int(rng.integers(0, 3))
        starts = np.sort(rng.uniform(0, 400, k))
        windows[i] = [(float(s), float(s + rng.uniform(5, 60))) for s in starts]
        windows[i] = [w for j, w in enumerate(windows[i]) if j == 0 or w[0] > windows[i][j - 1][1]]
    tw_ptr = np.cumsum([0] + [len(w) for w in windows]).astype(np.int64)
    flat = [w for ws in windows for w in ws]
    partner = np.full(n, -1, dtype=np.int64)
    ship = np.zeros((n, n_dim))
    for s in range(n_ship):
        p = n_dep + n_stop + 2 * s
        partner[p], partner[p + 1] = p + 1, p
        amount = rng.integers(0, 10, n_dim)
        ship[p], ship[p + 1] = amount, -amount
    delivery = rng.integers(0, 10, (n, n_dim)).astype(float)
    pickup = rng.integers(0, 10, (n, n_dim)).astype(float)
    delivery[:n_dep] = pickup[:n_dep] = 0
    delivery[n_dep + n_stop :] = pickup[n_dep + n_stop :] = 0
    kd = KernelData(
        dist=dist, time=dist / rng.uniform(0.5, 2.0), service=rng.uniform(0, 10, n), tw_ptr=tw_ptr,
        tw_lo=np.array([w[0] for w in flat]), tw_hi=np.array([w[1] for w in flat]),
        load_delta=pickup - delivery + ship, delivery=delivery, partner=partner,
        vt_start=rng.integers(0, n_dep, n_types), vt_end=rng.integers(0, n_dep, n_types),
        vt_cap=rng.integers(5, 40, (n_types, n_dim)).astype(float), vt_shift_lo=rng.uniform(0, 50, n_types),
        vt_shift_hi=rng.uniform(200, 600, n_types), vt_max_dur=rng.uniform(100, 500, n_types),
        vt_fixed=rng.uniform(0, 100, n_types), vt_cd=rng.uniform(0, 3, n_types), vt_ct=rng.uniform(0, 1, n_types),
    )  # fmt: skip
    visits = list(rng.permutation(np.arange(n_dep, n)))
    visits = visits[: int(rng.integers(0, len(visits) + 1))]
    cuts = sorted(rng.integers(0, len(visits) + 1, int(rng.integers(0, 4))))
    routes = [list(map(int, r)) for r in np.split(np.array(visits, dtype=np.int64), cuts)]
    types = [int(rng.integers(0, n_types)) for _ in routes]
    return kd, routes, types


def as_lists(kd: KernelData) -> dict[str, list]:
    return {k: np.asarray(v).tolist() for k, v in kd.__dict__.items()}


def flat(routes: list[list[int]], types: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ptr = np.cumsum([0] + [len(r) for r in routes]).astype(np.int64)
    nodes = np.array([n for r in routes for n in r], dtype=np.int64)
    return ptr, nodes, np.array(types, dtype=np.int64)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_route_rows_match_reference(seed: int) -> None:
    """Distance, duration, cost and every violation column equal the reference's."""
    kd, routes, types = random_case(seed)
    rows = run_kernel(kd, *flat(routes, types))[0]
    expected = evaluate_routes_reference(routes, types, as_lists(kd))
    np.testing.assert_allclose(rows, np.array(expected).reshape(rows.shape), rtol=1e-9, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_schedules_match_reference(seed: int) -> None:
    """Arrival, service start and load after every visit equal the reference's."""
    kd, routes, types = random_case(seed)
    _, arrival, start, load, _ = run_kernel(kd, *flat(routes, types))
    data = as_lists(kd)
    ptr = flat(routes, types)[0]
    route_of, pos_of = [-1] * len(kd.service), [-1] * len(kd.service)
    for r, nodes in enumerate(routes):
        for k, node in enumerate(nodes):
            route_of[node], pos_of[node] = r, int(ptr[r]) + k
    for r, (nodes, vt) in enumerate(zip(routes, types, strict=True)):
        _, arr, beg, loads = evaluate_route_reference(nodes, vt, r, data, route_of, pos_of, int(ptr[r]))
        sl = slice(ptr[r], ptr[r + 1])
        np.testing.assert_allclose(arrival[sl], arr, atol=1e-9)
        np.testing.assert_allclose(start[sl], beg, atol=1e-9)
        np.testing.assert_allclose(load[sl], np.array(loads).reshape(load[sl].shape), atol=1e-9)


def test_waiting_at_first_stop_is_not_charged_as_duration() -> None:
    """A vehicle that would wait at its first stop leaves later instead: duration excludes that wait."""
    kd, _, _ = random_case(0)
    n = kd.dist.shape[0]
    dist = np.full((n, n), 10.0)
    np.fill_diagonal(dist, 0.0)
    tw_ptr = np.zeros(n + 1, dtype=np.int64)
    tw_ptr[3:] = 1
    kd = KernelData(**{**kd.__dict__, "dist": dist, "time": dist, "service": np.zeros(n), "tw_ptr": tw_ptr,
                       "tw_lo": np.array([100.0]), "tw_hi": np.array([120.0]), "vt_shift_lo": np.zeros(2),
                       "vt_shift_hi": np.full(2, 1000.0), "vt_max_dur": np.full(2, 1000.0),
                       "vt_start": np.zeros(2, dtype=np.int64), "vt_end": np.zeros(2, dtype=np.int64)})  # fmt: skip
    rows = run_kernel(kd, *flat([[2]], [0]))[0]
    assert rows[0, 1] == 20.0  # leave at 90, serve at 100, back at 110
    assert rows[0, 6] == 90.0


@given(st.lists(st.lists(st.integers(0, 9), max_size=6), max_size=5))
def test_visit_positions_counts(routes: list[list[int]]) -> None:
    """Visit counts, route and flat position of each node match a plain count over the routes."""
    from optiops.kernels import visit_positions

    ptr = np.cumsum([0] + [len(r) for r in routes]).astype(np.int64)
    nodes = np.array([n for r in routes for n in r], dtype=np.int64)
    count, route_of, pos_of = visit_positions(ptr, nodes, 10)
    flat_nodes = [n for r in routes for n in r]
    for node in range(10):
        assert count[node] == flat_nodes.count(node)
        if count[node]:
            last = max(p for p, n in enumerate(flat_nodes) if n == node)
            assert pos_of[node] == last
            assert ptr[route_of[node]] <= last < ptr[route_of[node] + 1]


def integer_case(seed: int) -> tuple[KernelData, list[int]]:
    """One route over a few stops with integer travel, service and windows (0 to 3 per stop)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    time = rng.integers(1, 20, (n, n)).astype(float)
    np.fill_diagonal(time, 0.0)
    windows: list[list[tuple[float, float]]] = [[]]
    for _ in range(1, n):
        ws, t = [], float(rng.integers(0, 30))
        for _ in range(int(rng.integers(0, 4))):
            ws.append((t, t + float(rng.integers(0, 15))))
            t = ws[-1][1] + float(rng.integers(1, 40))
        windows.append(ws)
    flat_w = [w for ws in windows for w in ws]
    kd = KernelData(
        dist=time, time=time, service=rng.integers(0, 5, n).astype(float),
        tw_ptr=np.cumsum([0] + [len(w) for w in windows]).astype(np.int64),
        tw_lo=np.array([w[0] for w in flat_w]), tw_hi=np.array([w[1] for w in flat_w]),
        load_delta=np.zeros((n, 1)), delivery=np.zeros((n, 1)), partner=np.full(n, -1, dtype=np.int64),
        vt_start=np.zeros(1, dtype=np.int64), vt_end=np.zeros(1, dtype=np.int64), vt_cap=np.ones((1, 1)),
        vt_shift_lo=np.zeros(1), vt_shift_hi=np.full(1, 300.0), vt_max_dur=np.full(1, float(rng.integers(20, 200))),
        vt_fixed=np.zeros(1), vt_cd=np.zeros(1), vt_ct=np.ones(1),
    )  # fmt: skip
    return kd, [int(x) for x in rng.permutation(np.arange(1, n))]


def brute_force(kd: KernelData, route: list[int]) -> tuple[float, float]:
    """Least (violation, duration) over every integer departure, each simulated from scratch."""
    best = (np.inf, np.inf)
    for depart in range(int(kd.vt_shift_lo[0]), int(kd.vt_shift_hi[0]) + 1):
        t, prev, late = float(depart), 0, 0.0
        for node in route:
            arrival = t + kd.time[prev, node]
            lo, hi = kd.tw_lo[kd.tw_ptr[node] : kd.tw_ptr[node + 1]], kd.tw_hi[kd.tw_ptr[node] : kd.tw_ptr[node + 1]]
            open_ = [k for k in range(len(lo)) if hi[k] >= arrival]
            if len(lo) and not open_:
                late += arrival - hi[-1]
            t = (max(arrival, lo[open_[0]]) if open_ else arrival) + kd.service[node]
            prev = node
        end = t + kd.time[prev, 0]
        dur = end - depart
        viol = late + max(end - kd.vt_shift_hi[0], 0.0) + max(dur - kd.vt_max_dur[0], 0.0)
        best = min(best, (viol, dur))
    return best


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_departure_search_matches_brute_force(seed: int) -> None:
    """With several windows per stop: when some departure makes the route feasible, the kernel finds a
    feasible one with the least duration of all integer departures; otherwise it reports a violation."""
    kd, route = integer_case(seed)
    rows = run_kernel(kd, *flat([route], [0]))[0]
    viol = rows[0, 4] + rows[0, 5]
    best_viol, best_dur = brute_force(kd, route)
    if best_viol == 0:
        assert viol == 0
        assert rows[0, 1] == pytest.approx(best_dur)
    else:
        assert viol >= best_viol - 1e-9
