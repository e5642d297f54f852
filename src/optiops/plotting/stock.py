"""Simulated stock trajectories of inventory policies (matplotlib object API, off-screen).

Example::

    from optiops.inventory.simulate import simulate_trace
    from optiops.plotting.stock import plot_stock
    trace = simulate_trace(items, policy, pool, opts)
    ax = plot_stock(trace[0], policy.reorder[0], policy.order_up_to[0], item=items.ids[0], warmup=opts.warmup)
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from optiops.kernels.inventory import TR_NET, TR_ORDER
from optiops.plotting.save import DEFAULT_DPI, new_axes, new_figure


def plot_stock(
    trace: np.ndarray, reorder_point: float, order_up_to: float, item: str = "", warmup: int = 0,
    ax: Axes | None = None,
) -> Axes:  # fmt: skip
    """One item's simulated stock over time with its reorder point and order-up-to level.

    Net stock at the end of each period is drawn as a step line: on hand above zero, backorders
    below it (shaded). Orders placed are marked on the time axis; the unscored warm-up is greyed.

    Parameters
    ----------
    trace
        ``(n_periods, N_TRACE)`` trace of one item (a row of :func:`optiops.inventory.simulate.simulate_trace`).
    reorder_point, order_up_to
        The policy's ``s`` and ``S``.
    item
        Title of the panel.
    warmup
        Leading periods that are simulated but not scored.
    ax
        Where to draw; a new off-screen figure when omitted.

    Returns
    -------
    Axes
        The axes drawn on.
    """
    ax = ax if ax is not None else new_axes((8.0, 3.0))
    net = trace[:, TR_NET]
    t = np.arange(net.shape[0] + 1)
    level = np.append(net, net[-1])  # a step per period, closed at the right edge
    if warmup > 0:
        ax.axvspan(0, warmup, color="0.93", label="warm-up (not scored)")
    ax.step(t, np.maximum(level, 0.0), where="post", color="tab:blue", lw=1.2, label="on hand")
    if (net < 0).any():
        ax.fill_between(
            t, np.minimum(level, 0.0), 0.0, step="post", color="tab:red", alpha=0.35, lw=0, label="backorders"
        )
    ax.axhline(order_up_to, color="tab:green", ls="--", lw=1.0, label="order-up-to S")
    if not math.isclose(reorder_point, order_up_to):
        ax.axhline(reorder_point, color="tab:orange", ls=":", lw=1.2, label="reorder point s")
    placed = np.flatnonzero(trace[:, TR_ORDER] > 0)
    ax.plot(placed, np.zeros(placed.shape[0]), "^", color="0.3", ms=4, clip_on=False, label="order placed")
    ax.set_xlim(0, net.shape[0])
    ax.set_title(item, fontsize=9, loc="left")
    ax.set_xlabel("period")
    ax.set_ylabel("units")
    return ax


def stock_figure_png(
    traces: np.ndarray, items: Sequence[str], reorder_points: Sequence[float], order_up_to: Sequence[float],
    warmup: int = 0, columns: int = 2,
) -> bytes:  # fmt: skip
    """Small multiples of :func:`plot_stock`, one panel per item, as PNG bytes.

    Parameters
    ----------
    traces
        ``(n_items, n_periods, N_TRACE)`` traces.
    items, reorder_points, order_up_to
        Name, ``s`` and ``S`` of every item.
    warmup
        Unscored leading periods.
    columns
        Panels per row.

    Returns
    -------
    bytes
        The PNG file contents.
    """
    n = len(items)
    rows = max(1, math.ceil(n / columns))
    fig = new_figure((12.0, 2.6 * rows + 0.8))
    fig.set_layout_engine("constrained")  # room for the figure legend below the panels
    axes = fig.subplots(rows, columns, squeeze=False, sharex=True)
    for k, ax in enumerate(axes.flat):
        if k < n:
            plot_stock(traces[k], float(reorder_points[k]), float(order_up_to[k]), items[k], warmup, ax=ax)
            if k < n - columns:
                ax.set_xlabel("")
        else:
            ax.set_axis_off()
    legend: dict[str, Artist] = {}  # every kind of line any panel shows, once
    for ax in axes.flat[:n]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    fig.suptitle("Simulated stock per item (one scenario)", fontsize=11)
    fig.legend(
        list(legend.values()), list(legend), loc="outside lower center", ncol=len(legend), frameon=False, fontsize=8
    )
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DEFAULT_DPI, bbox_inches="tight")
    return buf.getvalue()
