"""``optiops solve`` for inventory instances, and ``optiops simulate``: score any policy by simulation.

Both score policies with the same random numbers: the final check of
:func:`optiops.inventory.solve_inventory` simulates with the instance's seed plus
:data:`CHECK_SEED_OFFSET`, and so does ``optiops simulate``, so simulating a ``plan.json`` (or its
``policies.csv``) with the same seed, scenarios and periods reproduces the plan's figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from optiops.inventory import Items, Policy
    from optiops.model.inventory import InventoryInstance, InventoryPlan, PolicyRow

out = Console()

STOCK_SAMPLE = 8  # items drawn in stock.png
SHOWN_METRICS = ("item", "achieved_csl", "fill_rate", "stockout_rate", "mean_on_hand", "days_of_inventory",
                 "orders_per_period", "cost")  # fmt: skip


def policy_of(items: Items, rows: list[PolicyRow], name: str = "given") -> Policy:
    """The kernel arrays of policy rows aligned with ``items`` (safety stock: ``s`` minus protection demand)."""
    import numpy as np

    from optiops.inventory import Policy

    reorder = np.array([r.reorder_point for r in rows], dtype=np.float64)
    mu_p, _ = items.protection()
    return Policy(
        name, np.array([r.review_period for r in rows], dtype=np.int64), reorder,
        np.array([r.order_up_to for r in rows], dtype=np.float64),
        np.array([r.order_quantity for r in rows], dtype=np.float64), reorder - mu_p,
    )  # fmt: skip


def stock_sample(n: int, size: int = STOCK_SAMPLE) -> list[int]:
    """Up to ``size`` item indices spread evenly over ``n`` items (first and last included)."""
    import numpy as np

    return sorted({int(k) for k in np.round(np.linspace(0, n - 1, min(n, size)))})


def stock_png(inst: InventoryInstance, plan: InventoryPlan, seed: int) -> bytes:
    """Simulated stock of up to 8 of the plan's items (one scenario at the check's seed) as PNG bytes."""
    from optiops.inventory import SimulationOptions, items_from_instance
    from optiops.inventory.simulate import simulate_trace
    from optiops.plotting.stock import stock_figure_png

    sample = stock_sample(len(inst.items))
    # only the sampled items: items given a history alone are forecast, which is not free
    part = inst.model_copy(update={"items": [inst.items[k] for k in sample]})
    items, pool = items_from_instance(part)
    rows = [plan.policies[k] for k in sample]
    sim = inst.simulation
    trace = simulate_trace(items, policy_of(items, rows), pool, SimulationOptions(1, sim.periods, sim.warmup, seed))
    return stock_figure_png(
        trace, items.ids, [r.reorder_point for r in rows], [r.order_up_to for r in rows], warmup=sim.warmup
    )


def solve_inventory_file(
    file: Path, out_dir: Path, backend: str, time_limit: float | None, seed: int, plots: bool
) -> None:
    """``optiops solve`` for ``kind: inventory``: write plan.json, policies.csv, orders.csv and stock.png.

    Parameters
    ----------
    file
        Instance document or CSV folder.
    out_dir
        Output folder; written atomically, outputs of an earlier run that this one did not make are removed.
    backend
        MIP backend of the service-level allocation (``auto``: HiGHS).
    time_limit
        Seconds for the allocation MIP (default 60).
    seed
        Simulation seed (replaces the instance's).
    plots
        Write stock.png.
    """
    from optiops.cli.main import SOLVE_OUTPUTS
    from optiops.inventory import InventoryOptions, solve_inventory
    from optiops.inventory.solve import CHECK_SEED_OFFSET
    from optiops.io import dump_document
    from optiops.io.atomic import write_all
    from optiops.io.inventory_csv import load_inventory, orders_csv, policies_csv

    inst = load_inventory(file)
    options = InventoryOptions(
        backend="highs" if backend == "auto" else backend,
        time_limit=60.0 if time_limit is None else time_limit,
        seed=seed,
    )
    plan = solve_inventory(inst, options)
    files = {
        out_dir / "plan.json": dump_document(plan).encode(),
        out_dir / "policies.csv": policies_csv(plan).encode(),
        out_dir / "orders.csv": orders_csv(plan).encode(),
    }
    if plots:
        files[out_dir / "stock.png"] = stock_png(inst, plan, seed + CHECK_SEED_OFFSET)
    write_all(files, stale=tuple(out_dir / name for name in SOLVE_OUTPUTS))
    out.print(
        f"[green]inventory plan[/green]: {summary_line(plan.summary)}, {len(plan.orders)} orders "
        f"({plan.method}, {plan.runtime_s:.1f} s) -> {out_dir}",
        highlight=False,
        soft_wrap=True,
    )


def summary_line(summary: dict[str, float]) -> str:
    """``4 items, CSL 97.47%, fill rate 99.34%, 5.2 days of inventory, cost 40.25 per period``."""
    return (
        f"{summary['items']:.0f} items, CSL {summary['achieved_csl']:.2%}, fill rate {summary['fill_rate']:.2%}, "
        f"{summary['days_of_inventory']:.1f} days of inventory, cost {summary['cost']:,.2f} per period"
    )


def simulate(
    instance: Annotated[Path, typer.Argument(help="Inventory instance: YAML/JSON file or CSV folder.")],
    policy_file: Annotated[
        Path,
        typer.Argument(
            metavar="POLICY",
            help="Policy CSV (item or sku+warehouse, reorder_point, order_up_to[, order_quantity, review_period]) "
            "or a plan.json from solve.",
        ),
    ],
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the per-item metrics here (CSV).")] = None,
    scenarios: Annotated[
        int | None, typer.Option(help="Replications per item (default: the instance's).", min=1)
    ] = None,
    periods: Annotated[int | None, typer.Option(help="Scored periods (default: the instance's).", min=1)] = None,
    seed: Annotated[int | None, typer.Option(help="Seed, as given to solve (default: the instance's).")] = None,
) -> None:
    """Score a policy on an instance's demand by simulation: per-item service, stock and cost, and the aggregate."""
    from optiops.cli.main import user_errors
    from optiops.inventory import SimulationOptions, items_from_instance
    from optiops.inventory.simulate import metrics, simulate_stats, summarise
    from optiops.inventory.solve import CHECK_SEED_OFFSET
    from optiops.io.atomic import write_text
    from optiops.io.inventory_csv import load_inventory, read_policies

    with user_errors():
        inst = load_inventory(instance)
        rows = read_policies(policy_file, inst)
        items, pool = items_from_instance(inst)
        sim = inst.simulation
        opts = SimulationOptions(
            scenarios or sim.scenarios, periods or sim.periods, sim.warmup,
            (sim.seed if seed is None else seed) + CHECK_SEED_OFFSET,
        )  # fmt: skip
        frame = metrics(items, simulate_stats(items, policy_of(items, rows), pool, opts))
        if out_file is not None:
            write_text(out_file, frame.to_csv(index=False))
    out.print(frame[list(SHOWN_METRICS)].round(4).to_string(index=False), highlight=False, soft_wrap=True)
    where = f" -> {out_file}" if out_file is not None else ""
    out.print(f"{summary_line(summarise(frame, items.period_days))}{where}", highlight=False, soft_wrap=True)
