"""Read long-format demand history (``unique_id``, ``ds``, ``y``) from CSV, CSV.gz or Parquet.

The boundary validates: every bad row is reported with file, row and column, and nothing past this
module sees a raw frame. Missing dates inside a series, and after its last row up to the last date of
the file, are zero demand (no row means no sale); a row with an empty ``y`` marks that value missing
(NaN in the history: the shop was closed, the feed broke), which is not zero. Rows are numbered as
a planner sees them: CSV rows by their line in the file (the header is line 1), Parquet rows from 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError
from optiops.model.demand import DemandHistory

ID, DS, Y = "unique_id", "ds", "y"
GROUP_COLUMNS = ("group", "category")
CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz")
PARQUET_SUFFIXES = (".parquet", ".pq")
MAX_PROBLEMS = 10
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


class DemandInputs(NamedTuple):
    """A history with what else its file holds: regressors aligned with its values, groups per series."""

    history: DemandHistory
    names: tuple[str, ...]
    past: np.ndarray | None
    groups: np.ndarray | None


def read_demand(path: str | Path, freq: str | None = None) -> DemandHistory:
    """Read and validate a demand history file.

    Parameters
    ----------
    path
        ``.csv`` (optionally compressed: ``.csv.gz``, ...) or ``.parquet`` with columns
        ``unique_id``, ``ds`` (ISO dates) and ``y`` (non-negative demand); other columns are ignored.
    freq
        pandas frequency alias (``"D"``, ``"h"``, ``"W-MON"``, ``"MS"``, ...); inferred when omitted.

    Returns
    -------
    DemandHistory
        Series sorted by id, missing dates filled with zero.

    Raises
    ------
    InstanceError
        The file cannot be read, or rows are invalid; the message names file, row and column.
    """
    path = Path(path)
    with _reading(path):
        frame, label = _read_table(path)
        return demand_from_frame(frame, str(path), freq, row_label=label)


def read_demand_inputs(path: str | Path, freq: str | None = None, regressors: Sequence[str] = ()) -> DemandInputs:
    """Read a demand history with its regressor columns and, when the file has one, a group column.

    Parameters
    ----------
    path
        As for :func:`read_demand`, plus one numeric column per name in ``regressors`` and optionally a
        ``group`` (or ``category``) column, constant within each series.
    freq
        pandas frequency alias; inferred when omitted.
    regressors
        Names of the regressor columns (e.g. ``("price", "promotion")``).

    Returns
    -------
    DemandInputs
        The history; regressors aligned with its values, on a zero-filled date the value of the
        series' previous row (prices and flags persist until the next row says otherwise); groups.

    Raises
    ------
    InstanceError
        As :func:`read_demand`, and a missing regressor column, a regressor value that is empty or not
        a finite number, or a series whose rows name different groups.
    """
    path = Path(path)
    names = _regressor_names(regressors, str(path))
    with _reading(path):
        frame, label = _read_table(path)
        history = demand_from_frame(frame, str(path), freq, row_label=label)
        past = _past_regressors(frame, history, names, label) if names else None
        return DemandInputs(history, names, past, _groups(frame, history, label))


def read_future(path: str | Path, history: DemandHistory, h: int, regressors: Sequence[str]) -> np.ndarray:
    """Read the future regressors of every series for the ``h`` steps after its history.

    Parameters
    ----------
    path
        CSV or Parquet with ``unique_id``, ``ds`` and the regressor columns; rows for other series or
        dates are ignored.
    history
        The history being forecast.
    h
        Steps ahead.
    regressors
        Names of the regressor columns, as for the history.

    Returns
    -------
    numpy.ndarray
        ``(n_series * h, k)``: the rows of each series' horizon, series after series.

    Raises
    ------
    InstanceError
        A missing column, a bad date or value (file, row, column), a duplicated (series, date), or a
        series and date of the horizon without a row.
    """
    path, source = Path(path), str(path)
    names = _regressor_names(regressors, source)
    with _reading(path):
        frame, row = _read_table(path)
        _require(frame, (ID, DS, *names), source)
        ids = frame[ID].astype(str).str.strip().to_numpy(dtype=object)
        ds = _parse_dates(frame[DS])
        raw_ds = frame[DS].to_numpy(dtype=object)
        problems = [f"{row(i)}, column {DS!r}: {raw_ds[i]!r} is not an ISO date" for i in _rows(np.asarray(ds.isna()))]
        values, bad_values = _numeric_columns(frame, names, row)
        _raise(problems + bad_values, source)
        _raise(_duplicates(ids, ds, row), source)
        return values[_horizon_rows(ids, ds, history, h, names, source)]


def demand_from_frame(
    frame: pd.DataFrame,
    source: str = "<frame>",
    freq: str | None = None,
    row_label: Callable[[int], str] | None = None,
) -> DemandHistory:
    """Validate a long-format frame and lay it out as a :class:`DemandHistory`.

    Parameters
    ----------
    frame
        Columns ``unique_id``, ``ds``, ``y``; values may be strings (as read from CSV) or typed.
    source
        Name used in messages (the file path).
    freq
        pandas frequency alias; inferred from the dates when omitted.
    row_label
        Turns a 0-based row position into the label used in messages (default ``"row i+1"``).

    Raises
    ------
    InstanceError
        Missing columns, empty ids, dates that are not ISO dates, non-numeric, empty, infinite or
        negative demand, duplicated (id, date) rows, unknown or irregular frequency.
    """
    label = row_label or _row_label
    _require(frame, (ID, DS, Y), source)
    ids = frame[ID].astype(str).str.strip().to_numpy(dtype=object)
    ds, y = _parse_dates(frame[DS]), _parse_demand(frame[Y])
    problems = [f"{label(i)}, column {ID!r}: empty id" for i in _rows(ids == "")]
    raw_ds, raw_y = frame[DS].to_numpy(dtype=object), frame[Y].to_numpy(dtype=object)
    problems += [f"{label(i)}, column {DS!r}: {raw_ds[i]!r} is not an ISO date" for i in _rows(np.asarray(ds.isna()))]
    marked = _empty_cells(frame[Y])  # an empty y marks the value missing
    problems += [_demand_problem(label(i), raw_y[i], y[i]) for i in _rows((~np.isfinite(y) & ~marked) | (y < 0))]
    _raise(problems, source)
    problems = _duplicates(ids, ds, label)
    _raise(problems, source)
    return _layout(ids, ds, y, source, freq, label)


def _parse_dates(column: pd.Series) -> pd.DatetimeIndex:
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.DatetimeIndex(column).as_unit("ns")
    parsed = pd.to_datetime(column.astype(str).str.strip(), format="ISO8601", errors="coerce")
    return pd.DatetimeIndex(parsed).as_unit("ns")  # one resolution, so integer steps are nanoseconds


def _parse_demand(column: pd.Series) -> np.ndarray:
    text = column.astype(str).str.strip() if column.dtype == object or pd.api.types.is_string_dtype(column) else column
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _rows(mask: np.ndarray) -> list[int]:
    """Positions of the rows where ``mask`` holds."""
    return [int(i) for i in np.flatnonzero(mask)]


def _empty_cells(column: pd.Series) -> np.ndarray:
    """Cells read as NaN or None by pandas, or blank text."""
    text = column.astype(str).str.strip()
    return np.asarray(column.isna() | text.isin(["", "nan", "NaN", "None", "<NA>"]), dtype=bool)


def _demand_problem(where: str, raw: object, value: float) -> str:
    if np.isnan(value):
        reason = f"{raw!r} is not a number"
    elif not np.isfinite(value):
        reason = f"{raw!r} is not a finite number"
    else:
        reason = f"negative demand {value:g}"
    return f"{where}, column {Y!r}: {reason}"


def _duplicates(ids: np.ndarray, ds: pd.DatetimeIndex, label: Callable[[int], str]) -> list[str]:
    dup = _rows(pd.DataFrame({"id": ids, "ds": ds}).duplicated(keep=False).to_numpy())
    groups: dict[tuple[str, int], list[int]] = {}
    for i in dup:
        groups.setdefault((str(ids[i]), int(ds.asi8[i])), []).append(i)
    return [
        f"{' and '.join(label(i) for i in rows)}, columns ({ID!r}, {DS!r}): "
        f"duplicated ({key[0]!r}, {_stamp(ds[rows[0]])})"
        for key, rows in groups.items()
    ]


def infer_freq(ds: pd.DatetimeIndex, ids: np.ndarray) -> str:
    """The calendar step of the dates: hourly, daily, weekly, month start or month end.

    The step is the smallest positive gap between two dates of one series; weekly data is anchored
    on the most common weekday, monthly data on month starts or ends, whichever is more common.

    Parameters
    ----------
    ds, ids
        Dates and their series ids, one per row.

    Raises
    ------
    ValueError
        When the step is none of the supported ones, or no series has two dates.
    """
    order = np.lexsort((ds.asi8, ids))
    stamps, owners = ds.asi8[order], ids[order]
    same = owners[1:] == owners[:-1]
    steps = np.diff(stamps)[same]
    steps = steps[steps > 0]
    if steps.size == 0:
        raise ValueError("no series has two dates: pass the frequency explicitly")
    step = pd.Timedelta(int(steps.min()), unit="ns")
    if step == pd.Timedelta(hours=1):
        return "h"
    if step == pd.Timedelta(days=1):
        return "D"
    if step == pd.Timedelta(days=7):
        return f"W-{WEEKDAYS[int(np.bincount(ds.day_of_week).argmax())]}"  # the most common weekday
    if pd.Timedelta(days=28) <= step <= pd.Timedelta(days=31):
        # the most common convention; rows off it are reported as irregular by the caller
        return "MS" if np.mean(ds.day == 1) >= np.mean(ds.is_month_end) else "ME"
    raise ValueError(f"unknown frequency: the smallest step between dates is {step}; supported: h, D, W, MS, ME")


def _layout(
    ids: np.ndarray, ds: pd.DatetimeIndex, y: np.ndarray, source: str, freq: str | None, label: Callable[[int], str]
) -> DemandHistory:
    try:
        freq = freq or infer_freq(ds, ids)
        grid = pd.date_range(ds.min(), ds.max(), freq=freq)
    except ValueError as exc:
        raise InstanceError(f"column {DS!r}: {exc}", source) from exc
    position = grid.get_indexer(ds)
    off = _rows(position < 0)
    _raise(
        [f"{label(i)}, column {DS!r}: {_stamp(ds[i])} is off the {freq} calendar starting "
         f"{_stamp(grid[0] if len(grid) else ds.min())} (irregular dates)" for i in off],
        source,
    )  # fmt: skip
    names, code = np.unique(ids.astype(str), return_inverse=True)
    first = np.full(names.shape[0], np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, code, position)
    lengths = position.max() - first + 1
    offsets = np.zeros(names.shape[0] + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    values = np.zeros(offsets[-1], dtype=np.float64)
    values[offsets[:-1][code] + position - first[code]] = y
    return DemandHistory(tuple(names.tolist()), values, offsets, first, grid[0], freq, source)


def _stamp(ts: pd.Timestamp) -> str:
    """A date as a planner writes it: no time of day when it is midnight."""
    return ts.date().isoformat() if ts == ts.normalize() else ts.isoformat()


def _raise(problems: list[str], source: str) -> None:
    if not problems:
        return
    extra = len(problems) - MAX_PROBLEMS
    shown = problems[:MAX_PROBLEMS] + ([f"... and {extra} more problem(s)"] if extra > 0 else [])
    raise InstanceError(shown, source)


def _row_label(i: int) -> str:
    return f"row {i + 1}"


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn the reader's failures into an :class:`InstanceError` naming the file."""
    try:
        yield
    except ImportError as exc:
        raise InstanceError(f"reading Parquet needs pyarrow (pip install pyarrow): {exc}", str(path)) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, ValueError) as exc:
        raise InstanceError(f"cannot read the file: {exc}", str(path)) from exc


def _read_table(path: Path) -> tuple[pd.DataFrame, Callable[[int], str]]:
    """The raw frame (CSV as text) and how its rows are named (CSV: by line; Parquet: from 1)."""
    if not path.is_file():
        raise InstanceError("no such file", str(path))
    name = path.name.lower()
    if name.endswith(CSV_SUFFIXES):
        return pd.read_csv(path, dtype=str, keep_default_na=False), lambda i: f"line {i + 2}"
    if name.endswith(PARQUET_SUFFIXES):
        return pd.read_parquet(path), _row_label
    raise InstanceError(f"unknown file type: expected one of {CSV_SUFFIXES + PARQUET_SUFFIXES}", str(path))


def _require(frame: pd.DataFrame, columns: Sequence[str], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InstanceError(f"missing column(s) {missing}; columns found: {list(frame.columns)}", source)
    if frame.empty:
        raise InstanceError("no rows", source)


def _regressor_names(regressors: Sequence[str], source: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(str(r).strip() for r in regressors))
    reserved = [n for n in names if n in (ID, DS, Y, *GROUP_COLUMNS) or not n]
    if reserved:
        raise InstanceError(f"regressor names {reserved} are empty or reserved for other columns", source)
    return names


def _numeric_columns(
    frame: pd.DataFrame, names: Sequence[str], label: Callable[[int], str]
) -> tuple[np.ndarray, list[str]]:
    """The columns as a ``(rows, k)`` float array and a problem per value that is not a finite number."""
    values = np.zeros((len(frame), len(names)))
    problems = []
    for j, name in enumerate(names):
        values[:, j] = _parse_demand(frame[name])
        raw = frame[name].to_numpy(dtype=object)
        for i in _rows(~np.isfinite(values[:, j])):
            text = str(raw[i]).strip()
            reason = (
                "empty value" if text in ("", "nan", "NaN", "None", "<NA>") else f"{raw[i]!r} is not a finite number"
            )
            problems.append(f"{label(i)}, column {name!r}: {reason}")
    return values, problems


def _series_codes(frame: pd.DataFrame, history: DemandHistory) -> tuple[np.ndarray, np.ndarray]:
    """The id of every row of the (validated) frame and its series' position in ``history``."""
    ids = frame[ID].astype(str).str.strip().to_numpy(dtype=str)
    return ids, np.searchsorted(np.asarray(history.ids, dtype=str), ids)


def _positions(frame: pd.DataFrame, history: DemandHistory) -> np.ndarray:
    """Flat position in ``history.values`` of every row of the (validated) frame."""
    _, code = _series_codes(frame, history)
    grid = history.grid(int(history.end_positions().max()) + 1)
    position = grid.get_indexer(_parse_dates(frame[DS]))
    return history.offsets[:-1][code] + position - history.first[code]


def _past_regressors(
    frame: pd.DataFrame, history: DemandHistory, names: tuple[str, ...], label: Callable[[int], str]
) -> np.ndarray:
    """Regressors aligned with the values; a zero-filled date takes the previous row of its series."""
    _require(frame, names, history.source)
    values, problems = _numeric_columns(frame, names, label)
    _raise(problems, history.source)
    flat = _positions(frame, history)
    past = np.zeros((history.values.shape[0], len(names)))
    past[flat] = values
    seen = np.zeros(history.values.shape[0], dtype=bool)
    seen[flat] = True  # every series' first position has a row, so the fill never crosses series
    source_row = np.maximum.accumulate(np.where(seen, np.arange(seen.shape[0]), 0))
    return past[source_row]


def _groups(frame: pd.DataFrame, history: DemandHistory, label: Callable[[int], str]) -> np.ndarray | None:
    """One group label per series from the first group column of the file, or None without one."""
    column = next((c for c in GROUP_COLUMNS if c in frame.columns), None)
    if column is None:
        return None
    labels = frame[column].astype(str).str.strip().to_numpy(dtype=object)
    ids, code = _series_codes(frame, history)
    first_row = np.full(history.n_series, -1, dtype=np.int64)
    first_row[code[::-1]] = np.arange(len(frame))[::-1]  # the earliest row of each series wins
    groups = labels[first_row]
    _raise(
        [f"{label(i)}, column {column!r}: series {str(ids[i])!r} is in group {groups[code[i]]!r} on "
         f"{label(int(first_row[code[i]]))}, here {labels[i]!r}" for i in _rows(labels != groups[code])],
        history.source,
    )  # fmt: skip
    return groups


def _horizon_rows(
    ids: np.ndarray, ds: pd.DatetimeIndex, history: DemandHistory, h: int, names: tuple[str, ...], source: str
) -> np.ndarray:
    """Row of the future file for every series and step of the horizon; a problem for each one missing."""
    table = pd.MultiIndex.from_arrays([ids.astype(str), ds.asi8])
    need_ids = np.repeat(np.asarray(history.ids, dtype=str), h)
    need_ds = history.future_dates(h).reshape(-1).astype("datetime64[ns]")
    rows = table.get_indexer(pd.MultiIndex.from_arrays([need_ids, need_ds.view(np.int64)]))
    _raise(
        [f"columns {list(names)}: no row for ({str(need_ids[r])!r}, {_stamp(pd.Timestamp(need_ds[r]))}), step "
         f"{r % h + 1} of the {h}-step horizon (every series needs a row for every step)" for r in _rows(rows < 0)],
        source,
    )  # fmt: skip
    return rows
