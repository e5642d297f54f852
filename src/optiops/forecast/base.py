"""The forecaster contract (statsforecast / scikit-learn style) and the flat many-series input.

``__init__`` only stores parameters; ``fit(y, X=None)`` returns ``self`` and keeps fitted state in
attributes ending with ``_``; ``predict(h, X=None, level=None)`` returns a dict with ``"mean"`` and,
for each requested level, ``"lo-<level>"`` / ``"hi-<level>"``. ``y`` is one series (a 1-D array:
outputs are 1-D of length ``h``) or many (a :class:`DemandHistory` or a :class:`Panel`: outputs are
``(n_series, h)``). Intervals come from the model where it has them, otherwise from rolling-origin
backtest errors when the forecaster was built with ``intervals=Backtest(...)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Self

import numpy as np

from optiops.exceptions import InstanceError, OptiopsError
from optiops.forecast.intervals import empirical_bounds
from optiops.forecast.metrics import naive_scale
from optiops.model.demand import DemandHistory, impute_missing

if TYPE_CHECKING:
    from optiops.forecast.backtest import BacktestResult


class ForecastError(OptiopsError):
    """A forecaster was used wrongly (predict before fit, levels without intervals) or failed."""


class Panel(NamedTuple):
    """Many series as one flat float64 array plus int64 offsets (series ``i`` is ``values[o[i]:o[i+1]]``)."""

    values: np.ndarray
    offsets: np.ndarray


@dataclass(frozen=True)
class Backtest:
    """Rolling-origin settings: forecast ``h`` steps from ``n_windows`` origins ``step`` apart.

    The last origin leaves exactly ``h`` observations after it; a series is used at an origin only
    when at least ``min_train`` observations precede it.
    """

    h: int = 12
    n_windows: int = 12
    step: int = 1
    min_train: int = 3

    def __post_init__(self) -> None:
        if self.h < 1 or self.n_windows < 1 or self.step < 1 or self.min_train < 1:
            raise ValueError(f"Backtest needs h, n_windows, step and min_train >= 1, got {self}")


YInput = DemandHistory | Panel | np.ndarray | Sequence[float]


def as_panel(y: YInput) -> tuple[Panel, bool]:
    """``(panel, single)``: the flat layout of ``y`` and whether ``y`` was a single 1-D series.

    Values marked missing (NaN) are filled by :func:`~optiops.model.demand.impute_missing` first.

    Raises
    ------
    InstanceError
        Empty series, or infinite values.
    """
    if isinstance(y, DemandHistory):
        return Panel(impute_missing(y.values, y.offsets), y.offsets), False
    if isinstance(y, Panel):
        values, offsets = np.asarray(y.values, dtype=np.float64), np.asarray(y.offsets, dtype=np.int64)
        single = False
    else:
        values = np.asarray(y, dtype=np.float64)
        if values.ndim != 1:
            raise InstanceError(f"y must be one series (1-D) or a DemandHistory/Panel, got shape {values.shape}")
        offsets, single = np.array([0, values.shape[0]], dtype=np.int64), True
    if offsets.shape[0] < 2 or np.any(np.diff(offsets) < 1) or offsets[-1] != values.shape[0]:
        raise InstanceError("every series needs at least one observation")
    if np.any(np.isinf(values)):
        raise InstanceError("y holds infinite values")
    values = impute_missing(values, offsets)
    return Panel(np.ascontiguousarray(values), np.ascontiguousarray(offsets)), single


def observed_values(y: YInput) -> np.ndarray:
    """The flat values of ``y`` as given, NaN where a value is marked missing (before :func:`as_panel` fills it)."""
    raw = y.values if isinstance(y, DemandHistory | Panel) else y
    return np.asarray(raw, dtype=np.float64).reshape(-1)


def check_levels(level: Sequence[float] | None) -> list[float]:
    """The levels as floats, each strictly between 0 and 100."""
    levels = [float(v) for v in (level or [])]
    bad = [v for v in levels if not 0.0 < v < 100.0]
    if bad:
        raise ValueError(f"levels are percentages strictly between 0 and 100, got {bad}")
    return levels


class Forecaster:
    """Base class: coerces inputs, runs the backtest for intervals, shapes the outputs.

    Subclasses set ``alias`` and implement ``_fit_panel`` and ``_predict_mean``; models with their
    own intervals also override ``_predict_intervals``.
    """

    alias: ClassVar[str] = "forecaster"
    uses_regressors: ClassVar[bool] = False  # whether fit/predict take X; other models refuse it
    intervals: Backtest | None
    backtest_: BacktestResult | None

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters, as stored by ``__init__``."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {name: getattr(self, name) for name in names}

    def clone(self, **changes: Any) -> Self:
        """An unfitted copy with the same parameters (and ``changes``)."""
        return type(self)(**{**self.get_params(), **changes})

    def point_clone(self) -> Self:
        """An unfitted copy that skips the interval backtest (for refits inside a backtest)."""
        return self.clone(intervals=None) if "intervals" in self.get_params() else self.clone()

    def fit(self, y: YInput, X: np.ndarray | None = None) -> Self:
        """Fit to one series or many.

        Parameters
        ----------
        y
            One series (1-D array) or many (:class:`DemandHistory` or :class:`Panel`).
        X
            Regressors, one row per observation of ``y``; only models with ``uses_regressors`` take them.

        Returns
        -------
        Forecaster
            ``self``, fitted.
        """
        self._refuse_regressors(X)
        panel = self._begin_fit(y)
        self._fit_panel(panel)
        if self.intervals is not None:
            from optiops.forecast.backtest import cross_validate

            self.backtest_ = cross_validate(self, panel, self.intervals, observed=self.observed_)
        return self

    def predict(self, h: int, X: np.ndarray | None = None, level: Sequence[float] | None = None) -> dict[str, Any]:
        """Forecast ``h`` steps after the end of every series.

        Parameters
        ----------
        h
            Steps ahead.
        X
            Future regressors, ``h`` rows per series; only models with ``uses_regressors`` take them.
        level
            Interval levels in percent, e.g. ``(80, 95)``.

        Returns
        -------
        dict
            ``"mean"`` and ``"lo-<level>"``/``"hi-<level>"`` arrays, shape ``(h,)`` for one series and
            ``(n_series, h)`` for many; bounds are clipped at zero.
        """
        self._refuse_regressors(X)
        levels = self._begin_predict(h, level)
        mean = self._predict_mean(h)
        out: dict[str, Any] = {"mean": mean}
        if levels:
            out.update(self._predict_intervals(mean, levels))
        return self._shaped(out)

    def forecast(
        self,
        y: YInput,
        h: int,
        X: np.ndarray | None = None,
        level: Sequence[float] | None = None,
        X_future: np.ndarray | None = None,
    ) -> dict[str, Any]:
        """Fit and predict in one call (see :meth:`fit` and :meth:`predict`); ``X_future`` goes to predict."""
        return self.fit(y, X).predict(h, X=X_future, level=level)

    def _refuse_regressors(self, X: np.ndarray | None) -> None:
        if X is not None and not self.uses_regressors:
            raise ForecastError(f"{self.alias} does not take regressors (X)")

    def _begin_fit(self, y: YInput) -> Panel:
        """Coerce ``y`` (values marked missing filled) and reset the fitted state every model shares.

        ``observed_`` keeps which values were observed (``None`` when all were): the model's own
        backtests do not score the filled ones, and the naive scale skips them.
        """
        panel, single = as_panel(y)
        missing = np.isnan(observed_values(y))
        self.observed_ = ~missing if missing.any() else None
        self.n_series_, self.single_ = panel.offsets.shape[0] - 1, single
        self.backtest_ = None
        self._scale: np.ndarray | None = None  # computed on first use: backtest refits never need it
        self._scale_input = (panel.values, panel.offsets, missing if missing.any() else None)
        return panel

    @property
    def scale_(self) -> np.ndarray:
        """Naive scale (in-sample one-step MAE) per series, values marked missing left out."""
        if self._scale is None:
            values, offsets, missing = self._scale_input
            self._scale = naive_scale(values if missing is None else np.where(missing, np.nan, values), offsets)
        return self._scale

    def _begin_predict(self, h: int, level: Sequence[float] | None) -> list[float]:
        """Check that the model is fitted and ``h`` and the levels are valid; the levels as floats."""
        if not hasattr(self, "n_series_"):
            raise ForecastError(f"{self.alias}: call fit before predict")
        if h < 1:
            raise ValueError(f"h must be at least 1, got {h}")
        return check_levels(level)

    def _shaped(self, out: dict[str, Any]) -> dict[str, Any]:
        """The outputs of one series as 1-D arrays when ``y`` was one 1-D series."""
        return {k: v[0] for k, v in out.items()} if self.single_ else out

    def _fit_panel(self, panel: Panel) -> None:
        raise NotImplementedError

    def _predict_mean(self, h: int) -> np.ndarray:
        raise NotImplementedError

    def _predict_intervals(self, mean: np.ndarray, levels: list[float]) -> dict[str, np.ndarray]:
        """Bounds from the backtest errors; models with their own intervals override this."""
        if self.backtest_ is None:
            raise ForecastError(f"{self.alias}: levels need intervals=Backtest(...) at construction")
        bt = self.backtest_
        return empirical_bounds(mean, bt.errors, bt.actuals, self.scale_, levels, bt.n_effective)


class FlatForecaster(Forecaster):
    """A forecaster whose forecast is one level per series, repeated over the horizon."""

    level_: np.ndarray

    def _predict_mean(self, h: int) -> np.ndarray:
        return np.repeat(self.level_[:, None], h, axis=1)
