"""Inventory suites (``inventory-carparts``): every policy judged side by side in one run."""

from __future__ import annotations

from pathlib import Path

from optiops.bench.cases import OnRow, Row, SuiteFamily, register_family
from optiops.bench.suites import Suite


class InventoryFamily(SuiteFamily):
    """One row per policy x setting x judge x demand class."""

    kind = "inventory"

    def run(
        self, suite: Suite, root: Path, backends: list[str] | None, on_row: OnRow, peers: bool = False
    ) -> list[Row] | None:
        from optiops.bench.runner import table_rows
        from optiops.inventory.bench import CarpartsSettings, run_inventory_carparts

        s = dict(suite.settings)
        for key in ("targets", "weeks"):
            if key in s:
                s[key] = tuple(s[key])
        return table_rows(
            run_inventory_carparts(root / suite.data / suite.pattern, CarpartsSettings(**s)), suite, on_row
        )


register_family(InventoryFamily())
