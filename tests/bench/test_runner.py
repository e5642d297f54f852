"""The benchmark runner: rows with the contract keys, objectives from the evaluator."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from optiops.bench import append_rows, run_suite
from optiops.bench.report import markdown, other_tables, summarise
from optiops.parallel import make_executor

DATA = Path(__file__).parents[1] / "data"
KEYS = {"suite", "instance", "backend", "seed", "time_limit_s", "status", "feasible", "objective", "best_known",
        "gap_pct", "runtime_s", "commit", "date", "machine", "versions"}  # fmt: skip


@pytest.fixture
def suite_file(tmp_path: Path) -> Path:
    (tmp_path / "data" / "tiny").mkdir(parents=True)
    shutil.copy(DATA / "tiny-tw.vrp", tmp_path / "data" / "tiny")
    shutil.copy(DATA / "tiny-bks.csv", tmp_path / "data" / "bks.csv")
    path = tmp_path / "tiny-suite.toml"
    path.write_text(
        'name = "tiny-suite"\nkind = "routing"\ndata = "tiny"\npattern = "*.vrp"\nbest_known = "bks.csv"\n'
        'rounding = "dimacs"\ntime_limit_s = 0.5\nbackends = ["auto", "ortools"]\n'
    )
    return path


def test_rows_have_contract_keys(suite_file: Path) -> None:
    """One row per instance x backend x seed with every contract key and a gap to the best known."""
    rows = run_suite(str(suite_file), seeds=2, data=suite_file.parent / "data", executor="inline")
    assert len(rows) == 4
    for row in rows:
        assert set(row) >= KEYS
        assert row["feasible"] and row["objective"] is not None
        assert row["gap_pct"] == pytest.approx(100 * (row["objective"] - 10.0) / 10.0, abs=1e-3)


def test_instances_filter_and_process_pool(suite_file: Path) -> None:
    """--instances filters by name; the process pool gives the same objective as inline."""
    rows = run_suite(str(suite_file), backends=["ortools"], instances="tiny-*", data=suite_file.parent / "data",
                     executor="process", workers=1)  # fmt: skip
    inline = run_suite(str(suite_file), backends=["ortools"], data=suite_file.parent / "data", executor="inline")
    assert [r["objective"] for r in rows] == [r["objective"] for r in inline]


def test_report_summarises_runs(suite_file: Path, tmp_path: Path) -> None:
    """The report table shows each backend's mean gap and feasible count."""
    rows = run_suite(str(suite_file), data=suite_file.parent / "data", executor="inline")
    out = tmp_path / "results.jsonl"
    append_rows(rows, out)
    append_rows(rows, out)
    assert len(out.read_text().splitlines()) == 4
    table = markdown(summarise([json.loads(x) for x in out.read_text().splitlines()]))
    assert "## tiny-suite" in table and "| ortools |" in table and "1/1" in table


def test_forecast_table_shows_the_latest_run_even_without_run_ids() -> None:
    """Rows a script wrote without ``run_id`` form one run per commit; the table shows the latest."""
    row = {"suite": "forecast-x", "model": "naive", "group": "all", "n_series": 3, "mase": 1.0, "pinball": 0.2,
           "coverage-80": 0.8, "coverage-95": 0.95, "series_per_s": 10.0}  # fmt: skip
    old = {**row, "commit": "aaa", "date": "2026-01-01T00:00", "run_id": "r1"}
    new = {**row, "commit": "bbb", "date": "2026-02-01T00:00", "mase": 0.9}
    text = other_tables([old, new])
    assert "commit bbb" in text and "| **0.900** |" in text and "1.000" not in text


def test_forecast_table_puts_peers_beside_optiops_with_the_best_in_bold() -> None:
    """One table of optiops' models and the peers', by RMSSE; the least loss and the bias nearest zero
    are bold, the reference rows never are."""
    common = {"suite": "forecast-x", "group": "all", "n_series": 3, "commit": "c", "date": "2026-01-01", "run_id": "r"}
    rows = [
        {**common, "model": "auto", "rmsse": 0.70, "mase": 1.2, "bias": -0.3, "pinball": 0.2},
        {**common, "model": "IMAPA", "rmsse": 0.71, "mase": 1.1, "bias": 0.1, "pinball": 0.3,
         "peer": "statsforecast", "peer_version": "2.1.1"},
        {**common, "model": "zero (reference)", "rmsse": 0.60, "mase": 0.8, "bias": 0.0},
    ]  # fmt: skip
    lines = [line for line in other_tables(rows).splitlines() if line.startswith("| ")]
    assert lines[1].startswith("| zero (reference) | optiops | 0.600 | 0.800 |")  # sorted by RMSSE, not bold
    assert lines[2].startswith("| auto | optiops | **0.700** | 1.200 |") and "| **0.200** |" in lines[2]
    assert lines[3].startswith("| IMAPA | statsforecast 2.1.1 | 0.710 | **1.100** |") and "| **0.100** |" in lines[3]


def test_orlib_table_takes_each_backends_newest_row() -> None:
    """Per instance and backend: the newest row, proofs as times (fastest in bold), the rest as gaps."""
    base = {"suite": "allocation-orlib", "time_limit_s": 60, "best_known": 100.0, "commit": "c1"}
    rows = [
        {**base, "instance": "capa-8000", "backend": "highs", "date": "2026-01-01", "status": "feasible",
         "gap_pct": 30.0, "mip_gap": 0.23, "runtime_s": 61.0, "at_optimum": False},
        {**base, "instance": "capa-8000", "backend": "highs", "date": "2026-02-01", "status": "optimal",
         "gap_pct": 0.0, "mip_gap": 0.0, "runtime_s": 12.4, "at_optimum": True, "commit": "c2"},
        {**base, "instance": "capa-8000", "backend": "cbc", "date": "2026-02-01", "status": "optimal",
         "gap_pct": 0.0, "mip_gap": 0.0, "runtime_s": 32.1, "at_optimum": True, "commit": "c2"},
        {**base, "instance": "capa-8000", "backend": "cpsat", "date": "2026-02-01", "status": "feasible",
         "gap_pct": 3.93, "mip_gap": 0.0384, "runtime_s": 60.4, "at_optimum": False, "commit": "c2"},
    ]  # fmt: skip
    text = other_tables(rows)
    line = next(x for x in text.splitlines() if x.startswith("| capa-8000"))
    assert line == "| capa-8000 | 100.000 | optimal, 32.1 s | +3.93 % (MIP gap 3.84 %, 60 s) | **optimal, 12.4 s** |"


def test_inline_executor_reports_exceptions() -> None:
    """An exception inside a task surfaces through future.result()."""
    fut = make_executor("inline").submit(int, "not a number")
    with pytest.raises(ValueError):
        fut.result()
