"""Forecast suites (``forecast-carparts``): every model scored side by side on one held-out split."""

from __future__ import annotations

from pathlib import Path

from optiops.bench.cases import OnRow, Row, SuiteFamily, register_family
from optiops.bench.suites import Suite


class ForecastFamily(SuiteFamily):
    """One row per model x demand class; ``--backend`` names the models to score."""

    kind = "forecast"

    def run(self, suite: Suite, root: Path, backends: list[str] | None, on_row: OnRow) -> list[Row] | None:
        from optiops.bench.runner import table_rows
        from optiops.forecast import Backtest
        from optiops.forecast.bench import run_carparts

        s = suite.settings
        table = run_carparts(
            root / suite.data / suite.pattern, horizon=int(s["horizon"]), levels=tuple(s["levels"]),
            models=tuple(backends or s["models"]),
            backtest=Backtest(h=int(s["horizon"]), n_windows=int(s["backtest_windows"])),
        )  # fmt: skip
        return table_rows(table, suite, on_row)


register_family(ForecastFamily())
