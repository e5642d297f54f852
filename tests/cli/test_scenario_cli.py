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


def test_gzip_folder_validates_and_a_broken_one_is_named(tmp_path: Path) -> None:
    """--gzip writes the daily tables gzipped; optiops validate reads the folder (exit 0) and names
    the file of a bad value (exit 2)."""
    out = tmp_path / "sc"
    args = ["generate", "scenario", "--skus", "12", "--warehouses", "2", "--days", "30", "--out", str(out), "--gzip"]
    assert runner.invoke(app, args).exit_code == 0
    assert {"demand.csv.gz", "history.csv.gz", "staff.csv"} <= {p.name for p in out.iterdir()}
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0 and "valid scenario" in result.output and "demand" in result.output
    lines = (out / "warehouses.csv").read_text().splitlines()
    (out / "warehouses.csv").write_text("\n".join([lines[0], lines[1].replace(lines[1].split(",")[0], ""), *lines[2:]]))
    bad = runner.invoke(app, ["validate", str(out)])
    assert bad.exit_code == 2 and "warehouses.csv" in bad.output
