"""Off-screen figures: draw into a private Agg figure and hand back PNG bytes.

Nothing here touches ``matplotlib.pyplot``, so no global figure state leaks between calls and the
functions are safe to use from worker threads and processes without a display.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DEFAULT_SIZE = (10.0, 8.0)
DEFAULT_DPI = 110


def new_figure(size: tuple[float, float] = DEFAULT_SIZE) -> Figure:
    """A fresh Agg figure that belongs to nobody else (no pyplot)."""
    fig = Figure(figsize=size, dpi=DEFAULT_DPI)
    FigureCanvasAgg(fig)
    return fig


def new_axes(size: tuple[float, float] = DEFAULT_SIZE) -> Axes:
    """One axes on a fresh Agg figure."""
    return new_figure(size).add_subplot()


def figure_png(
    draw: Callable[[Axes], object],
    size: tuple[float, float] = DEFAULT_SIZE,
    dpi: int = DEFAULT_DPI,
) -> bytes:
    """Draw on a new off-screen figure and return it as PNG bytes.

    Parameters
    ----------
    draw
        Called once with the figure's axes, e.g. ``lambda ax: plot_route_map(inst, plan, ax)``;
        its return value is ignored.
    size
        Figure size in inches (width, height).
    dpi
        Resolution of the PNG.

    Returns
    -------
    bytes
        The PNG file contents; the caller decides where (and how atomically) to write them.
    """
    fig = new_figure(size)
    draw(fig.add_subplot())
    buf = io.BytesIO()
    # "tight" keeps legends placed outside the axes inside the image.
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return buf.getvalue()
