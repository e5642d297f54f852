"""The operation over time: the hold-out replayed day by day, closed loop, by the baseline and the optimised plan."""

from optiops.closed_loop.engine import ReplayResult, replay
from optiops.closed_loop.options import ReplayOptions

__all__ = ["ReplayOptions", "ReplayResult", "replay"]
