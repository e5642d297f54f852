"""Package data: suites, profiles and bundled instances are found installed or from the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import optiops
import optiops.resources as resources
from optiops.cli.main import app
from optiops.exceptions import InstanceError

ROOT = Path(__file__).resolve().parents[1]


def test_checkout_folders_are_the_data() -> None:
    """Run from the checkout, the data folders are the checkout's own."""
    assert resources.SOURCE_ROOT == ROOT
    assert resources.data_dir("suites") == ROOT / "benchmarks" / "suites"
    assert resources.data_dir("solvers") == ROOT / "solvers"
    assert resources.data_dir("instances") == ROOT / "instances"


def test_packaged_data_comes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed package's optiops/_data/<name> is read before any checkout folder."""
    (tmp_path / "_data" / "suites").mkdir(parents=True)
    monkeypatch.setattr(resources.importlib.resources, "files", lambda package: tmp_path)
    assert resources.data_dir("suites") == tmp_path / "_data" / "suites"
    monkeypatch.setattr(resources, "SOURCE_ROOT", None)
    with pytest.raises(InstanceError, match="no packaged 'solvers' folder"):
        resources.data_dir("solvers")


def test_bundled_instances_are_named() -> None:
    """bundled:<name> resolves below instances/; the list names every area's documents and folders."""
    assert (
        resources.resolve_input("bundled:routing/city-deliveries.yaml")
        == ROOT / "instances/routing/city-deliveries.yaml"
    )
    assert resources.resolve_input("x/y.yaml") == Path("x/y.yaml")
    names = resources.bundled_instances()
    assert {"routing/city-deliveries.yaml", "routing/city-csv", "scenarios/small", "labour/task-day.yaml"} <= set(names)
    assert not any(name.endswith("README.md") for name in names)


@pytest.mark.parametrize("name", ["nope.yaml", "../pyproject.toml", ""])
def test_unknown_bundled_name_lists_the_bundled(name: str) -> None:
    """A name that is not bundled (or climbs out of instances/) is an InstanceError listing the bundled ones."""
    with pytest.raises(InstanceError, match=r"no bundled instance.*routing/city-deliveries\.yaml"):
        resources.resolve_input(f"bundled:{name}")


def test_library_and_cli_read_bundled_instances(tmp_path: Path) -> None:
    """optiops.load and optiops solve take bundled: names like paths."""
    assert optiops.load("bundled:labour/task-day.yaml").name == "hand-morning"
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["solve", "bundled:labour/task-day.yaml", "--out", str(out), "--no-plots"])
    assert result.exit_code == 0, result.output
    assert (out / "plan.json").is_file()
    missing = CliRunner().invoke(app, ["solve", "bundled:labour/nope.yaml", "--out", str(tmp_path / "o2")])
    assert missing.exit_code == 2 and not (tmp_path / "o2").exists()
