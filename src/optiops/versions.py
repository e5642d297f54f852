"""Versions of optiops and the libraries it drives (``optiops show-versions``)."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

LIBRARIES = [
    "optiops", "ortools", "pyvrp", "pulp", "highspy", "numba", "numpy", "pandas", "statsmodels",
    "pydantic", "typer", "rich", "matplotlib", "vrplib", "pyyaml",
]  # fmt: skip


def package_versions(names: list[str] | None = None) -> dict[str, str]:
    """Installed version of each package ('not installed' when absent)."""
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in names or LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out
