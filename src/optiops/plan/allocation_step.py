"""Allocation step of the network plan: which warehouse ships which order line of the next day.

Both plans ship the same orders (:func:`optiops.plan.orders.next_day_orders`) from the day's stock
(``stock.csv``; a line no warehouse holds whole is short in both, :func:`ration_to_stock`), within
each warehouse's ``order_capacity_per_day`` parcels, and are priced and checked by the same
independent checker (:func:`optiops.allocation.check_orders`):

- **baseline** (common practice): an order ships whole from the warehouse nearest to its zone; a
  line that warehouse does not hold (or an order it has no capacity left for) goes to the next
  nearest warehouse that holds it and has capacity, which splits the order.  Promises are not
  looked at: an order is late when a parcel comes from farther than its promise allows.
- **optimised**: the order-allocation MIP of :func:`optiops.allocation.solve_orders` (handling plus
  shipping per parcel plus the split penalty, stock, capacity and promises as constraints).

Prices per parcel: handling is the warehouse's ``handling_cost_per_order``; shipping is the carrier
tariff ``parcel_base_cost + parcel_cost_per_km * road km`` (road km = ``road_factor`` x straight
km from the warehouse to the zone centre), except from a warehouse to a zone its own fleet delivers,
where the parcel goes by van and is priced by the routing step (zero here); every parcel beyond an
order's first costs ``split_penalty``.  The tariff's weight surcharge is left out: it depends on the
parcel's content, not on where it ships from (it differs only by the first kg of a split parcel).

A promise is kept when the transit days ``max(1, ceil(road km / km_per_day))`` (one day for own
fleet zones) are within its ``max_transit_days``.  An order whose promise no warehouse holding its
lines can keep (a far zone, stock only far away) is late whatever the plan; the MIP serves it from
any warehouse (a "late" copy of its promise class) instead of declaring the day infeasible.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from optiops.allocation import check_orders, solve_orders
from optiops.allocation.check_orders import OrderCheck
from optiops.exceptions import InfeasibleError
from optiops.model.orders import OrderAllocationPlan, OrderArrays, Shipments
from optiops.model.scenario import Scenario
from optiops.plan.base import PlanOptions, StepResult
from optiops.plan.orders import DayOrders
from optiops.solvers import MipOptions

LATE_SUFFIX = " (late)"  # promise class of orders whose promise no warehouse can keep
TABLE_COLUMNS = ["plan", "order", "line", "sku", "quantity", "warehouse"]


@dataclasses.dataclass(frozen=True, eq=False)
class CarrierMatrices:
    """Warehouse x zone road km, carrier price of one parcel and transit days (rows: warehouses table order)."""

    road_km: np.ndarray
    shipping: np.ndarray
    transit_days: np.ndarray


def carrier_matrices(scenario: Scenario) -> CarrierMatrices:
    """Road km, parcel shipping cost and transit days from every warehouse to every zone.

    Parameters
    ----------
    scenario : Scenario
        Warehouses, zones (with their fleet warehouse) and the carrier tariff in ``costs``.

    Returns
    -------
    CarrierMatrices
        (W, Z) arrays; a zone's own fleet warehouse ships at zero carrier cost in one day.
    """
    k, wh, zones = scenario.costs, scenario.warehouses, scenario.zones
    road = k.road_factor * np.hypot(
        wh["x"].to_numpy()[:, None] - zones["x"].to_numpy()[None, :],
        wh["y"].to_numpy()[:, None] - zones["y"].to_numpy()[None, :],
    )
    own = wh["warehouse"].to_numpy()[:, None] == zones["fleet_warehouse"].to_numpy()[None, :]
    shipping = np.where(own, 0.0, k.parcel_base_cost + k.parcel_cost_per_km * road)
    transit = np.maximum(1.0, np.ceil(road / k.km_per_day - 1e-9))
    return CarrierMatrices(road, shipping, np.where(own, 1.0, transit))


def day_order_arrays(scenario: Scenario, orders: DayOrders, carrier: CarrierMatrices | None = None) -> OrderArrays:
    """The order-allocation instance of a day, as arrays (:class:`~optiops.model.orders.OrderArrays`).

    Parameters
    ----------
    scenario : Scenario
        Warehouses (capacity, handling cost), stock, promises, costs.
    orders : DayOrders
        The day's orders and lines.
    carrier : CarrierMatrices, optional
        Precomputed :func:`carrier_matrices`.

    Returns
    -------
    OrderArrays
        Promise classes are the scenario's, then a "late" copy of each that allows every warehouse;
        an order whose promise no warehouse holding its lines can keep gets the copy.
    """
    carrier = carrier or carrier_matrices(scenario)
    wh, zones, promises = scenario.warehouses, scenario.zones, scenario.promises
    lines = orders.lines
    sku_ids = sorted(set(scenario.stock["sku"]) | set(lines["sku"]))
    stock = (scenario.stock.pivot_table(index="warehouse", columns="sku", values="on_hand", aggfunc="sum")
             .reindex(index=wh["warehouse"], columns=sku_ids).fillna(0.0).to_numpy(dtype=float))  # fmt: skip
    max_days = promises["max_transit_days"].to_numpy(dtype=float)
    kept = carrier.transit_days[None, :, :] <= max_days[:, None, None]
    allowed = np.concatenate([kept, np.ones_like(kept)])
    n_lines = lines.groupby("order", sort=False).size().reindex(orders.orders["order"]).to_numpy(dtype=np.int64)
    arr = OrderArrays(
        name=f"{scenario.name} {orders.day.date()}", warehouse_ids=wh["warehouse"].tolist(),
        zone_ids=zones["zone"].tolist(),
        class_ids=promises["promise"].tolist() + [p + LATE_SUFFIX for p in promises["promise"]],
        sku_ids=sku_ids, order_ids=orders.orders["order"].tolist(),
        capacity=wh["order_capacity_per_day"].to_numpy(dtype=float),
        handling_cost=wh["handling_cost_per_order"].to_numpy(dtype=float), stock=stock,
        shipping_cost=carrier.shipping, allowed=allowed,
        order_zone=_positions(zones["zone"], orders.orders["zone"]),
        order_class=_positions(promises["promise"], orders.orders["promise"]),
        line_ptr=np.concatenate([[0], np.cumsum(n_lines)]).astype(np.int64),
        line_sku=_positions(pd.Series(sku_ids), lines["sku"]), line_qty=lines["quantity"].to_numpy(dtype=float),
        split_penalty=float(scenario.costs.split_penalty),
    )  # fmt: skip
    return dataclasses.replace(arr, order_class=_late_classes(arr, len(promises)))


def _positions(keys: pd.Series, values: pd.Series) -> np.ndarray:
    """Position of every value among the keys."""
    return pd.Index(keys).get_indexer(values).astype(np.int64)


def _late_classes(arr: OrderArrays, n_promises: int) -> np.ndarray:
    """Every order's class, moved to the late copy when some line has no on-time warehouse holding it."""
    on_time = arr.line_candidates.any(axis=1)
    keepable = np.logical_and.reduceat(on_time, arr.line_ptr[:-1]) if arr.n_lines else np.ones(0, dtype=bool)
    return np.where(keepable, arr.order_class, arr.order_class + n_promises).astype(np.int64)


def baseline_allocation(arr: OrderArrays, road_km: np.ndarray, lose_unheld: bool = False) -> np.ndarray:
    """Common practice: each line from the nearest warehouse that holds it and can take the order.

    Parameters
    ----------
    arr : OrderArrays
        The day's instance (promises are ignored).
    road_km : numpy.ndarray
        (W, Z) road km from every warehouse to every zone: "nearest" is by this.
    lose_unheld : bool
        A line no warehouse holds whole is lost (warehouse -1) instead of an error: a day played
        from the stock on hand, where a shop's out-of-stock item is simply not sold.

    Returns
    -------
    numpy.ndarray
        (L,) the warehouse index of every line.  Orders go in id order; a warehouse takes a new
        parcel while it has capacity left, except that a line nobody with capacity holds goes to the
        nearest warehouse that holds it anyway (the checker then reports the overload).

    Raises
    ------
    InfeasibleError
        When no warehouse holds the quantity of a line any more (unless ``lose_unheld``).
    """
    stock, capacity = arr.stock.copy(), arr.capacity.copy()
    rank = np.argsort(road_km, axis=0, kind="stable")
    line_wh = np.full(arr.n_lines, -1, dtype=np.int64)
    for o in range(arr.n_orders):
        opened: set[int] = set()
        for line in range(arr.line_ptr[o], arr.line_ptr[o + 1]):
            s, q = arr.line_sku[line], arr.line_qty[line]
            holders = [int(w) for w in rank[:, arr.order_zone[o]] if stock[w, s] >= q]
            if not holders:
                if lose_unheld:
                    continue
                raise InfeasibleError(f"no warehouse holds {q:g} units of SKU {arr.sku_ids[s]!r} for order "
                                      f"{arr.order_ids[o]!r}", [arr.order_ids[o], arr.sku_ids[s]])  # fmt: skip
            w = next((w for w in holders if w in opened or capacity[w] >= 1), holders[0])
            if w not in opened:
                opened.add(w)
                capacity[w] -= 1
            stock[w, s] -= q
            line_wh[line] = w
    return line_wh


def ration_to_stock(scenario: Scenario, orders: DayOrders) -> tuple[DayOrders, pd.DataFrame]:
    """The day's orders without the lines the stock cannot ship, and those lines.

    A line is short when no warehouse still holds its quantity whole at its turn, orders taken in
    sequence from the nearest warehouse (the baseline's rule): a shop sells out, it does not refuse
    the day. Both plans then ship the same lines; an order left without lines is dropped.
    """
    carrier = carrier_matrices(scenario)
    held = baseline_allocation(day_order_arrays(scenario, orders, carrier), carrier.road_km, lose_unheld=True) >= 0
    if held.all():
        return orders, orders.lines.iloc[:0]
    lines = orders.lines[held].reset_index(drop=True)
    kept = orders.orders[orders.orders["order"].isin(lines["order"])].reset_index(drop=True)
    return dataclasses.replace(orders, orders=kept, lines=lines), orders.lines[~held].reset_index(drop=True)


def allocation_step(scenario: Scenario, options: PlanOptions, orders: DayOrders,
                    short: pd.DataFrame | None = None) -> StepResult:  # fmt: skip
    """Allocate the next day's order lines to warehouses, by common practice and by the MIP.

    Parameters
    ----------
    scenario : Scenario
        The scenario (warehouses, stock, promises, zones, costs).
    options : PlanOptions
        ``time_limit`` (seconds of the MIP search) and ``seed``.
    orders : DayOrders
        The day's orders (:func:`optiops.plan.orders.next_day_orders`), rationed to the stock
        (:func:`ration_to_stock`).
    short : pandas.DataFrame, optional
        The lines the rationing left out, reported in the notes and statistics.

    Returns
    -------
    StepResult
        Name ``allocation``; KPI parts ``orders``, ``units``, ``parcels``, ``split_orders``,
        ``split_rate``, ``handling_cost``, ``shipping_cost``, ``split_cost``, ``late_orders`` for
        both plans; table ``allocation.csv``; MIP statistics.

    Raises
    ------
    InfeasibleError
        When the day's stock cannot cover its orders.
    """
    carrier = carrier_matrices(scenario)
    arr = day_order_arrays(scenario, orders, carrier)
    judge = dataclasses.replace(arr, allowed=np.ones_like(arr.allowed))  # promises are KPIs, not rules, here
    base_wh = baseline_allocation(arr, carrier.road_km)
    base_plan = OrderAllocationPlan(instance=arr.name, source="greedy", shipments=_shipments(arr, base_wh))
    mip_plan, notes = _optimised_plan(arr, options, base_plan)
    base_check, mip_check = check_orders(judge, base_plan), check_orders(judge, mip_plan)
    max_days = np.concatenate([scenario.promises["max_transit_days"].to_numpy(dtype=float)] * 2)
    n_late = sum(1 for o in arr.order_class if arr.class_ids[o].endswith(LATE_SUFFIX))
    short = orders.lines.iloc[:0] if short is None else short
    short_note = [f"{len(short)} line(s), {int(short['quantity'].sum())} units, are short: no warehouse holds "
                  "them whole; neither plan ships them"] if len(short) else []  # fmt: skip
    notes = [
        "Allocation baseline: every order whole from the warehouse nearest to its zone; a line it lacks (or an "
        "order it has no capacity for) from the next nearest that holds it. Promises are not looked at.",
        f"{n_late} of {arr.n_orders} orders ask for a promise no warehouse holding their lines can keep; "
        "they count as late in both plans.",
        *notes,
        *short_note,
        *[f"baseline allocation breaks a rule: {v}" for v in base_check.violations],
        *[f"optimised allocation breaks a rule: {v}" for v in mip_check.violations],
    ]
    return StepResult(
        name="allocation",
        baseline=_kpis(arr, base_check, base_plan, carrier.transit_days, max_days),
        optimised=_kpis(arr, mip_check, mip_plan, carrier.transit_days, max_days),
        tables={"allocation.csv": pd.concat([_table(orders, base_plan, "baseline"),
                                             _table(orders, mip_plan, "optimised")], ignore_index=True)},
        stats={**_stats(mip_plan, base_check), "short_lines": len(short), "short_units": int(short["quantity"].sum())},
        notes=notes,
    )  # fmt: skip


def _optimised_plan(
    arr: OrderArrays, options: PlanOptions, base_plan: OrderAllocationPlan
) -> tuple[OrderAllocationPlan, list[str]]:
    """The MIP plan (every promise relaxed when stock and capacity cannot keep them all), or the baseline if cheaper."""
    mip = MipOptions(time_limit=options.time_limit, seed=options.seed)
    notes = []
    try:
        plan = solve_orders(arr, "auto", mip)
    except InfeasibleError as exc:
        relaxed = dataclasses.replace(arr, order_class=arr.order_class % (len(arr.class_ids) // 2)
                                      + len(arr.class_ids) // 2)  # fmt: skip
        notes.append(f"stock and capacity cannot keep every promise ({exc}); the MIP ran with all promises relaxed")
        plan = solve_orders(relaxed, "auto", mip)
    base = check_orders(arr, base_plan)
    if not plan.shipments.order or (base.feasible and plan.objective is not None and base.objective < plan.objective):
        notes.append(f"the MIP ({plan.status}, {plan.backend}) found nothing cheaper than the baseline; "
                     "the optimised plan is the baseline")  # fmt: skip
        plan = base_plan.model_copy(update={"status": "feasible", "backend": plan.backend, "bound": plan.bound,
                                            "runtime_s": plan.runtime_s, "objective": base.objective})  # fmt: skip
    return plan, notes


def _shipments(arr: OrderArrays, line_wh: np.ndarray) -> Shipments:
    """One shipment per line, from its warehouse."""

    def pick(ids: list[str], index: np.ndarray) -> list[str]:
        return np.asarray(ids, dtype=object)[index].tolist()

    return Shipments(order=pick(arr.order_ids, arr.line_order), sku=pick(arr.sku_ids, arr.line_sku),
                     warehouse=pick(arr.warehouse_ids, line_wh), quantity=arr.line_qty.tolist())  # fmt: skip


def _late_orders(arr: OrderArrays, plan: OrderAllocationPlan, transit: np.ndarray, max_days: np.ndarray) -> int:
    """Orders with a parcel from farther (in transit days) than their promise allows."""
    order = pd.Index(arr.order_ids).get_indexer(pd.Index(plan.shipments.order))
    wh = pd.Index(arr.warehouse_ids).get_indexer(pd.Index(plan.shipments.warehouse))
    late = transit[wh, arr.order_zone[order]] > max_days[arr.order_class[order]]
    return len(set(order[late].tolist()))


def _kpis(arr: OrderArrays, check: OrderCheck, plan: OrderAllocationPlan, transit: np.ndarray,
          max_days: np.ndarray) -> dict[str, float]:  # fmt: skip
    """The KPI parts of one plan, from the checker's verdict."""
    n = arr.n_orders
    return {
        "orders": float(n), "units": float(arr.line_qty.sum()), "parcels": float(check.parcels),
        "split_orders": float(check.split_orders), "split_rate": check.split_orders / n if n else 0.0,
        "handling_cost": check.handling_cost, "shipping_cost": check.shipping_cost, "split_cost": check.split_cost,
        "late_orders": float(_late_orders(arr, plan, transit, max_days)),
    }  # fmt: skip


def _table(orders: DayOrders, plan: OrderAllocationPlan, name: str) -> pd.DataFrame:
    """The plan's lines with their line numbers."""
    sh = plan.shipments
    shipped = pd.DataFrame({"order": sh.order, "sku": sh.sku, "warehouse": sh.warehouse})
    table = orders.lines.merge(shipped, on=["order", "sku"], how="left").assign(plan=name)
    return table[TABLE_COLUMNS]


def _stats(plan: OrderAllocationPlan, base: OrderCheck) -> dict[str, object]:
    """Solver statistics of the MIP plan, and the baseline's cost for comparison."""
    return {
        "status": plan.status, "objective": plan.objective, "bound": plan.bound, "gap": plan.gap,
        "runtime": plan.runtime_s, "backend": plan.backend, "method": plan.method, "source": plan.source,
        "time_limit": plan.time_limit_s, "baseline_objective": base.objective,
        "gap_to_bound_of_baseline": None if plan.bound is None or not base.objective
        else (base.objective - plan.bound) / base.objective,
    }  # fmt: skip
