"""Service-level allocation: choose each item's level from a menu to meet aggregate targets at least cost.

Each item gets a menu of whole-unit levels (order-up-to or reorder point), each scored once by
simulation on the history: cost per period (holding, ordering, shortage), units filled, cycles
without stock-out, inventory value and space. Cost against service is then a piecewise-linear
curve per item, and the choice is a multiple-choice knapsack MIP (one level per item)::

    minimise    sum_ik cost_ik x_ik
    subject to  sum_k x_ik = 1                                   every item gets one level
                sum_ik filled_ik x_ik >= beta * sum_i demand_i   aggregate fill rate (optional)
                sum_ik ok_ik x_ik >= alpha * sum_i cycles_i      aggregate cycle service (optional)
                sum_ik value_ik x_ik <= budget                   inventory value (optional)
                sum_{i in w, k} space_ik x_ik <= space_w         per warehouse (optional)

solved by any backend of :mod:`optiops.solvers` (HiGHS by default). It puts stock where it buys the
most service per unit held (fast, steady items) instead of spreading it evenly, which is where a
uniform rule such as weeks of cover wastes inventory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optiops.exceptions import InfeasibleError, SolverError
from optiops.inventory.policy import Items, Policy
from optiops.inventory.simulate import DemandPool, SimulationOptions, metrics, simulate_stats
from optiops.solvers import LinearModelBuilder, MipOptions, MipResult, get_backend


@dataclass(frozen=True, eq=False)
class Menu:
    """Simulated outcome of every candidate level: arrays of shape ``(n_items, K)`` (``demand``, ``cycles``: ``n``)."""

    levels: np.ndarray
    cost: np.ndarray
    filled: np.ndarray
    ok_cycles: np.ndarray
    value: np.ndarray
    space: np.ndarray
    demand: np.ndarray
    cycles: np.ndarray


@dataclass(frozen=True)
class ServiceTargets:
    """Aggregate constraints of the allocation (``None``: not imposed).

    Attributes
    ----------
    fill_rate
        Aggregate fill rate (units filled from stock over units demanded).
    csl
        Aggregate cycle service level (cycles without stock-out over all cycles).
    budget
        Upper bound on the value of mean on-hand stock.
    space
        Upper bound on the space of mean on-hand stock per warehouse.
    """

    fill_rate: float | None = None
    csl: float | None = None
    budget: float | None = None
    space: dict[str, float] = field(default_factory=dict)


def menu_levels(low: np.ndarray, high: np.ndarray, k: int = 16) -> np.ndarray:
    """``k`` whole-unit levels per item from ``low`` to ``high`` (every unit when the range is short)."""
    low = np.floor(np.maximum(low, 0.0))
    high = np.maximum(np.ceil(high), low)
    grid = low[:, None] + np.round(np.linspace(0.0, 1.0, k)[None, :] * (high - low)[:, None])
    short = (high - low) < k
    unit = np.minimum(low[:, None] + np.arange(k)[None, :], high[:, None])
    return np.where(short[:, None], unit, grid)


def build_menu(items: Items, base: Policy, levels: np.ndarray, pool: DemandPool, opts: SimulationOptions) -> Menu:
    """Simulate ``base`` shifted so that its reorder level is each column of ``levels``."""
    n, k = levels.shape
    out = {key: np.zeros((n, k)) for key in ("cost", "filled", "ok", "value", "space")}
    demand = cycles = np.zeros(n)
    for j in range(k):
        frame = metrics(items, simulate_stats(items, base.shifted(levels[:, j] - base.reorder), pool, opts))
        out["cost"][:, j] = frame["cost"].to_numpy()
        out["filled"][:, j] = frame["filled"].to_numpy()
        out["ok"][:, j] = (frame["cycles"] - frame["stockout_cycles"]).to_numpy()
        out["value"][:, j] = frame["mean_on_hand"].to_numpy() * items.unit_cost
        out["space"][:, j] = frame["mean_on_hand"].to_numpy() * items.space
        demand, cycles = frame["demand"].to_numpy(), frame["cycles"].to_numpy()
    return Menu(levels, out["cost"], out["filled"], out["ok"], out["value"], out["space"], demand, cycles)


def allocate_service(
    items: Items, base: Policy, menu: Menu, targets: ServiceTargets, backend: str = "highs",
    options: MipOptions | None = None,
) -> tuple[Policy, MipResult]:  # fmt: skip
    """Pick one menu level per item: least simulated cost subject to ``targets``.

    Returns
    -------
    tuple
        The policy (``base`` shifted to the chosen levels, named ``"allocated"``) and the solver result.

    Raises
    ------
    InfeasibleError
        When even the highest level of every item misses a service target, or the cheapest levels
        exceed the budget or a warehouse's space.
    """
    _check_reachable(items, menu, targets)
    n, k = menu.levels.shape
    b = LinearModelBuilder(name="service-allocation")
    x = b.add_vars(n * k, cost=menu.cost.ravel(), upper=1.0, integer=True).reshape(n, k)
    b.add_rows(rows=np.repeat(np.arange(n), k), cols=x, vals=1.0, lower=1.0, upper=1.0)
    zeros = np.zeros(n * k, dtype=np.int64)
    if targets.fill_rate is not None:
        b.add_rows(rows=zeros, cols=x, vals=menu.filled.ravel(), lower=[targets.fill_rate * menu.demand.sum()])
    if targets.csl is not None:
        b.add_rows(rows=zeros, cols=x, vals=menu.ok_cycles.ravel(), lower=[targets.csl * menu.cycles.sum()])
    if targets.budget is not None:
        b.add_rows(rows=zeros, cols=x, vals=menu.value.ravel(), upper=[targets.budget])
    for w, cap in targets.space.items():
        mask = np.array([h == w for h in items.warehouse])
        b.add_rows(rows=zeros[: mask.sum() * k], cols=x[mask], vals=menu.space[mask].ravel(), upper=[cap])
    res = get_backend(backend).solve(b.build(), options or MipOptions(time_limit=60.0, rel_gap=1e-4))
    if not res.has_solution or res.x is None:
        if res.status == "infeasible":
            raise InfeasibleError("no choice of levels meets the service targets within the budget and space")
        raise SolverError(f"{backend} found no service allocation: {res.status} ({res.message})")
    choice = np.argmax(res.x.reshape(n, k), axis=1)
    chosen = menu.levels[np.arange(n), choice]
    return base.shifted(chosen - base.reorder, name="allocated"), res


def _check_reachable(items: Items, menu: Menu, targets: ServiceTargets) -> None:
    """Diagnose targets no menu choice can meet, naming the constraint."""
    causes = []
    if targets.fill_rate is not None and menu.filled.max(axis=1).sum() < targets.fill_rate * menu.demand.sum() - 1e-9:
        best = menu.filled.max(axis=1).sum() / max(menu.demand.sum(), 1e-12)
        causes.append(f"fill rate {targets.fill_rate:.3f}: the highest levels reach {best:.3f}")
    if targets.csl is not None and menu.ok_cycles.max(axis=1).sum() < targets.csl * menu.cycles.sum() - 1e-9:
        best = menu.ok_cycles.max(axis=1).sum() / max(menu.cycles.sum(), 1e-12)
        causes.append(f"cycle service level {targets.csl:.3f}: the highest levels reach {best:.3f}")
    if targets.budget is not None and menu.value.min(axis=1).sum() > targets.budget + 1e-9:
        causes.append(
            f"budget {targets.budget:,.2f}: the lowest levels already hold {menu.value.min(axis=1).sum():,.2f}"
        )
    for w, cap in targets.space.items():
        mask = np.array([h == w for h in items.warehouse])
        need = menu.space[mask].min(axis=1).sum()
        if need > cap + 1e-9:
            causes.append(f"space of warehouse {w} ({cap:,.2f}): the lowest levels already use {need:,.2f}")
    if causes:
        raise InfeasibleError("the service allocation cannot meet its constraints:\n  " + "\n  ".join(causes))
