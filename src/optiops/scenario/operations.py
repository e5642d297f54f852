"""The inside of the warehouses: initial stock, capacity, shifts, staff and labour standards.

Everything is sized from the *expected* demand (no peeking at the drawn days), as a planner sizes
from a forecast: each zone is served by its nearest warehouse (the plain baseline), stock covers
``cover_days`` of the expected demand of its zones, order capacity covers a quantile of the
expected daily orders, and staff are contracted for a quantile of the daily workload that the
labour standards give.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optiops.scenario.config import ScenarioConfig


def standard_seconds(c: ScenarioConfig) -> dict[str, float]:
    """Standard seconds per driver (unit, line, order, return), summed over tasks."""
    out = dict.fromkeys(("unit", "line", "order", "return"), 0.0)
    for s in c.labour:
        out[s.driver] += s.seconds
    return out


def workload_hours(c: ScenarioConfig, units: np.ndarray, returned: np.ndarray, lines_per_order: float,
                   units_per_order: float) -> np.ndarray:  # fmt: skip
    """Paid hours of standard work for ``units`` shipped (and received) and ``returned`` units (same shape)."""
    sec = standard_seconds(c)
    orders = units / units_per_order
    work = orders * (lines_per_order * sec["line"] + sec["order"]) + units * sec["unit"] + returned * sec["return"]
    return work / 3600.0 / c.staff.utilisation


def draw_stock(c: ScenarioConfig, skus: pd.DataFrame, expected: np.ndarray, warehouse_ids: list[str],
               rng: np.random.Generator) -> pd.DataFrame:  # fmt: skip
    """(S x W rows) stock on hand: ``cover_days`` of the expected (S, W) daily units, log-normal noise.

    A SKU whose cover rounds to nothing everywhere keeps one unit in the warehouse that sells it most.
    """
    s = c.stock
    noise = rng.lognormal(-0.5 * s.sigma**2, s.sigma, size=expected.shape)
    on_hand = np.round(s.cover_days * expected * noise).astype(np.int64)
    empty = on_hand.sum(axis=1) == 0
    on_hand[np.flatnonzero(empty), expected[empty].argmax(axis=1)] = 1
    n_s, n_w = expected.shape
    return pd.DataFrame({
        "sku": np.repeat(skus["sku"].to_numpy(), n_w), "warehouse": np.tile(np.asarray(warehouse_ids), n_s),
        "on_hand": on_hand.ravel(),
    })  # fmt: skip


def shifts_frame(c: ScenarioConfig) -> pd.DataFrame:
    """The shift types (no randomness)."""
    return pd.DataFrame({
        "shift": [s.shift for s in c.staff.shifts], "start": [s.start for s in c.staff.shifts],
        "minutes": [s.minutes for s in c.staff.shifts],
        "forbidden_successors": [";".join(s.forbidden_successors) for s in c.staff.shifts],
    })  # fmt: skip


def standards_frame(c: ScenarioConfig) -> pd.DataFrame:
    """The labour standards (no randomness)."""
    return pd.DataFrame({"task": [s.task for s in c.labour], "driver": [s.driver for s in c.labour],
                         "seconds": [s.seconds for s in c.labour], "skill": [s.skill for s in c.labour]})  # fmt: skip


def draw_staff(
    c: ScenarioConfig, warehouse_ids: list[str], hours: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Employees per warehouse until their contracted minimum minutes cover the sized weekly workload.

    ``hours`` is (W, T) expected paid hours per day; the weekly need is 7 x its ``sizing_quantile``.
    """
    st = c.staff
    rows: list[dict[str, object]] = []
    for w, wid in enumerate(warehouse_ids):
        need = 7.0 * 60.0 * float(np.quantile(hours[w], st.sizing_quantile)) if hours.shape[1] else 0.0
        people: list[dict[str, object]] = []
        contracted = 0.0
        while contracted < need or len(people) < st.min_per_warehouse:
            person, minutes = _employee(c, wid, need - contracted, rng)
            people.append(person)
            contracted += minutes
        _ensure_skills(c, people)
        rows += people
    width = max(4, len(str(len(rows))))
    return pd.DataFrame([{"employee": f"E{k + 1:0{width}d}", **row} for k, row in enumerate(rows)])


def _employee(c: ScenarioConfig, warehouse: str, remaining: float,
              rng: np.random.Generator) -> tuple[dict[str, object], int]:  # fmt: skip
    """One employee (without id) and their contracted weekly minutes: full-time with ``full_time_share``
    while the ``remaining`` weekly need is at least a full-time week, else part-time."""
    st = c.staff
    full = bool(rng.random() < st.full_time_share) and remaining >= st.full_time_minutes[0]
    lo, hi = st.full_time_minutes if full else st.part_time_minutes
    wage = st.wage * (1.0 if full else st.part_time_wage_factor) * float(rng.lognormal(0.0, st.wage_sigma))
    skills = [name for name, p in st.skill_probs if rng.random() < p]
    row: dict[str, object] = {
        "warehouse": warehouse, "contract": "full-time" if full else "part-time",
        "skills": ";".join(skills), "min_minutes_per_week": lo, "max_minutes_per_week": hi,
        "max_shifts_per_week": st.full_time_shifts if full else st.part_time_shifts,
        "max_consecutive_shifts": st.max_consecutive_shifts, "hourly_wage": round(wage, 2),
    }  # fmt: skip
    return row, lo


def _ensure_skills(c: ScenarioConfig, people: list[dict[str, object]]) -> None:
    """Give every skill to at least two employees of the warehouse (the first ones lacking it)."""
    order = [name for name, _ in c.staff.skill_probs]
    for skill, _ in c.staff.skill_probs:
        have = [p for p in people if skill in str(p["skills"]).split(";")]
        for p in [p for p in people if p not in have][: max(0, 2 - len(have))]:
            held = set(str(p["skills"]).split(";")) - {""} | {skill}
            p["skills"] = ";".join(s for s in order if s in held)
