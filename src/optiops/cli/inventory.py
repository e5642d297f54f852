"""``optiops simulate``: score any inventory policy by simulation.

``optiops solve`` (the inventory kind) and this command score policies with the same random numbers: the final check of
:func:`optiops.inventory.solve_inventory` simulates with the instance's seed plus
:data:`CHECK_SEED_OFFSET`, and so does ``optiops simulate``, so simulating a ``plan.json`` (or its
``policies.csv``) with the same seed, scenarios and periods reproduces the plan's figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

out = Console()

SHOWN_METRICS = ("item", "achieved_csl", "fill_rate", "stockout_rate", "mean_on_hand", "days_of_inventory",
                 "orders_per_period", "cost")  # fmt: skip


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
    from optiops.cli.common import user_errors
    from optiops.inventory import SimulationOptions, items_from_instance
    from optiops.inventory.simulate import metrics, simulate_stats, summarise
    from optiops.inventory.solve import CHECK_SEED_OFFSET
    from optiops.inventory.views import policy_of, summary_line
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
