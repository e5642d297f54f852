"""What every step of the network plan returns, and the options they share.

A step plays the same days twice — the documented baseline of common practice and the optimised plan —
and reports, for both, the KPI parts it measures (money in the scenario's currency over the days it
judged, counts, rates as fractions), plus figures, tables and solver statistics for the report. The
pipeline (:mod:`optiops.plan.pipeline`) adds the parts up into ``kpis.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from optiops.parallel import ExecutorKind


@dataclass(frozen=True)
class PlanOptions:
    """Options of a plan run.

    Attributes
    ----------
    time_limit
        Seconds per solver call (routing per warehouse, allocation MIP, shift design).
    seed
        Seed of every random choice (simulation, solvers).
    scenarios
        Monte Carlo replications of the inventory simulation.
    executor, workers, address
        Where fan-out steps run (:func:`optiops.parallel.make_executor`).
    routing_iterations
        Stop each routing solve after this many PyVRP iterations (or the time limit, whichever comes
        first): small daily instances converge long before a time limit, and an iteration limit gives
        the same routes on any machine. ``None``: the time limit only.
    """

    time_limit: float = 10.0
    seed: int = 1
    scenarios: int = 200
    executor: ExecutorKind = "inline"
    workers: int | None = None
    address: str | None = None
    routing_iterations: int | None = None


@dataclass(frozen=True, eq=False)
class StepResult:
    """One step's outcome for the baseline and the optimised plan.

    Attributes
    ----------
    name
        Step name (``forecast``, ``inventory``, ``allocation``, ``routing``, ``labour``).
    baseline, optimised
        KPI parts (same keys in both).
    figures
        PNG bytes by file name (``route_map_W01.png``, ...), written to OUT and embedded in the report.
    tables
        Frames by CSV file name, written to OUT.
    stats
        Solver statistics (status, objective, bound, runtime) for the report.
    notes
        Sentences for the report (what the baseline is, what was not reached).
    """

    name: str
    baseline: dict[str, float]
    optimised: dict[str, float]
    figures: dict[str, bytes] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
