"""OR-Tools routing (``pywrapcp``): every feature of the model.

Travel is registered as transit matrices; loads use one dimension per capacity dimension (with a
free start load when returns pickups or shipments share the vehicle); time windows, several per
stop, are cumul ranges with the gaps removed. A few first-solution strategies are tried on a small
share of the budget, then guided local search improves the best start until the time limit.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from optiops._logging import logger
from optiops.exceptions import InstanceError
from optiops.model.routing import RoutingInstance
from optiops.model.routing_arrays import KIND_DEPOT, RoutingArrays
from optiops.routing.common import BackendResult, SolveOptions, fleet_bound, int_costs
from optiops.routing.warm import WarmOptions

FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy
METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic
OPTIONAL_BOOLEAN = optional_boolean_pb2.OptionalBoolean
DEFAULT_STRATEGIES = (
    "PATH_CHEAPEST_ARC",
    "PARALLEL_CHEAPEST_INSERTION",
    "SAVINGS",
    "LOCAL_CHEAPEST_INSERTION",
)


class _Model:
    """An OR-Tools routing model built from arrays (data -> variables -> constraints -> objective)."""

    def __init__(self, arrays: RoutingArrays) -> None:
        a = self.a = arrays
        costs = int_costs(a)
        self.divisor = float(costs["divisor"][0])
        counts = fleet_bound(a)
        self.vehicle_type = np.repeat(np.arange(len(counts)), counts)
        self.vehicle_index = np.concatenate([np.arange(c) for c in counts])
        starts = [int(a.vt_start[t]) for t in self.vehicle_type]
        ends = [int(a.vt_end[t]) for t in self.vehicle_type]
        self.manager = pywrapcp.RoutingIndexManager(a.n_nodes, len(starts), starts, ends)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self._arc_costs(costs)
        self._time()
        self._loads()
        self._visits(costs, set(starts) | set(ends))

    def idx(self, node: int) -> int:
        return int(self.manager.NodeToIndex(node))

    def _arc_costs(self, costs: dict[str, np.ndarray]) -> None:
        routing, a = self.routing, self.a
        self.offset = 0  # the solver's objective less this is the model's cost
        cache: dict[int, int] = {}
        for v, t in enumerate(self.vehicle_type):
            cd = int(costs["cd"][t])
            if cd not in cache:
                cache[cd] = routing.RegisterTransitMatrix((a.dist_int * cd).tolist())
            routing.SetArcCostEvaluatorOfVehicle(cache[cd], v)
            fixed = int(costs["fixed"][t])
            if fixed < 0:
                # minus the empty route's cost (a re-plan's vehicle that must drive home anyway): OR-Tools
                # wants costs >= 0, so it counts the empty route instead, a constant more in all
                routing.SetVehicleUsedWhenEmpty(True, v)
                self.offset -= fixed
            routing.SetFixedCostOfVehicle(max(fixed, 0), v)
        self.ct = costs["ct"]

    def _time(self) -> None:
        routing, a = self.routing, self.a
        transit = a.time_int + a.service_int[:, None]
        cb = routing.RegisterTransitMatrix(transit.tolist())
        horizon = int(a.horizon_int)
        routing.AddDimension(cb, horizon, horizon, False, "time")
        dim = self.time_dim = routing.GetDimensionOrDie("time")
        for node in range(a.n_depots, a.n_nodes):
            lo, hi = (
                a.tw_lo_int[a.tw_ptr[node] : a.tw_ptr[node + 1]],
                a.tw_hi_int[a.tw_ptr[node] : a.tw_ptr[node + 1]],
            )
            if len(lo) == 0:
                continue
            var = dim.CumulVar(self.idx(node))
            var.SetRange(int(lo[0]), int(hi[-1]))
            for k in range(len(lo) - 1):
                if lo[k + 1] > hi[k] + 1:
                    var.RemoveInterval(int(hi[k]) + 1, int(lo[k + 1]) - 1)
        for v, t in enumerate(self.vehicle_type):
            shift_lo, shift_hi = int(a.vt_shift_lo_int[t]), int(a.vt_shift_hi_int[t])
            dim.CumulVar(routing.Start(v)).SetRange(shift_lo, shift_hi)
            dim.CumulVar(routing.End(v)).SetRange(shift_lo, shift_hi)
            if a.vt_max_dur_int[t] < horizon:
                dim.SetSpanUpperBoundForVehicle(int(a.vt_max_dur_int[t]), v)
            if self.ct[t] > 0:
                dim.SetSpanCostCoefficientForVehicle(int(self.ct[t]), v)
            routing.AddVariableMaximizedByFinalizer(dim.CumulVar(routing.Start(v)))
            routing.AddVariableMinimizedByFinalizer(dim.CumulVar(routing.End(v)))

    def _loads(self) -> None:
        routing, a = self.routing, self.a
        solver = routing.solver()
        n_dim = a.delivery.shape[1]
        for d in range(n_dim):
            cap_d = [int(a.vt_cap[t, d]) for t in self.vehicle_type]
            mixed = bool(a.pickup[:, d].any() or a.ship[:, d].any())
            if not mixed:  # deliveries only: the classic capacity dimension
                cb = routing.RegisterUnaryTransitVector(a.delivery[:, d].tolist())
                routing.AddDimensionWithVehicleCapacity(cb, 0, cap_d, True, f"load{d}")
                continue
            # Load on board = start load + (pickups - deliveries + shipments) so far; the start
            # load is free and pinned by requiring the end load to equal the pickups collected.
            delta = a.pickup[:, d] - a.delivery[:, d] + a.ship[:, d]
            cb = routing.RegisterUnaryTransitVector(delta.tolist())
            routing.AddDimensionWithVehicleCapacity(cb, 0, cap_d, False, f"load{d}")
            pcb = routing.RegisterUnaryTransitVector(a.pickup[:, d].tolist())
            routing.AddDimensionWithVehicleCapacity(pcb, 0, cap_d, True, f"pick{d}")
            load, pick = routing.GetDimensionOrDie(f"load{d}"), routing.GetDimensionOrDie(f"pick{d}")
            for v in range(len(self.vehicle_type)):
                solver.Add(load.CumulVar(routing.End(v)) == pick.CumulVar(routing.End(v)))

    def _visits(self, costs: dict[str, np.ndarray], terminals: set[int]) -> None:
        routing, a = self.routing, self.a
        solver = routing.solver()
        # Required visits are disjunctions with a prohibitive penalty: the search always has a
        # start, and an instance it cannot serve shows up as named unserved stops.
        big = int(
            min(
                2**50,
                1000
                * (
                    int(a.dist_int.max()) * max(1, int(costs["cd"].max())) * 2
                    + int(costs["fixed"].max())
                    + int(a.horizon_int) * max(1, int(self.ct.max()))
                )
                + 10**6,
            )
        )
        self.big = big
        for node in range(a.n_nodes):
            if a.node_kind[node] == KIND_DEPOT:
                if node not in terminals:
                    i = self.idx(node)
                    routing.AddDisjunction([i], 0)
                    solver.Add(routing.ActiveVar(i) == 0)
                continue
            i = self.idx(node)
            if a.partner[node] >= 0 and a.partner[node] < node:
                continue  # delivery end: handled with its pickup
            penalty = big if a.required[node] else int(costs["penalty"][node])
            routing.AddDisjunction([i], penalty)
            if a.partner[node] >= 0:
                j = self.idx(int(a.partner[node]))
                routing.AddDisjunction([j], 0 if not a.required[node] else big)
                routing.AddPickupAndDelivery(i, j)
                solver.Add(routing.ActiveVar(i) == routing.ActiveVar(j))
                solver.Add(routing.VehicleVar(i) == routing.VehicleVar(j))
                solver.Add(self.time_dim.CumulVar(i) <= self.time_dim.CumulVar(j))

    def warm_start(self, routes: tuple[tuple[int, int, tuple[int, ...]], ...], params: Any) -> Any:
        """The routes as an assignment of the closed model (``None`` if OR-Tools rejects them); stops they
        leave out are unperformed at their penalty until the search inserts them."""
        slot = {(int(t), int(k)): v for v, (t, k) in enumerate(zip(self.vehicle_type, self.vehicle_index, strict=True))}
        paths: list[list[int]] = [[] for _ in self.vehicle_type]
        for t, veh, nodes in routes:
            if (t, veh) in slot:  # a vehicle beyond the fleet offered: the search re-inserts its stops
                paths[slot[(t, veh)]] = [self.idx(n) for n in nodes]
        self.routing.CloseModelWithParameters(params)
        return self.routing.ReadAssignmentFromRoutes(paths, True)

    def sequences(self, solution: Any) -> list[tuple[int, int, list[int]]]:
        routing, out = self.routing, []
        for v in range(len(self.vehicle_type)):
            i = routing.Start(v)
            nodes = []
            i = solution.Value(routing.NextVar(i))
            while not routing.IsEnd(i):
                nodes.append(int(self.manager.IndexToNode(i)))
                i = solution.Value(routing.NextVar(i))
            if nodes:
                out.append((int(self.vehicle_type[v]), int(self.vehicle_index[v]), nodes))
        return out


WARM_LNS_MS = 10  # time limit of each LNS sub-search from a warm start (OR-Tools' default: 100 ms)
# Operators that rebuild paths by re-inserting visits: from a start that performs every visit, they
# take most of a sub-second search's time to reach and prove a local optimum (docs/events.md)
INSERTION_LNS = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_relocate_path_global_cheapest_insertion_insert_unperformed",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
)
KNOWN_PARAMS = {"metaheuristic", "first_solution_strategies", "first_solution_share"}


def _enum_names(message: Any) -> list[str]:
    """Value names of the enum nested in a routing_enums_pb2 message (e.g. GUIDED_LOCAL_SEARCH)."""
    return [v.name for e in message.DESCRIPTOR.enum_types for v in e.values]


def check_params(params: dict[str, Any]) -> None:
    """Refuse unknown keys and enum names before any search runs."""
    problems = [
        f"params.{k}: unknown parameter; known: {sorted(KNOWN_PARAMS)}" for k in params if k not in KNOWN_PARAMS
    ]
    meta = params.get("metaheuristic", "GUIDED_LOCAL_SEARCH")
    if meta not in _enum_names(METAHEURISTIC):
        problems.append(f"params.metaheuristic: {meta!r} is not one of {_enum_names(METAHEURISTIC)}")
    for name in params.get("first_solution_strategies", DEFAULT_STRATEGIES):
        if name not in _enum_names(FIRST_SOLUTION):
            problems.append(f"params.first_solution_strategies: {name!r} is not one of {_enum_names(FIRST_SOLUTION)}")
    share = params.get("first_solution_share", 0.15)
    if not isinstance(share, int | float) or not 0 < share < 1:
        problems.append("params.first_solution_share: a fraction between 0 and 1")
    if problems:
        raise InstanceError(problems, "ortools parameters")


def _params(strategy: str, seconds: float, opts: SolveOptions, improve: bool) -> Any:
    p = pywrapcp.DefaultRoutingSearchParameters()
    p.first_solution_strategy = getattr(FIRST_SOLUTION, strategy)
    if improve:
        p.local_search_metaheuristic = getattr(
            METAHEURISTIC, str(opts.params.get("metaheuristic", "GUIDED_LOCAL_SEARCH"))
        )
    else:
        p.solution_limit = 1
    p.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    return p


def _performs_all(arrays: RoutingArrays, initial: tuple[tuple[int, int, tuple[int, ...]], ...]) -> bool:
    """Whether the warm routes visit every required node."""
    placed = {n for _, _, nodes in initial for n in nodes}
    return all(n in placed for n in range(arrays.n_depots, arrays.n_nodes) if arrays.required[n])


def _warm_params(params: Any, complete: bool) -> Any:
    """Search parameters from a warm start: short LNS sub-searches, and no insertion LNS once complete."""
    # a sub-second re-plan: short LNS sub-searches keep the search near its time limit
    params.lns_time_limit.FromMilliseconds(WARM_LNS_MS)
    if complete:
        for name in INSERTION_LNS:
            setattr(params.local_search_operators, name, OPTIONAL_BOOLEAN.BOOL_FALSE)
    return params


class OrToolsBackend:
    """OR-Tools constraint-programming routing with guided local search."""

    name = "ortools"
    # its local search settles where its start leads within a re-plan's second: regret insertion and
    # a replacement vehicle for a broken one's stops give it better starts, and it is slow to insert a
    # stop that needs another moved first, so the start does that too (docs/events.md)
    warm = WarmOptions(regret=3, handover=True, evict=True)

    def unsupported(self, inst: RoutingInstance, arrays: RoutingArrays) -> list[str]:
        return []

    def solve(self, inst: RoutingInstance, arrays: RoutingArrays, opts: SolveOptions) -> BackendResult:
        check_params(opts.params)
        t0 = time.perf_counter()
        model = _Model(arrays)
        routing = model.routing
        if opts.progress is not None:
            cb = opts.progress
            routing.AddAtSolutionCallback(
                lambda: cb(time.perf_counter() - t0, routing.CostVar().Value() / model.divisor)
            )
        if opts.stop is not None:
            halt = opts.stop
            # ends the search as a limit does: the best solution found so far is returned
            routing.AddAtSolutionCallback(lambda: routing.CancelSearch() if halt() else None)
        strategies = tuple(opts.params.get("first_solution_strategies", DEFAULT_STRATEGIES))
        share = float(opts.params.get("first_solution_share", 0.15))
        build_s = time.perf_counter() - t0
        best, best_strategy, warm = None, strategies[0], False
        if opts.initial is not None:
            best = model.warm_start(opts.initial, _params(best_strategy, opts.time_limit, opts, improve=True))
            warm = best is not None
        for strategy in () if warm else strategies:
            left = opts.time_limit - (time.perf_counter() - t0)
            budget = min(left, max(0.05, share * opts.time_limit / len(strategies)))
            if budget <= 0.01 or (best is not None and opts.stop is not None and opts.stop()):
                break
            sol = routing.SolveWithParameters(_params(strategy, budget, opts, improve=False))
            if sol is not None and (best is None or sol.ObjectiveValue() < best.ObjectiveValue()):
                best, best_strategy = sol, strategy
        left = opts.time_limit - (time.perf_counter() - t0)
        if best is not None and left > 0.05 and not (opts.stop is not None and opts.stop()):
            params = _params(best_strategy, left, opts, improve=True)
            if warm and opts.initial is not None:
                params = _warm_params(params, _performs_all(arrays, opts.initial))
            improved = routing.SolveFromAssignmentWithParameters(best, params)
            # a warm start read from routes carries no objective value to compare with
            if improved is not None and (warm or improved.ObjectiveValue() <= best.ObjectiveValue()):
                best = improved
        runtime = time.perf_counter() - t0
        if best is None:
            return BackendResult([], None, "no_solution", runtime, {"build_s": build_s})
        logger.info("ortools: %s start, objective %s", best_strategy, best.ObjectiveValue())
        return BackendResult(
            model.sequences(best),
            (best.ObjectiveValue() - model.offset) / model.divisor,
            "solution",
            runtime,
            {
                "build_s": build_s,
                "first_solution": "warm start" if warm else best_strategy,
                "vehicles_offered": len(model.vehicle_type),
            },
        )
