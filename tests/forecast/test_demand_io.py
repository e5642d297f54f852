"""Reading long-format demand history: layout, zero filling and every kind of bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optiops.exceptions import InstanceError
from optiops.io.demand import demand_from_frame, read_demand

GOOD = """unique_id,ds,y
b,2020-01-01,1
a,2020-02-01,2
a,2020-04-01,3
b,2020-02-01,0
"""


def write(tmp_path: Path, text: str, name: str = "history.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_layout_sorted_by_id_with_missing_dates_as_zero(tmp_path: Path) -> None:
    """Series are sorted by id, gaps and the tail up to the file's last date are zero demand."""
    h = read_demand(write(tmp_path, GOOD))
    assert h.ids == ("a", "b") and h.freq == "MS"
    np.testing.assert_array_equal(h.offsets, [0, 3, 7])
    np.testing.assert_array_equal(h.values, [2, 0, 3, 1, 0, 0, 0])
    assert h.values.dtype == np.float64 and h.offsets.dtype == np.int64
    assert list(h.first) == [1, 0] and h.origin == pd.Timestamp("2020-01-01")


def test_gzip_csv_is_read(tmp_path: Path) -> None:
    """A .csv.gz file gives the same history as the plain CSV."""
    path = tmp_path / "history.csv.gz"
    path.write_bytes(gzip.compress(GOOD.encode()))
    np.testing.assert_array_equal(read_demand(path).values, read_demand(write(tmp_path, GOOD)).values)


def test_parquet_is_read(tmp_path: Path) -> None:
    """A Parquet file with typed columns gives the same history as the CSV."""
    pytest.importorskip("pyarrow")
    frame = pd.read_csv(write(tmp_path, GOOD), parse_dates=["ds"])
    frame.to_parquet(tmp_path / "history.parquet")
    np.testing.assert_array_equal(read_demand(tmp_path / "history.parquet").values, [2, 0, 3, 1, 0, 0, 0])


def test_round_trip_to_frame(tmp_path: Path) -> None:
    """to_frame gives back every original row (plus the zero-filled ones)."""
    frame = read_demand(write(tmp_path, GOOD)).to_frame()
    row = frame[(frame.unique_id == "a") & (frame.ds == pd.Timestamp("2020-04-01"))]
    assert len(frame) == 7 and float(row.y.iloc[0]) == 3.0


def test_duplicated_rows_name_both_lines(tmp_path: Path) -> None:
    """A duplicated (id, date) is reported with both CSV lines and the key columns."""
    with pytest.raises(
        InstanceError,
        match=r"history.csv: line 2 and line 6, columns \('unique_id', 'ds'\): duplicated \('b', 2020-01-01\)",
    ):
        read_demand(write(tmp_path, GOOD + "b,2020-01-01,4\n"))


def test_negative_demand_names_line_and_column(tmp_path: Path) -> None:
    """Negative demand is reported with its line and the y column."""
    with pytest.raises(InstanceError, match=r"line 3, column 'y': negative demand -2"):
        read_demand(write(tmp_path, GOOD.replace("a,2020-02-01,2", "a,2020-02-01,-2")))


def test_non_numeric_demand_names_line(tmp_path: Path) -> None:
    """A non-numeric y value is reported with its line and the value."""
    with pytest.raises(InstanceError, match=r"line 4, column 'y': 'three' is not a number"):
        read_demand(write(tmp_path, GOOD.replace("a,2020-04-01,3", "a,2020-04-01,three")))


def test_empty_demand_marks_the_value_missing(tmp_path: Path) -> None:
    """An empty y is a value marked missing (NaN), not zero; a date without a row is still zero demand."""
    h = read_demand(write(tmp_path, GOOD.replace("b,2020-02-01,0", "b,2020-02-01,")))
    np.testing.assert_array_equal(h.values, [2, 0, 3, 1, np.nan, 0, 0])
    with pytest.raises(InstanceError, match=r"line 4, column 'y': 'n/a' is not a number"):
        read_demand(write(tmp_path, GOOD.replace("a,2020-04-01,3", "a,2020-04-01,n/a")))


def test_bad_date_names_line(tmp_path: Path) -> None:
    """A date that is not ISO is reported with its line and the ds column."""
    with pytest.raises(InstanceError, match=r"line 2, column 'ds': '01/13/2020' is not an ISO date"):
        read_demand(write(tmp_path, GOOD.replace("b,2020-01-01", "b,01/13/2020")))


def test_irregular_dates_name_the_row(tmp_path: Path) -> None:
    """A mid-month date in monthly data is off the calendar and reported with its line."""
    with pytest.raises(
        InstanceError, match=r"line 4, column 'ds': 2020-04-15 is off the MS calendar starting 2020-01-01 \(irregular"
    ):
        read_demand(write(tmp_path, GOOD.replace("a,2020-04-01", "a,2020-04-15")))


def test_unknown_frequency_is_rejected(tmp_path: Path) -> None:
    """Dates three days apart are no supported frequency."""
    text = "unique_id,ds,y\na,2020-01-01,1\na,2020-01-04,2\na,2020-01-07,0\n"
    with pytest.raises(InstanceError, match="unknown frequency"):
        read_demand(write(tmp_path, text))


def test_explicit_frequency_overrides_inference(tmp_path: Path) -> None:
    """With freq='D', three-day steps are daily data with two zero days between rows."""
    text = "unique_id,ds,y\na,2020-01-01,1\na,2020-01-04,2\n"
    np.testing.assert_array_equal(read_demand(write(tmp_path, text), freq="D").values, [1, 0, 0, 2])


def test_hourly_and_weekly_frequencies_are_inferred() -> None:
    """Hourly and weekly steps are recognised (weekly anchored on the first date's weekday)."""
    hourly = pd.DataFrame({"unique_id": "a", "ds": ["2020-01-01 00:00", "2020-01-01 01:00"], "y": [1, 2]})
    weekly = pd.DataFrame({"unique_id": "a", "ds": ["2020-01-06", "2020-01-13", "2020-01-27"], "y": [1, 2, 3]})
    assert demand_from_frame(hourly).freq == "h"
    assert demand_from_frame(weekly).freq == "W-MON" and demand_from_frame(weekly).values.tolist() == [1, 2, 0, 3]


def test_missing_column_is_named(tmp_path: Path) -> None:
    """A file without the y column says which column is missing."""
    with pytest.raises(InstanceError, match=r"missing column\(s\) \['y'\]"):
        read_demand(write(tmp_path, "unique_id,ds,qty\na,2020-01-01,1\n"))


def test_unknown_suffix_is_rejected(tmp_path: Path) -> None:
    """Only CSV (optionally compressed) and Parquet files are read."""
    with pytest.raises(InstanceError, match="unknown file type"):
        read_demand(write(tmp_path, GOOD, "history.xlsx"))


def test_split_holds_out_the_last_steps(tmp_path: Path) -> None:
    """split(h) keeps all but the last h steps and returns those as an (n, h) array."""
    train, test = read_demand(write(tmp_path, GOOD)).split(1)
    np.testing.assert_array_equal(test, [[3], [0]])
    np.testing.assert_array_equal(train.lengths, [2, 3])
