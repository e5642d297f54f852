"""``auto``: per series, the candidate with the least rolling-origin backtest error, with a fallback.

Every candidate is backtested on all series at once (:func:`~optiops.forecast.backtest.cross_validate`);
each series takes the candidate with the smallest MASE over all origins and steps, shrunk toward the
mean MASE of its Syntetos-Boylan class (``shrinkage``; ties go to the earlier candidate), or, with
``select="class"``, the best candidate of its class.
A series whose chosen candidate failed in the backtest (or that is too short for any origin), or
whose candidate fails when refitted on that series' whole history, gets the naive forecast. With
``cold_start=ColdStart(...)``, series shorter than its threshold get the cold-start forecast instead
(the pooled seasonal profile times a shrunk own level, :mod:`optiops.forecast.coldstart`), fitted on
all series so that the long ones lend their shape. Intervals are those of each series' own backtest
winner (unshrunk): its forecast plus the quantiles of its backtest errors (pooled errors for series
too short to have their own). On car parts, shrinkage made the point forecasts better and the bounds
worse, on the training months and on the hold-out alike, so the two are chosen apart.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from optiops._logging import logger
from optiops.forecast.backtest import BacktestResult, cross_validate_global, cross_validate_many
from optiops.forecast.base import Backtest, FlatForecaster, Forecaster, Panel
from optiops.forecast.boosting import GlobalBoosting
from optiops.forecast.classify import syntetos_boylan
from optiops.forecast.coldstart import ColdStart
from optiops.forecast.combine import METRICS, Metric, combination_weights, pinball_scores
from optiops.forecast.metrics import squared_naive_scale
from optiops.forecast.models import (
    ADIDA,
    IMAPA,
    SBA,
    SES,
    TSB,
    Croston,
    MovingAverage,
    Naive,
    Profiled,
    SeasonalNaive,
)
from optiops.model.demand import segment_index

NAIVE, COLD, COMBO = -1, -2, -3  # choice_ codes of the fallbacks and of the combination
PROFILED_SEASONS = (7, 24)  # calendars whose within-season shape the profiled candidates add


def default_candidates(season_length: int = 12, h: int = 12) -> tuple[Forecaster, ...]:
    """The models ``auto`` chooses from or combines by default (all fast kernels; ETS is opt-in, being slow).

    Window averages over ``h`` and ``2 h`` steps sit beside the smoothing methods (on car parts and M5
    a window of the horizon was the best single peer); on calendars with a strong within-season shape
    (daily: 7, hourly: 24) the flat methods also come shaped by a seasonal profile.
    """
    seasonal: tuple[Forecaster, ...] = (SeasonalNaive(season_length),) if season_length > 1 else ()
    flat: tuple[FlatForecaster, ...] = (
        MovingAverage(), MovingAverage(h), MovingAverage(2 * h), Croston(), SBA(), TSB(), TSB(0.2, 0.2), ADIDA(),
        IMAPA(), SES(),
    )  # fmt: skip
    shaped: tuple[Forecaster, ...] = ()
    if season_length in PROFILED_SEASONS:
        shaped = tuple(Profiled(base, season_length) for base in (MovingAverage(h), MovingAverage(2 * h), TSB(), SES()))
    return (Naive(), *seasonal, *flat, *shaped)


class AutoForecaster(Forecaster):
    """Choose a model per series (or per demand class) by rolling-origin backtest MASE.

    Parameters
    ----------
    models
        Candidate forecasters (unfitted); default :func:`default_candidates`.
    season_length
        Steps per season for the default seasonal-naive candidate (1: none).
    backtest
        Origins used for the choice and for the intervals; default ``Backtest()`` (12 origins, h 12).
    select
        ``"series"``: each series takes its best candidate by its own backtest MASE shrunk toward
        its class's (``shrinkage``). ``"class"``: all series of one Syntetos-Boylan class take the
        candidate with the least mean MASE over that class, which is less noisy when the history is
        short.
    cold_start
        Cold-start model for series shorter than its ``threshold()``; None leaves them to the backtest
        choice (or naive when too short for any origin).
    metric
        The backtest loss that chooses: ``"stocking"`` (the mean, held to the backtest demand) and
        ``"rmsse"`` fit a combination of the candidates per demand class
        (:mod:`optiops.forecast.combine`); ``"mase"`` (the median) and ``"pinball"`` (the quantiles
        ``forecast + error quantile``) choose one candidate per series as ``select`` says.
    shrinkage
        ``select="series"`` only: weight ``w`` in [0, 1] of the class in each series' score. Each
        series takes the candidate of least ``(1 - w) x its own MASE + w x the mean MASE of its
        Syntetos-Boylan class``. One series' backtest is short and noisy, so its own winner is
        often luck. 0 is the plain per-series choice; 1 is close to the class choice, except that
        a series with zero naive scale ranks by its own MAE, a candidate that failed on a series
        stays out of its choice, and a class without a fully scored series keeps each own winner.
    global_model
        A global direct model (:class:`~optiops.forecast.boosting.GlobalBoosting`, needs LightGBM), or a
        tuple of them, to add as the last candidates: each backtested by one fit before the oldest
        origin (:func:`~optiops.forecast.backtest.cross_validate_global`), refitted on all series for
        the forecast. Their ``horizon`` must cover the forecast's. Global models that differ (training
        window, tree size) err differently, so the combination can weight several. None (default):
        the fast kernels only.

    Attributes
    ----------
    choice_
        Index of the chosen candidate per series; ``-1`` means the naive fallback, ``-2`` cold start,
        ``-3`` the combination.
    weights_
        Combination weights ``(n_series, n_candidates)`` (``"stocking"``, ``"rmsse"``; zeros otherwise).
    interval_choice_
        The candidate whose bounds each series gets: its own backtest winner (``choice_`` with
        ``select="class"``). The bounds are that candidate's forecast plus its error quantiles, so
        where the two choices differ the mean may lie outside ``[lo, hi]``. A candidate is refitted
        once on all series that use it for either purpose (a pooled candidate sees them all).
    backtest_
        The backtest of ``interval_choice_`` (the errors behind the bounds).
    scores_
        Backtest loss of the choice (MASE, or scaled pinball with ``metric="pinball"``),
        ``(n_series, n_candidates)``; ``inf`` where a candidate failed, NaN where the scale is zero.
    """

    alias = "auto"
    intervals: Backtest | None = None  # intervals always come from the selection backtest

    def __init__(
        self,
        models: tuple[Forecaster, ...] | None = None,
        season_length: int = 12,
        backtest: Backtest | None = None,
        select: Literal["series", "class"] = "series",
        cold_start: ColdStart | None = None,
        shrinkage: float = 0.5,
        metric: Metric = "stocking",
        global_model: GlobalBoosting | tuple[GlobalBoosting, ...] | None = None,
    ) -> None:
        self.models = models
        self.season_length = season_length
        self.backtest = backtest
        self.select = select
        self.cold_start = cold_start
        self.shrinkage = shrinkage
        self.metric = metric
        self.global_model = global_model

    def candidates(self) -> tuple[Forecaster, ...]:
        """The candidate forecasters, in order of preference on ties (the global model, if any, last)."""
        h = (self.backtest or Backtest()).h
        local = self.models if self.models is not None else default_candidates(self.season_length, h)
        return (*local, *self.global_models())

    def global_models(self) -> tuple[GlobalBoosting, ...]:
        """The global candidates (none, one or several), in order."""
        if self.global_model is None:
            return ()
        return self.global_model if isinstance(self.global_model, tuple) else (self.global_model,)

    @property
    def chosen_(self) -> np.ndarray:
        """Alias of the model used for each series."""
        names = np.array(
            [m.alias for m in self.candidates()] + ["Combination", ColdStart.alias, Naive.alias], dtype=object
        )
        return names[self.choice_]

    def _fit_panel(self, panel: Panel) -> None:
        if self.select not in ("series", "class"):
            raise ValueError(f"select must be 'series' or 'class', got {self.select!r}")
        if not 0.0 <= self.shrinkage <= 1.0:
            raise ValueError(f"shrinkage must be in [0, 1], got {self.shrinkage!r}")
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {self.metric!r}")
        options = self.backtest or Backtest()
        models = self.candidates()
        globals_ = self.global_models()
        local = models[: len(models) - len(globals_)]
        results = cross_validate_many(local, panel, options, observed=self.observed_)
        for model in globals_:
            results.append(cross_validate_global(model, panel, options, observed=self.observed_))
        mae = np.stack([r.mae() for r in results], axis=1)
        mae[~np.isfinite(mae)] = np.inf
        scale = self.scale_[:, None]
        stacked = np.stack([r.forecasts for r in results], axis=1) if results else np.zeros((0, 0, 0, 0))
        actuals_bt = results[0].actuals if results else np.zeros((0, 0, 0))
        loss = mae
        if self.metric == "pinball":  # per series, rank by the pinball loss of the candidates' quantiles
            loss = pinball_scores(stacked, actuals_bt, self.scale_)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.scores_ = np.where(scale > 0, loss / np.where(scale > 0, scale, 1.0), np.nan)
        # per series, MAE ranks like MASE (the scale is fixed per series) and exists for zero scale too
        own = np.argmin(loss, axis=1)
        self.weights_ = np.zeros(loss.shape)
        if self.select == "class":
            choice = self._class_choice(panel)
        else:
            choice = self._shrunk_choice(panel, loss) if self.shrinkage > 0 else own.copy()
        if self.metric in ("stocking", "rmsse") and results:
            labels = syntetos_boylan(panel.values, panel.offsets).label
            observed = panel.values if self.observed_ is None else np.where(self.observed_, panel.values, np.nan)
            scale_sq = squared_naive_scale(observed, panel.offsets)
            objective: Literal["stocking", "rmsse"] = "rmsse" if self.metric == "rmsse" else "stocking"
            alive = np.any(np.isfinite(mae), axis=0)  # a candidate that failed everywhere (say, the global
            # model without LightGBM) would leave no step that every candidate forecast: it stays out
            self.weights_[:, alive] = combination_weights(stacked[:, alive], actuals_bt, scale_sq, labels, objective)
            # a series whose weighted candidates all forecast in the backtest takes the combination
            used = self.weights_ > 0
            whole = np.all(np.isfinite(mae) | ~used, axis=1) & used.any(axis=1)
            choice[whole] = COMBO
        bounds = choice.copy() if self.select == "class" else own
        rows = np.arange(choice.shape[0])
        for chosen in (choice, bounds):
            single = chosen >= 0
            chosen[single & ~np.isfinite(mae[rows, np.maximum(chosen, 0)])] = NAIVE
            if self.cold_start is not None:
                chosen[np.diff(panel.offsets) < self.cold_start.threshold()] = COLD
        self.choice_, self.interval_choice_ = choice, bounds
        forecasts = np.full(results[0].forecasts.shape, np.nan) if results else np.zeros((0, 0, 0))
        actuals = forecasts.copy()
        for j, result in enumerate(results):
            mine = bounds == j
            forecasts[mine], actuals[mine] = result.forecasts[mine], result.actuals[mine]
        self.backtest_ = BacktestResult(forecasts, actuals, options.step)
        self.last_ = panel.values[panel.offsets[1:] - 1]
        self._fit_chosen(panel, models)

    def _class_means(self, panel: Panel) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Syntetos-Boylan label per series, and per label the candidates' mean MASE over its series
        where every candidate scored (labels with no such series are left out)."""
        labels = syntetos_boylan(panel.values, panel.offsets).label
        means = {}
        for label in np.unique(labels):
            scores = self.scores_[labels == label]
            usable = scores[np.all(np.isfinite(scores), axis=1)]
            if usable.size:
                means[str(label)] = usable.mean(axis=0)
        return labels, means

    def _class_choice(self, panel: Panel) -> np.ndarray:
        """Per Syntetos-Boylan class, the candidate with the least mean MASE over the class."""
        labels, means = self._class_means(panel)
        choice = np.zeros(labels.shape[0], dtype=np.int64)
        for label, mean in means.items():
            choice[labels == label] = int(np.argmin(mean))
        return choice

    def _shrunk_choice(self, panel: Panel, mae: np.ndarray) -> np.ndarray:
        """Per series, the least of ``(1 - w) x own MASE + w x class mean MASE`` (see ``shrinkage``)."""
        labels, means = self._class_means(panel)
        score = self.scores_.copy()
        for label, mean in means.items():
            members = labels == label
            score[members] = (1 - self.shrinkage) * score[members] + self.shrinkage * mean
        # NaN: a zero naive scale (rank by MAE alone) or 0 x inf at w = 1 (a failed candidate: MAE is inf)
        score = np.where(np.isnan(score), mae, score)
        return np.argmin(score, axis=1)

    def _fit_chosen(self, panel: Panel, models: tuple[Forecaster, ...]) -> None:
        """Refit each chosen candidate (point or interval) on its series' whole history; failures fall back to naive.

        A candidate is refitted on all its series at once. When that fails, it is refitted on each
        series alone, so that only the series it cannot fit fall back to naive (one bad series used to
        send every series of the candidate to naive).
        """
        self.fitted_: list[tuple[int, np.ndarray, Forecaster]] = []
        self.cold_: tuple[np.ndarray, Forecaster] | None = None
        if np.any(self.choice_ == COLD) and self.cold_start is not None:  # fitted on all: long series lend their shape
            self.cold_ = (np.flatnonzero(self.choice_ == COLD), self.cold_start.point_clone().fit(panel))
        combo = self.choice_ == COMBO
        used = [int(j) for j in np.unique(np.concatenate([self.choice_, self.interval_choice_])) if j >= 0]
        used += [int(j) for j in np.flatnonzero(np.any(self.weights_[combo] > 0, axis=0)) if j not in used]
        for j in sorted(used):
            weighted = combo & (self.weights_[:, j] > 0)
            idx = np.flatnonzero((self.choice_ == j) | (self.interval_choice_ == j) | weighted)
            if j >= len(models) - len(self.global_models()):
                self._fit_global(panel, j, idx, models[j])
                continue
            try:
                self.fitted_.append((j, idx, models[j].point_clone().fit(_subset(panel, idx))))
                continue
            except Exception as exc:  # retry series by series rather than fail the whole batch
                batch_error = exc
            failed = []
            for i in idx:
                try:
                    self.fitted_.append((j, idx[idx == i], models[j].point_clone().fit(_subset(panel, idx[idx == i]))))
                except Exception:
                    failed.append(i)
            if failed:
                logger.warning("auto: %s failed on %d of its %d series (%s); using naive for those",
                               models[j].alias, len(failed), idx.size, batch_error)  # fmt: skip
                lost = (self.choice_[failed] == j) | ((self.choice_[failed] == COMBO) & (self.weights_[failed, j] > 0))
                self.choice_[failed] = np.where(lost, NAIVE, self.choice_[failed])
                self.interval_choice_[failed] = np.where(
                    self.interval_choice_[failed] == j, NAIVE, self.interval_choice_[failed]
                )
        idx = np.flatnonzero((self.choice_ == NAIVE) | (self.interval_choice_ == NAIVE))
        if idx.size:
            self.fitted_.append((NAIVE, idx, Naive().fit(_subset(panel, idx))))

    def _fit_global(self, panel: Panel, j: int, idx: np.ndarray, model: Forecaster) -> None:
        """Refit a global model on every series (it learns from all); if that fails, its series go naive."""
        try:
            self.fitted_.append((j, np.arange(self.n_series_), model.clone().fit(panel)))
        except Exception as exc:  # one fit of a global model: no series-by-series retry
            logger.warning("auto: %s failed (%s); using naive for its %d series", model.alias, exc, idx.size)
            self.choice_[idx] = np.where(self.choice_[idx] == j, NAIVE, self.choice_[idx])
            self.choice_[idx] = np.where(
                (self.choice_[idx] == COMBO) & (self.weights_[idx, j] > 0), NAIVE, self.choice_[idx]
            )
            self.interval_choice_[idx] = np.where(self.interval_choice_[idx] == j, NAIVE, self.interval_choice_[idx])

    def _predict_mean(self, h: int) -> np.ndarray:
        return self._mean_of(self.choice_, h)

    def _predict_intervals(self, mean: np.ndarray, levels: list[float]) -> dict[str, np.ndarray]:
        """Bounds around the interval candidate's own forecast, from its backtest errors."""
        if not np.array_equal(self.interval_choice_, self.choice_):
            mean = self._mean_of(self.interval_choice_, mean.shape[1])
        return super()._predict_intervals(mean, levels)

    def _mean_of(self, choice: np.ndarray, h: int) -> np.ndarray:
        """Forecasts of each series' candidate in ``choice`` (naive where one is not finite)."""
        mean = np.zeros((self.n_series_, h))
        for j, idx, model in self.fitted_:
            forecast = model.predict(h)["mean"]
            mine = choice[idx] == j
            mean[idx[mine]] = forecast[mine]
            if j >= 0:
                combo = choice[idx] == COMBO
                mean[idx[combo]] += self.weights_[idx[combo], j][:, None] * forecast[combo]
        if self.cold_ is not None:
            idx, model = self.cold_
            mean[idx] = model.predict(h)["mean"][idx]
        bad = ~np.isfinite(mean)
        if np.any(bad):  # a candidate that fitted but cannot forecast: naive for those steps
            logger.warning("auto: %d non-finite forecasts replaced by naive", int(bad.sum()))
            mean[bad] = np.broadcast_to(self.last_[:, None], mean.shape)[bad]
        return mean


def _subset(panel: Panel, idx: np.ndarray) -> Panel:
    flat, offsets = segment_index(panel.offsets[idx], np.diff(panel.offsets)[idx])
    return Panel(panel.values[flat], offsets)
