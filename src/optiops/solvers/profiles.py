"""Solver parameter profiles: small TOML files shipped with the package (``solvers/`` of the checkout).

A profile names a backend and its parameters, e.g. ``solvers/ortools-routing-gls.toml``::

    backend = "ortools"
    [params]
    metaheuristic = "GUIDED_LOCAL_SEARCH"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optiops.exceptions import InstanceError
from optiops.resources import data_dir


@dataclass(frozen=True)
class Profile:
    """A named set of solver parameters."""

    name: str
    backend: str | None = None
    time_limit: float | None = None
    params: dict[str, Any] = field(default_factory=dict)


def _search_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("OPTIOPS_SOLVERS", "").split(os.pathsep) if p]
    return [*dirs, Path.cwd() / "solvers", data_dir("solvers")]


def find_profile(name: str) -> Path:
    """The file of a profile given by name (``ortools-routing-gls``) or path."""
    direct = Path(name)
    if direct.suffix == ".toml" and direct.exists():
        return direct
    for folder in _search_dirs():
        candidate = folder / f"{name}.toml"
        if candidate.exists():
            return candidate
    known = sorted({p.stem for d in _search_dirs() if d.is_dir() for p in d.glob("*.toml")})
    raise InstanceError(f"profile: no profile named {name!r}; known: {known}")


def load_profile(name: str) -> Profile:
    """Read a profile; unknown top-level keys are an error."""
    path = find_profile(name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InstanceError(f"malformed TOML: {exc}", str(path)) from exc
    unknown = sorted(set(data) - {"backend", "time_limit", "params", "description"})
    if unknown:
        raise InstanceError(f"unknown keys {unknown}", str(path))
    return Profile(
        name=path.stem,
        backend=data.get("backend"),
        time_limit=data.get("time_limit"),
        params=dict(data.get("params", {})),
    )
