"""Roster pictures: each function draws on a given Axes (or a new one) and returns it."""

from __future__ import annotations

from matplotlib.axes import Axes
from tests.labour.cases import TINY_ROSTER, tiny

from optiops.model.labour import RosterPlan
from optiops.plotting.roster import plot_coverage, plot_roster
from optiops.plotting.save import figure_png, new_axes


def test_roster_and_coverage_charts() -> None:
    """Both charts draw on a new axes, on a given one, and render to PNG."""
    plan = RosterPlan(instance="tiny", assignment=TINY_ROSTER, objective=12)
    for plot in (plot_roster, plot_coverage):
        assert isinstance(plot(tiny(), plan), Axes)
        ax = new_axes()
        assert plot(tiny(), plan, ax=ax) is ax
        assert figure_png(lambda a, p=plot: p(tiny(), plan, ax=a)).startswith(b"\x89PNG")  # type: ignore[misc]
    assert "1 missing" in plot_coverage(tiny(), plan).get_title()
