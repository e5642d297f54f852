"""``optiops forecast`` and ``optiops backtest`` on a small history written by the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from optiops.cli.main import app

runner = CliRunner()


def history_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    ds = pd.date_range("2024-01-01", periods=60, freq="D")
    frames = [
        pd.DataFrame({"unique_id": uid, "ds": ds, "y": rng.poisson(lam, len(ds))})
        for uid, lam in (("fast", 20.0), ("slow", 0.3))
    ]
    path = tmp_path / "history.csv"
    pd.concat(frames).to_csv(path, index=False)
    return path


def test_forecast_writes_intervals(tmp_path: Path) -> None:
    """forecast.csv holds h rows per series with ordered, non-negative interval bounds."""
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["forecast", str(history_csv(tmp_path)), "--horizon", "7", "--level", "80", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    fc = pd.read_csv(out / "forecast.csv")
    assert list(fc.columns[:4]) == ["unique_id", "ds", "model", "forecast"]
    assert fc.groupby("unique_id").size().to_dict() == {"fast": 7, "slow": 7}
    assert (fc["lo-80"] >= 0).all() and (fc["lo-80"] <= fc["forecast"]).all() and (fc["forecast"] <= fc["hi-80"]).all()
    assert (out / "fan_chart.png").read_bytes()[:4] == b"\x89PNG"


def test_backtest_writes_metrics(tmp_path: Path) -> None:
    """backtest scores the requested models overall and per demand class."""
    out = tmp_path / "metrics.csv"
    args = [
        "backtest",
        str(history_csv(tmp_path)),
        "--horizon",
        "7",
        "--model",
        "naive",
        "--model",
        "ses",
        "--out",
        str(out),
    ]
    assert runner.invoke(app, args).exit_code == 0
    table = pd.read_csv(out)
    assert set(table["model"]) == {"naive", "ses"} and "all" in set(table["group"])


def test_duplicate_row_is_bad_input(tmp_path: Path) -> None:
    """A duplicated (unique_id, ds) row exits 2 naming the file and the row."""
    path = history_csv(tmp_path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    result = runner.invoke(app, ["forecast", str(path), "--horizon", "3", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "history.csv" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_metric_picks_the_loss_auto_chooses_by(tmp_path: Path) -> None:
    """--metric mase chooses one candidate per series (named in the model column); stocking combines them."""
    history = history_csv(tmp_path)
    for metric, expect in (
        ("mase", lambda names: "Combination" not in names),
        ("stocking", lambda n: "Combination" in n),
    ):
        out = tmp_path / metric
        args = ["forecast", str(history), "--horizon", "7", "--metric", metric, "--out", str(out), "--no-plots"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert expect(set(pd.read_csv(out / "forecast.csv")["model"]))


def test_bad_metric_is_bad_input(tmp_path: Path) -> None:
    """An unknown metric, or a metric for a model other than auto, exits 2 naming --metric."""
    history = str(history_csv(tmp_path))
    for extra in (["--metric", "mape"], ["--model", "naive", "--metric", "mase"]):
        result = runner.invoke(app, ["forecast", history, "--horizon", "3", "--out", str(tmp_path / "o"), *extra])
        assert result.exit_code == 2 and "--metric" in result.output
