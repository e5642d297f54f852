"""Generate the bundled breakdown days: GH200-like routing days with a vehicle lost at mid-day.

Each day is 200 customers in the manner of Gehring & Homberger's 200-customer VRPTW sets (R1: random
places, C1: clustered, RC1: half of each): one depot in the middle of a 140 x 140 square, demands of
1-40, service 10, windows of 30-90 time units over a day of 1000, vehicles of capacity 200, cost =
distance (DIMACS rounding). The day's plan is a PyVRP solve of 2,000 iterations (seeded, so the
same on any machine with the same PyVRP); the state is taken at the median of
the plan's service starts: every stop begun by then is served, each vehicle stands at its last served
stop, and the working vehicle with the most stops still ahead of it breaks down. The ``late`` day
also gets 10 late orders with windows after mid-day.

    python benchmarks/breakdown_days.py [--seed 1] [--out instances/routing/breakdown]

Writes ``<name>/instance.yaml``, ``<name>/plan.json`` (routes only) and ``<name>/state.json``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import optiops
from optiops.io import save
from optiops.model.plan import RoutePlan, RoutingPlan, Visit
from optiops.model.routing import Depot, RoutingInstance, Stop, VehicleType
from optiops.model.routing_state import RoutingState, VehicleState
from optiops.routing import SolveOptions

SIDE, HORIZON, N_STOPS, CAPACITY, FLEET = 140.0, 1000.0, 200, 200, 50
DAYS = (("gh200-r1", "random"), ("gh200-c1", "clustered"), ("gh200-rc1", "mixed"), ("gh200-r1-late", "random"))
OUT = Path(__file__).resolve().parents[1] / "instances" / "routing" / "breakdown"


def places(rng: np.random.Generator, n: int, layout: str) -> np.ndarray:
    """Customer coordinates: uniform, around 10 cluster centres, or half of each."""
    if layout == "random":
        return rng.uniform(0, SIDE, (n, 2))
    if layout == "clustered":
        centres = rng.uniform(15, SIDE - 15, (10, 2))
        return np.clip(centres[rng.integers(0, 10, n)] + rng.normal(0, 6, (n, 2)), 0, SIDE)
    return np.vstack([places(rng, n // 2, "random"), places(rng, n - n // 2, "clustered")])


def stops(rng: np.random.Generator, xy: np.ndarray, prefix: str, earliest: float = 0.0) -> list[Stop]:
    """Stops at ``xy`` with windows a vehicle from the depot can keep, none opening before ``earliest``."""
    depot = np.array([SIDE / 2, SIDE / 2])
    out = []
    for k, (x, y) in enumerate(xy):
        reach = float(np.hypot(*(np.array([x, y]) - depot)))
        half = rng.uniform(15, 45)
        centre = rng.uniform(max(reach, earliest) + half, HORIZON - reach - 10 - half)
        out.append(Stop(id=f"{prefix}{k + 1}", x=round(float(x), 1), y=round(float(y), 1),
                        delivery=int(rng.integers(1, 41)), service_time=10,
                        time_windows=[(round(centre - half), round(centre + half))]))  # fmt: skip
    return out


def day(name: str, layout: str, rng: np.random.Generator) -> RoutingInstance:
    return RoutingInstance(
        name=name, rounding="dimacs", depots=[Depot(id="depot", x=SIDE / 2, y=SIDE / 2, time_window=(0, HORIZON))],
        vehicle_types=[VehicleType(id="truck", count=FLEET, capacity=CAPACITY, start_depot="depot")],
        stops=stops(rng, places(rng, N_STOPS, layout), "c"),
    )  # fmt: skip


def mid_day_state(inst: RoutingInstance, plan: RoutingPlan, rng: np.random.Generator, late: bool) -> RoutingState:
    """Served = begun by the median service start; the busiest working vehicle breaks down."""
    starts = [v.start for r in plan.routes for v in r.visits if v.kind == "stop" and v.start is not None]
    now = float(np.median(starts))
    served, vehicles, ahead = [], [], {}
    for r in plan.routes:
        done = [v.node for v in r.visits if v.kind == "stop" and v.start is not None and v.start <= now]
        served += done
        vehicles.append(
            VehicleState(vehicle_type=r.vehicle_type, vehicle=r.vehicle, position=done[-1] if done else "depot")
        )
        if done:
            ahead[len(vehicles) - 1] = sum(v.kind == "stop" for v in r.visits) - len(done)
    lost = max(ahead, key=lambda k: ahead[k])
    vehicles[lost] = vehicles[lost].model_copy(update={"available": False})
    new = stops(rng, places(rng, 10, "random"), "late", earliest=now + 60) if late else []
    return RoutingState(time=round(now, 1), vehicles=vehicles, served=served, new_stops=new)


def routes_only(plan: RoutingPlan) -> RoutingPlan:
    """The plan's routes without schedules: the small file a driver app would hold."""
    routes = [RoutePlan(vehicle_type=r.vehicle_type, vehicle=r.vehicle,
                        visits=[Visit(node=v.node, kind=v.kind) for v in r.visits]) for r in plan.routes]  # fmt: skip
    return RoutingPlan(instance=plan.instance, backend=plan.backend, seed=plan.seed, rounding=plan.rounding,
                       objective=plan.objective, routes=routes)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--iterations", type=int, default=2000)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    for name, layout in DAYS:
        inst = day(name, layout, rng)
        opts = SolveOptions(backend="pyvrp", time_limit=600, seed=args.seed, params={"max_iterations": args.iterations})
        plan = optiops.solve(inst, options=opts).plan
        state = mid_day_state(inst, plan, rng, late=name.endswith("late"))
        folder = args.out / name
        folder.mkdir(parents=True, exist_ok=True)
        save(inst, folder / "instance.yaml")
        save(routes_only(plan), folder / "plan.json")
        save(state, folder / "state.json")
        print(f"{name}: plan cost {plan.objective:,.1f}, {len(plan.routes)} routes, {len(state.served)} served "
              f"by {state.time:g}")  # fmt: skip


if __name__ == "__main__":
    main()
