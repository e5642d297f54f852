"""Benchmark suites: TOML files naming data, best-known values and settings.

The suites ship with the package (:mod:`optiops.resources`; ``benchmarks/suites/`` of the checkout).
"""

from __future__ import annotations

import csv
import fnmatch
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from optiops.exceptions import InstanceError
from optiops.resources import data_dir, work_dir

T = TypeVar("T")
REPO_ROOT = work_dir()  # the source checkout, or the current folder for an installed package
SUITES_DIR = data_dir("suites")


@dataclass(frozen=True)
class Suite:
    """What a suite runs: which files, against which best-known values, with which settings."""

    name: str
    kind: str
    data: str  # folder below the data root
    pattern: str
    best_known: str  # CSV below the data root with columns instance, bks_cost
    rounding: str | None = None
    time_limit_s: float = 30.0
    backends: list[str] = field(default_factory=lambda: ["auto"])
    seeds: int = 1
    description: str = ""
    settings: dict[str, Any] = field(default_factory=dict)  # kind-specific (e.g. forecast horizon)


def data_root(explicit: str | Path | None = None) -> Path:
    """``--data``, else ``$OPTIOPS_DATA``, else ``../shared/benchmarks`` (beside cwd or the repo)."""
    if explicit:
        return Path(explicit)
    if os.environ.get("OPTIOPS_DATA"):
        return Path(os.environ["OPTIOPS_DATA"])
    for base in (Path.cwd(), REPO_ROOT):
        candidate = base.parent / "shared" / "benchmarks"
        if candidate.is_dir():
            return candidate
    raise InstanceError("no benchmark data folder: pass --data or set OPTIOPS_DATA")


def select_by_name(items: list[T], name: Callable[[T], str], select: str | None) -> list[T]:
    """The items whose name matches one of the comma-separated names or glob patterns of ``select``
    (all items when ``select`` is empty); callers decide what an empty result means."""
    if not select:
        return list(items)
    patterns = [p.strip() for p in select.split(",") if p.strip()]
    return [item for item in items if any(fnmatch.fnmatch(name(item), p) for p in patterns)]


def rounded(value: float | None, digits: int = 4) -> float | None:
    """``value`` rounded for a results row (``None`` stays ``None``)."""
    return None if value is None else round(value, digits)


def read_case_rows(folder: Path, filename: str, make: Callable[[dict[str, str]], T]) -> tuple[list[T], Path]:
    """One case per row of ``folder/filename`` (a CSV with a header), built by ``make``; a row
    ``make`` cannot read is an :class:`InstanceError` naming the file and line."""
    path = folder / filename
    if not path.is_file():
        raise InstanceError(f"no {filename} in {folder}")
    cases = []
    with path.open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                cases.append(make(row))
            except (KeyError, ValueError, AttributeError, TypeError) as exc:
                raise InstanceError(f"line {line}: bad row ({exc})", str(path)) from exc
    return cases, path


def list_suites() -> list[str]:
    return sorted(p.stem for p in SUITES_DIR.glob("*.toml"))


def load_suite(name: str) -> Suite:
    """A suite by name (a packaged ``<name>.toml``) or by path to its TOML file."""
    path = Path(name) if name.endswith(".toml") else SUITES_DIR / f"{name}.toml"
    if not path.exists():
        raise InstanceError(f"unknown suite {name!r}; known: {list_suites()}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InstanceError(f"malformed TOML: {exc}", str(path)) from exc
    try:
        return Suite(**data)
    except TypeError as exc:
        raise InstanceError(f"bad suite definition: {exc}", str(path)) from exc


def suite_instances(suite: Suite, root: Path, select: str | None = None) -> list[Path]:
    """Instance files of a suite, optionally filtered by comma-separated names or glob patterns."""
    folder = root / suite.data
    if not folder.is_dir():
        raise InstanceError(f"suite {suite.name}: data folder {folder} does not exist")
    files = select_by_name(sorted(folder.glob(suite.pattern)), lambda f: f.stem, select)
    if select and not files:
        raise InstanceError(f"--instances {select!r} matches no instance of suite {suite.name}")
    return files


def best_known(suite: Suite, root: Path) -> dict[str, float]:
    """instance name -> best-known objective."""
    path = root / suite.best_known
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return {row["instance"]: float(row["bks_cost"]) for row in csv.DictReader(fh)}
    except OSError as exc:
        raise InstanceError(f"cannot read best-known values: {exc.strerror}", str(path)) from exc
    except (KeyError, ValueError) as exc:
        raise InstanceError(f"best-known file needs columns instance, bks_cost ({exc})", str(path)) from exc
