"""A generated warehouse week: forecast-driven shift design against fixed shifts, side by side.

The generator draws ``history_weeks + 1`` weeks of hourly workload drivers for one warehouse —
orders (weekday and intraday profile, a day-level random factor, Poisson noise), units picked
(orders x units per order), customer returns (arriving by truck in day-time hours) and inbound
units for put-away — all from one seeded generator. The last week is the actual week; the plan
sees only the history.

Plan (ours): the forecast of next week's orders per hour of the week is the mean of the history
weeks, and the planning scenarios are the history weeks themselves; :func:`design_shifts` picks
shifts of 4, 6 or 8 hours starting on any hour from 06:00 (ending by midnight), head counts per day,
per skill, meeting the service target on every scenario. Baseline (common practice): two fixed
8-hour shifts, 06-14 and 14-22, with the same head count every day, sized the same way (so it meets
the same target on the same scenarios). Both are then judged on the actual week by
:func:`optiops.labour.staffing.service_level` (share of work done within the target) and
:func:`hour_coverage` (share of required staff-hours scheduled), and by paid hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optiops.labour.staffing import (
    LabourStandard,
    ShiftType,
    design_shifts,
    hour_coverage,
    paid_hours_bound,
    service_level,
    shift_types,
    workload_minutes,
)
from optiops.solvers import MipOptions

HOURS = 24
DAYS = 7
# e-commerce order arrivals by hour (share of the day): low at night, peaks late morning and evening
INTRADAY = np.array([1.2, 0.7, 0.4, 0.3, 0.3, 0.5, 1.2, 2.6, 4.0, 5.2, 6.0, 6.2, 5.8, 5.4, 5.3, 5.4,
                     5.5, 5.6, 5.8, 6.3, 7.2, 7.6, 6.4, 3.1])  # fmt: skip


@dataclass(frozen=True)
class WeekConfig:
    """Parameters of the generated warehouse week (defaults in brackets are the values used).

    Attributes
    ----------
    orders_per_day
        Mean orders per day [6,000].
    weekday
        Day factors Monday..Sunday [1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.2].
    day_noise
        Standard deviation of a day's log-normal factor [0.08].
    units_per_order
        Mean units per order [1.6].
    return_rate
        Returned units per shipped unit, arriving 08:00-18:00 [0.25].
    inbound_per_day
        Inbound units for put-away, arriving 07:00-15:00 on weekdays [9,000].
    history_weeks
        Weeks the plan sees [4].
    within
        Work is due this many hours after the hour it arrives in [12].
    utilisation
        Productive share of paid time [0.85].
    standards
        Seconds per driver unit: pick 40 s/unit, pack 55 s/order, returns 110 s/unit, put-away 18 s/unit.
    """

    orders_per_day: float = 6000.0
    weekday: tuple[float, ...] = (1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.2)
    day_noise: float = 0.08
    units_per_order: float = 1.6
    return_rate: float = 0.25
    inbound_per_day: float = 9000.0
    history_weeks: int = 4
    within: int = 12
    utilisation: float = 0.85
    standards: tuple[LabourStandard, ...] = field(default_factory=lambda: (
        LabourStandard("pick", "units", 40.0, "pick"), LabourStandard("pack", "orders", 55.0, "pack"),
        LabourStandard("returns", "returns", 110.0, "returns"), LabourStandard("put-away", "inbound", 18.0, "pick"),
    ))  # fmt: skip


def generate_weeks(config: WeekConfig, seed: int) -> dict[str, np.ndarray]:
    """Hourly drivers ``(history_weeks + 1, 168)`` per driver: orders, units, returns, inbound."""
    rng = np.random.default_rng(seed)
    n = config.history_weeks + 1
    day = np.asarray(config.weekday) * np.exp(rng.normal(0.0, config.day_noise, (n, DAYS)))
    hourly = (config.orders_per_day * day)[:, :, None] * (INTRADAY / INTRADAY.sum())[None, None, :]
    orders = rng.poisson(hourly).reshape(n, DAYS * HOURS).astype(float)
    units = orders + rng.poisson(orders * (config.units_per_order - 1.0))
    shipped_day = units.reshape(n, DAYS, HOURS).sum(axis=2)
    returns_hours = np.zeros(HOURS)
    returns_hours[8:18] = 1.0 / 10
    # returns of yesterday's shipments arrive during today's day-time hours
    prev = np.roll(shipped_day, 1, axis=1)
    returns = rng.poisson(config.return_rate * prev[:, :, None] * returns_hours[None, None, :]).reshape(n, -1)
    inbound_hours = np.zeros(HOURS)
    inbound_hours[7:15] = 1.0 / 8
    weekday = np.array([1, 1, 1, 1, 1, 0, 0], dtype=float)
    rate = config.inbound_per_day * weekday[:, None] * inbound_hours[None, :]
    inbound = rng.poisson(np.broadcast_to(rate, (n, DAYS, HOURS))).reshape(n, -1)
    return {"orders": orders, "units": units, "returns": returns.astype(float), "inbound": inbound.astype(float)}


def flexible_shifts() -> tuple[ShiftType, ...]:
    """4, 6 and 8-hour shifts starting on any hour, ending by midnight."""
    return shift_types(HOURS, range(0, 21), [4, 6, 8])


BASELINE_SHIFTS = (ShiftType(6, 8), ShiftType(14, 8))


def compare_week(
    config: WeekConfig | None = None, seed: int = 1, backend: str = "highs", options: MipOptions | None = None
) -> list[dict[str, Any]]:
    """Forecast-driven shift design vs fixed shifts on one generated week; one row per plan and skill plus totals.

    Returns
    -------
    list of dict
        ``plan`` (``optimised`` / ``fixed_shifts``), ``skill`` (or ``all``), ``paid_hours``,
        ``service_within_target`` (share of actual work done within the target), ``undone``,
        ``hour_coverage``, ``required_hours`` (actual work / utilisation), ``seed``, and
        ``bound_hours``: a lower bound on the paid hours of any staffing that meets the target on the history
        weeks (:func:`~optiops.labour.staffing.paid_hours_bound`), the same for both plans.
    """
    config = config or WeekConfig()
    drivers = generate_weeks(config, seed)
    work = workload_minutes(drivers, list(config.standards))
    h = config.history_weeks
    rows: list[dict[str, Any]] = []
    bounds = {
        skill: paid_hours_bound(minutes[:h], config.within, config.utilisation) for skill, minutes in work.items()
    }
    for plan, shifts, fixed in (("optimised", flexible_shifts(), False), ("fixed_shifts", BASELINE_SHIFTS, True)):
        totals = {"paid": 0.0, "on_time": 0.0, "undone": 0.0, "covered": 0.0, "required": 0.0, "work": 0.0,
                  "bound": 0.0}  # fmt: skip
        for skill, minutes in sorted(work.items()):
            sp = design_shifts(minutes[:h], shifts, HOURS, 60.0, config.within, config.utilisation, fixed, backend,
                               options)  # fmt: skip
            actual = minutes[h]
            on_time, undone = service_level(actual, sp.staff, 60.0, config.within, config.utilisation)
            cov = hour_coverage(actual, sp.staff, 60.0, config.utilisation)
            required = float(actual.sum()) / 60.0 / config.utilisation
            rows.append(_row(plan, skill, sp.paid_hours, on_time, undone, cov, required, seed, bounds[skill]))
            totals["paid"] += sp.paid_hours
            totals["bound"] += bounds[skill]
            totals["on_time"] += on_time * actual.sum()
            totals["undone"] += undone * actual.sum()
            totals["covered"] += cov * required
            totals["required"] += required
            totals["work"] += actual.sum()
        w = totals["work"] or 1.0
        rows.append(_row(plan, "all", totals["paid"], totals["on_time"] / w, totals["undone"] / w,
                         totals["covered"] / (totals["required"] or 1.0), totals["required"], seed,
                         totals["bound"]))  # fmt: skip
    return rows


def _row(plan: str, skill: str, paid: float, on_time: float, undone: float, cov: float, req: float,
         seed: int, bound: float) -> dict[str, Any]:  # fmt: skip
    return {
        "plan": plan, "skill": skill, "seed": seed, "paid_hours": round(paid, 2),
        "service_within_target": round(on_time, 5), "undone": round(undone, 5), "hour_coverage": round(cov, 5),
        "required_hours": round(req, 2), "bound_hours": round(bound, 2),
        "utilisation_of_paid": round(req / paid, 4) if paid else None,
    }  # fmt: skip
