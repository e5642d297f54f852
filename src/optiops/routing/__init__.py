"""Vehicle routing: backends (OR-Tools, PyVRP), automatic choice, diagnosis of infeasible instances."""

from optiops.routing.common import BackendResult, SolveOptions
from optiops.routing.solve import SolveResult, diagnose, list_backends, solve

__all__ = ["BackendResult", "SolveOptions", "SolveResult", "diagnose", "list_backends", "solve"]
