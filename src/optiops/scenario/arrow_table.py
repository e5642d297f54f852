"""Scenario tables parsed by Arrow with their declared types, column by column: the reader's fast path.

The generic reader (:func:`optiops.scenario.read.read_scenario`) checks a table cell by cell and
names every bad cell. A clean file passes the same checks here on whole columns and gives the same
frame; anything else (a cell that does not parse, is padded or empty where it may not be, out of
bounds, a duplicate key, other or reordered columns, no rows) gives ``None``, and the generic reader
reports it in its own words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optiops.model.scenario import TableSpec

# what str.strip() removes (Python's whitespace): a cell padded with one goes to the generic reader
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def read_typed_table(path: str | Path, spec: TableSpec) -> pd.DataFrame | None:
    """The table parsed by Arrow with ``spec``'s column kinds, or ``None`` when it needs the generic reader.

    Text columns come back as ``object`` (Python ``str``), ``int`` as ``int64``, ``float`` as
    ``float64`` and ``date`` (``YYYY-MM-DD`` only) as ``datetime64[ns]``, as the generic reader
    gives them.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv

    kinds = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32()}
    types = {c.name: kinds[c.kind] for c in spec.columns}
    options = csv.ConvertOptions(column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False)
    try:
        table = csv.read_csv(path, convert_options=options)
    except (pa.ArrowInvalid, OSError, EOFError):  # OSError: a broken .gz
        return None
    if table.column_names != spec.column_names or table.num_rows == 0:
        return None
    for col in spec.columns:
        values = table[col.name]
        if col.kind == "str":
            if pc.any(pc.not_equal(pc.utf8_trim(values, WHITESPACE), values)).as_py():
                return None
            if not col.empty_ok and pc.any(pc.equal(pc.utf8_length(values), 0)).as_py():
                return None
            continue
        if values.null_count:  # an empty cell, or a text Arrow reads as missing (NA, nan, ...)
            return None
        if col.kind == "float" and not pc.all(pc.is_finite(values)).as_py():
            return None
        if col.kind == "date":
            continue
        if (col.minimum is not None and pc.min(values).as_py() < col.minimum) or (
            col.maximum is not None and pc.max(values).as_py() > col.maximum
        ):
            return None
    if _has_duplicate(*(_key_codes(table[k]) for k in spec.key)):
        return None
    for i, col in enumerate(spec.columns):
        if col.kind == "date":
            table = table.set_column(i, col.name, pc.cast(table[col.name], pa.timestamp("ns")))
    return table.to_pandas()


def _has_duplicate(*columns: tuple[np.ndarray, int]) -> bool:
    """Whether two rows share their combination of coded columns (one sort, no hashing)."""
    key, span = np.zeros(len(columns[0][0]), dtype=np.int64), 1
    for coded, n in columns:
        if span * n >= 2**62:  # re-code densely before the product could overflow
            key, span = combined_codes((key, span)), len(key)
        key, span = key * n + coded, span * n
    ordered = np.sort(key)
    return bool((ordered[1:] == ordered[:-1]).any())


def _key_codes(values: Any) -> tuple[np.ndarray, int]:
    """Integer codes of an Arrow column (Arrow hashes text faster than pandas) and its number of distinct values."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(values).combine_chunks()
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), len(encoded.dictionary)


def codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes of the values and how many distinct ones there are."""
    coded, uniques = pd.factorize(values)
    return coded, len(uniques)


def combined_codes(*columns: tuple[np.ndarray, int]) -> np.ndarray:
    """One code per distinct combination of coded columns (0, 1, ... in order of appearance)."""
    key = np.zeros(len(columns[0][0]), dtype=np.int64)
    for coded, n in columns:
        key = pd.factorize(key * n + coded)[0]  # re-coded each time: never beyond rows x distinct values
    return key


def duplicated_rows(*columns: tuple[np.ndarray, int]) -> np.ndarray:
    """Rows whose combination of coded columns came before (``DataFrame.duplicated``)."""
    return pd.Series(combined_codes(*columns)).duplicated().to_numpy()
