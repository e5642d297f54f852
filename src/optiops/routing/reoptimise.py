"""Re-plan the rest of a routing day from its current state, warm-started from the current routes.

The remaining problem (:mod:`optiops.routing.remaining`) is solved by a routing backend starting
from the routes being driven, less what is served, with the stops of a broken vehicle and late
orders inserted as the backend's warm options say (:mod:`optiops.routing.warm`). The served part and
the re-planned part are joined into one plan of the day and checked by
:func:`~optiops.routing.replan_check.check_replan`.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

from optiops.evaluate import build_plan, evaluate_sequences
from optiops.kernels.routing import warmup
from optiops.kinds.base import Check
from optiops.model.plan import RoutingPlan
from optiops.model.routing import RoutingInstance
from optiops.model.routing_arrays import routing_arrays
from optiops.model.routing_state import RoutingState
from optiops.routing.common import SolveOptions
from optiops.routing.remaining import Remaining, excused, remaining_problem
from optiops.routing.replan_check import check_replan
from optiops.routing.solve import SolveResult, choose_backend, diagnose, solve
from optiops.routing.warm import warm_start

REPLAN_TIME_LIMIT = 0.85
"""Wall seconds of a whole re-plan (building, search, joining and checking) when none is given."""
CHECK_RESERVE = 0.1  # seconds kept back from the search for joining and checking the plan


@dataclass(frozen=True)
class ReplanResult:
    """The day's combined plan, its check, and the remaining problem with its solve."""

    plan: RoutingPlan
    check: Check
    remaining: Remaining
    solved: SolveResult | None  # None: nothing was left to plan
    stats: dict[str, Any] = field(default_factory=dict)


def reoptimise(
    instance: RoutingInstance,
    plan: RoutingPlan,
    state: RoutingState,
    opts: SolveOptions | None = None,
    source: str = "state",
) -> ReplanResult:
    """Re-plan the rest of the day after ``state``; served stops keep their vehicle and order.

    Parameters
    ----------
    instance, plan
        The day's instance and the plan being driven.
    state
        The time, vehicle positions and breakdowns, stops served and late orders.
    opts
        Backend, seed and the time limit of the whole re-plan (default :data:`REPLAN_TIME_LIMIT`): the
        search gets what building the remaining problem and warm start leave, less :data:`CHECK_RESERVE`.
    source
        What error messages call the state (its file name).

    Returns
    -------
    ReplanResult
        The whole day's plan and its check; stops no vehicle can reach in a window any more are left
        out and listed in ``stats["unservable"]``.

    Raises
    ------
    InstanceError
        The state contradicts the instance or the plan (the message names the field).
    """
    opts = opts or SolveOptions(time_limit=REPLAN_TIME_LIMIT)
    warmup()  # loading compiled kernels is start-up, not re-plan time
    t0 = time.perf_counter()
    rem = remaining_problem(instance, plan, state, source)
    solved, rest = None, {}
    # stops no vehicle can reach in their window any more are left out, as the checker excuses them
    unservable = _unservable(rem.instance) if rem.instance is not None else set()
    if unservable:  # optional at no cost rather than removed: a travel matrix keeps its node order
        servable = any(s.id not in unservable for s in rem.instance.stops)  # type: ignore[union-attr]
        rem = dataclasses.replace(rem, instance=excused(rem.instance, unservable) if servable else None)  # type: ignore[arg-type]
    if rem.instance is not None:
        arrays = routing_arrays(rem.instance)
        index, types = arrays.index(), {vt: k for k, vt in enumerate(arrays.vt_ids)}
        current = [(types[t], k, [index[s] for s in stops if s in index and s not in unservable])
                   for t, k, stops in rem.warm]  # fmt: skip
        stranded = tuple(tuple(index[s] for s in stops if s in index and s not in unservable) for stops in rem.stranded)
        backend = choose_backend(rem.instance, arrays, opts.backend)
        initial = warm_start(arrays, current, backend.warm, stranded)
        search = max(0.05, opts.time_limit - (time.perf_counter() - t0) - CHECK_RESERVE)
        solved = solve(rem.instance, dataclasses.replace(opts, time_limit=search, initial=initial))
        for route in solved.plan.routes:
            rest[rem.vehicle_of[(route.vehicle_type, route.vehicle)]] = route
    full = routing_arrays(excused(rem.full, unservable), plan.rounding or None)
    index, types = full.index(), {vt: k for k, vt in enumerate(full.vt_ids)}
    seqs = []
    for v in dict.fromkeys([*rem.served, *rest]):
        stops = rem.served.get(v, []) + [x.node for x in rest[v].visits[1:-1]] if v in rest else rem.served[v]
        seqs.append((types[v[0]], v[1], [index[s] for s in stops]))
    ev = evaluate_sequences(full, seqs)
    combined = build_plan(
        full, seqs, ev, instance=rem.full.name, backend=solved.plan.backend if solved else "",
        seed=opts.seed, time_limit_s=opts.time_limit, runtime_s=time.perf_counter() - t0,
    )  # fmt: skip
    combined = _rest_on_its_clock(combined, rest)
    check = check_replan(instance, plan, state, combined)
    combined = combined.model_copy(
        update={"status": "feasible" if check.feasible else "infeasible", "violations": check.violations,
                "runtime_s": time.perf_counter() - t0}
    )  # fmt: skip
    stats = {
        "replan_s": combined.runtime_s, "remaining_stops": len(rem.instance.stops) if rem.instance else 0,
        "remaining_objective": solved.plan.objective if solved else 0.0,
        # the rest of the day's cost: the remaining problem's plus the return trips it leaves out
        "rest_cost": (solved.plan.objective or 0.0) + _returns(rem.instance) if solved else 0.0,
        "warm_routes": len(rem.warm), "unservable": sorted(unservable), **(solved.stats if solved else {}),
    }  # fmt: skip
    return ReplanResult(combined, check, rem, solved, stats)


def _returns(rest: RoutingInstance | None) -> float:
    """The return trips of the vehicles already out, which the remaining problem counts as negative fixed costs."""
    return -sum(vt.fixed_cost for vt in rest.vehicle_types if vt.fixed_cost < 0) if rest is not None else 0.0


def _unservable(rest: RoutingInstance) -> set[str]:
    """Required stops of the remaining problem that no vehicle can serve in a window from where it stands."""
    return {node for node, _ in diagnose(routing_arrays(rest))}


def _rest_on_its_clock(plan: RoutingPlan, rest: dict[tuple[str, int], Any]) -> RoutingPlan:
    """The combined plan with the re-planned visits timed as the re-plan drives them (from the state's time)."""
    routes = []
    for route in plan.routes:
        new = rest.get((route.vehicle_type, route.vehicle))
        if new is None:
            routes.append(route)
            continue
        tail = new.visits[1:]  # its stops and the end depot
        visits = list(route.visits)
        for k, timed in enumerate(tail, start=len(visits) - len(tail)):
            visits[k] = visits[k].model_copy(
                update={"arrival": timed.arrival, "start": timed.start, "departure": timed.departure}
            )
        routes.append(route.model_copy(update={"visits": visits}))
    return plan.model_copy(update={"routes": routes})
