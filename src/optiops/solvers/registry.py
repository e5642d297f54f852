"""The MIP backend registry: look a backend up by name, list those that run on this machine.

Modelled on PuLP's ``getSolver``/``listSolvers``: adapters register once, and callers (formulations,
the CLI, benchmark suites) pick one by name.
"""

from __future__ import annotations

from functools import cache

from optiops.exceptions import SolverError
from optiops.solvers.cbc_backend import CbcBackend
from optiops.solvers.highs_backend import HighsBackend
from optiops.solvers.mip import MipBackend
from optiops.solvers.ortools_mip import CpSatBackend, ScipBackend

_BACKENDS: dict[str, MipBackend] = {}


def register_backend(backend: MipBackend) -> None:
    """Add (or replace) a backend under ``backend.name``.

    Parameters
    ----------
    backend : MipBackend
        The adapter.
    """
    _BACKENDS[backend.name] = backend
    _available.cache_clear()


def known_backends() -> list[str]:
    """Every registered backend name, available on this machine or not."""
    return list(_BACKENDS)


@cache
def _available(name: str) -> bool:
    return _BACKENDS[name].available()


def list_backends() -> list[str]:
    """Names of the registered backends that can run here, in registration order.

    Returns
    -------
    list of str
        E.g. ``["highs", "scip", "cbc", "cpsat"]``.
    """
    return [name for name in _BACKENDS if _available(name)]


def get_backend(name: str) -> MipBackend:
    """The backend called ``name``.

    Parameters
    ----------
    name : str
        A registered backend name (case-insensitive).

    Returns
    -------
    MipBackend
        The adapter.

    Raises
    ------
    SolverError
        When the name is unknown or the backend cannot run on this machine.
    """
    key = name.lower()
    if key not in _BACKENDS:
        raise SolverError(f"unknown MIP backend {name!r}; choose one of {known_backends()}")
    if not _available(key):
        raise SolverError(f"MIP backend {name!r} is not available here; available: {list_backends()}")
    return _BACKENDS[key]


for _backend in (HighsBackend(), ScipBackend(), CbcBackend(), CpSatBackend()):
    register_backend(_backend)
