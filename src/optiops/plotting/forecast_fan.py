"""Forecast fan charts: history, point forecast and prediction intervals of a few series."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from optiops.plotting.save import DEFAULT_DPI, new_axes, new_figure


def plot_fan(
    history: pd.Series, forecast: pd.DataFrame, levels: tuple[float, ...] = (80.0, 95.0), title: str = "",
    ax: Axes | None = None,
) -> Axes:  # fmt: skip
    """One series: its recent history, the forecast and shaded intervals (widest palest).

    Parameters
    ----------
    history
        Observations indexed by date.
    forecast
        Rows of one series from :func:`optiops.forecast.forecast_frame` (``ds``, ``forecast``, ``lo-<c>``, ``hi-<c>``).
    levels
        Interval levels to shade (those present in ``forecast``).
    title
        Panel title.
    """
    ax = ax or new_axes((8.0, 3.0))
    ax.plot(history.index, history.to_numpy(), color="0.35", lw=1.0, label="history")
    ds = pd.to_datetime(forecast["ds"])
    for k, level in enumerate(sorted(levels, reverse=True)):
        lo, hi = f"lo-{level:g}", f"hi-{level:g}"
        if lo in forecast and hi in forecast:
            ax.fill_between(ds, forecast[lo], forecast[hi], color="tab:blue", alpha=0.18 + 0.17 * k,
                            lw=0, label=f"{level:g} % interval")  # fmt: skip
    ax.plot(ds, forecast["forecast"], color="tab:blue", lw=1.6, label="forecast")
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    ax.set_ylim(bottom=0)
    return ax


def fan_figure_png(
    histories: dict[str, pd.Series], frame: pd.DataFrame, levels: tuple[float, ...] = (80.0, 95.0), columns: int = 2
) -> bytes:
    """Small multiples of :func:`plot_fan`, one panel per series id in ``histories``, as PNG bytes."""
    n = len(histories)
    rows = max(1, math.ceil(n / columns))
    fig = new_figure((12.0, 2.6 * rows + 0.6))
    fig.set_layout_engine("constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel()
    for ax, (sid, hist) in zip(axes, histories.items(), strict=False):
        plot_fan(hist, frame[frame["unique_id"] == sid], levels, sid, ax=ax)
    for ax in axes[n:]:
        ax.set_axis_off()
    if n:
        axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle("Daily demand forecast with prediction intervals", fontsize=11)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DEFAULT_DPI, bbox_inches="tight")
    return buf.getvalue()
