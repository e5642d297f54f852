"""Package data: benchmark suites, solver profiles and bundled instances, found the same way installed or not.

A wheel carries the checkout's ``benchmarks/suites``, ``solvers`` and ``instances`` folders as
``optiops/_data/suites``, ``_data/solvers`` and ``_data/instances`` (``pyproject.toml``); they are
read with :mod:`importlib.resources`. Run from a source checkout, the package has no ``_data`` and
the checkout's folders are read where they are, so an edit there counts at once.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from optiops.exceptions import InstanceError

_PACKAGE = Path(__file__).resolve().parent
# the checkout holding src/optiops, or None for an installed package
SOURCE_ROOT: Path | None = _PACKAGE.parents[1] if _PACKAGE.parent.name == "src" else None
_CHECKOUT_FOLDERS = {"suites": ("benchmarks", "suites"), "solvers": ("solvers",), "instances": ("instances",)}
BUNDLED_PREFIX = "bundled:"


def data_dir(name: str) -> Path:
    """The folder of packaged data ``name`` (``suites``, ``solvers`` or ``instances``).

    Raises
    ------
    InstanceError
        When neither the installed package nor a source checkout holds it.
    """
    packaged = importlib.resources.files("optiops") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    if SOURCE_ROOT is not None and name in _CHECKOUT_FOLDERS:
        folder = SOURCE_ROOT.joinpath(*_CHECKOUT_FOLDERS[name])
        if folder.is_dir():
            return folder
    raise InstanceError(f"optiops has no packaged {name!r} folder: reinstall optiops, or run from its checkout")


def work_dir() -> Path:
    """Where benchmark results and reports live: the source checkout, else the current folder."""
    return SOURCE_ROOT if SOURCE_ROOT is not None else Path.cwd()


def bundled_instances() -> list[str]:
    """Names of the bundled instances: documents and folders one level below ``instances/<area>/``."""
    root = data_dir("instances")
    areas = [area for area in sorted(root.iterdir()) if area.is_dir()]
    return [f"{area.name}/{entry.name}" for area in areas for entry in sorted(area.iterdir())
            if entry.is_dir() or entry.suffix in (".yaml", ".yml", ".json")]  # fmt: skip


def resolve_input(path: str | Path) -> Path:
    """``path``, or the bundled instance it names as ``bundled:<path below instances/>``.

    Raises
    ------
    InstanceError
        When no bundled instance has that name (the message lists them).
    """
    text = str(path)
    if not text.startswith(BUNDLED_PREFIX):
        return Path(path)
    name = text[len(BUNDLED_PREFIX) :].strip("/")
    candidate = data_dir("instances") / name
    if not name or ".." in Path(name).parts or not candidate.exists():
        raise InstanceError(f"no bundled instance {name!r}; bundled: {bundled_instances()}", text)
    return candidate
