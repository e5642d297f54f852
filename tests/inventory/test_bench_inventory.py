"""The inventory-carparts protocol on a small synthetic history (the shared data is not needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from optiops.inventory.bench import CarpartsSettings, equal_fill_rule, prepare, run_inventory_carparts
from optiops.inventory.policy import weeks_of_cover_policy
from optiops.inventory.simulate import SimulationOptions, metrics, simulate_stats, summarise


def write_history(path: Path, n: int = 24, months: int = 30) -> Path:
    rng = np.random.default_rng(4)
    rows = []
    dates = pd.date_range("2000-01-01", periods=months, freq="MS")
    for i in range(n):
        lam = rng.uniform(0.1, 6.0)
        y = rng.poisson(lam, months) * (rng.random(months) < (0.3 if i % 2 else 0.9))
        rows += [
            {"unique_id": f"p{i:02d}", "ds": d.date().isoformat(), "y": int(v)} for d, v in zip(dates, y, strict=True)
        ]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_every_policy_is_judged_on_both_pools(tmp_path: Path) -> None:
    """Rows for all four policies x both judges, the allocation at each rule's training fill rate."""
    s = CarpartsSettings(holdout=6, targets=(0.95,), weeks=(4.0, 13.0), search_window=12, scenarios=40, warmup=6,
                         menu_size=8)  # fmt: skip
    table = run_inventory_carparts(write_history(tmp_path / "h.csv"), s)
    top = table[table["group"] == "all"]
    assert set(top["policy"]) == {"weeks_of_cover", "analytic", "corrected", "allocated"}
    assert set(top["judge"]) == {"holdout", "history"}
    assert len(top) == 2 * (2 + 1 + 1 + 2)
    assert top["achieved_csl"].between(0, 1).all() and top["fill_rate"].between(0, 1).all()
    alloc = top[top["policy"] == "allocated"]
    assert (alloc["mip_status"] == "optimal").all()
    assert alloc["target_fill"].between(0, 1).all()
    assert (table[table["group"] != "all"]["items"] < 24).all()
    rivals = top[top["policy"] != "weeks_of_cover"]
    assert rivals["rule_weeks"].notna().all()
    assert (rivals["rule_fill_rate"] >= rivals["fill_rate"] - 1e-5).all()
    assert np.allclose(rivals["days_vs_rule"], rivals["days_of_inventory"] / rivals["rule_days"] - 1, atol=1e-3)
    assert top[top["policy"] == "weeks_of_cover"]["rule_weeks"].isna().all()


def test_equal_fill_rule_is_the_fewest_weeks_that_reach_the_fill(tmp_path: Path) -> None:
    """The matched rule reaches the fill; 0.05 weeks less does not (both on the same demand paths)."""
    s = CarpartsSettings(holdout=6, scenarios=40, warmup=6)
    case = prepare(write_history(tmp_path / "h.csv"), s)
    pool, opts = case.judges["holdout"], SimulationOptions(40, 6, 6, 3)

    def fill(weeks: float) -> float:
        stats = simulate_stats(case.items, weeks_of_cover_policy(case.items, weeks), pool, opts)
        return summarise(metrics(case.items, stats), case.items.period_days)["fill_rate"]

    for target in (0.3, 0.7, 0.9):
        found = equal_fill_rule(case.items, pool, opts, target)
        assert found is not None
        weeks, agg = found
        assert agg["fill_rate"] == fill(weeks) >= target
        assert fill(weeks - 0.05) < target
    assert equal_fill_rule(case.items, pool, opts, 1.01) is None
