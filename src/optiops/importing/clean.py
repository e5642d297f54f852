"""Cleaning of imported order lines: explicit rules, every dropped line counted under its first reason.

Rules, in order (docs/real-data.md, "Cleaning"):

1. ``overlap``: the line's order is already in an earlier file.
2. ``excluded SKU``: the SKU is not a product (``include_sku`` does not match it, or ``exclude_sku``
   does): postage, fees, discounts, vouchers, manual adjustments.
3. ``zero quantity``.
4. ``zero or negative price``: free samples and stock adjustments (a negative quantity at price 0
   records damaged or lost stock, not a customer's return).
5. ``cancelled order``: a credit line (negative quantity) and a sale of the same customer, SKU and
   quantity on the same day; both lines go, the order never shipped.
6. ``outlier quantity``: a sale of more than ``outlier_factor`` times the SKU's median line and at
   least ``outlier_min_units`` units.
7. ``credit without a sale``: a credit line of a SKU with no sale left (``credit_without_sale: drop``;
   the default, ``error``, stops the import instead: such a SKU has no price and no demand).

What is left: sales (positive lines), the orders shipped; credits (negative lines), the returns.
The same SKU twice in one order becomes one line with the summed quantity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optiops.exceptions import InstanceError
from optiops.importing.network import Cleaning

REASONS = ("overlap", "excluded SKU", "zero quantity", "zero or negative price", "cancelled order",
           "outlier quantity", "credit without a sale")  # fmt: skip


@dataclass(frozen=True, eq=False)
class Cleaned:
    """The lines kept, and how many lines every rule dropped."""

    sales: pd.DataFrame
    credits: pd.DataFrame
    dropped: dict[str, int]
    merged: int


def clean_lines(lines: pd.DataFrame, rules: Cleaning) -> Cleaned:
    """Apply the cleaning rules of the module docstring to the lines of :func:`optiops.importing.lines.read_lines`.

    Raises
    ------
    InstanceError
        A rule's pattern is not a regular expression; a credit line of a SKU with no sale left when
        ``rules.credit_without_sale`` is ``"error"`` (file, line, column and reason).
    """
    reason = np.full(len(lines), "", dtype=object)

    def drop(mask: np.ndarray, why: str) -> None:
        reason[(reason == "") & mask] = why

    drop(lines["overlap"].to_numpy(), "overlap")
    drop(~_matches(lines["sku"], rules.include_sku, True) | _matches(lines["sku"], rules.exclude_sku, False),
         "excluded SKU")  # fmt: skip
    qty, price = lines["quantity"].to_numpy(), lines["price"].to_numpy()
    drop(qty == 0, "zero quantity")
    drop(price <= 0, "zero or negative price")  # NaN (no price column) compares False: kept
    drop(_cancelled(lines, reason == ""), "cancelled order")
    drop(_outliers(lines, reason == "", rules), "outlier quantity")
    sold = set(lines.loc[(reason == "") & (qty > 0), "sku"])
    orphan = (reason == "") & (qty < 0) & ~lines["sku"].isin(sold).to_numpy()
    if orphan.any() and rules.credit_without_sale == "error":
        where = lines.loc[orphan, ["file", "line", "sku"]].head(10).itertuples(index=False)
        problems = [f"{f}: line {n}, column 'sku': {s!r} has credit lines but no sale to return "
                    f"(network.yaml cleaning.credit_without_sale: drop drops them)" for f, n, s in where]  # fmt: skip
        raise InstanceError(problems + ([f"... {int(orphan.sum())} such lines"] if orphan.sum() > 10 else []))
    drop(orphan, "credit without a sale")
    kept = lines[reason == ""]
    sales = kept[kept["quantity"] > 0]
    merged = sales.groupby(["order", "sku"], sort=False, as_index=False).agg(
        quantity=("quantity", "sum"),
        time=("time", "first"),
        price=("price", "median"),
        customer=("customer", "first"),
        region=("region", "first"),
        category=("category", "first"),
        file=("file", "first"),
        line=("line", "first"),
    )
    counts = pd.Series(reason[reason != ""]).value_counts()
    dropped = {r: int(counts.get(r, 0)) for r in REASONS}
    return Cleaned(merged, kept[kept["quantity"] < 0].reset_index(drop=True), dropped, len(sales) - len(merged))


def _matches(sku: pd.Series, pattern: str, empty: bool) -> np.ndarray:
    """Where ``pattern`` matches the start of the SKU (``empty`` where there is no pattern)."""
    if not pattern:
        return np.full(len(sku), empty)
    try:
        rule = re.compile(pattern)
    except re.error as exc:
        raise InstanceError(f"{pattern!r} is not a regular expression: {exc}", "SKU pattern") from None
    codes = pd.unique(sku.to_numpy())  # a few thousand codes for a million lines
    return sku.isin([c for c in codes if rule.match(c)]).to_numpy(dtype=bool)


def _cancelled(lines: pd.DataFrame, alive: np.ndarray) -> np.ndarray:
    """Credit lines and the sales they cancel: same customer, SKU, absolute quantity and day, paired one to one."""
    frame = pd.DataFrame({"customer": lines["customer"], "sku": lines["sku"], "units": lines["quantity"].abs(),
                          "day": lines["time"].dt.normalize(), "credit": lines["quantity"] < 0})  # fmt: skip
    frame = frame[alive]
    key = ["customer", "sku", "units", "day"]
    frame["k"] = frame.groupby([*key, "credit"], sort=False).cumcount()
    credit, sale = frame[frame["credit"]], frame[~frame["credit"]]
    pairs = credit.reset_index().merge(sale.reset_index(), on=[*key, "k"], suffixes=("_c", "_s"))
    out = np.zeros(len(lines), dtype=bool)
    out[pairs["index_c"].to_numpy()] = True
    out[pairs["index_s"].to_numpy()] = True
    return out


def _outliers(lines: pd.DataFrame, alive: np.ndarray, rules: Cleaning) -> np.ndarray:
    """Sales beyond ``outlier_factor`` x the SKU's median sale and at least ``outlier_min_units`` units."""
    sale = alive & (lines["quantity"].to_numpy() > 0)
    median = lines[sale].groupby("sku")["quantity"].median()
    limit = rules.outlier_factor * lines["sku"].map(median).to_numpy(dtype=float, na_value=np.inf)
    qty = lines["quantity"].to_numpy()
    return sale & (qty > limit) & (qty >= rules.outlier_min_units)
