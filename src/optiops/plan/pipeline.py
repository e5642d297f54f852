"""The network plan: forecast -> inventory -> allocation -> routing -> staffing for a whole scenario.

Every step plays its days both ways (the documented baseline of common practice, and the optimised
plan), checks its plans with its evaluator, and reports KPI parts; :func:`combine_kpis` adds them up
into the figures of ``kpis.json``:

- ``cost_per_order``: handling, carrier shipping, split parcels and own-fleet transport per order of
  the next day (a fleet visit the routing leaves out, or no vehicle can make, is handed to the
  carrier at the base parcel tariff and counts as late); holding, replenishment orders and returns
  per order of the hold-out days; labour per order of the first hold-out week (orders = units /
  units per order). The issue's parts are warehousing, transport, returns and labour: lost sales
  are lost margin, not a fulfilment cost, and are reported apart as ``lost_sales_per_order`` (the
  inventory policies still weigh them against holding and ordering);
- ``days_of_inventory``, ``stockout_rate`` (share of item-days ending with nothing on hand, when the
  item shows as out of stock: the retail out-of-stock rate), ``fill_rate``; also
  ``unmet_demand_day_rate`` (share of item-days with demand left unserved, the measure used before);
- ``units_per_labour_hour``; ``split_rate`` (orders shipped in more than one parcel);
- ``on_time_rate``: orders delivered within their promise (carrier) and own-fleet stops inside their
  windows, over both.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

from optiops.exceptions import InstanceError
from optiops.model.scenario import Scenario
from optiops.plan.base import PlanOptions, StepResult
from optiops.scenario.config import config_from_dict
from optiops.scenario.demand import units_per_order

KPI_KEYS = ("cost_per_order", "days_of_inventory", "stockout_rate", "fill_rate", "units_per_labour_hour",
            "split_rate", "on_time_rate")  # fmt: skip
EXTRA_KPI_KEYS = ("unmet_demand_day_rate", "lost_sales_per_order")  # reported beside the keys
# the report's targets: relative change of the optimised plan against the baseline (docs/plan.md)
TARGETS = {
    "cost_per_order": ("at least 29 % lower", lambda b, o: o <= 0.71 * b),
    "days_of_inventory": ("at least 35 % lower", lambda b, o: o <= 0.65 * b),
    "stockout_rate": ("at least 4 points lower", lambda b, o: o <= b - 0.04),
    "fill_rate": ("equal or better", lambda b, o: o >= b - 1e-9),
    "units_per_labour_hour": ("at least 30 % higher", lambda b, o: o >= 1.30 * b),
    "on_time_rate": ("equal or better", lambda b, o: o >= b - 1e-9),
}


@dataclass(frozen=True, eq=False)
class PlanResult:
    """The steps' results, the combined KPIs of both plans and the run's figures."""

    scenario: str
    steps: tuple[StepResult, ...]
    kpis: dict[str, dict[str, float]]
    breakdown: dict[str, dict[str, float]]
    runtime_s: float

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)


def with_horizon(scenario: Scenario, horizon: int | None) -> Scenario:
    """The scenario judged on its first ``horizon`` hold-out days only (later days dropped).

    Raises
    ------
    InstanceError
        A horizon below one day or beyond the scenario's hold-out (there is nothing to judge it on).
    """
    if horizon is None:
        return scenario
    if not 1 <= horizon <= scenario.holdout_days:
        raise InstanceError(f"{horizon} days: the scenario {scenario.name!r} holds {scenario.holdout_days} hold-out "
                            f"day(s) to judge a plan on; choose 1 to {scenario.holdout_days}", "--horizon")  # fmt: skip
    cut = scenario.holdout_days - horizon
    return dataclasses.replace(scenario, days=scenario.days - cut, holdout_days=scenario.holdout_days - cut)


def run_plan(scenario: Scenario, options: PlanOptions | None = None, horizon: int | None = None) -> PlanResult:
    """Run every step on ``scenario`` and combine their KPIs (see the module docstring).

    Parameters
    ----------
    scenario
        A scenario (:func:`optiops.scenario.read.read_scenario`).
    options
        Time limit per solve, seed, simulation scenarios, executor for the fan-out steps.
    horizon
        Hold-out days to judge (default: all of them).
    """
    from optiops.plan.allocation_step import allocation_step, ration_to_stock
    from optiops.plan.forecast_step import forecast_step
    from optiops.plan.inventory_step import inventory_step
    from optiops.plan.labour_step import labour_step
    from optiops.plan.orders import next_day_orders
    from optiops.plan.routing_step import routing_step

    options = options or PlanOptions()
    t0 = time.perf_counter()
    scenario = with_horizon(scenario, horizon)
    steps = [forecast_step(scenario, options), inventory_step(scenario, options)]
    orders, short = ration_to_stock(scenario, next_day_orders(scenario, options))
    allocation = allocation_step(scenario, options, orders, short)
    steps += [allocation, routing_step(scenario, options, orders, allocation), labour_step(scenario, options)]
    kpis, breakdown = scenario_kpis(scenario, {s.name: s for s in steps})
    return PlanResult(scenario.name, tuple(steps), kpis, breakdown, round(time.perf_counter() - t0, 2))


def scenario_kpis(scenario: Scenario, steps: dict[str, Any]) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """:func:`combine_kpis` with the scenario's units per order and carrier parcel tariff."""
    upo = units_per_order(config_from_dict(scenario.config))[1] if scenario.config else 1.6
    return combine_kpis(steps, upo, scenario.costs.parcel_base_cost)


def combine_kpis(
    steps: dict[str, StepResult], upo: float, carrier_parcel_cost: float = 0.0
) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """``kpis.json`` figures and the cost-per-order breakdown of both plans from the steps' KPI parts."""
    kpis: dict[str, dict[str, float]] = {}
    breakdown: dict[str, dict[str, float]] = {}
    for plan in ("baseline", "optimised"):
        inv, alloc = getattr(steps["inventory"], plan), getattr(steps["allocation"], plan)
        route, lab = getattr(steps["routing"], plan), getattr(steps["labour"], plan)
        next_orders = max(alloc["orders"], 1.0)
        fleet = route["fleet_cost"] + route["carrier_units"] * carrier_parcel_cost
        holdout_orders = max(inv["units_demanded"] / upo, 1.0)
        week_orders = max(lab["units_shipped"] / upo, 1.0)
        parts = {
            "handling": alloc["handling_cost"] / next_orders,
            "transport": (alloc["shipping_cost"] + alloc["split_cost"] + fleet) / next_orders,
            "inventory": (inv["holding_cost"] + inv["replenishment_cost"]) / holdout_orders,
            "returns": inv["returns_cost"] / holdout_orders,
            "labour": lab["labour_cost"] / week_orders,
        }
        breakdown[plan] = {k: round(v, 4) for k, v in parts.items()}
        on_time = (next_orders - alloc["late_orders"] + route["stops"] * route["on_time_rate"]) / (
            next_orders + route["stops"]
        )
        kpis[plan] = {
            "cost_per_order": round(sum(parts.values()), 4),
            "days_of_inventory": round(inv["days_of_inventory"], 3),
            "stockout_rate": round(inv["stockout_rate"], 5),
            "unmet_demand_day_rate": round(inv["unmet_demand_day_rate"], 5),
            "lost_sales_per_order": round(inv["shortage_cost"] / holdout_orders, 4),
            "fill_rate": round(inv["fill_rate"], 5),
            "units_per_labour_hour": round(lab["units_per_labour_hour"], 4),
            "split_rate": round(alloc["split_rate"], 5),
            "on_time_rate": round(on_time, 5),
        }
    return kpis, breakdown


def target_checks(kpis: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    """For each KPI with a target: the target text and whether the optimised plan meets it."""
    out = {}
    for key, (text, ok) in TARGETS.items():
        b, o = kpis["baseline"][key], kpis["optimised"][key]
        out[key] = {"target": text, "met": bool(ok(b, o))}
    return out
