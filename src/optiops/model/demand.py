"""Demand history of many series as one flat array plus offsets: what forecasters and kernels read.

Series ``i`` is ``values[offsets[i]:offsets[i + 1]]``, observed on consecutive steps of one regular
calendar (``freq``) starting at grid position ``first[i]``; grid position ``p`` is the date
``origin + p steps``. Series are sorted by id; every series has at least one observation.

A frozen dataclass rather than a pydantic model: the payload is numpy arrays, validated once by the
reader in :mod:`optiops.io.demand`; ``__post_init__`` only checks that the layout is consistent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError


def segment_index(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat positions of the segments ``[starts[i], starts[i] + lengths[i])`` and their new offsets."""
    lengths = np.asarray(lengths, dtype=np.int64)
    offsets = np.zeros(lengths.shape[0] + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    series = np.repeat(np.arange(lengths.shape[0]), lengths)
    index = np.asarray(starts, dtype=np.int64)[series] + (np.arange(offsets[-1]) - offsets[:-1][series])
    return index, offsets


def take_heads(values: np.ndarray, offsets: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first ``keep[i]`` observations of every series, as a new (values, offsets) pair.

    Parameters
    ----------
    values, offsets
        Flat layout of the series.
    keep
        Observations to keep per series; ``0 <= keep[i] <= len(series i)``.

    Returns
    -------
    tuple of numpy.ndarray
        The kept values (float64) and their offsets (int64).
    """
    index, new_offsets = segment_index(offsets[:-1], keep)
    return values[index], new_offsets


def impute_missing(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """``values`` with every NaN (a value marked missing) filled from its series: linear between the
    nearest observed values, the nearest one at the ends, 0 in a series with none observed.

    Parameters
    ----------
    values, offsets
        Flat series and their offsets.

    Returns
    -------
    numpy.ndarray
        A copy without NaN (``values`` itself when nothing is missing).
    """
    missing = np.isnan(values)
    if not missing.any():
        return values
    out = values.copy()
    for i in np.flatnonzero(np.add.reduceat(missing, offsets[:-1]) > 0) if len(offsets) > 1 else []:
        lo, hi = int(offsets[i]), int(offsets[i + 1])
        seg, gone = out[lo:hi], missing[lo:hi]
        t = np.arange(hi - lo)
        seg[gone] = np.interp(t[gone], t[~gone], seg[~gone]) if (~gone).any() else 0.0
    return out


@dataclass(frozen=True, eq=False)
class DemandHistory:
    """Regular, gap-free demand of many series, sorted by id, as one flat float64 array plus offsets.

    Attributes
    ----------
    ids
        Series ids (``unique_id``), sorted.
    values
        All observations, series after series (float64, non-negative; NaN marks a value missing).
    offsets
        int64, ``n_series + 1`` entries; series ``i`` is ``values[offsets[i]:offsets[i + 1]]``.
    first
        int64 grid position of each series' first observation.
    origin
        Date of grid position 0.
    freq
        pandas frequency alias of the grid (``"D"``, ``"h"``, ``"MS"``, ``"W-MON"``, ...).
    source
        Where the data came from, for messages.
    """

    ids: tuple[str, ...]
    values: np.ndarray
    offsets: np.ndarray
    first: np.ndarray
    origin: pd.Timestamp
    freq: str
    source: str = "<memory>"

    def __post_init__(self) -> None:
        problems = []
        n = len(self.ids)
        if self.offsets.shape != (n + 1,) or self.first.shape != (n,):
            problems.append(f"layout: {n} ids need {n + 1} offsets and {n} first positions")
        elif self.offsets[0] != 0 or self.offsets[-1] != self.values.shape[0]:
            problems.append("layout: offsets must start at 0 and end at the number of values")
        elif n and np.any(np.diff(self.offsets) < 1):
            problems.append("layout: every series needs at least one observation")
        if np.any(np.isinf(self.values)) or np.any(self.values < 0):
            problems.append("values: demand must be finite and non-negative (NaN marks a value missing)")
        if problems:
            raise InstanceError(problems, self.source)

    @property
    def n_series(self) -> int:
        """Number of series."""
        return len(self.ids)

    @property
    def lengths(self) -> np.ndarray:
        """Observations per series (int64)."""
        return np.diff(self.offsets)

    def series(self, i: int) -> np.ndarray:
        """The observations of series ``i`` (a view)."""
        return self.values[self.offsets[i] : self.offsets[i + 1]]

    def grid(self, periods: int) -> pd.DatetimeIndex:
        """The first ``periods`` dates of the calendar."""
        return pd.date_range(self.origin, periods=periods, freq=self.freq)

    def select(self, index: np.ndarray | list[int]) -> DemandHistory:
        """The series at positions ``index``, kept in id order."""
        index = np.unique(np.asarray(index, dtype=np.int64))
        flat, offsets = segment_index(self.offsets[index], self.lengths[index])
        return DemandHistory(
            ids=tuple(self.ids[i] for i in index), values=self.values[flat], offsets=offsets,
            first=self.first[index], origin=self.origin, freq=self.freq, source=self.source,
        )  # fmt: skip

    def split(self, h: int) -> tuple[DemandHistory, np.ndarray]:
        """Hold out the last ``h`` observations of every series.

        Parameters
        ----------
        h
            Held-out steps per series.

        Returns
        -------
        tuple
            The history without its last ``h`` steps, and the held-out values as an ``(n_series, h)`` array.

        Raises
        ------
        InstanceError
            When a series has ``h`` observations or fewer.
        """
        short = [self.ids[i] for i in np.flatnonzero(self.lengths <= h)]
        if short:
            raise InstanceError(f"{len(short)} series have {h} observations or fewer, e.g. {short[:5]}", self.source)
        ends = self.offsets[1:]
        test = self.values[ends[:, None] - h + np.arange(h)[None, :]]
        values, offsets = take_heads(self.values, self.offsets, self.lengths - h)
        train = DemandHistory(self.ids, values, offsets, self.first, self.origin, self.freq, self.source)
        return train, test

    def end_positions(self) -> np.ndarray:
        """Grid position of each series' last observation."""
        return self.first + self.lengths - 1

    def future_dates(self, h: int) -> np.ndarray:
        """The ``h`` dates after each series' last observation, as an ``(n_series, h)`` datetime64 array."""
        ends = self.end_positions()
        grid = self.grid(int(ends.max()) + h + 1).to_numpy() if self.n_series else np.array([], "datetime64[ns]")
        return grid[ends[:, None] + 1 + np.arange(h)[None, :]]

    def to_frame(self) -> pd.DataFrame:
        """Long format: ``unique_id``, ``ds``, ``y``, one row per observation."""
        lengths = self.lengths
        series = np.repeat(np.arange(self.n_series), lengths)
        position = self.first[series] + np.arange(self.values.shape[0]) - self.offsets[:-1][series]
        grid = self.grid(int(position.max()) + 1 if position.size else 0).to_numpy()
        ids = np.asarray(self.ids, dtype=object)
        return pd.DataFrame({"unique_id": ids[series], "ds": grid[position], "y": self.values})
