"""The week's roster: the optimised plan staffs the receipts its purchase orders bring on their days."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from optiops.closed_loop.intraday import arrival_profile
from optiops.closed_loop.policies import plan_rosters
from optiops.scenario.read import read_scenario
from optiops.solvers import MipOptions

SMALL = Path(__file__).resolve().parents[2] / "instances" / "scenarios" / "small"


def test_receipts_due_are_staffed_on_their_day() -> None:
    """A lorry of 3,000 units due on the week's third day: more paid hours that day than without it."""
    small = read_scenario(SMALL)
    names = [str(w) for w in small.warehouses["warehouse"]]
    flat = {w: np.full(28, 60.0) for w in names}
    quiet = {w: np.zeros(28) for w in names}
    week = {w: 60.0 * 7 for w in names}
    args = (small, "optimised", flat, quiet, quiet, week, 0, 1.5, 2.0, MipOptions(time_limit=5.0))
    without = plan_rosters(*args, arrival_profile(small))
    due = {w: np.array([0.0, 0.0, 3000.0, 0.0, 0.0, 0.0, 0.0]) for w in names}
    with_due = plan_rosters(*args, arrival_profile(small), due)
    for w in names:
        assert with_due[w].hours_per_day[2] > without[w].hours_per_day[2]
        assert with_due[w].hours_per_day.sum() > without[w].hours_per_day.sum()
