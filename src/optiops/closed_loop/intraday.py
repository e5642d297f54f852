"""The day's warehouse work as a task queue, worked by the dispatcher and by first in first out (``--intraday``).

The replay's day counts warehouse work in hours: what the roster, then overtime, can do ships and
the rest waits. With ``intraday`` on, every plan's day is also worked task by task by the day's
rostered staff (:func:`optiops.labour.simulate_day`), once under the task-queue dispatcher
(:func:`optiops.labour.dispatch`) and once first in, first out, with the same staff and the same
tasks, so the two rules compare on the replay's own days. The measurement does not feed back into
the ledger (which parcels ship is still the hours' count).

A warehouse's day:

- every parcel known that morning or allocated that day (yesterday's carried parcels, today's):
  a pick (its lines and units at the standard seconds) in one of ``ZONES`` pick zones and a pack
  (the parcel's standard seconds); today's parcels are released at their order's arrival (an hour
  drawn from the scenario's intraday profile, a minute at random; orders before the first shift
  wait for it), carried ones at the day's start;
- each parcel is due at the first carrier collection at least an hour after its release: at
  ``COLLECTIONS`` hours after the warehouse opens and at its closing (orders after the last one are
  due at the next day's first);
- receipts (put-away) released at the opening and returns at midday, both due at the closing, in
  tasks of at most ``CHUNK_MINUTES``;
- the staff: one worker per rostered person and shift of that day (no overtime, in both rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from optiops.kernels.dispatch import KIND_PACK, KIND_PICK, KIND_PUTAWAY, KIND_RETURNS
from optiops.labour.intraday import simulate_day
from optiops.labour.taskqueue import TaskQueue
from optiops.labour.week import INTRADAY
from optiops.scenario.orders import intraday_profile

if TYPE_CHECKING:
    from optiops.closed_loop.engine import Context, PlanState
    from optiops.model.scenario import Scenario

ZONES = 8  # pick zones of a warehouse
COLLECTIONS = (5, 8, 11)  # carrier collections, hours after the opening (and one at the closing)
CHUNK_MINUTES = 30.0  # longest put-away or returns task
RULES = ("fifo", "dispatch")
MEASURES = ("on_time", "done", "units", "worked_hours")
COLUMNS = ("intraday_tasks", "intraday_paid_hours", *(f"intraday_{m}_{r}" for r in RULES for m in MEASURES))


def arrival_profile(scenario: Scenario) -> np.ndarray:
    """Share of the orders placed in each hour of the day: the scenario's recorded orders', else e-commerce's."""
    profile = intraday_profile(scenario)
    profile = INTRADAY if profile is None else profile
    return profile / profile.sum()


def intraday_columns(ctx: Context, state: PlanState, d: int, parcels: list[Any]) -> dict[str, float]:
    """Both rules on every warehouse's day of ``state``'s plan; totals over the warehouses (``COLUMNS``)."""
    out = dict.fromkeys(COLUMNS, 0.0)
    rng = np.random.default_rng([ctx.options.seed, d, 29])
    sec = ctx.seconds
    for w, name in enumerate(ctx.grid.warehouses):
        shifts = _shifts(state, d, name)
        if not shifts:
            continue
        mine = [p for p in parcels if p.warehouse == w]
        opening, closing = min(s for s, _ in shifts), max(e for _, e in shifts)
        cutoffs = np.array([opening + 60.0 * h for h in COLLECTIONS if opening + 60.0 * h < closing] + [closing])
        arrival = rng.choice(24, size=len(mine), p=ctx.arrivals) * 60.0 + rng.uniform(0.0, 60.0, len(mine))
        release = np.array([a if p.day == d else 0.0 for a, p in zip(arrival, mine, strict=True)])
        release = np.maximum(release, opening)
        nxt = np.searchsorted(cutoffs, release + 60.0)
        due = np.where(nxt < len(cutoffs), cutoffs[np.minimum(nxt, len(cutoffs) - 1)], cutoffs[0] + 1440.0)
        pack = np.full(len(mine), sec["order"] / 60.0)
        pick = np.maximum(np.array([p.minutes for p in mine]) - pack, 0.0)
        units = np.array([p.units for p in mine])
        zone = rng.integers(0, ZONES, len(mine))
        # (standard minutes, release, due, zone, kind, units) per group of tasks
        parts = [(pick, release, due, zone, KIND_PICK, units), (pack, release, due, zone, KIND_PACK, units * 0.0)]
        for minutes, start, code in ((state.inbound[d, w] * sec["inbound"] / 60.0, opening, KIND_PUTAWAY),
                                     (state.returned[d, w] * sec["return"] / 60.0, 0.5 * (opening + closing),
                                      KIND_RETURNS)):  # fmt: skip
            n = int(np.ceil(minutes / CHUNK_MINUTES))
            if n:
                parts.append((np.full(n, minutes / n), np.full(n, start), np.full(n, closing),
                              np.zeros(n, dtype=np.int64), code, np.zeros(n)))  # fmt: skip
        std, rel, du, zo, un = (np.concatenate([p[k] for p in parts]) for k in (0, 1, 2, 3, 5))
        kinds = np.concatenate([np.full(len(p[0]), p[4]) for p in parts])
        queue = TaskQueue.build(std, rel, du, zo, kinds, un)
        out["intraday_tasks"] += len(queue)
        out["intraday_paid_hours"] += sum(e - s for s, e in shifts) / 60.0
        for rule in RULES:
            r = simulate_day(queue, shifts, rule)  # type: ignore[arg-type]
            out[f"intraday_on_time_{rule}"] += r.on_time
            out[f"intraday_done_{rule}"] += r.done
            out[f"intraday_units_{rule}"] += r.units
            out[f"intraday_worked_hours_{rule}"] += r.worked_hours
    return out


def _shifts(state: PlanState, d: int, warehouse: str) -> list[tuple[float, float]]:
    """One ``(start, end)`` in minutes of the day per person rostered on day ``d``."""
    plan = state.rosters[warehouse].plan
    row = plan.counts[min(d - state.roster_day, len(plan.counts) - 1)]
    return [(60.0 * s.start, 60.0 * (s.start + s.length)) for c, s in zip(row, plan.shifts, strict=True)
            for _ in range(int(c))]  # fmt: skip
