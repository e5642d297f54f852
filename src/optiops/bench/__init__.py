"""Benchmark runner, suites, results store, comparison tables and history plots."""

from optiops.bench.runner import append_rows, results_file, run_suite
from optiops.bench.suites import list_suites, load_suite

__all__ = ["append_rows", "list_suites", "load_suite", "results_file", "run_suite"]
