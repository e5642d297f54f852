"""What every replay must keep: each item's stock balances, and every order is shipped, waiting or lost."""

from __future__ import annotations

import numpy as np
import pandas as pd


def assert_stock_balances(ledger: pd.DataFrame) -> None:
    """opening + receipts + returns + transfers in - written off - shipped - transfers out = closing, day to day.

    Every unit transferred out arrives somewhere: what left a plan's warehouses is what reached them
    plus what is still in transit at the end.
    """
    led = ledger
    flow = led["opening"] + led["receipts"] + led["returns_received"] + led["transfers_in"]
    flow -= led["written_off"] + led["shipped"] + led["transfers_out"]
    assert np.allclose(flow, led["closing"])
    last = led[led["day"] == led["day"].max()]
    for plan, rows in led.groupby("plan"):
        still = last.loc[last["plan"] == plan, "in_transit"].sum()
        assert np.isclose(rows["transfers_out"].sum(), rows["transfers_in"].sum() + still)
    assert (ledger["closing"] >= 0).all() and (ledger["written_off"] <= ledger["returns_received"]).all()
    for _, g in ledger.groupby(["plan", "sku", "warehouse"]):
        g = g.sort_values("day")
        assert np.allclose(g["opening"].to_numpy()[1:], g["closing"].to_numpy()[:-1])


def assert_orders_conserved(daily: pd.DataFrame) -> None:
    """Orders in = orders completed + lost + in backlog at the end, per plan; completed = on time + late."""
    for _, rows in daily.groupby("plan"):
        backlog = rows["backlog_orders"].iloc[-1]
        assert rows["orders_completed"].sum() + rows["lost_orders"].sum() + backlog == rows["orders"].sum()
        assert (rows["orders_on_time"] + rows["late_orders"] == rows["orders_completed"]).all()
