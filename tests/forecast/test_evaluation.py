"""Hold-out evaluation table, the one-shot forecast table, ETS and the car-parts runner."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.forecast.cases import poisson_panel

from optiops.forecast import AutoETS, evaluate_models, forecast_csv, forecast_frame, make_model
from optiops.forecast.bench import run_carparts

COLUMNS = {"model", "group", "n_series", "mase", "rmsse", "bias", "pinball", "wape", "coverage-80", "coverage-95",
           "seconds", "series_per_s"}  # fmt: skip


def test_table_has_a_row_per_model_and_group() -> None:
    """evaluate_models gives every metric for all series and for each class present."""
    table = evaluate_models(poisson_panel(40, 30, 0.4), 6, models=("naive", "auto"))
    assert set(table.columns) >= COLUMNS
    assert set(table.model) == {"naive", "auto"} and "all" in set(table.group)
    assert table.loc[table.group == "all", "n_series"].tolist() == [40, 40]


def test_forecast_frame_continues_the_calendar() -> None:
    """forecast_frame has one row per series and step, dated after each series' last month."""
    history = poisson_panel(3, 12, 2.0)
    frame = forecast_frame(history, 2, model="ses", levels=[80])
    assert list(frame.columns) == ["unique_id", "ds", "model", "forecast", "lo-80", "hi-80"]
    assert len(frame) == 6 and frame.ds.iloc[0] == pd.Timestamp("2021-01-01")
    assert forecast_csv(frame).splitlines()[1].startswith("s0,2021-01-01,SES,")


def test_chunks_give_the_same_forecasts() -> None:
    """Cutting the series into chunks does not change any per-series model."""
    history = poisson_panel(7, 24, 1.0)
    whole = forecast_frame(history, 3, model="tsb", levels=[80])
    chunked = forecast_frame(history, 3, model="tsb", levels=[80], chunk_size=3)
    pd.testing.assert_frame_equal(whole, chunked)


def test_unknown_model_name_raises() -> None:
    """make_model names the valid choices for an unknown model."""
    with pytest.raises(ValueError, match="one of naive"):
        make_model("prophet")


def test_ets_picks_trend_for_a_trending_series() -> None:
    """On a noisy straight line ETS picks a trend configuration and keeps rising."""
    y = 10 + 2.0 * np.arange(30) + np.random.default_rng(0).normal(0, 0.5, 30)
    model = AutoETS().fit(y)
    pred = model.predict(3, level=[80])
    assert model.config_[0] == "A,Ad,N" and pred["mean"][2] > pred["mean"][0] > y[-1]
    assert np.all(pred["lo-80"] < pred["mean"]) and np.all(pred["mean"] < pred["hi-80"])


def test_ets_constant_series_is_its_value() -> None:
    """A constant series needs no fit: its value, with zero-width intervals."""
    pred = AutoETS().fit([0.0] * 8).predict(2, level=[95])
    assert pred["mean"].tolist() == [0.0, 0.0] and pred["hi-95"].tolist() == [0.0, 0.0]


def test_carparts_runner_on_a_small_file(tmp_path: Path) -> None:
    """run_carparts reads a file, scores the chosen models on a subset and adds the zero reference."""
    path = tmp_path / "parts.csv.gz"
    frame = poisson_panel(12, 30, 0.5).to_frame()
    path.write_bytes(gzip.compress(frame.to_csv(index=False).encode()))
    table = run_carparts(path, horizon=6, models=("naive", "adida"), n_series=8)
    assert set(table.model) == {"naive", "adida", "zero (reference)", "zero-share floor (reference)"}
    assert table.loc[(table.model == "naive") & (table.group == "all"), "n_series"].item() == 8


def test_coverage_floor_is_the_mean_of_zero_share_or_nominal() -> None:
    """Series a (5 of 6 zeros) cannot be covered below 5/6 by an interval holding zero; b (no zeros)
    can reach 0.8 exactly: the floor is their mean, per level."""
    from optiops.forecast.evaluation import coverage_floor

    train = poisson_panel(2, 24, 1.0)
    test = np.array([[0, 0, 0, 0, 0, 3], [1, 2, 1, 4, 2, 1]], dtype=float)
    rows = {r["group"]: r for r in coverage_floor(train, test, (80, 95))}
    assert rows["all"]["coverage-80"] == pytest.approx((5 / 6 + 0.8) / 2)
    assert rows["all"]["coverage-95"] == pytest.approx(0.95)
    assert rows["all"]["n_series"] == 2


def test_result_rows_are_json_ready() -> None:
    """Result rows carry the common keys and None instead of NaN."""
    from optiops.forecast.bench import result_rows

    table = pd.DataFrame({"model": ["zero"], "mase": [0.5], "pinball": [float("nan")]})
    assert result_rows(table, suite="forecast-carparts") == [
        {"suite": "forecast-carparts", "model": "zero", "mase": 0.5, "pinball": None}
    ]
