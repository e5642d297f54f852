"""Regressors (price, promotion, holiday flags) in the flat many-series layout.

Past regressors are one row per observation, aligned with the flat ``values`` of a :class:`Panel`
(``(n_values, k)``); future regressors are ``h`` rows per series, series after series
(``(n_series * h, k)``, or ``(n_series, h, k)``). One series may pass 1-D arrays for one regressor.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from optiops.exceptions import InstanceError
from optiops.forecast.base import ForecastError, Panel
from optiops.model.demand import segment_index


class Regressors(NamedTuple):
    """Named regressors of a history: ``past`` aligned with its values, ``future`` for ``h`` steps per series.

    ``past`` is ``(n_values, k)``; ``future`` is ``(n_series * h, k)``, series after series.
    """

    names: tuple[str, ...]
    past: np.ndarray
    future: np.ndarray

    def take(self, panel_offsets: np.ndarray, index: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Past and future rows of the series at ``index`` (offsets of the whole history's panel)."""
        flat, _ = segment_index(panel_offsets[index], np.diff(panel_offsets)[index])
        rows = (np.asarray(index, dtype=np.int64)[:, None] * h + np.arange(h)[None, :]).reshape(-1)
        return self.past[flat], self.future[rows]


def past_regressors(X: np.ndarray | None, panel: Panel, single: bool) -> np.ndarray | None:
    """``X`` as a finite ``(n_values, k)`` float64 array aligned with ``panel``, or None.

    Raises
    ------
    InstanceError
        Wrong number of rows, or values that are missing or infinite.
    """
    if X is None:
        return None
    x = _as_matrix(X, single)
    n = panel.values.shape[0]
    if x.shape[0] != n:
        raise InstanceError(f"X has {x.shape[0]} rows; it needs one per observation of y ({n})")
    _check_finite(x, "X")
    return x


def future_regressors(X: np.ndarray | None, n_series: int, h: int, k: int, single: bool) -> np.ndarray | None:
    """Future ``X`` as a finite ``(n_series, h, k)`` array, or None when the model was fitted without any.

    Raises
    ------
    ForecastError
        Regressors given to a model fitted without them, or missing for one fitted with them.
    InstanceError
        Wrong shape, or values that are missing or infinite.
    """
    if k == 0:
        if X is not None:
            raise ForecastError("the model was fitted without regressors: predict takes no X")
        return None
    if X is None:
        raise ForecastError(f"the model was fitted with {k} regressor(s): predict needs their future values (X)")
    x = np.asarray(X, dtype=np.float64)
    if x.ndim == 3:
        x = x.reshape(-1, x.shape[-1])
    x = _as_matrix(x, single)
    if x.shape != (n_series * h, k):
        raise InstanceError(f"future X has shape {x.shape}; it needs h={h} rows per series x {k} columns")
    _check_finite(x, "future X")
    return x.reshape(n_series, h, k)


def _as_matrix(X: np.ndarray, single: bool) -> np.ndarray:
    x = np.asarray(X, dtype=np.float64)
    if x.ndim == 1 and single:
        return x[:, None]
    if x.ndim != 2:
        raise InstanceError(f"regressors must be a 2-D array (rows x regressors), got shape {x.shape}")
    return x


def _check_finite(x: np.ndarray, name: str) -> None:
    bad = np.argwhere(~np.isfinite(x))
    if bad.size:
        row, col = (int(v) for v in bad[0])
        raise InstanceError(
            f"{name} holds {bad.shape[0]} missing or infinite value(s), first at row {row}, column {col}"
        )
