"""The package's layers: test helpers stay in tests, and only the CLI and bench/ import optiops.bench."""

from __future__ import annotations

import ast
from pathlib import Path

import optiops

PACKAGE = Path(optiops.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, by its absolute name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def package_imports() -> dict[str, set[str]]:
    """Imports per package module, keyed by its path below the package."""
    return {str(p.relative_to(PACKAGE)): imported_modules(p) for p in PACKAGE.rglob("*.py")}


def test_package_does_not_import_tests() -> None:
    """No package module imports the tests (the kernels' references live there)."""
    bad = {m: n for m, n in package_imports().items() if any(x == "tests" or x.startswith("tests.") for x in n)}
    assert not bad


def test_domain_packages_do_not_import_bench() -> None:
    """Only bench/ and the CLI's bench command import optiops.bench."""
    allowed = ("bench/", "cli/bench.py")
    bad = {
        m: n
        for m, n in package_imports().items()
        if not m.startswith(allowed) and any(x == "optiops.bench" or x.startswith("optiops.bench.") for x in n)
    }
    assert not bad
