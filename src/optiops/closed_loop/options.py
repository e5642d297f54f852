"""Options of a replay and the prices it adds to the scenario's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from optiops.exceptions import InstanceError
from optiops.parallel import ExecutorKind

PLANS = ("baseline", "optimised")
Reforecast = Literal["daily", "weekly"]


@dataclass(frozen=True)
class ReplayOptions:
    """How a replay runs.

    Attributes
    ----------
    days
        Hold-out days to replay from its first (default: all of them).
    plans
        Which plans to run (``baseline``, ``optimised``); both start from the same opening state.
    time_limit
        Seconds per solver call (allocation MIP, routing per warehouse, shift design).
    seed
        Seed of every random draw (orders, lead times) and of the solvers.
    reforecast
        Re-forecast and re-optimise the optimised plan's replenishment ``daily`` or ``weekly``.
    executor, workers, address
        Where the routing solves of a day run (:func:`optiops.parallel.make_executor`).
    routing_iterations
        PyVRP iterations per routing solve (the time limit still caps it): a day's routes per
        warehouse converge within a few hundred, and the limit makes the ledger the same on any
        machine. ``None``: the time limit only.
    intraday
        Also work every warehouse's day task by task under the dispatcher and under first in, first
        out with the rostered staff (:mod:`optiops.closed_loop.intraday`); a measurement beside the
        ledger, which it does not change.
    transfers
        Let the optimised plan move stock between warehouses when a shelf would run out
        (:mod:`optiops.closed_loop.transfers`); the baseline never does. Off by default: at the
        default prices the few transfers cost a little more than they save (docs/events.md).
    """

    days: int | None = None
    plans: tuple[str, ...] = PLANS
    time_limit: float = 10.0
    seed: int = 1
    reforecast: Reforecast = "weekly"
    executor: ExecutorKind = "inline"
    workers: int | None = None
    address: str | None = None
    routing_iterations: int | None = 1000
    intraday: bool = False
    transfers: bool = False

    def __post_init__(self) -> None:
        unknown = [p for p in self.plans if p not in PLANS]
        if unknown or not self.plans:
            raise InstanceError(f"plans: {unknown or 'none'} not in {list(PLANS)}", "--plans")
        if self.reforecast not in ("daily", "weekly"):
            raise InstanceError(f"reforecast: {self.reforecast!r} is not 'daily' or 'weekly'", "--reforecast")
