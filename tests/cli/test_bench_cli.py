"""``optiops bench run``: what it prints after a suite's rows."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner, Result

import optiops.bench
from optiops.cli.main import app

runner = CliRunner()


def policy_row(policy: str, target: float | None, judge: str = "holdout", **figures: Any) -> dict[str, Any]:
    """One all-items row of the inventory suite with the figures the console shows."""
    row = {"suite": "inventory-carparts", "policy": policy, "target_csl": target, "weeks": None, "judge": judge,
           "group": "all", "achieved_csl": 0.9, "fill_rate": 0.8, "days_of_inventory": 100.0, "rule_weeks": 20.0,
           "rule_days": 120.0, "days_vs_rule": -1 / 6}  # fmt: skip
    return {**row, **figures}


ROWS = [
    policy_row("weeks_of_cover", None, weeks=4.0, rule_weeks=None, rule_days=None, days_vs_rule=None),
    policy_row("corrected", 0.98, achieved_csl=0.975, days_vs_rule=-0.163),
    policy_row("corrected", 0.95, achieved_csl=0.958, days_vs_rule=-0.067),
    policy_row("corrected", 0.95, judge="history", days_vs_rule=-0.225),
    policy_row("allocated", None, weeks=8.0, target_fill=0.4),
]


def bench_run(monkeypatch: pytest.MonkeyPatch, suite: str, rows: list[dict[str, Any]]) -> Result:
    """``optiops bench run SUITE --no-record`` with a suite run that yields ``rows``."""

    def fake_run(name: str, on_row: Any = None, **_: Any) -> list[dict[str, Any]]:
        for row in rows:
            on_row(row)
        return rows

    monkeypatch.setattr(optiops.bench, "run_suite", fake_run)
    return runner.invoke(app, ["bench", "run", suite, "--no-record"])


def test_inventory_run_prints_the_frontier_last(monkeypatch: pytest.MonkeyPatch) -> None:
    """After every row: the corrected policy's held-out frontier, by target, against the rule of equal fill."""
    result = bench_run(monkeypatch, "inventory-carparts", ROWS)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Frontier"))
    assert any("allocated" in line for line in lines[:start])
    table = lines[start + 2 :]
    assert [line.split()[0] for line in table] == ["0.95", "0.98"]
    assert "-6.7 %" in table[0] and "+0.8 pt" in table[0] and "20 w, 120.0 days" in table[0]
    assert "-16.3 %" in table[1] and "-0.5 pt" in table[1]


def test_forecast_run_prints_reference_rows_without_their_missing_losses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The zero-share floor has no MASE, RMSSE or pinball loss: its line says n/a instead of failing."""
    rows = [
        {"suite": "forecast-carparts", "model": "auto", "group": "all", "rmsse": 0.707, "mase": 1.1, "pinball": 0.223},
        {"suite": "forecast-carparts", "model": "zero (reference)", "group": "all", "rmsse": 0.721, "mase": 0.828,
         "pinball": None},
        {"suite": "forecast-carparts", "model": "zero-share floor (reference)", "group": "all", "rmsse": None,
         "mase": None, "pinball": None, "coverage-80": 0.83},
    ]  # fmt: skip
    result = bench_run(monkeypatch, "forecast-carparts", rows)
    assert result.exit_code == 0, result.output
    assert "zero-share floor (reference): RMSSE n/a  MASE n/a  pinball n/a" in result.output
    assert "zero (reference): RMSSE 0.721  MASE 0.828  pinball n/a" in result.output
