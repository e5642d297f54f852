"""Re-planning the rest of a routing day: served stops stay, the state round-trips, bad states are refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import optiops
from optiops.exceptions import InstanceError
from optiops.io import load_plan, save
from optiops.io.documents import read_as
from optiops.model.plan import RoutingPlan
from optiops.model.routing import RoutingInstance
from optiops.model.routing_state import RoutingState
from optiops.routing import SolveOptions
from optiops.routing.reoptimise import reoptimise
from optiops.routing.replan_check import check_replan

DAYS = Path(__file__).resolve().parents[2] / "instances" / "routing" / "breakdown"


def day(name: str) -> tuple[RoutingInstance, RoutingPlan, RoutingState]:
    folder = DAYS / name
    return (
        optiops.load(folder / "instance.yaml"),
        load_plan(folder / "plan.json"),
        read_as(folder / "state.json", RoutingState),
    )


def routes(plan: RoutingPlan) -> dict[tuple[str, int], list[str]]:
    return {(r.vehicle_type, r.vehicle): [v.node for v in r.visits if v.kind != "depot"] for r in plan.routes}


@pytest.fixture(scope="module")
def r1() -> tuple[RoutingInstance, RoutingPlan, RoutingState]:
    return day("gh200-r1")


def test_state_round_trips_through_json(tmp_path: Path) -> None:
    """A state with late orders is read back from its JSON file equal to what was written."""
    _, _, state = day("gh200-r1-late")
    assert state.new_stops
    save(state, tmp_path / "state.json")
    assert read_as(tmp_path / "state.json", RoutingState) == state
    assert RoutingState.model_validate_json(state.model_dump_json()) == state


@pytest.mark.parametrize("backend", ["pyvrp", "ortools"])
def test_served_stops_never_change(r1: tuple, backend: str) -> None:
    """Every vehicle's route starts with the stops it served; the broken one gets nothing more; all are served."""
    inst, plan, state = r1
    res = reoptimise(inst, plan, state, SolveOptions(backend=backend, time_limit=0.3))
    before, after = routes(plan), routes(res.plan)
    done = set(state.served)
    broken = {(v.vehicle_type, v.vehicle) for v in state.vehicles if not v.available}
    assert broken
    for v, stops in before.items():
        prefix = [s for s in stops if s in done]
        assert after.get(v, [])[: len(prefix)] == prefix
        if v in broken:
            assert after.get(v, []) == prefix
    served = [s for stops in after.values() for s in stops]
    assert sorted(served) == sorted(s.id for s in inst.stops)
    assert res.plan.status == "feasible", res.plan.violations
    assert res.stats["warm_routes"] > 0


def test_late_orders_are_inserted_after_the_state_time() -> None:
    """Late orders are served, after the state's time, in a plan the checker passes."""
    inst, plan, state = day("gh200-r1-late")
    res = optiops.reoptimise(inst, plan, state, backend="pyvrp", time_limit=0.3)
    assert res.status == "feasible", res.plan.violations
    late = {s.id for s in state.new_stops} - set(res.stats["unservable"])
    starts = {v.node: v.start for r in res.plan.routes for v in r.visits if v.node in late}
    assert set(starts) == late
    assert min(starts.values()) >= state.time


def test_checker_catches_a_moved_served_stop(r1: tuple) -> None:
    """Swapping two served stops of a route in an otherwise good re-plan is reported."""
    inst, plan, state = r1
    res = reoptimise(inst, plan, state, SolveOptions(backend="pyvrp", time_limit=0.2))
    route = next(r for r in res.plan.routes if sum(v.node in state.served for v in r.visits) >= 2)
    visits = list(route.visits)
    visits[1], visits[2] = visits[2], visits[1]
    bad = res.plan.model_copy(update={"routes": [r if r is not route else r.model_copy(update={"visits": visits})
                                                 for r in res.plan.routes]})  # fmt: skip
    check = check_replan(inst, plan, state, bad)
    assert not check.feasible
    assert any("served stops" in v for v in check.violations)


def test_checker_catches_a_stop_for_the_broken_vehicle(r1: tuple) -> None:
    """Giving the broken vehicle one more stop is reported."""
    inst, plan, state = r1
    res = reoptimise(inst, plan, state, SolveOptions(backend="pyvrp", time_limit=0.2))
    lost = next(v for v in state.vehicles if not v.available)
    route = next(r for r in res.plan.routes if (r.vehicle_type, r.vehicle) != (lost.vehicle_type, lost.vehicle)
                 and r.visits[-2].node not in state.served)  # fmt: skip
    moved = route.visits[-2]
    routes_ = []
    for r in res.plan.routes:
        if r is route:
            r = r.model_copy(update={"visits": [*r.visits[:-2], r.visits[-1]]})
        elif (r.vehicle_type, r.vehicle) == (lost.vehicle_type, lost.vehicle):
            r = r.model_copy(update={"visits": [*r.visits[:-1], moved, r.visits[-1]]})
        routes_.append(r)
    check = check_replan(inst, plan, state, res.plan.model_copy(update={"routes": routes_}))
    assert any("broken down" in v for v in check.violations)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time": 5000.0}, "time: 5000 is after the day ends"),
        ({"served": ["nowhere"]}, "served[0]: 'nowhere' is not a stop of the plan"),
        ({"vehicles": [{"vehicle_type": "bus", "position": "depot"}]}, "vehicles[0].vehicle_type: unknown"),
        ({"vehicles": [{"vehicle_type": "truck", "vehicle": 99, "position": "depot"}]}, "vehicles[0].vehicle:"),
    ],
)
def test_bad_state_names_field_and_reason(r1: tuple, change: dict, field: str) -> None:
    """A state that contradicts the instance or the plan raises an InstanceError naming the field."""
    inst, plan, state = r1
    bad = RoutingState.model_validate(state.model_dump() | change)
    with pytest.raises(InstanceError, match=r"state\.json: " + field.replace("[", r"\[").replace("]", r"\]")):
        reoptimise(inst, plan, bad, SolveOptions(time_limit=0.1), source="state.json")


def test_warm_start_on_every_backend(tiny: RoutingInstance) -> None:
    """Both backends accept initial routes that leave stops out and return a complete plan."""
    from optiops.routing import solve

    arrays_index = {n: i for i, n in enumerate(tiny.node_ids())}
    initial = ((0, 0, (arrays_index["a"], arrays_index["b"])),)
    for backend in ("pyvrp", "ortools"):
        res = solve(tiny, SolveOptions(backend=backend, time_limit=0.3, initial=initial))
        assert res.plan.status == "feasible"
        assert {"a", "b", "c", "d"} <= {v.node for r in res.plan.routes for v in r.visits}


def test_remaining_cost_ranks_re_plans_as_the_day_does(r1: tuple) -> None:
    """Two re-plans of one state differ in day cost exactly as in remaining-problem cost (return trips count)."""
    inst, plan, state = r1
    a = reoptimise(inst, plan, state, SolveOptions(backend="pyvrp", time_limit=0.3))
    b = reoptimise(inst, plan, state, SolveOptions(backend="ortools", time_limit=0.3))
    day = a.plan.objective - b.plan.objective
    rest = a.stats["remaining_objective"] - b.stats["remaining_objective"]
    assert day == pytest.approx(rest, abs=1e-6)


def test_a_stop_nobody_can_reach_is_left_out_and_excused(r1: tuple) -> None:
    """A stop whose window closes before any vehicle can get there is listed, and only that one is excused."""
    inst, plan, state = r1
    lost = next(v for v in state.vehicles if not v.available)
    route = next(r for r in plan.routes if (r.vehicle_type, r.vehicle) == (lost.vehicle_type, lost.vehicle))
    target = next(v.node for v in route.visits if v.kind == "stop" and v.node not in state.served)
    stops = [s.model_copy(update={"time_windows": [(0.0, state.time + 0.1)]}) if s.id == target else s
             for s in inst.stops]  # fmt: skip
    tight = inst.model_copy(update={"stops": stops})
    res = reoptimise(tight, plan, state, SolveOptions(backend="pyvrp", time_limit=0.3))
    assert res.stats["unservable"] == [target]
    assert res.check.figures["unreachable"] == [target]
    assert res.plan.status == "feasible", res.plan.violations
    dropped = next(r for r in res.plan.routes if r.visits[-2].node not in state.served)
    short = [r.model_copy(update={"visits": [*r.visits[:-2], r.visits[-1]]}) if r is dropped else r
             for r in res.plan.routes]  # fmt: skip
    check = check_replan(tight, plan, state, res.plan.model_copy(update={"routes": short}))
    assert f"required {dropped.visits[-2].node!r} is not served" in check.violations


def _warm_case(name: str) -> tuple:
    """(arrays, current routes, stranded stops) of a breakdown day's remaining problem, in its node indices."""
    from optiops.model.routing_arrays import routing_arrays
    from optiops.routing.remaining import remaining_problem

    rem = remaining_problem(*day(name))
    a = routing_arrays(rem.instance)
    index, types = a.index(), {vt: k for k, vt in enumerate(a.vt_ids)}
    current = [(types[t], k, [index[s] for s in stops]) for t, k, stops in rem.warm]
    return a, current, tuple(tuple(index[s] for s in stops) for stops in rem.stranded)


@pytest.mark.parametrize("options", [(1, False), (3, False), (3, True)])
def test_warm_start_is_feasible_and_places_every_late_order(options: tuple[int, bool]) -> None:
    """Cheapest and regret insertion, with or without hand-over: a start the evaluator passes, all stops placed."""
    from optiops.evaluate import evaluate_sequences
    from optiops.routing.warm import WarmOptions, warm_start

    a, current, stranded = _warm_case("gh200-r1-late")
    start = warm_start(a, current, WarmOptions(regret=options[0], handover=options[1]), stranded)
    ev = evaluate_sequences(a, [(t, k, list(nodes)) for t, k, nodes in start])
    assert ev.feasible, ev.violations
    assert sorted(n for _, _, nodes in start for n in nodes) == list(range(a.n_depots, a.n_nodes))


def test_handover_puts_the_broken_vehicles_rest_on_a_free_vehicle() -> None:
    """On gh200-c1 a free vehicle takes the broken truck's planned rest in order, and that start is cheaper."""
    from optiops.evaluate import evaluate_sequences
    from optiops.routing.warm import WarmOptions, warm_start

    a, current, stranded = _warm_case("gh200-c1")
    (rest,) = stranded
    plain = warm_start(a, current, WarmOptions(), stranded)
    handed = warm_start(a, current, WarmOptions(handover=True), stranded)
    assert any(nodes[: len(rest)] == rest for _, _, nodes in handed)

    def cost(routes: tuple) -> float:
        return evaluate_sequences(a, [(t, k, list(nodes)) for t, k, nodes in routes]).objective

    assert cost(handed) < cost(plain)


def test_ortools_re_plan_with_late_orders_keeps_served_stops_and_its_time() -> None:
    """OR-Tools from its regret and hand-over start: served stops kept, late orders in, near its time limit."""
    inst, plan, state = day("gh200-r1-late")
    res = reoptimise(inst, plan, state, SolveOptions(backend="ortools", time_limit=0.5))
    before, after = routes(plan), routes(res.plan)
    for v, stops in before.items():
        prefix = [s for s in stops if s in set(state.served)]
        assert after.get(v, [])[: len(prefix)] == prefix
    assert res.plan.status == "feasible", res.plan.violations
    assert {s.id for s in state.new_stops} <= {s for stops in after.values() for s in stops}
    assert res.stats["replan_s"] <= 0.5 + 0.5  # generous: the suite shares the machine


def test_eviction_places_a_stop_only_one_vehicle_reaches_next() -> None:
    """On gh200-rc1 one stop fits no route as is; with eviction the start places it and stays feasible."""
    from optiops.evaluate import evaluate_sequences
    from optiops.routing.warm import WarmOptions, warm_start

    a, current, stranded = _warm_case("gh200-rc1")
    n_stops = a.n_nodes - a.n_depots
    plain = warm_start(a, current, WarmOptions(regret=3, handover=True), stranded)
    evicting = warm_start(a, current, WarmOptions(regret=3, handover=True, evict=True), stranded)
    assert sum(len(nodes) for _, _, nodes in plain) < n_stops
    assert sum(len(nodes) for _, _, nodes in evicting) == n_stops
    ev = evaluate_sequences(a, [(t, k, list(nodes)) for t, k, nodes in evicting])
    assert ev.feasible, ev.violations


def test_an_unreachable_stop_on_a_matrix_instance_is_excused_not_removed(r1: tuple) -> None:
    """With a travel matrix (node order fixed) the unreachable stop is left out without breaking the matrix."""
    inst, plan, state = r1
    lost = next(v for v in state.vehicles if not v.available)
    route = next(r for r in plan.routes if (r.vehicle_type, r.vehicle) == (lost.vehicle_type, lost.vehicle))
    target = next(v.node for v in route.visits if v.kind == "stop" and v.node not in state.served)
    data = inst.model_dump()
    for stop in data["stops"]:
        if stop["id"] == target:
            stop["time_windows"] = [(0.0, state.time + 0.1)]
    xy = np.array([[n["x"], n["y"]] for n in data["depots"] + data["stops"]])
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    data["travel"] = {**data["travel"], "metric": "matrix", "distance_matrix": dist.tolist(), "time_matrix": None}
    tight = RoutingInstance.model_validate(data)
    res = reoptimise(tight, plan, state, SolveOptions(backend="pyvrp", time_limit=0.3))
    assert res.stats["unservable"] == [target]
    assert target not in {v.node for r in res.plan.routes for v in r.visits if v.node not in state.served}
