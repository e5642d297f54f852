"""Order-line exports in: CSV, CSV.gz or Parquet files, their columns named by a map, parsed and checked.

Every file is read as text and parsed column by column; a bad value stops the import with the file,
the line (the header is line 1; Parquet rows count from 1) and the column. Lines of an order that an
earlier file already holds are dropped from the later file: exports of consecutive periods overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError

MAX_PROBLEMS = 10
REQUIRED = ("order", "sku", "quantity", "time")
OPTIONAL = ("price", "customer", "region", "category")
FIELDS = REQUIRED + OPTIONAL
# Column names tried, in order, for a field the map does not name (exports of common shop systems).
DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "order": ("order", "order_id", "InvoiceNo", "Invoice", "OrderID", "Order ID"),
    "sku": ("sku", "StockCode", "product_id", "ProductID", "SKU"),
    "quantity": ("quantity", "Quantity", "qty"),
    "time": ("time", "InvoiceDate", "order_date", "OrderDate", "created_at", "timestamp"),
    "price": ("price", "UnitPrice", "Price", "unit_price"),
    "customer": ("customer", "CustomerID", "Customer ID", "customer_id"),
    "region": ("region", "Country", "country", "state", "zone"),
    "category": ("category", "Category", "product_category"),
}
LINE_COLUMNS = ["order", "sku", "quantity", "time", "price", "customer", "region", "category", "file", "line"]


def parse_map(text: str | None) -> dict[str, tuple[str, ...]]:
    """``order=InvoiceNo|Invoice,sku=StockCode`` as field -> column names tried in order.

    Raises
    ------
    InstanceError
        An entry without ``=`` or an unknown field.
    """
    out: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in FIELDS or not value.strip():
            raise InstanceError(f"{part!r}: expected FIELD=COLUMN with FIELD one of {list(FIELDS)}", "--map")
        out[key.strip()] = tuple(v.strip() for v in value.split("|"))
    return out


def read_lines(
    paths: Sequence[str | Path], mapping: dict[str, tuple[str, ...]] | None = None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every order line of ``paths`` in one frame, columns :data:`LINE_COLUMNS`.

    Parameters
    ----------
    paths : sequence of str or Path
        CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``) files.
    mapping : dict, optional
        Field -> column names (:func:`parse_map`); other fields try :data:`DEFAULT_NAMES`.

    Returns
    -------
    (pandas.DataFrame, dict)
        The lines (``quantity`` int, ``price`` float or NaN, ``time`` datetime64, text otherwise;
        ``file`` and ``line`` say where each came from) and, per file, the lines it held.

    Raises
    ------
    InstanceError
        A missing or empty file, a missing required column, an empty order or SKU, a time, quantity or
        price that does not parse; file, line and column named.
    """
    mapping = mapping or {}
    frames, counts = [], {}
    seen: set[str] = set()
    for path in map(Path, paths):
        frame = _read_file(path, mapping)
        counts[str(path)] = len(frame)
        frame["overlap"] = frame["order"].isin(seen).to_numpy()
        seen.update(frame["order"].unique())
        frames.append(frame)
    return pd.concat(frames, ignore_index=True), counts


def _read_file(path: Path, mapping: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    if not path.is_file():
        raise InstanceError("no such file", str(path))
    parquet = path.name.lower().endswith((".parquet", ".pq"))
    try:
        header = _header(path, parquet)
        columns = _columns(header, mapping, path)
        usecols = list(dict.fromkeys(columns.values()))
        if parquet:
            raw = pd.read_parquet(path, columns=usecols).astype("string").fillna("").astype(object)
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=usecols, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError, ValueError) as exc:
        raise InstanceError(f"cannot read the file: {exc}", str(path)) from exc
    if raw.empty:
        raise InstanceError("empty file: no order lines", str(path))
    return _parse(raw, columns, path, parquet)


def _header(path: Path, parquet: bool) -> list[str]:
    if parquet:
        import pyarrow.parquet as pq

        return [str(c) for c in pq.read_schema(path).names]
    try:
        return [str(c).strip() for c in pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns]
    except pd.errors.EmptyDataError:
        raise InstanceError("empty file: no header and no order lines", str(path)) from None


def _columns(header: list[str], mapping: dict[str, tuple[str, ...]], path: Path) -> dict[str, str]:
    """Field -> the file's column: the mapped names first, then the defaults; required fields must be found."""
    out, problems = {}, []
    for name in FIELDS:
        tried = mapping.get(name) or DEFAULT_NAMES[name]
        found = next((c for c in tried if c in header), None)
        if found is not None:
            out[name] = found
        elif name in REQUIRED or name in mapping:
            problems.append(f"column {' or '.join(map(repr, tried))} ({name}) is missing; columns found: {header}")
    if problems:
        raise InstanceError(problems, str(path))
    return out


def _parse(raw: pd.DataFrame, columns: dict[str, str], path: Path, parquet: bool) -> pd.DataFrame:
    """The mapped columns parsed; every bad cell reported (the first few)."""
    n = len(raw)
    line = np.arange(n) + (1 if parquet else 2)
    word = "row" if parquet else "line"
    problems: list[str] = []

    def text(name: str) -> pd.Series:
        return raw[columns[name]].str.strip() if name in columns else pd.Series([""] * n)

    def bad(mask: np.ndarray, name: str, why: str) -> None:
        col, values = columns[name], raw[columns[name]]
        problems.extend(
            f"{word} {line[i]}, column {col!r}: {values.iloc[i]!r} {why}" for i in np.flatnonzero(mask)[:MAX_PROBLEMS]
        )

    order, sku = text("order"), text("sku")
    bad((order == "").to_numpy(), "order", "is empty")
    bad((sku == "").to_numpy(), "sku", "is empty")
    time = pd.to_datetime(text("time"), format="ISO8601", errors="coerce")
    bad(time.isna().to_numpy(), "time", "is not a date and time (YYYY-MM-DD HH:MM[:SS])")
    qty = pd.to_numeric(text("quantity"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad(~np.isfinite(qty) | (qty != np.round(qty)), "quantity", "is not a whole number")
    price = np.full(n, np.nan)
    if "price" in columns:
        price = pd.to_numeric(text("price"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad(~np.isfinite(price), "price", "is not a number")
    if problems:
        raise InstanceError(problems[:MAX_PROBLEMS], str(path))
    customer = text("customer").str.removesuffix(".0")  # ids exported as floats (17850.0)
    return pd.DataFrame({
        "order": order.to_numpy(), "sku": sku.to_numpy(), "quantity": qty.astype(np.int64), "time": time.to_numpy(),
        "price": price, "customer": customer.to_numpy(), "region": text("region").to_numpy(),
        "category": text("category").to_numpy(), "file": str(path), "line": line,
    }, columns=LINE_COLUMNS)  # fmt: skip
