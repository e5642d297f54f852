"""The Arrow fast path of the scenario reader gives the cell-by-cell reader's frames, and leaves bad files to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from optiops.exceptions import InstanceError
from optiops.model.scenario import TABLES, Scenario
from optiops.scenario.arrow_table import read_typed_table
from optiops.scenario.read import _HISTORY, _is_daily_copy, _read_cells, read_scenario, table_path
from optiops.scenario.write import history_frame, write_scenario


@pytest.mark.parametrize("gzip", [False, True], ids=["csv", "csv.gz"])
def test_every_table_reads_as_the_cell_reader_reads_it(small: Scenario, tmp_path: Path, gzip: bool) -> None:
    """Every non-empty table of a written scenario parses by Arrow to exactly the cell reader's frame."""
    write_scenario(small, tmp_path / "s", compress=gzip)
    read = 0
    for spec in TABLES:
        path = table_path(tmp_path / "s", spec.file)
        cells = _read_cells(path, spec)
        typed = read_typed_table(path, spec)
        if cells.empty:
            continue
        assert typed is not None, spec.name
        pd.testing.assert_frame_equal(typed, cells)
        read += 1
    assert read >= 10


def test_padded_or_odd_cells_go_to_the_cell_reader(small_folder: Path, tmp_path: Path) -> None:
    """Padded ids and a date with a time of day are left to the cell reader, which reads them as before."""
    out = tmp_path / "s"
    shutil.copytree(small_folder, out)
    demand = pd.read_csv(out / "demand.csv", dtype=str, keep_default_na=False)
    demand = demand.assign(sku=" " + demand["sku"], ds=demand["ds"] + "T00:00")
    demand.to_csv(out / "demand.csv", index=False)
    spec = next(t for t in TABLES if t.name == "demand")
    assert read_typed_table(out / "demand.csv", spec) is None
    pd.testing.assert_frame_equal(read_scenario(out).demand, read_scenario(small_folder).demand)


def test_history_fast_path_takes_only_an_exact_copy(small: Scenario, small_folder: Path, tmp_path: Path) -> None:
    """The written history.csv is the demand's daily copy; reordered it still reads, duplicated it fails."""
    assert _is_daily_copy(read_typed_table(small_folder / "history.csv", _HISTORY), history_frame(small))
    out = tmp_path / "s"
    shutil.copytree(small_folder, out)
    history = pd.read_csv(small_folder / "history.csv", dtype=str)
    history.iloc[::-1].to_csv(out / "history.csv", index=False)
    assert not _is_daily_copy(read_typed_table(out / "history.csv", _HISTORY), history_frame(small))
    read_scenario(out)
    pd.concat([history, history.iloc[:1]]).to_csv(out / "history.csv", index=False)
    with pytest.raises(InstanceError, match=r"duplicated"):
        read_scenario(out)


def test_a_duplicate_key_is_named_by_the_cell_reader(small_folder: Path, tmp_path: Path) -> None:
    """A repeated stock row makes the fast path step aside; the cell reader names the line and the key."""
    out = tmp_path / "s"
    shutil.copytree(small_folder, out)
    stock = pd.read_csv(out / "stock.csv", dtype=str, keep_default_na=False)
    pd.concat([stock, stock.iloc[:1]]).to_csv(out / "stock.csv", index=False)
    with pytest.raises(InstanceError, match=rf"stock\.csv.*line {len(stock) + 2}, column\(s\) .*: duplicate"):
        read_scenario(out)
