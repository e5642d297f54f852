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
from optiops.forecast.boosting import GlobalBoosting
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


def cross_validate_global(
    model: GlobalBoosting, y: YInput, options: Backtest, observed: np.ndarray | None = None
) -> BacktestResult:
    """Backtest a global direct model fitted once, on the data before the oldest origin.

    Refitting a gradient-boosted model at every origin costs seconds each; instead the one fit
    forecasts from every origin with the data before that origin (:meth:`GlobalBoosting.forecast_from`).
    Nothing after an origin reaches its forecast; the later origins see a model older than they could
    (by up to ``(n_windows - 1) x step`` steps), so the backtest is, if anything, pessimistic about it.
    Origins and actuals are those of :func:`cross_validate_many`; a series joins an origin when
    ``min_train`` observations precede it (a series with none yet is one zero in the cut panel: no
    training row, its forecast discarded). A failed fit leaves NaN everywhere (logged).
    """
    panel, _ = as_panel(y)
    values, offsets = panel
    if observed is None:
        observed = ~np.isnan(observed_values(y))
    lengths = np.diff(offsets)
    n, h, windows = lengths.shape[0], options.h, options.n_windows
    forecasts, actuals = np.full((n, windows, h), np.nan), np.full((n, windows, h), np.nan)
    fitted, failed = None, False
    for w in range(windows):
        keep = lengths - h - (windows - 1 - w) * options.step
        idx = np.flatnonzero(keep >= options.min_train)
        if idx.size == 0:
            continue
        at = (offsets[idx] + keep[idx])[:, None] + np.arange(h)[None, :]
        actuals[idx, w] = np.where(observed[at], values[at], np.nan)
        if failed:
            continue
        cut_panel = _cut_panel(panel, keep)
        try:
            if fitted is None:
                fitted = model.clone().fit(cut_panel)
            forecasts[idx, w] = fitted.forecast_from(cut_panel, h)[idx]
        except Exception as exc:  # as in cross_validate_many: NaN marks the failure
            logger.warning("%s failed at backtest origin %d: %s: %s", model.alias, w, type(exc).__name__, exc)
            failed = fitted is None
    return BacktestResult(forecasts, actuals, options.step)


def _cut_panel(panel: Panel, keep: np.ndarray) -> Panel:
    """Every series cut to its first ``keep`` values, in order; a series with none yet is one zero."""
    values, offsets = panel
    sizes = np.maximum(keep, 1)
    have = keep >= 1
    source, _ = segment_index(offsets[:-1][have], keep[have])
    _, cut_offsets = segment_index(np.zeros(sizes.shape[0], dtype=np.int64), sizes)
    target, _ = segment_index(cut_offsets[:-1][have], keep[have])
    cut = np.zeros(cut_offsets[-1])
    cut[target] = values[source]
    return Panel(cut, cut_offsets)
