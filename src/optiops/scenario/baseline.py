"""The plain baseline: what the operation costs per order when nobody optimises anything.

Every zone is served whole by its nearest warehouse (one parcel per order, no splits), the carrier
tariff is paid per parcel, the staff are paid their contracted minimum hours whatever the workload,
the stock stays at its initial weeks of cover all along, and every returned unit pays a pickup and
a processing fee.  Orders are units over the mean units per order of the configuration.  Warehouse
rent and the own fleet are left out: they are what the network and routing plans trade against.
The default configuration is calibrated so this lands near 12.8 CNY per order (``docs/scenario.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optiops.model.scenario import Scenario
from optiops.scenario.config import config_from_dict
from optiops.scenario.demand import units_per_order


@dataclass(frozen=True)
class BaselineCost:
    """Cost of the plain baseline over the whole scenario, by part (currency of the scenario)."""

    orders: float
    handling: float
    shipping: float
    returns: float
    labour: float
    holding: float

    @property
    def total(self) -> float:
        """Sum of the parts."""
        return self.handling + self.shipping + self.returns + self.labour + self.holding

    @property
    def per_order(self) -> float:
        """Total over orders."""
        return self.total / self.orders if self.orders else float("nan")

    def parts_per_order(self) -> dict[str, float]:
        """Every part divided by the orders, and the total."""
        parts = {"handling": self.handling, "shipping": self.shipping, "returns": self.returns,
                 "labour": self.labour, "holding": self.holding, "total": self.total}  # fmt: skip
        return {k: v / self.orders for k, v in parts.items()}


def baseline_cost(scenario: Scenario) -> BaselineCost:
    """Price the plain baseline of a scenario (see the module notes).

    Parameters
    ----------
    scenario : Scenario
        A generated or read scenario.

    Returns
    -------
    BaselineCost
        Orders and cost by part over all days of the scenario.
    """
    s, k = scenario, scenario.costs
    _, upo = units_per_order(config_from_dict(s.config))
    wh, zones = s.warehouses, s.zones
    road = k.road_factor * np.hypot(
        wh["x"].to_numpy()[:, None] - zones["x"].to_numpy()[None, :],
        wh["y"].to_numpy()[:, None] - zones["y"].to_numpy()[None, :],
    )  # (W, Z)
    nearest = road.argmin(axis=0)
    weight = s.skus.set_index("sku")["weight_kg"]
    demand = s.demand.assign(kg=s.demand["y"].to_numpy() * weight.reindex(s.demand["sku"]).to_numpy())
    per_zone = demand.groupby("zone")[["y", "kg"]].sum().reindex(zones["zone"], fill_value=0)
    orders_z = per_zone["y"].to_numpy() / upo
    kg_per_order = np.divide(per_zone["kg"].to_numpy(), orders_z, out=np.zeros(len(zones)), where=orders_z > 0)
    tariff = (k.parcel_base_cost + k.parcel_cost_per_km * road[nearest, np.arange(len(zones))]
              + k.parcel_cost_per_kg * np.maximum(kg_per_order - k.parcel_first_kg, 0.0))  # fmt: skip
    return BaselineCost(
        orders=float(orders_z.sum()),
        handling=float(orders_z @ wh["handling_cost_per_order"].to_numpy()[nearest]),
        shipping=float(orders_z @ tariff),
        returns=float(s.returns["y"].sum()) * (k.returns_pickup_cost + k.returns_processing_cost),
        labour=_labour(s.staff, s.days),
        holding=_holding(s, k.holding_rate),
    )


def _labour(staff: pd.DataFrame, days: int) -> float:
    """Contracted minimum hours of every employee, paid at their wage, over ``days``."""
    weekly = staff["min_minutes_per_week"].to_numpy() / 60.0 * staff["hourly_wage"].to_numpy()
    return float(weekly.sum() * days / 7.0)


def _holding(s: Scenario, holding_rate: float) -> float:
    """The initial stock, held all along, at ``holding_rate`` per year of its unit cost."""
    cost = s.skus.set_index("sku")["unit_cost"].reindex(s.stock["sku"]).to_numpy()
    return float(s.stock["on_hand"].to_numpy() @ cost) * holding_rate * s.days / 365.0


def baseline_cost_per_order(scenario: Scenario) -> float:
    """Cost per order of the plain baseline (:func:`baseline_cost`).

    Parameters
    ----------
    scenario : Scenario
        A generated or read scenario.

    Returns
    -------
    float
        Currency units per order (CNY for the default configuration; calibrated near 12.8).
    """
    return baseline_cost(scenario).per_order
