"""Self-contained HTML reports (no network needed to open them)."""

from optiops.report.html import plan_report

__all__ = ["plan_report"]
