"""PyVRP (iterated local search) for the features it supports.

Parameters (``params``): ``max_iterations`` stops after that many iterations (or the time limit,
whichever comes first), which makes a run reproducible from its seed.

PyVRP has no stop with several time windows; everything else of our model maps one to one:
clients with delivery and pickup, optional clients with prizes, shipments, heterogeneous fleets,
several depots, shift windows, maximum durations, fixed and per-distance/per-time costs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pyvrp
from pyvrp import stop as pyvrp_stop
from pyvrp.search import LocalSearch, NeighbourhoodParams, PerturbationManager, compute_neighbours

from optiops.exceptions import InstanceError
from optiops.model.routing import RoutingInstance
from optiops.model.routing_arrays import KIND_PICKUP, KIND_STOP, RoutingArrays
from optiops.routing.common import BackendResult, Progress, SolveOptions, fleet_bound, int_costs
from optiops.routing.warm import WarmOptions

WARM_HISTORY = 20  # late-acceptance history of a warm-started search (PyVRP's default: 300)
WARM_NEIGHBOURS = 20  # granular neighbourhood size of a warm-started search (PyVRP's default: 50)


class _Stop:
    """A PyVRP stopping criterion that also reports improvements to a progress callback.

    ``halt()`` returning true ends the search at once; PyVRP then returns the best solution found.
    """

    def __init__(
        self,
        seconds: float,
        divisor: float,
        progress: Progress | None,
        iterations: int | None,
        halt: Callable[[], bool] | None = None,
    ) -> None:
        runtime = pyvrp_stop.MaxRuntime(seconds)
        # an iteration limit makes a run reproducible from its seed whatever the machine's speed
        self._inner = (
            runtime
            if iterations is None
            else pyvrp_stop.MultipleCriteria([runtime, pyvrp_stop.MaxIterations(iterations)])
        )
        self._divisor = divisor
        self._progress = progress
        self._halt = halt
        self._best = float("inf")
        self._t0 = time.perf_counter()

    def __call__(self, best_cost: float) -> bool:
        if self._progress is not None and best_cost < self._best:
            self._best = best_cost
            self._progress(time.perf_counter() - self._t0, best_cost / self._divisor)
        if self._halt is not None and self._halt():
            return True
        return bool(self._inner(int(best_cost)))


def _data(arrays: RoutingArrays) -> tuple[pyvrp.ProblemData, list[int], list[tuple[int, int]]]:
    a = arrays
    costs = int_costs(a)
    locations = [pyvrp.Location(0.0, 0.0, name=n) for n in a.node_ids]  # travel comes from matrices
    depots = [pyvrp.Depot(k, tw_early=0, tw_late=int(a.horizon_int), name=a.node_ids[k]) for k in range(a.n_depots)]
    clients, client_nodes, shipments, shipment_nodes = [], [], [], []
    for node in range(a.n_depots, a.n_nodes):
        lo, hi = (
            a.tw_lo_int[a.tw_ptr[node] : a.tw_ptr[node + 1]],
            a.tw_hi_int[a.tw_ptr[node] : a.tw_ptr[node + 1]],
        )
        tw = (int(lo[0]), int(hi[0])) if len(lo) else (0, int(a.horizon_int))
        if a.node_kind[node] == KIND_STOP:
            clients.append(
                pyvrp.Client(
                    node, delivery=a.delivery[node].tolist(), pickup=a.pickup[node].tolist(),
                    service_duration=int(a.service_int[node]), tw_early=tw[0], tw_late=tw[1],
                    prize=int(costs["penalty"][node]), required=bool(a.required[node]),
                    name=a.node_ids[node],
                )
            )  # fmt: skip
            client_nodes.append(node)
        elif a.node_kind[node] == KIND_PICKUP:
            dnode = int(a.partner[node])
            dlo, dhi = (
                a.tw_lo_int[a.tw_ptr[dnode] : a.tw_ptr[dnode + 1]],
                a.tw_hi_int[a.tw_ptr[dnode] : a.tw_ptr[dnode + 1]],
            )
            dtw = (int(dlo[0]), int(dhi[0])) if len(dlo) else (0, int(a.horizon_int))
            shipments.append(
                pyvrp.Shipment(
                    node, dnode, pickup_tw_early=tw[0], pickup_tw_late=tw[1],
                    pickup_service_duration=int(a.service_int[node]), delivery_tw_early=dtw[0],
                    delivery_tw_late=dtw[1], delivery_service_duration=int(a.service_int[dnode]),
                    amount=a.ship[node].tolist(), prize=int(costs["penalty"][node]),
                    required=bool(a.required[node]), name=a.node_ids[node],
                )
            )  # fmt: skip
            shipment_nodes.append((node, dnode))
    counts = fleet_bound(a)
    vehicle_types = []
    for t in range(len(a.vt_ids)):
        max_dur = int(a.vt_max_dur_int[t])
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=int(counts[t]), capacity=a.vt_cap[t].tolist(),
                start_depot=int(a.vt_start[t]), end_depot=int(a.vt_end[t]),
                fixed_cost=int(costs["fixed"][t]), tw_early=int(a.vt_shift_lo_int[t]),
                tw_late=int(a.vt_shift_hi_int[t]),
                shift_duration=max_dur if max_dur < a.horizon_int else np.iinfo(np.int64).max,
                unit_distance_cost=int(costs["cd"][t]), unit_duration_cost=int(costs["ct"][t]),
                name=a.vt_ids[t],
            )
        )  # fmt: skip
    matrices: list[Any] = [a.dist_int, a.time_int]  # int64 arrays; the stubs spell the dtype oddly
    data = pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=matrices[:1],
        duration_matrices=matrices[1:],
        shipments=shipments,
    )
    return data, client_nodes, shipment_nodes


class PyVrpBackend:
    """PyVRP's iterated local search."""

    name = "pyvrp"
    warm = WarmOptions()  # a better start did not make its re-plans better (docs/events.md)

    def unsupported(self, inst: RoutingInstance, arrays: RoutingArrays) -> list[str]:
        reasons = []
        n_windows = np.diff(arrays.tw_ptr)[arrays.n_depots :]
        if (n_windows > 1).any():
            reasons.append("stops with several time windows")
        return reasons

    def solve(self, inst: RoutingInstance, arrays: RoutingArrays, opts: SolveOptions) -> BackendResult:
        t0 = time.perf_counter()
        data, client_nodes, shipment_nodes = _data(arrays)
        build_s = time.perf_counter() - t0
        divisor = float(int_costs(arrays)["divisor"][0])
        unknown = sorted(set(opts.params) - {"max_iterations"})
        if unknown:
            raise InstanceError(f"params: unknown PyVRP parameters {unknown}; known: ['max_iterations']")
        seconds = max(0.01, opts.time_limit - build_s)
        stop = _Stop(seconds, divisor, opts.progress, opts.params.get("max_iterations"), opts.stop)
        # PyVRP caps its penalty per unit of excess load / time warp (default 1e5 cost units); with
        # scaled decimal costs that can be a fraction of a currency unit, and the search then
        # settles for infeasible plans. Keep the cap at >= 1000 currency units.
        penalty = pyvrp.PenaltyParams(max_penalty=max(100_000.0, 1000.0 * divisor))
        params = pyvrp.SolveParams(penalty=penalty)
        if opts.initial is None:
            result = pyvrp.solve(data, stop=stop, seed=opts.seed, collect_stats=False, display=False, params=params)
        else:
            result = _solve_warm(data, stop, opts.seed, params, _solution(data, client_nodes, opts.initial))
        best = result.best
        counters = np.zeros(len(arrays.vt_ids), dtype=np.int64)
        sequences = []
        for route in best.routes():
            t = int(route.vehicle_type())
            nodes = []
            for act in route.schedule():
                nodes += _nodes_of(act, client_nodes, shipment_nodes)
            sequences.append((t, int(counters[t]), nodes))
            counters[t] += 1
        status = "solution" if best.is_feasible() else "no_solution"
        stats: dict[str, Any] = {"build_s": build_s, "iterations": result.num_iterations}
        return BackendResult(sequences, result.cost() / divisor if best.is_feasible() else None, status,
                             time.perf_counter() - t0, stats)  # fmt: skip


def _solve_warm(
    data: pyvrp.ProblemData, stop: _Stop, seed: int, params: pyvrp.SolveParams, initial: pyvrp.Solution
) -> pyvrp.Result:
    """``pyvrp.solve`` from a warm start, which one exhaustive local search first completes and improves
    (as ``pyvrp.solve`` does with its random start).

    A warm start is already good and its budget a fraction of a second: a short late-acceptance
    memory (:data:`WARM_HISTORY`) lets the search move away from it sooner, and fewer neighbours
    (:data:`WARM_NEIGHBOURS`) make each local search cheaper.
    """
    rng = pyvrp.RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(data, NeighbourhoodParams(num_neighbours=WARM_NEIGHBOURS))
    search = LocalSearch(data, rng, neighbours, PerturbationManager(params.perturbation))
    for op in params.operators:
        if op.supports(data):
            search.add_operator(op(data))
    penalties = pyvrp.PenaltyManager(params.penalty.midpoint_penalties(data), params.penalty)
    start = search(initial, penalties.max_cost_evaluator(), exhaustive=True)
    ils = pyvrp.IteratedLocalSearchParams(history_length=WARM_HISTORY)
    algo = pyvrp.IteratedLocalSearch(data, penalties, search, start, ils)
    return algo.run(stop, collect_stats=False, display=False)


def _solution(
    data: pyvrp.ProblemData, client_nodes: list[int], routes: tuple[tuple[int, int, tuple[int, ...]], ...]
) -> pyvrp.Solution:
    """The warm start as a PyVRP solution; clients it leaves out are inserted by the search."""
    client_of = {node: k for k, node in enumerate(client_nodes)}
    visits = [
        pyvrp.Route(data, [pyvrp.Activity(pyvrp.ActivityType.CLIENT, client_of[n]) for n in nodes], t)
        for t, _, nodes in routes
        if nodes
    ]
    return pyvrp.Solution(data, visits)


def _nodes_of(act: Any, client_nodes: list[int], shipment_nodes: list[tuple[int, int]]) -> list[int]:
    if act.is_client():
        return [client_nodes[act.idx]]
    if act.is_pickup():
        return [shipment_nodes[act.idx][0]]
    if act.is_delivery():
        return [shipment_nodes[act.idx][1]]
    return []
