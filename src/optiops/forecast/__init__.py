"""Demand forecasting: baselines, intermittent-demand methods, ETS, SARIMAX with regressors, cold start,
``auto`` selection by backtest.

Forecasters follow statsforecast / scikit-learn conventions (``fit(y) -> self``,
``predict(h, level=...)``); many series are fitted in one call as one flat array plus offsets.
"""

from optiops.forecast.api import forecast_csv, forecast_frame
from optiops.forecast.auto import AutoForecaster, default_candidates
from optiops.forecast.backtest import BacktestResult, cross_validate
from optiops.forecast.base import Backtest, Forecaster, ForecastError, Panel
from optiops.forecast.classify import DemandClasses, syntetos_boylan
from optiops.forecast.coldstart import ColdStart
from optiops.forecast.ets import AutoETS
from optiops.forecast.evaluation import evaluate_models, score
from optiops.forecast.models import ADIDA, SBA, SES, TSB, Croston, MovingAverage, Naive, SeasonalNaive
from optiops.forecast.registry import MODEL_NAMES, make_model, season_length_of
from optiops.forecast.regressors import Regressors
from optiops.forecast.sarimax import AutoSARIMAX

__all__ = [
    "ADIDA",
    "MODEL_NAMES",
    "SBA",
    "SES",
    "TSB",
    "AutoETS",
    "AutoForecaster",
    "AutoSARIMAX",
    "Backtest",
    "BacktestResult",
    "ColdStart",
    "Croston",
    "DemandClasses",
    "ForecastError",
    "Forecaster",
    "MovingAverage",
    "Naive",
    "Panel",
    "Regressors",
    "SeasonalNaive",
    "cross_validate",
    "default_candidates",
    "evaluate_models",
    "forecast_csv",
    "forecast_frame",
    "make_model",
    "score",
    "season_length_of",
    "syntetos_boylan",
]
