"""What an import measured: the cleaning (lines read, kept, dropped by reason) and the operation's facts.

Facts are over the kept lines: orders per trading day, lines and units per order, the share of
orders with more than one line, the return share (units credited / units sold) and the share of
intermittent SKUs (average interval between sale days above 1.32 trading days, Syntetos and Boylan
2005, counted from each SKU's first sale to the last trading day).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from optiops.importing.clean import Cleaned
from optiops.model.scenario import Scenario

ADI_CUT = 1.32


def import_summary(files: dict[str, int], cleaned: Cleaned, scenario: Scenario, notes: list[str]) -> dict[str, Any]:
    """The summary written as ``import_summary.json`` and printed by ``optiops import orders``."""
    assert scenario.orders is not None
    orders = scenario.orders
    read = sum(files.values())
    kept_sales = int(cleaned.sales.shape[0] + cleaned.merged)
    per_order = orders.groupby("order", sort=False).agg(lines=("line", "size"), units=("quantity", "sum"))
    day = orders.drop_duplicates("order")["time"].dt.normalize()
    per_day = day.value_counts()
    sold = int(orders["quantity"].sum())
    returned = int(scenario.returns["y"].sum())
    return {
        "lines_read": read, "lines_per_file": files,
        "lines_kept": kept_sales + len(cleaned.credits), "sale_lines_kept": kept_sales,
        "credit_lines_kept": len(cleaned.credits), "lines_dropped": cleaned.dropped,
        "lines_merged": cleaned.merged,
        "orders": len(per_order), "order_lines": len(orders), "skus": len(scenario.skus),
        "zones": len(scenario.zones), "first_day": str(scenario.start), "last_day": str(scenario.end),
        "trading_days": len(per_day), "holdout_days": scenario.holdout_days,
        "orders_per_trading_day": _stats(per_day.to_numpy()),
        "lines_per_order": _stats(per_order["lines"].to_numpy()),
        "units_per_order": _stats(per_order["units"].to_numpy()),
        "multi_line_order_share": round(float((per_order["lines"] > 1).mean()), 4),
        "units_sold": sold, "units_returned": returned,
        "return_share": round(returned / max(sold, 1), 4),
        "intermittent_sku_share": round(intermittent_share(orders), 4),
        "notes": notes,
    }  # fmt: skip


def _stats(values: np.ndarray) -> dict[str, float]:
    return {"mean": round(float(values.mean()), 2), "median": float(np.median(values)),
            "p90": float(np.quantile(values, 0.9)), "max": float(values.max())}  # fmt: skip


def intermittent_share(orders: pd.DataFrame) -> float:
    """Share of SKUs whose average interval between sale days exceeds :data:`ADI_CUT` trading days."""
    day = orders["time"].dt.normalize()
    trading = np.sort(day.unique())
    index = pd.Series(np.arange(len(trading)), index=trading)
    sale_days = pd.DataFrame({"sku": orders["sku"], "d": day.map(index).to_numpy()}).drop_duplicates()
    by = sale_days.groupby("sku")["d"]
    adi = (len(trading) - by.min()) / by.size()
    return float((adi > ADI_CUT).mean())


def summary_text(summary: dict[str, Any]) -> str:
    """The summary as the lines ``optiops import orders`` prints."""
    s = summary
    dropped = ", ".join(f"{k} {v:,}" for k, v in s["lines_dropped"].items() if v)
    out = [
        f"lines read {s['lines_read']:,}; kept {s['lines_kept']:,} ({s['sale_lines_kept']:,} sales, "
        f"{s['credit_lines_kept']:,} credits); dropped {sum(s['lines_dropped'].values()):,}: {dropped or 'none'}; "
        f"same SKU twice in an order merged {s['lines_merged']:,}",
        f"{s['orders']:,} orders, {s['order_lines']:,} lines, {s['skus']:,} SKUs, {s['zones']} zones, "
        f"{s['first_day']} to {s['last_day']} ({s['trading_days']} trading days; hold-out {s['holdout_days']} days)",
        f"orders per trading day {s['orders_per_trading_day']['mean']:,.1f} (median "
        f"{s['orders_per_trading_day']['median']:g}); lines per order {s['lines_per_order']['mean']:.1f} (median "
        f"{s['lines_per_order']['median']:g}); multi-line orders {s['multi_line_order_share']:.1%}; units per order "
        f"{s['units_per_order']['mean']:,.1f}; return share {s['return_share']:.1%}; intermittent SKUs "
        f"{s['intermittent_sku_share']:.1%}",
        *[f"note: {n}" for n in s["notes"]],
    ]  # fmt: skip
    return "\n".join(out)
