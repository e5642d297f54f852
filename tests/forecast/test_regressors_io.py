"""Regressors in files: reading them, the future file, ``forecast_frame`` and ``optiops forecast --future``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from optiops.cli.main import app
from optiops.exceptions import InstanceError
from optiops.forecast import Regressors, forecast_frame
from optiops.io.demand import read_demand, read_demand_inputs, read_future

runner = CliRunner()
DAYS, H = 16, 5


def write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    """A history of two daily series with price and promotion, and the future file for H days."""
    rng = np.random.default_rng(0)
    ds = pd.date_range("2024-01-01", periods=DAYS + H, freq="D")
    promo = (rng.random(DAYS + H) < 0.25).astype(int)
    price = np.where(promo == 1, 0.9, 1.0)
    rows = []
    for uid, base in (("a", 20.0), ("b", 8.0)):
        y = np.maximum(base + 6 * promo + rng.normal(0, 1.5, DAYS + H), 0).round()
        rows.append(pd.DataFrame({"unique_id": uid, "ds": ds, "y": y, "price": price, "promotion": promo}))
    frame = pd.concat(rows)
    history, future = tmp_path / "history.csv", tmp_path / "future.csv"
    frame[frame.ds < ds[DAYS]].to_csv(history, index=False)
    frame[frame.ds >= ds[DAYS]].drop(columns="y").to_csv(future, index=False)
    return history, future


def squeeze(text: str) -> str:
    """The text without whitespace (rich wraps long messages)."""
    return "".join(text.split())


def test_regressors_follow_the_values_and_fill_forward(tmp_path: Path) -> None:
    """Regressor rows land on their (series, date); a zero-filled date repeats the previous row."""
    text = "unique_id,ds,y,price\na,2024-01-01,1,2.5\na,2024-01-03,2,3.0\nb,2024-01-02,4,1.0\n"
    (tmp_path / "h.csv").write_text(text)
    inputs = read_demand_inputs(tmp_path / "h.csv", freq="D", regressors=["price"])
    np.testing.assert_array_equal(inputs.history.values, [1, 0, 2, 4, 0])
    assert inputs.past is not None
    np.testing.assert_array_equal(inputs.past[:, 0], [2.5, 2.5, 3.0, 1.0, 1.0])
    assert inputs.groups is None and read_demand(tmp_path / "h.csv", freq="D").values.tolist() == [1, 0, 2, 4, 0]


def test_group_column_gives_one_label_per_series(tmp_path: Path) -> None:
    """A group column is read per series; a series naming two groups is an error with both lines."""
    text = "unique_id,ds,y,group\nb,2024-01-01,1,toys\na,2024-01-01,2,food\nb,2024-01-02,1,toys\n"
    (tmp_path / "h.csv").write_text(text)
    groups = read_demand_inputs(tmp_path / "h.csv").groups
    assert groups is not None and groups.tolist() == ["food", "toys"]
    (tmp_path / "h.csv").write_text(text.replace("b,2024-01-02,1,toys", "b,2024-01-02,1,food"))
    with pytest.raises(InstanceError, match=r"line 4, column 'group': series 'b' is in group 'toys' on line 2"):
        read_demand_inputs(tmp_path / "h.csv")


def test_future_rows_come_in_series_and_step_order(tmp_path: Path) -> None:
    """read_future returns h rows per series, series after series, whatever the file's order."""
    history, future = write_inputs(tmp_path)
    hist = read_demand(history)
    frame = pd.read_csv(future).sample(frac=1.0, random_state=1)
    frame.to_csv(future, index=False)
    x = read_future(future, hist, H, ["promotion", "price"])
    expected = pd.read_csv(future).sort_values(["unique_id", "ds"])[["promotion", "price"]].to_numpy()
    np.testing.assert_array_equal(x, expected)


def test_forecast_frame_uses_regressors_for_sarimax(tmp_path: Path) -> None:
    """forecast_frame with sarimax forecasts more on promotion days; other models ignore regressors."""
    history, future = write_inputs(tmp_path)
    inputs = read_demand_inputs(history, regressors=["promotion"])
    assert inputs.past is not None
    future_x = read_future(future, inputs.history, H, inputs.names)
    regs = Regressors(inputs.names, inputs.past, future_x)
    frame = forecast_frame(inputs.history, H, model="sarimax", levels=(80,), regressors=regs)
    a = frame[frame.unique_id == "a"]
    promo = future_x[:H, 0] == 1
    assert promo.any() and (~promo).any()
    assert a.forecast[promo].min() > a.forecast[~promo].max()
    assert (frame["lo-80"] <= frame.forecast).all() and (frame.forecast <= frame["hi-80"]).all()
    naive = forecast_frame(inputs.history, H, model="naive", levels=(80,), regressors=regs)
    assert set(naive.model) == {"Naive"}


def test_cli_future_writes_forecast_with_intervals(tmp_path: Path) -> None:
    """optiops forecast --regressors --future --model sarimax writes the usual forecast.csv."""
    history, future = write_inputs(tmp_path)
    out = tmp_path / "out"
    args = ["forecast", str(history), "--horizon", str(H), "--regressors", "price,promotion", "--future", str(future)]
    result = runner.invoke(app, [*args, "--model", "sarimax", "--level", "80", "--out", str(out)])
    assert result.exit_code == 0, result.output
    fc = pd.read_csv(out / "forecast.csv")
    assert list(fc.columns) == ["unique_id", "ds", "model", "forecast", "lo-80", "hi-80"]
    assert fc.groupby("unique_id").size().to_dict() == {"a": H, "b": H} and set(fc.model) == {"SARIMAX"}
    assert (fc["lo-80"] <= fc.forecast).all() and (fc.forecast <= fc["hi-80"]).all()


def break_history_column(history: Path, future: Path) -> None:
    history.write_text(history.read_text().replace("price,", "cost,", 1))


def break_history_value(history: Path, future: Path) -> None:
    lines = history.read_text().splitlines()
    lines[3] = ",".join([*lines[3].split(",")[:4], "lots"])
    history.write_text("\n".join(lines) + "\n")


def break_future_value(history: Path, future: Path) -> None:
    lines = future.read_text().splitlines()
    lines[2] = ",".join([*lines[2].split(",")[:2], "cheap", *lines[2].split(",")[3:]])
    future.write_text("\n".join(lines) + "\n")


def drop_future_row(history: Path, future: Path) -> None:
    lines = future.read_text().splitlines()
    future.write_text("\n".join(lines[:3] + lines[4:]) + "\n")


def drop_future_column(history: Path, future: Path) -> None:
    frame = pd.read_csv(future).drop(columns="promotion")
    frame.to_csv(future, index=False)


@pytest.mark.parametrize(
    ("damage", "file", "where"),
    [
        (break_history_column, "history.csv", "missingcolumn(s)['price']"),
        (break_history_value, "history.csv", "line4,column'promotion':'lots'isnotafinitenumber"),
        (break_future_value, "future.csv", "line3,column'price':'cheap'isnotafinitenumber"),
        (drop_future_row, "future.csv", "columns['price','promotion']:norowfor('a',2024-01-19),step3"),
        (drop_future_column, "future.csv", "missingcolumn(s)['promotion']"),
    ],
)
def test_bad_regressor_input_exits_2_and_writes_nothing(
    tmp_path: Path, damage: Callable[[Path, Path], None], file: str, where: str
) -> None:
    """Each bad regressor input exits 2 naming the file, the row and the column, and writes nothing."""
    history, future = write_inputs(tmp_path)
    damage(history, future)
    out = tmp_path / "out"
    args = ["forecast", str(history), "--horizon", str(H), "--regressors", "price,promotion", "--future", str(future)]
    result = runner.invoke(app, [*args, "--model", "sarimax", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{file}:" in squeeze(result.output) and where in squeeze(result.output)
    assert "Traceback" not in result.output and not out.exists()


def test_regressors_need_a_future_file(tmp_path: Path) -> None:
    """--regressors without --future is a usage error (exit 2), nothing written."""
    history, _ = write_inputs(tmp_path)
    args = ["forecast", str(history), "--horizon", "3", "--regressors", "price", "--out", str(tmp_path / "o")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and not (tmp_path / "o").exists()
