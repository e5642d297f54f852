"""Small demand histories built in code, shared by the forecasting tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from optiops.model.demand import DemandHistory


def history_of(*series: list[float], freq: str = "MS", origin: str = "2020-01-01") -> DemandHistory:
    """A history of the given series (ids s0, s1, ...), all starting at ``origin``."""
    offsets = np.cumsum([0] + [len(s) for s in series]).astype(np.int64)
    values = np.array([v for s in series for v in s], dtype=np.float64)
    ids = tuple(f"s{i}" for i in range(len(series)))
    return DemandHistory(ids, values, offsets, np.zeros(len(series), dtype=np.int64), pd.Timestamp(origin), freq)


def poisson_panel(n: int, length: int, rate: float, seed: int = 0) -> DemandHistory:
    """``n`` stationary Poisson series (intermittent for a rate below about 0.7)."""
    rng = np.random.default_rng(seed)
    return history_of(*[rng.poisson(rate, length).astype(float).tolist() for _ in range(n)])
