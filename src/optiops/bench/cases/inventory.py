"""Inventory suites (``inventory-carparts``): every policy judged side by side in one run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from optiops.bench.cases import OnRow, Row, SuiteFamily, register_family
from optiops.bench.suites import Suite


class InventoryFamily(SuiteFamily):
    """One row per policy x setting x judge x demand class."""

    kind = "inventory"

    def run(
        self, suite: Suite, root: Path, backends: list[str] | None, on_row: OnRow, peers: bool | Sequence[str] = False
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

    def row_line(self, row: Row) -> str | None:
        """Rows of all items on the held-out judge: the policy's service and days, and against the rule."""
        if row.get("group") != "all" or row.get("judge") != "holdout":
            return None
        setting = f"{row['weeks']:g} weeks" if row.get("weeks") else f"CSL {row.get('target_csl') or 0:g}"
        text = (f"{row['policy']:>15} {setting:>10}: CSL {row['achieved_csl']:.4f}  fill {row['fill_rate']:.4f}"
                f"  days of inventory {row['days_of_inventory']:.1f}")  # fmt: skip
        if row.get("rule_days") is not None:
            text += f"  ({100 * row['days_vs_rule']:+.1f} % against {row['rule_weeks']:g} weeks of equal fill)"
        return text

    def closing_lines(self, rows: list[Row]) -> list[str]:
        """The frontier on the held-out year: per target CSL, the corrected policy's achieved CSL, fill and
        days of inventory against the weeks-of-cover rule of equal fill (the suite's acceptance figures)."""
        frontier = sorted(
            (r for r in rows if (r.get("policy"), r.get("judge"), r.get("group")) == ("corrected", "holdout", "all")),
            key=lambda r: r["target_csl"],
        )
        if not frontier:
            return []
        lines = [
            "Frontier on the held-out year: the corrected policy against the rule of equal fill",
            f"{'target CSL':>10} {'CSL':>7} {'vs target':>9} {'fill':>6} {'days':>6} {'rule of equal fill':>20} "
            f"{'days vs rule':>12}",
        ]
        for r in frontier:
            rule = "n/a" if r.get("rule_days") is None else f"{r['rule_weeks']:g} w, {r['rule_days']:.1f} days"
            vs = "n/a" if r.get("days_vs_rule") is None else f"{100 * r['days_vs_rule']:+.1f} %"
            miss = 100 * (r["achieved_csl"] - r["target_csl"])
            lines.append(
                f"{r['target_csl']:>10g} {r['achieved_csl']:>7.4f} {miss:>+6.1f} pt {r['fill_rate']:>6.3f}"
                f" {r['days_of_inventory']:>6.1f} {rule:>20} {vs:>12}"
            )
        return lines


register_family(InventoryFamily())
