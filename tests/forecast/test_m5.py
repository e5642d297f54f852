"""The M5 reader, the global boosted model and the integer calibration criterion, on data built here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.forecast.cases import history_of

from optiops.exceptions import InstanceError
from optiops.forecast.base import ForecastError
from optiops.forecast.evaluation import integer_calibration
from optiops.forecast.m5 import read_m5


def m5_folder(tmp_path: Path, days: int = 21) -> Path:
    """Two series (CA and TX stores) over ``days`` days, the calendar one week longer, prices from week 2."""
    dates = pd.date_range("2011-01-29", periods=days + 7, freq="D")
    ids = ("A_CA_1", "A_TX_1")
    sales = pd.DataFrame({"unique_id": np.repeat(ids, days), "ds": np.tile(dates[:days].strftime("%Y-%m-%d"), 2),
                          "y": np.arange(2 * days) % 3})  # fmt: skip
    sales.to_csv(tmp_path / "sales.csv.gz", index=False)
    pd.DataFrame({"unique_id": ids, "item_id": "A", "dept_id": "D", "cat_id": "C", "store_id": ["CA_1", "TX_1"],
                  "state_id": ["CA", "TX"]}).to_csv(tmp_path / "series.csv", index=False)  # fmt: skip
    week = 11101 + np.arange(len(dates)) // 7
    calendar = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "wm_yr_wk": week, "event_type_1": "",
                             "event_type_2": "", "snap_CA": (dates.day <= 10).astype(int), "snap_TX": 0,
                             "snap_WI": 0})  # fmt: skip
    calendar.loc[3, "event_type_1"] = "Sporting"
    calendar.to_csv(tmp_path / "calendar.csv.gz", index=False)
    prices = pd.DataFrame({"store_id": "CA_1", "item_id": "A", "wm_yr_wk": np.unique(week)[1:], "sell_price": 2.5})
    prices.loc[len(prices) - 1, "sell_price"] = 2.0
    prices.to_csv(tmp_path / "sell_prices.csv.gz", index=False)
    return tmp_path


def test_read_m5_lays_regressors_over_the_whole_calendar(tmp_path: Path) -> None:
    """Prices fill back to the first listed week, SNAP follows the state, events the type, the future included."""
    data = read_m5(m5_folder(tmp_path))
    assert data.history.n_series == 2 and data.price.shape == (2, 28) and data.events.shape == (28, 4)
    assert data.price[0, 0] == 2.5 and data.price[0, -1] == 2.0 and not data.listed[0, 0] and data.listed[0, 7]
    assert not data.listed[1].any()  # no price rows for the TX store
    assert data.snap[0, 0] == 0 and data.snap[0, 3] == 1 and data.snap[1].sum() == 0  # 2011-02-01 is a CA SNAP day
    assert data.events[3].tolist() == [0.0, 0.0, 0.0, 1.0] and data.events.sum() == 1


def test_read_m5_names_the_file_and_column_missing(tmp_path: Path) -> None:
    """A calendar without the SNAP column of a series' state is refused, naming file and column."""
    folder = m5_folder(tmp_path)
    calendar = pd.read_csv(folder / "calendar.csv.gz").drop(columns="snap_TX")
    calendar.to_csv(folder / "calendar.csv.gz", index=False)
    with pytest.raises(InstanceError, match=r"calendar\.csv\.gz.*snap_TX"):
        read_m5(folder)


def test_integer_calibration_reads_both_shares() -> None:
    """For counts, q at t is calibrated when share(y < q) <= t and share(y <= q) >= t (within 0.02)."""
    y = np.array([[0.0, 0.0, 0.0, 1.0, 2.0]])
    # 80 % interval -> quantiles 0.1 (lo) and 0.9 (hi); lo = 0 holds 0 below and 0.6 at or below: calibrated
    good = integer_calibration(y, {"lo-80": np.zeros((1, 5)), "hi-80": np.full((1, 5), 2.0)}, (80,))
    assert good["below-0.1"] == 0.0 and good["at_or_below-0.1"] == 0.6
    assert good["below-0.9"] == 0.8 and good["at_or_below-0.9"] == 1.0 and good["calibrated"]
    low = integer_calibration(y, {"lo-80": np.zeros((1, 5)), "hi-80": np.full((1, 5), 1.0)}, (80,))
    assert low["at_or_below-0.9"] == 0.8 and not low["calibrated"]  # 0.8 < 0.9 - 0.02


def test_global_boosting_learns_a_regressor_effect() -> None:
    """Demand that jumps by 20 on flagged days: the global model forecasts the jump where the future flag is on."""
    pytest.importorskip("lightgbm")
    from optiops.forecast.boosting import GlobalBoosting

    rng = np.random.default_rng(0)
    n, length, h = 20, 200, 7
    flag = (rng.random((n, length + h)) < 0.3).astype(float)
    y = rng.poisson(3.0, (n, length)) + 20 * flag[:, :length]
    model = GlobalBoosting(horizon=h, rounds=60).fit(history_of(*y.tolist(), freq="D"), flag[:, :length].reshape(-1, 1))
    mean = model.predict(h, X=flag[:, length:].reshape(-1, 1))["mean"]
    on = flag[:, length:] == 1
    assert mean[on].mean() - mean[~on].mean() > 15
    with pytest.raises(ForecastError, match="horizon"):
        model.predict(h + 1, X=np.zeros((n * (h + 1), 1)))
