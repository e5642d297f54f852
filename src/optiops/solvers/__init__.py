"""Solver adapters behind one protocol, a registry, and parameter profiles (TOML in ``solvers/``).

MIP layer: a backend-neutral :class:`LinearModel` (built with :class:`LinearModelBuilder`), solved by
any backend from :func:`get_backend` (``highs``, ``scip``, ``cbc``, ``cpsat``) with :class:`MipOptions`,
returning a :class:`MipResult` reported the same way for all.
"""

from optiops.solvers.linear import LinearModel, LinearModelBuilder
from optiops.solvers.mip import MipBackend, MipOptions, MipResult, MipStatus, relative_gap, solve_from
from optiops.solvers.profiles import Profile, find_profile, load_profile
from optiops.solvers.registry import get_backend, known_backends, list_backends, register_backend

__all__ = [
    "LinearModel",
    "LinearModelBuilder",
    "MipBackend",
    "MipOptions",
    "MipResult",
    "MipStatus",
    "Profile",
    "find_profile",
    "get_backend",
    "known_backends",
    "list_backends",
    "load_profile",
    "register_backend",
    "relative_gap",
    "solve_from",
]
