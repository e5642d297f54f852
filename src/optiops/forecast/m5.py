"""The M5 subset (``../shared/benchmarks/m5/``): daily sales, the calendar and weekly prices as arrays.

Sales are read as a demand history (``sales.csv.gz``); the regressors are laid out per series and per
day of the whole calendar (the sales days and the days after them), so a hold-out or a forecast can
read the future values it is allowed to know: the price (a week's price is known in advance, as in
the M5 protocol; days before an item's first listed week take its first price), whether the state has
a SNAP day, and whether the day holds an event (per event type).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError
from optiops.io.demand import read_demand
from optiops.model.demand import DemandHistory

EVENT_TYPES = ("Cultural", "National", "Religious", "Sporting")
CALENDAR_COLUMNS = ("date", "wm_yr_wk", "event_type_1", "event_type_2", "snap_CA", "snap_TX", "snap_WI")


@dataclass(frozen=True)
class M5Data:
    """Sales history and calendar regressors of the M5 subset.

    Attributes
    ----------
    history
        Daily sales, one series per item x store.
    dates
        Every calendar day from the first sales day on (``n_days``).
    price, snap
        ``(n_series, n_days)``: sell price, SNAP day of the series' state (0/1).
    events
        ``(n_days, len(EVENT_TYPES))``: a day holds an event of each type (0/1).
    listed
        ``(n_series, n_days)``: the item had a price in that store that week (it was on sale).
    info
        One row per series: ``unique_id, item_id, dept_id, cat_id, store_id, state_id``.
    """

    history: DemandHistory
    dates: pd.DatetimeIndex
    price: np.ndarray
    snap: np.ndarray
    events: np.ndarray
    listed: np.ndarray
    info: pd.DataFrame


def read_m5(folder: str | Path) -> M5Data:
    """Read ``sales.csv.gz``, ``series.csv``, ``calendar.csv.gz`` and ``sell_prices.csv.gz`` of ``folder``.

    Raises
    ------
    InstanceError
        A missing file or column (named with the file), or a series without a row in ``series.csv``.
    """
    folder = Path(folder)
    history = read_demand(_file(folder, "sales.csv.gz"), freq="D")
    info = _table(folder, "series.csv", ("unique_id", "item_id", "dept_id", "cat_id", "store_id", "state_id"))
    info = info.astype(str).set_index("unique_id")
    missing = [i for i in history.ids if i not in info.index]
    if missing:
        raise InstanceError(
            f"column 'unique_id': no row for {missing[:5]} ({len(missing)} series)", str(folder / "series.csv")
        )
    info = info.loc[list(history.ids)].reset_index()
    calendar = _table(folder, "calendar.csv.gz", CALENDAR_COLUMNS)
    calendar["date"] = pd.to_datetime(calendar["date"])
    start = history.grid(1)[0]
    calendar = calendar[calendar["date"] >= start].reset_index(drop=True)
    expected = pd.date_range(start, periods=len(calendar), freq="D")
    if len(calendar) < int(history.end_positions().max()) + 1 or not calendar["date"].equals(pd.Series(expected)):
        raise InstanceError(
            "column 'date': the calendar must hold every day of the sales, in order", str(folder / "calendar.csv.gz")
        )
    states = info["state_id"].to_numpy()
    snap_columns = {s: f"snap_{s}" for s in np.unique(states)}
    absent = [c for c in snap_columns.values() if c not in calendar.columns]
    if absent:
        raise InstanceError(f"missing column(s) {absent}", str(folder / "calendar.csv.gz"))
    snap = np.stack([calendar[snap_columns[s]].to_numpy(dtype=np.float64) for s in states])
    kinds = calendar[["event_type_1", "event_type_2"]].fillna("")
    events = np.stack([((kinds == t).any(axis=1)).to_numpy(dtype=np.float64) for t in EVENT_TYPES], axis=1)
    price, listed = _prices(folder, info, calendar["wm_yr_wk"].to_numpy())
    return M5Data(history, pd.DatetimeIndex(calendar["date"]), price, snap, events, listed, info)


def _prices(folder: Path, info: pd.DataFrame, weeks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Daily price per series (first listed price before the first listed week) and the listed mask."""
    prices = _table(folder, "sell_prices.csv.gz", ("store_id", "item_id", "wm_yr_wk", "sell_price"))
    key = info["item_id"] + "@" + info["store_id"]
    prices["series"] = pd.Index(key).get_indexer(
        pd.Index(prices["item_id"].astype(str) + "@" + prices["store_id"].astype(str))
    )
    prices = prices[prices["series"] >= 0]
    week_codes, week_index = np.unique(weeks, return_inverse=True)
    col = np.searchsorted(week_codes, prices["wm_yr_wk"].to_numpy())
    inside = (col < week_codes.shape[0]) & (week_codes[np.minimum(col, week_codes.shape[0] - 1)] == prices["wm_yr_wk"])
    weekly = np.full((len(info), week_codes.shape[0]), np.nan)
    weekly[prices["series"].to_numpy()[inside], col[inside]] = prices["sell_price"].to_numpy(dtype=np.float64)[inside]
    daily = weekly[:, week_index]
    listed = np.isfinite(daily)
    filled = pd.DataFrame(daily.T).ffill().bfill().to_numpy().T  # before listing: the first price
    return np.where(np.isfinite(filled), filled, 0.0), listed


def _file(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise InstanceError(f"no {name} in {folder} (the M5 data folder: --data or OPTIOPS_DATA)")
    return path


def _table(folder: Path, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    path = _file(folder, name)
    frame = pd.read_csv(path)
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise InstanceError(f"missing column(s) {absent}; columns found: {list(frame.columns)}", str(path))
    return frame
