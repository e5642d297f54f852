"""Routing step of the network plan: the next day's own-fleet tours of every warehouse with vehicles.

A warehouse's own vans and e-trikes deliver the parcels it ships to the zones whose
``fleet_warehouse`` it is (parcels the allocation sends there from another warehouse go by carrier
and are priced there) and pick up the day's returns in those zones (:class:`~optiops.plan.orders.DayOrders`
``pickups``).  Each plan routes the parcels of its own allocation (``allocation.csv``, plan
``baseline`` or ``optimised``), so the step plays the day end to end both ways.

The routing instance of each warehouse: :mod:`optiops.plan.fleet`.  A visit the fleet does not make goes by carrier
(the base parcel tariff) a day late (the scenario's ``late_delivery_cost``, a broken promise).  The
KPIs price a visit handed over, reachable or not, at the carrier tariff and count it as late, the
same way in both plans.

**On-time guard.**  The optimised plan must be on time at least as often as the baseline.  While
the optimised plan serves a smaller share of stops in their windows than the baseline plan, the skip
price is doubled, up to :data:`MAX_SKIP_PRICE` (at which a plan skips only what it cannot fit), in the
warehouses whose routes are less punctual than nearest neighbour on the same stops (in all whose
price can still rise when none is), and those are solved again (:func:`_on_time_guard`).

- **baseline**: nearest neighbour (:func:`optiops.routing.nearest.nearest_neighbour_plan`).
- **optimised**: :func:`optiops.solve` (``backend="auto"``) per warehouse, fanned out through
  :func:`optiops.parallel.make_executor`; kept only when the evaluator finds it feasible and no
  dearer than the nearest-neighbour plan of the same instance.

Both plans are scored by :func:`optiops.evaluate`; ``fleet_cost`` is its objective without skip
prices (vehicle fixed costs, km, driver hours), ``transport_cost`` that plus the skipped reachable
units at the scenario's :func:`skip_price` (the same price in both plans, whatever price the guard
solved a warehouse at), and
``carrier_units`` the parcels and returned units handed to the carrier (skipped and unreachable).
"""

from __future__ import annotations

from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import dataclass

import pandas as pd

import optiops
from optiops.evaluate import Evaluation, build_plan, plan_sequences
from optiops.evaluate import evaluate as evaluate_plan
from optiops.model.plan import RoutingPlan
from optiops.model.routing import RoutingInstance
from optiops.model.routing_arrays import routing_arrays
from optiops.model.scenario import Scenario
from optiops.parallel import make_executor
from optiops.plan.base import PlanOptions, StepResult
from optiops.plan.fleet import fleet_instance, fleet_instances, fleet_stops, reachable, repriced, skip_price, stop_units
from optiops.plan.orders import DayOrders
from optiops.plotting import figure_png, plot_route_map
from optiops.routing import SolveOptions
from optiops.routing.nearest import nearest_neighbour_plan
from optiops.routing.solve import BACKENDS

MAX_SKIP_PRICE = 100.0  # CNY per parcel or returned unit: the on-time guard's cap (skip only what cannot fit)
PLANS = ("baseline", "optimised")
EPS = 1e-6  # minutes: tolerance of the on-time test
ROUTE_COLUMNS = ["plan", "warehouse", "vehicle_type", "vehicle", "position", "node", "kind", "arrival", "start",
                 "departure", "load"]  # fmt: skip


@dataclass(frozen=True, eq=False)
class ScoredPlan:
    """A routing plan with the evaluator's schedule, and the evaluator's verdict."""

    plan: RoutingPlan
    evaluation: Evaluation


def score(inst: RoutingInstance, plan: RoutingPlan) -> ScoredPlan:
    """Evaluate a plan with :func:`optiops.evaluate` and attach the evaluator's schedule.

    Parameters
    ----------
    inst : RoutingInstance
        The instance.
    plan : RoutingPlan
        Routes (a backend's plan or :func:`nearest_neighbour_plan`).

    Returns
    -------
    ScoredPlan
        The plan rebuilt with the evaluator's arrivals, starts, loads, costs and status.
    """
    ev = evaluate_plan(inst, plan)
    arrays = routing_arrays(inst, plan.rounding or inst.rounding)
    meta = {"instance": plan.instance, "backend": plan.backend, "seed": plan.seed, "time_limit_s": plan.time_limit_s,
            "runtime_s": plan.runtime_s, "solver_objective": plan.solver_objective}  # fmt: skip
    return ScoredPlan(build_plan(arrays, plan_sequences(arrays, plan), ev, **meta), ev)


def solve_fleet(inst: RoutingInstance, time_limit: float, seed: int, iterations: int | None = None) -> RoutingPlan:
    """Solve one warehouse's instance with ``optiops.solve`` (a top-level function, for worker processes).

    Parameters
    ----------
    inst : RoutingInstance
        The instance.
    time_limit : float
        Seconds.
    seed : int
        Solver seed.
    iterations : int, optional
        PyVRP iteration limit, used where PyVRP supports the instance (``auto`` picks it there).

    Returns
    -------
    RoutingPlan
        The backend's plan.
    """
    if iterations is not None and not BACKENDS["pyvrp"].unsupported(inst, routing_arrays(inst)):
        opts = SolveOptions(backend="pyvrp", time_limit=time_limit, seed=seed, params={"max_iterations": iterations})
        return optiops.solve(inst, options=opts).plan
    return optiops.solve(inst, options=SolveOptions(backend="auto", time_limit=time_limit, seed=seed)).plan


def routing_step(scenario: Scenario, options: PlanOptions, orders: DayOrders, allocation: StepResult) -> StepResult:
    """Route every fleet warehouse's deliveries and returns pickups of the next day, both ways.

    Parameters
    ----------
    scenario : Scenario
        The scenario (zones with their fleet warehouse, customer points, warehouses, vehicles, costs).
    options : PlanOptions
        ``time_limit`` per warehouse solve, ``seed``, and where the solves run (``executor``,
        ``workers``, ``address``).
    orders : DayOrders
        The day's orders and pickups (:func:`optiops.plan.orders.next_day_orders`).
    allocation : StepResult
        The allocation step's result; its ``allocation.csv`` says which warehouse ships each parcel
        in each plan.

    Returns
    -------
    StepResult
        Name ``routing``; KPI parts ``stops``, ``routes``, ``transport_cost``, ``fleet_cost``,
        ``carrier_units``, ``distance_km``, ``on_time_rate``, ``skipped`` for both plans; figures
        ``route_map_<W>.png`` of the optimised routes; table ``routes.csv``; solver statistics per
        warehouse (``skip_prices``: the price each warehouse's optimised routes were solved at).
    """
    table = allocation.tables["allocation.csv"]
    price = skip_price(scenario.costs)
    notes = [
        "Routing baseline: nearest neighbour, one vehicle after the other (largest first), each to the nearest "
        "stop it can still serve in its window with room on board and time to return before its shift ends.",
        f"A customer visit the fleet does not make goes by carrier a day late: the routing model prices it at "
        f"{price:g} per parcel and returned unit (carrier tariff {scenario.costs.parcel_base_cost:g} + broken promise "
        f"{scenario.costs.late_delivery_cost:g}); the cost per order at the carrier tariff.",
    ]
    instances, left_out = {}, {}
    for p in PLANS:
        instances[p], left_out[p] = fleet_instances(scenario, orders, table[table["plan"] == p], price)
    notes += [f"{w}: {n} {p} stop(s) no vehicle can serve inside its window and shift; handed to the carrier"
              for p in PLANS for w, n in left_out[p]["warehouse"].value_counts().sort_index().items()]  # fmt: skip
    base = {w: score(inst, nearest_neighbour_plan(inst)) for w, inst in instances["baseline"].items()}
    base_kpis = _kpis(instances["baseline"], base, left_out["baseline"], price)
    best, fallback, prices = _on_time_guard(instances["optimised"], price, options, base_kpis,
                                            left_out["optimised"], notes)  # fmt: skip
    kpis = _kpis(instances["optimised"], best, left_out["optimised"], price)
    notes += [f"{w}: the solver's routes were not better than nearest neighbour; kept those" for w in fallback]
    return StepResult(
        name="routing",
        baseline=base_kpis,
        optimised=kpis,
        figures={f"route_map_{w}.png": _route_map(instances["optimised"][w], s.plan) for w, s in best.items()},
        tables={"routes.csv": pd.concat([_route_rows(base, "baseline"), _route_rows(best, "optimised")],
                                        ignore_index=True)},
        stats={**_stats(best, base, fallback, options), "skip_prices": prices},
        notes=notes,
    )  # fmt: skip


def _on_time_guard(
    instances: dict[str, RoutingInstance], price: float, options: PlanOptions, base_kpis: dict[str, float],
    left_out: pd.DataFrame, notes: list[str], pool: Executor | None = None,
) -> tuple[dict[str, ScoredPlan], list[str], dict[str, float]]:  # fmt: skip
    """Solve every warehouse; while the plan is less punctual than the baseline, raise the skip price and re-solve.

    Only the warehouses whose routes serve fewer stops on time than nearest neighbour on the same
    instance are solved again (all whose price can still rise when none does), all rounds on one
    executor (``pool``, or one made from ``options``). ``instances`` (solved at ``price``) is updated in
    place with each warehouse's last instance (:func:`repriced`); the raises are added to ``notes``.

    Returns
    -------
    tuple
        The kept plan per warehouse, the warehouses where nearest neighbour was kept, and the skip
        price each warehouse was last solved at.
    """
    prices = dict.fromkeys(instances, price)
    with (
        nullcontext(pool)
        if pool is not None
        else make_executor(options.executor, options.workers, address=options.address) as pool
    ):
        best, fallback, nn = _optimised(instances, options, pool)
        while True:
            kpis = _kpis(instances, best, left_out, price)
            if kpis["on_time_rate"] >= base_kpis["on_time_rate"] - 1e-12:
                break
            open_ = [w for w in instances if prices[w] < MAX_SKIP_PRICE]
            behind = [w for w in open_ if _on_time(instances[w], best[w].plan) < _on_time(instances[w], nn[w].plan)]
            todo = behind or open_
            if not todo:
                notes.append(
                    f"On-time guard: every skip price at its cap of {MAX_SKIP_PRICE:g}, and "
                    f"{kpis['on_time_rate']:.3f} of the stops on time against the baseline's "
                    f"{base_kpis['on_time_rate']:.3f}."
                )
                break
            for w in todo:
                prices[w] = min(2.0 * prices[w], MAX_SKIP_PRICE)
                instances[w] = repriced(instances[w], prices[w])
            notes.append(
                f"On-time guard: {kpis['on_time_rate']:.3f} of the stops on time against the baseline's "
                f"{base_kpis['on_time_rate']:.3f}; solved again at skip price "
                + ", ".join(f"{w} {prices[w]:g}" for w in todo)
                + "."
            )
            again, kept, again_nn = _optimised({w: instances[w] for w in todo}, options, pool)
            best.update(again)
            nn.update(again_nn)
            fallback = sorted((set(fallback) - set(todo)) | set(kept))
    return best, fallback, prices


def _optimised(
    instances: dict[str, RoutingInstance], options: PlanOptions, pool: Executor
) -> tuple[dict[str, ScoredPlan], list[str], dict[str, ScoredPlan]]:
    """Solve every warehouse on ``pool``; keep nearest neighbour where the solver is not better.

    Returns the kept plans, the warehouses where nearest neighbour was kept, and the scored
    nearest-neighbour plan of every warehouse.
    """
    futures = {w: pool.submit(solve_fleet, inst, options.time_limit, options.seed, options.routing_iterations)
               for w, inst in instances.items()}  # fmt: skip
    plans = {w: f.result() for w, f in futures.items()}
    best, fallback, nn = {}, [], {}
    for w, inst in instances.items():
        solved, nn[w] = score(inst, plans[w]), score(inst, nearest_neighbour_plan(inst))
        ev = solved.evaluation
        if not ev.feasible or ev.objective > nn[w].evaluation.objective + 1e-9:
            best[w] = ScoredPlan(nn[w].plan.model_copy(update={"runtime_s": plans[w].runtime_s}), nn[w].evaluation)
            fallback.append(w)
        else:
            best[w] = solved
    return best, fallback, nn


def _on_time(inst: RoutingInstance, plan: RoutingPlan) -> int:
    """Stops whose service starts inside one of their windows (``plan`` with the evaluator's starts: :func:`score`)."""
    windows = {s.id: s.time_windows for s in inst.stops}
    starts = [(v.node, v.start) for r in plan.routes for v in r.visits if v.kind != "depot" and v.start is not None]
    return sum(
        1 for node, t in starts if not windows[node] or any(lo - EPS <= t <= hi + EPS for lo, hi in windows[node])
    )


def _kpis(
    instances: dict[str, RoutingInstance], scored: dict[str, ScoredPlan], left_out: pd.DataFrame, price: float
) -> dict[str, float]:
    """The KPI parts of one plan over all warehouses; ``left_out`` the stops no vehicle could serve.

    ``transport_cost`` prices the skipped reachable units at ``price`` (the scenario's
    :func:`skip_price`), whatever price a warehouse was solved at, so both plans compare.
    """
    stops = sum(len(inst.stops) for inst in instances.values()) + len(left_out)
    on_time = sum(_on_time(instances[w], s.plan) for w, s in scored.items())
    units = {w: {st.id: stop_units(st) for st in inst.stops} for w, inst in instances.items()}
    skipped_units = sum(units[w][node] for w, s in scored.items() for node in s.evaluation.skipped)
    fleet = sum(s.evaluation.objective - s.evaluation.skip_cost for s in scored.values())
    return {
        "stops": float(stops),
        "routes": float(sum(len(s.plan.routes) for s in scored.values())),
        "transport_cost": fleet + price * skipped_units,
        "fleet_cost": fleet,
        "carrier_units": float(skipped_units + (left_out["delivery"] + left_out["pickup"]).sum()),
        "distance_km": sum(s.evaluation.distance for s in scored.values()),
        "on_time_rate": on_time / stops if stops else 1.0,
        "skipped": float(sum(len(s.evaluation.skipped) for s in scored.values()) + len(left_out)),
    }


def _route_rows(scored: dict[str, ScoredPlan], name: str) -> pd.DataFrame:
    """One row per visit of every route."""
    rows = [(name, w, r.vehicle_type, r.vehicle, k, v.node, v.kind, v.arrival, v.start, v.departure,
             v.load[0] if v.load else None)
            for w, s in scored.items() for r in s.plan.routes for k, v in enumerate(r.visits)]  # fmt: skip
    return pd.DataFrame(rows, columns=ROUTE_COLUMNS)


def _route_map(inst: RoutingInstance, plan: RoutingPlan) -> bytes:
    """PNG of the plan's routes over the instance."""
    return figure_png(lambda ax: plot_route_map(inst, plan, ax))


def _stats(best: dict[str, ScoredPlan], base: dict[str, ScoredPlan], fallback: list[str],
           options: PlanOptions) -> dict[str, object]:  # fmt: skip
    """Solver statistics per warehouse and in total."""
    per_wh = {w: {"status": s.plan.status, "backend": s.plan.backend, "objective": s.evaluation.objective,
                  "runtime": s.plan.runtime_s, "stops_served": sum(len(r.visits) - 2 for r in s.plan.routes),
                  "fallback": w in fallback} for w, s in best.items()}  # fmt: skip
    feasible = all(s.evaluation.feasible for s in best.values())
    return {
        "status": "feasible" if feasible else "infeasible",
        "objective": sum(s.evaluation.objective for s in best.values()),
        "bound": None, "gap": None,
        "runtime": sum(s.plan.runtime_s or 0.0 for s in best.values()),
        "time_limit": options.time_limit,
        "skip_cost": sum(s.evaluation.skip_cost for s in best.values()),
        "baseline_objective": sum(s.evaluation.objective for s in base.values()),
        "baseline_skip_cost": sum(s.evaluation.skip_cost for s in base.values()),
        "warehouses": per_wh,
    }  # fmt: skip


__all__ = ["MAX_SKIP_PRICE", "ScoredPlan", "fleet_instance", "fleet_instances", "fleet_stops", "nearest_neighbour_plan",
           "reachable", "repriced", "routing_step", "score", "skip_price", "solve_fleet"]  # fmt: skip
