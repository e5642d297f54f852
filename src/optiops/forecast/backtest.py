"""Rolling-origin backtest: refit at several origins, forecast ``h`` steps, keep forecasts and actuals.

Origins count back from the end of each series (series may differ in length): the last origin
leaves ``h`` observations after it, earlier ones are ``step`` apart. A series joins an origin only
if at least ``min_train`` observations precede it. All series of one origin are fitted in one call,
so the kernels see many series at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optiops._logging import logger
from optiops.forecast.base import Backtest, Forecaster, Panel, YInput, as_panel, observed_values
from optiops.model.demand import segment_index


@dataclass(frozen=True)
class BacktestResult:
    """Forecasts and actuals, ``(n_series, n_windows, h)``, NaN where an origin did not fit a series.

    Windows are ordered oldest origin first.
    """

    forecasts: np.ndarray
    actuals: np.ndarray
    step: int = 1

    @property
    def n_effective(self) -> int:
        """Distinct time points the windows cover: overlapping windows share their actuals."""
        _, windows, h = self.forecasts.shape
        return (windows - 1) * self.step + h

    @property
    def errors(self) -> np.ndarray:
        """``actual - forecast``."""
        return self.actuals - self.forecasts

    def mae(self) -> np.ndarray:
        """Mean absolute error per series over all origins and steps (NaN without any window)."""
        err = np.abs(self.errors).reshape(self.errors.shape[0], -1)
        count = np.sum(np.isfinite(err), axis=1)
        total = np.nansum(err, axis=1)
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def cross_validate(
    model: Forecaster, y: YInput, options: Backtest, observed: np.ndarray | None = None
) -> BacktestResult:
    """Backtest ``model`` (refitted from scratch at every origin) on every series of ``y``.

    Parameters
    ----------
    model
        A forecaster; it is cloned, never fitted itself.
    y
        The series: a :class:`~optiops.model.demand.DemandHistory`, a :class:`Panel` or one 1-D series.
    options
        Horizon, number of origins, spacing and minimum training length.
    observed
        Which flat values of ``y`` were observed; the others are filled to fit and left NaN in the
        actuals (not scored). Default: the values of ``y`` that are not NaN.

    Returns
    -------
    BacktestResult
        A model that fails at an origin leaves NaN there (logged as a warning), so a caller can fall
        back to another model for those series.
    """
    return cross_validate_many((model,), y, options, observed)[0]


def cross_validate_many(
    models: Sequence[Forecaster], y: YInput, options: Backtest, observed: np.ndarray | None = None
) -> list[BacktestResult]:
    """:func:`cross_validate` of several models on the same origins, each origin's series cut once."""
    panel, _ = as_panel(y)
    values, offsets = panel
    if observed is None:  # values marked missing (NaN in y) are filled to fit and not scored
        observed = ~np.isnan(observed_values(y))
    lengths = np.diff(offsets)
    n, h, windows = lengths.shape[0], options.h, options.n_windows
    forecasts = [np.full((n, windows, h), np.nan) for _ in models]
    actuals = np.full((n, windows, h), np.nan)
    for w in range(windows):
        keep = lengths - h - (windows - 1 - w) * options.step
        idx = np.flatnonzero(keep >= options.min_train)
        if idx.size == 0:
            continue
        flat, sub_offsets = segment_index(offsets[idx], keep[idx])
        sub = Panel(values[flat], sub_offsets)
        at = (offsets[idx] + keep[idx])[:, None] + np.arange(h)[None, :]
        actuals[idx, w] = np.where(observed[at], values[at], np.nan)  # a value marked missing is not scored
        for model, out in zip(models, forecasts, strict=True):
            try:
                out[idx, w] = model.point_clone().fit(sub).predict(h)["mean"]
            except Exception as exc:  # one failing model must not end the backtest; NaN marks the failure
                logger.warning("%s failed at backtest origin %d: %s: %s", model.alias, w, type(exc).__name__, exc)
    return [BacktestResult(f, actuals.copy(), options.step) for f in forecasts]
