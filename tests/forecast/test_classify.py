"""Syntetos-Boylan classification by ADI and CV²."""

from __future__ import annotations

import numpy as np
import pytest
from tests.forecast.cases import history_of

from optiops.forecast import syntetos_boylan


def test_four_quadrants_and_no_demand() -> None:
    """Hand-made series land in smooth, erratic, intermittent, lumpy and no-demand."""
    h = history_of(
        [5, 6, 5, 6, 5, 6],  # every period, sizes alike
        [1, 10, 1, 10, 1, 10],  # every period, sizes vary
        [0, 5, 0, 5, 0, 5],  # every other period, sizes alike
        [0, 1, 0, 20, 0, 1],  # every other period, sizes vary
        [0, 0, 0],
    )
    classes = syntetos_boylan(h.values, h.offsets)
    assert list(classes.label) == ["smooth", "erratic", "intermittent", "lumpy", "no-demand"]


def test_adi_and_cv2_values() -> None:
    """ADI is periods per demand; CV² uses the population variance of the sizes."""
    h = history_of([0, 2, 0, 0, 4, 0])
    classes = syntetos_boylan(h.values, h.offsets)
    assert classes.adi[0] == pytest.approx(3.0)
    assert classes.cv2[0] == pytest.approx(1.0 / 9.0)


def test_counts_cover_every_series() -> None:
    """counts() sums to the number of series."""
    h = history_of([1, 1], [0, 3], [0, 0])
    assert sum(syntetos_boylan(h.values, h.offsets).counts().values()) == 3 and np.all(h.lengths == 2)
