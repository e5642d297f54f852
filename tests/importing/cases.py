"""A small synthetic order-line export, written by the tests: two regions, 12 SKUs, 60 days, weekdays only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HEADER = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
NETWORK = """\
name: tiny-shop
seed: 3
cleaning: {include_sku: '\\d{5}'}
warehouses:
  - {warehouse: UK1, region: United Kingdom}
  - {warehouse: FR1, region: France, lat: 48.9, lon: 2.3}
regions:
  United Kingdom: {lat: 52.8, lon: -1.6, radius_km: 100}
  France: {lat: 46.6, lon: 2.4, radius_km: 100}
costs: {currency: GBP}
"""


def export_lines(days: int = 60, seed: int = 1) -> pd.DataFrame:
    """Orders on weekdays only, 2-6 per day, 1-4 lines each, plus one line of every kind the cleaning drops."""
    rng = np.random.default_rng(seed)
    skus = [f"{10000 + k}" for k in range(12)]
    rows = []
    order = 500000
    for day in pd.date_range("2011-01-03", periods=days, freq="D"):
        if day.weekday() >= 5:
            continue
        for _ in range(int(rng.integers(2, 7))):
            order += 1
            country = "United Kingdom" if rng.random() < 0.75 else "France"
            when = day + pd.Timedelta(minutes=int(rng.integers(8 * 60, 18 * 60)))
            for sku in rng.choice(skus, size=int(rng.integers(1, 5)), replace=False):
                rows.append([str(order), sku, "item", int(rng.integers(1, 13)), when, 2.5, "17850", country])
    return pd.DataFrame(rows, columns=HEADER)


def with_dirt(lines: pd.DataFrame) -> pd.DataFrame:
    """The export plus one line per cleaning rule (each after the first sale of its SKU)."""
    t = pd.Timestamp("2011-01-04 10:00")
    dirt = [
        ["900001", "POST", "postage", 1, t, 18.0, "17850", "France"],  # excluded SKU
        ["900002", "10001", "item", 0, t, 2.5, "17850", "France"],  # zero quantity
        ["900003", "10002", "sample", 3, t, 0.0, "17850", "France"],  # zero price
        ["900004", "10003", "item", 20, t, 2.5, "12346", "France"],  # cancelled: sale ...
        ["C900005", "10003", "item", -20, t + pd.Timedelta(minutes=5), 2.5, "12346", "France"],  # ... and credit
        ["900006", "10004", "item", 50000, t, 2.5, "12347", "France"],  # outlier
        ["C900007", "10005", "item", -2, pd.Timestamp("2011-01-20 09:00"), 2.5, "17850", "United Kingdom"],  # return
        ["900008", "10006", "item", 1, t, 2.5, "17850", "France"],  # same SKU twice in an order: merged
        ["900008", "10006", "item", 2, t, 2.5, "17850", "France"],
    ]
    return pd.concat([lines, pd.DataFrame(dirt, columns=HEADER)], ignore_index=True)


def write_export(frame: pd.DataFrame, path: Path) -> Path:
    out = frame.assign(InvoiceDate=pd.to_datetime(frame["InvoiceDate"]).dt.strftime("%Y-%m-%d %H:%M:%S"))
    out.to_csv(path, index=False)
    return path
