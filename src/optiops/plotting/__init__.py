"""Pictures of routing plans (matplotlib, off-screen): a map of the routes and their schedules.

Example::

    from optiops.plotting import figure_png, plot_route_map
    png = figure_png(lambda ax: plot_route_map(inst, res.plan, ax))
"""

from optiops.plotting.route_map import plot_route_map
from optiops.plotting.route_schedule import plot_route_schedule
from optiops.plotting.save import figure_png

__all__ = ["figure_png", "plot_route_map", "plot_route_schedule"]
