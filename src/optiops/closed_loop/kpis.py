"""``kpis.json`` of a replay: every plan's KPIs and cost per order by part, from its daily rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from optiops.closed_loop.engine import Context, PlanState

KPI_KEYS = ("cost_per_order", "days_of_inventory", "stockout_rate", "fill_rate", "units_per_labour_hour",
            "split_rate", "on_time_rate", "backlog_orders", "overtime_hours", "late_orders")  # fmt: skip
COST_PARTS = ("handling", "shipping", "split", "fleet", "holding", "replenishment", "returns", "labour",
              "warehouse_fixed", "transfers")  # fmt: skip
# the stock's carrying and positioning costs, not fulfilment costs
INVENTORY_PARTS = ("holding", "replenishment", "transfers")


def replay_kpis(daily: pd.DataFrame, states: dict[str, PlanState], ctx: Context) -> tuple[dict, dict]:
    """``kpis.json`` of every plan from its daily rows (see :mod:`optiops.closed_loop`)."""
    kpis, breakdown = {}, {}
    for plan, rows in daily.groupby("plan", sort=False):
        orders = max(float(rows["orders"].sum()), 1.0)
        units = max(float(rows["units"].sum()), 1.0)
        hours = float(rows["rostered_hours"].sum() + rows["overtime_hours"].sum())
        not_lost = max(orders - float(rows["lost_orders"].sum()), 1.0)
        parts = {p: float(rows[f"cost_{p}"].sum()) / orders for p in COST_PARTS}
        returned = float(rows["returned_units"].sum())
        shipped_units = max(float(rows["shipped_units"].sum()), 1.0)
        fulfilment = sum(v for p, v in parts.items() if p not in INVENTORY_PARTS)
        forward_per_unit = (fulfilment - parts["returns"]) * orders / shipped_units
        breakdown[str(plan)] = {k: round(v, 4) for k, v in parts.items()}
        kpis[str(plan)] = {
            "cost_per_order": round(sum(parts.values()), 4),
            "fulfilment_cost_per_order": round(fulfilment, 4),
            "days_of_inventory": round(float(rows["on_hand_units"].mean()) / (units / len(rows)), 3),
            "stockout_rate": round(float(rows["stocked_items_empty"].sum() / max(rows["stocked_items"].sum(), 1)), 5),
            "network_stockout_rate": round(
                float(rows["stocked_skus_empty"].sum() / max(rows["stocked_skus"].sum(), 1)), 5
            ),
            "fill_rate": round(float(rows["shipped_units"].sum()) / units, 5),
            "units_per_labour_hour": round(float(rows["shipped_units"].sum()) / hours, 4) if hours else 0.0,
            "split_rate": round(float(rows["split_orders"].sum()) / not_lost, 5),
            "on_time_rate": round(float(rows["orders_on_time"].sum()) / not_lost, 5),
            "backlog_orders": float(rows["backlog_orders"].iloc[-1]),
            "overtime_hours": round(float(rows["overtime_hours"].sum()), 2),
            "late_orders": float(rows["late_orders"].sum()),
            "lost_sales_per_order": round(float(rows["lost_sales_value"].sum()) / orders, 4),
            "orders": orders,
            "returned_unit_share": round(returned / shipped_units, 5),
            "reverse_to_forward_per_unit": round((parts["returns"] * orders / returned) / forward_per_unit, 4)
            if returned and forward_per_unit
            else 0.0,
        }
        if "intraday_tasks" in rows:
            kpis[str(plan)].update(intraday_kpis(rows))
    return kpis, breakdown


def intraday_kpis(rows: pd.DataFrame) -> dict[str, float]:
    """Per rule: share of the tasks done by their cut-off and units picked per paid hour (``--intraday``)."""
    tasks, paid = max(float(rows["intraday_tasks"].sum()), 1.0), max(float(rows["intraday_paid_hours"].sum()), 1e-9)
    out = {}
    for rule in ("fifo", "dispatch"):
        out[f"intraday_on_time_share_{rule}"] = round(float(rows[f"intraday_on_time_{rule}"].sum()) / tasks, 5)
        out[f"intraday_units_per_paid_hour_{rule}"] = round(float(rows[f"intraday_units_{rule}"].sum()) / paid, 4)
    return out
