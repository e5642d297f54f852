"""Workload to staffing: labour standards, shift design against fixed shifts, the FIFO service check."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pytest

from optiops.exceptions import InfeasibleError
from optiops.labour.staffing import (
    LabourStandard,
    ShiftType,
    _coverage_matrix,
    _meets_target,
    _processed,
    design_shifts,
    hour_coverage,
    paid_hours_bound,
    service_level,
    shift_types,
    workload_minutes,
)
from optiops.labour.week import BASELINE_SHIFTS, WeekConfig, compare_week, flexible_shifts, generate_weeks
from optiops.plan.labour_step import roster_mip
from optiops.solvers import MipOptions, get_backend


def test_standards_turn_drivers_into_minutes_per_skill() -> None:
    """Pick and put-away share a skill; minutes add up."""
    drivers = {"units": np.array([60.0, 0.0]), "inbound": np.array([0.0, 120.0]), "orders": np.array([30.0, 30.0])}
    stds = [LabourStandard("pick", "units", 30.0, "pick"), LabourStandard("put-away", "inbound", 15.0, "pick"),
            LabourStandard("pack", "orders", 60.0, "pack")]  # fmt: skip
    got = workload_minutes(drivers, stds)
    np.testing.assert_allclose(got["pick"], [30.0, 30.0])
    np.testing.assert_allclose(got["pack"], [30.0, 30.0])


def test_fifo_service_level_by_hand() -> None:
    """Two hours of work, capacity one hour per interval, due within one interval: half is late."""
    on_time, late = service_level(np.array([120.0, 0.0, 0.0]), np.array([1, 1, 0]), 60.0, within=1, utilisation=1.0)
    assert on_time == pytest.approx(0.5) and late == pytest.approx(0.5)
    assert service_level(np.array([120.0, 0.0, 0.0]), np.array([1, 1, 0]), 60.0, within=2, utilisation=1.0)[0] == 1.0


def day_work(days: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    profile = np.concatenate([np.zeros(6), rng.uniform(30, 300, 16), np.zeros(2)])
    return np.tile(profile, days) * np.repeat(rng.uniform(0.7, 1.3, days), 24)


def test_design_meets_the_target_on_its_scenarios_and_beats_fixed_shifts() -> None:
    """The plan meets the target on every planning week; flexible shifts never cost more than fixed ones."""
    weeks = np.stack([day_work(3), day_work(3) * 1.1])
    flexible = shift_types(24, range(0, 21), [4, 8])
    fixed = (ShiftType(6, 8), ShiftType(14, 8))
    plan = design_shifts(weeks, flexible, 24, 60.0, within=4, utilisation=0.9)
    base = design_shifts(weeks, fixed, 24, 60.0, within=4, utilisation=0.9, fixed_daily=True)
    for w in weeks:
        assert service_level(w, plan.staff, 60.0, 4, 0.9)[0] == pytest.approx(1.0)
        assert service_level(w, base.staff, 60.0, 4, 0.9)[0] == pytest.approx(1.0)
    assert (base.counts == base.counts[0]).all()
    assert plan.paid_hours <= base.paid_hours
    assert plan.paid_hours == pytest.approx(float((plan.staff).sum()))  # one-hour intervals: staff-hours paid
    assert 0 < hour_coverage(weeks[0], plan.staff, 60.0, 0.9) <= 1


def test_work_no_shift_can_reach_is_diagnosed() -> None:
    """Night work due within an hour with day shifts only: infeasible, with a message that says why."""
    work = np.zeros(24)
    work[2] = 60.0
    with pytest.raises(InfeasibleError, match="no candidate shift"):
        design_shifts(work[None, :], (ShiftType(8, 8),), 24, 60.0, within=1)


def test_generated_week_compares_both_plans() -> None:
    """Rows for both plans per skill and in total, paid hours positive, shares in [0, 1]."""
    cfg = WeekConfig(orders_per_day=600.0, inbound_per_day=900.0, history_weeks=1)
    rows = compare_week(cfg, seed=2, options=MipOptions(time_limit=2.0, rel_gap=0.01))
    assert {r["plan"] for r in rows} == {"optimised", "fixed_shifts"}
    assert {r["skill"] for r in rows} == {"pick", "pack", "returns", "all"}
    for r in rows:
        assert r["paid_hours"] > 0 and 0 <= r["service_within_target"] <= 1 and 0 <= r["hour_coverage"] <= 1


def test_paid_hours_bound_holds_for_every_shift_design() -> None:
    """The work-content bound is below the optimised and the fixed design on the same sample weeks, and tight
    when one flexible shift can take each interval's work as it arrives."""
    cfg = WeekConfig(orders_per_day=600.0, inbound_per_day=900.0, history_weeks=1)
    work = workload_minutes(generate_weeks(cfg, seed=4), list(cfg.standards))["pack"][:1]
    bound = paid_hours_bound(work, cfg.within, cfg.utilisation)
    opts = MipOptions(time_limit=10.0, rel_gap=1e-6)
    flexible = design_shifts(work, flexible_shifts(), 24, 60.0, cfg.within, cfg.utilisation, backend="highs",
                             options=opts)  # fmt: skip
    fixed = design_shifts(work, BASELINE_SHIFTS, 24, 60.0, cfg.within, cfg.utilisation, True, options=opts)
    assert 0 < bound <= flexible.paid_hours + 1e-6 <= fixed.paid_hours + 1e-6
    flat = np.full((1, 24), 0.85 * 60.0)  # one person's work every hour, due at once: 24 paid hours are needed
    assert paid_hours_bound(flat, 1, 0.85) == pytest.approx(24.0)
    assert design_shifts(flat, (ShiftType(0, 24),), 24, 60.0, 1, 0.85).paid_hours == pytest.approx(24.0)
    late = np.zeros((1, 24))
    late[0, 20:] = 60.0  # due after the horizon when 5 or more intervals are allowed: nothing must be done
    assert paid_hours_bound(late, 5, 0.85) == 0.0
    assert paid_hours_bound(late, 4, 0.85) == pytest.approx(60.0 / 60.0 / 0.85)


def test_queue_output_formula_matches_the_fifo_check() -> None:
    """The closed-form FIFO output and the step-by-step service check agree on random work and staff."""
    rng = np.random.default_rng(5)
    for _ in range(50):
        work = rng.uniform(0, 200, 48) * (rng.random(48) < 0.7)
        staff = rng.integers(0, 4, 48)
        within = int(rng.integers(1, 6))
        on_time, _ = service_level(work, staff, 60.0, within, 0.85)
        assert _meets_target(staff, work[None, :], 60.0 * 0.85, within) == (on_time >= 1.0 - 1e-9)
        done = _processed(work, staff * 60.0 * 0.85)
        assert (np.diff(done, prepend=0.0) <= staff * 60.0 * 0.85 + 1e-9).all() and (
            done <= np.cumsum(work) + 1e-9
        ).all()


def test_greedy_start_meets_the_target_and_no_head_can_go() -> None:
    """The MIP's start is feasible by the independent check, and removing any one of its heads breaks it."""
    weeks = np.stack([day_work(3), day_work(3) * 1.15])
    shifts = shift_types(24, range(4, 18), [4, 6, 8], 22)
    captured = {}

    class Spy:
        accepts_start = True

        def solve(self, model, options, start=None):  # type: ignore[no-untyped-def]
            captured["start"] = start
            return get_backend("highs").solve(model, options, start=start)

    with patch(
        "optiops.labour.staffing.get_backend", side_effect=lambda name: Spy() if name == "spy" else get_backend(name)
    ):
        plan = design_shifts(weeks, shifts, 24, 60.0, 4, 0.85, backend="spy", options=MipOptions(time_limit=10.0))
    counts = captured["start"][: 3 * len(shifts)]
    staff = lambda c: (_coverage_matrix(shifts, 3, 24) @ c).astype(int)  # noqa: E731
    for w in weeks:
        assert service_level(w, staff(counts), 60.0, 4, 0.85)[0] == pytest.approx(1.0)
    for j in np.flatnonzero(counts):
        fewer = counts.copy()
        fewer[j] -= 1
        assert min(service_level(w, staff(fewer), 60.0, 4, 0.85)[0] for w in weeks) < 1.0
    assert (
        plan.paid_hours <= float(counts @ np.tile([s.length for s in shifts], 3)) + 1e-9
    )  # the MIP keeps or betters it


def test_roster_design_with_a_node_budget_repeats() -> None:
    """The replay's setting (a node budget, the time limit only a guard) gives the same roster twice."""
    weeks = np.stack([day_work(7), day_work(7) * 0.9, day_work(7) * 1.2])
    shifts = shift_types(24, range(4, 18), [4, 6, 8], 22)
    a = design_shifts(weeks, shifts, 24, 60.0, 12, 0.85, options=roster_mip(60.0, 1))
    b = design_shifts(weeks, shifts, 24, 60.0, 12, 0.85, options=roster_mip(60.0, 1))
    np.testing.assert_array_equal(a.counts, b.counts)
