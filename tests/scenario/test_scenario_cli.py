"""``optiops generate scenario``: writes the folder, exits 0; bad arguments exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from optiops.cli.main import app
from optiops.scenario import read_scenario

runner = CliRunner()


def test_generate_writes_the_folder(tmp_path: Path) -> None:
    """The folder holds every file and reads back with the requested sizes."""
    out = tmp_path / "sc"
    args = [
        "generate",
        "scenario",
        "--skus",
        "20",
        "--warehouses",
        "2",
        "--days",
        "40",
        "--seed",
        "5",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    s = read_scenario(out)
    assert (len(s.skus), len(s.warehouses), s.days, s.seed) == (20, 2, 40, 5)
    assert {"scenario.yaml", "costs.yaml", "history.csv", "demand.csv", "staff.csv"} <= {p.name for p in out.iterdir()}


@pytest.mark.parametrize(
    "args",
    [["--skus", "0"], ["--warehouses", "-1"], ["--days", "abc"], ["--days", "10", "--holdout", "10"], []],
)
def test_bad_arguments_exit_2(tmp_path: Path, args: list[str]) -> None:
    """Sizes below one, text for a number, a hold-out as long as the scenario, or no --out: exit code 2."""
    out = [] if not args else ["--out", str(tmp_path / "x")]
    result = runner.invoke(app, ["generate", "scenario", *args, *out])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "x").exists()
