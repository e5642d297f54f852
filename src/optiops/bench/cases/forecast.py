"""Forecast suites (``forecast-carparts``, ``forecast-m5``): every model scored side by side on one held-out split."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optiops.bench.cases import OnRow, Row, SuiteFamily, register_family
from optiops.bench.suites import Suite


class ForecastFamily(SuiteFamily):
    """One row per model x demand class; ``--backend`` names the models to score."""

    kind = "forecast"

    def run(
        self, suite: Suite, root: Path, backends: list[str] | None, on_row: OnRow, peers: bool | Sequence[str] = False
    ) -> list[Row] | None:
        """``settings.dataset`` names the data: ``carparts`` (a long-format history file) or ``m5`` (the M5
        folder with its calendar and prices); ``peers`` adds statsforecast's models (all, or those named)
        on the same split."""
        from optiops.bench.runner import table_rows
        from optiops.exceptions import InstanceError
        from optiops.forecast import Backtest
        from optiops.forecast.bench import run_carparts
        from optiops.forecast.bench_m5 import run_m5
        from optiops.forecast.peers import chosen_peers

        if peers:
            chosen_peers(peers)  # installed and known names: before the long run, not after it
        s = suite.settings
        h = int(s["horizon"])
        backtest = Backtest(h=h, n_windows=int(s["backtest_windows"]), step=int(s.get("backtest_step", 1)))
        common: dict[str, Any] = {
            "levels": tuple(s["levels"]), "models": tuple(backends or s["models"]), "backtest": backtest,
            "peers": peers, "conformal_windows": int(s.get("conformal_windows", 2)),
        }  # fmt: skip
        dataset = s.get("dataset", "carparts")
        if dataset == "m5":
            table = run_m5(root / suite.data, horizon=h, **common)
        elif dataset == "carparts":
            table = run_carparts(root / suite.data / suite.pattern, horizon=h, **common)
        else:
            raise InstanceError(f"suite {suite.name}: settings.dataset must be 'carparts' or 'm5', got {dataset!r}")
        return table_rows(table, suite, on_row)

    def row_line(self, row: Row) -> str | None:
        """Rows over all series: the model's RMSSE, MASE and pinball loss (n/a where a row has none)."""
        if row.get("group") != "all":
            return None
        num = {k: "n/a" if row.get(k) is None else f"{row[k]:.3f}" for k in ("rmsse", "mase", "pinball")}
        peer = f" ({row['peer']} {row.get('peer_version')})" if row.get("peer") else ""
        return f"{row['model']:>36}: RMSSE {num['rmsse']}  MASE {num['mase']}  pinball {num['pinball']}{peer}"

    def closing_lines(self, rows: list[Row]) -> list[str]:
        """None: the table of every model is the result (``optiops bench report``)."""
        return []


register_family(ForecastFamily())
