"""Imported once by the forkserver that starts the job processes, so each job starts warm.

A job process is a fork of that server: every module imported here, and every numba kernel loaded
here, is already in the job's memory instead of being imported again for each job.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # a job draws PNGs; it has no display

import matplotlib.pyplot
import pyvrp  # noqa: F401
from ortools.constraint_solver import pywrapcp  # noqa: F401

from optiops import kernels, kinds
from optiops.service import worker  # noqa: F401

kinds.list_kinds()  # imports every kind module
kernels.warmup()
