"""Syntetos-Boylan demand classification (Syntetos, Boylan & Croston 2005).

ADI is the average interval between demands, ``n_periods / n_periods_with_demand``; CV² is the
squared coefficient of variation of the non-zero demand sizes (population variance, so a single
demand has CV² 0). The cut-offs 1.32 and 0.49 split series into

==============  ==============  =================
                CV² < 0.49      CV² >= 0.49
==============  ==============  =================
ADI < 1.32      smooth          erratic
ADI >= 1.32     intermittent    lumpy
==============  ==============  =================

Series without any demand are ``no-demand``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ADI_CUT, CV2_CUT = 1.32, 0.49
CLASSES = ("smooth", "erratic", "intermittent", "lumpy", "no-demand")


@dataclass(frozen=True)
class DemandClasses:
    """Per series: ADI, CV² of demand sizes (NaN without demand) and the class label."""

    adi: np.ndarray
    cv2: np.ndarray
    label: np.ndarray

    def counts(self) -> dict[str, int]:
        """Number of series in each class."""
        return {c: int(np.sum(self.label == c)) for c in CLASSES}


def syntetos_boylan(
    values: np.ndarray, offsets: np.ndarray, adi_cut: float = ADI_CUT, cv2_cut: float = CV2_CUT
) -> DemandClasses:
    """Classify every series by average demand interval (ADI) and size variability (CV²).

    Parameters
    ----------
    values, offsets
        Flat layout of the series (training data only, to avoid looking ahead).
    adi_cut, cv2_cut
        Cut-offs; the defaults are Syntetos et al.'s.

    Returns
    -------
    DemandClasses
        ``label`` is one of ``smooth``, ``erratic``, ``intermittent``, ``lumpy``, ``no-demand``.
    """
    n = offsets.shape[0] - 1
    lengths = np.diff(offsets)
    series = np.repeat(np.arange(n), lengths)
    demand = values > 0
    count = np.bincount(series, weights=demand, minlength=n)
    size_sum = np.bincount(series, weights=np.where(demand, values, 0.0), minlength=n)
    size_sq = np.bincount(series, weights=np.where(demand, values * values, 0.0), minlength=n)
    has = count > 0
    safe = np.maximum(count, 1)
    mean = size_sum / safe
    var = np.maximum(size_sq / safe - mean**2, 0.0)
    adi = np.where(has, lengths / safe, np.inf)
    cv2 = np.where(has, var / np.where(mean > 0, mean, 1.0) ** 2, np.nan)
    label = np.where(
        ~has,
        "no-demand",
        np.where(adi < adi_cut, np.where(cv2 < cv2_cut, "smooth", "erratic"),
                 np.where(cv2 < cv2_cut, "intermittent", "lumpy")),
    )  # fmt: skip
    return DemandClasses(adi=adi, cv2=cv2, label=label.astype(object))
