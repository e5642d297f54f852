"""``optiops solve`` on inventory instances and ``optiops simulate``: outputs, agreement with the library, exits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from tests.inventory.test_inventory_io import APPAREL, HAND, apparel, edit_items, write_csv_folder
from typer.testing import CliRunner

from optiops.cli.main import app
from optiops.inventory import SimulationOptions, items_from_instance, simulate
from optiops.inventory.solve import CHECK_SEED_OFFSET
from optiops.inventory.views import policy_of, stock_sample
from optiops.io.documents import read_as
from optiops.io.inventory_csv import PLAN_POLICY_COLUMNS, read_policies
from optiops.model.inventory import InventoryPlan

runner = CliRunner()


def flat(text: str) -> str:
    """Text without any whitespace: the console may wrap a long path anywhere, even inside a word."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled instance solved once by the CLI."""
    out = tmp_path_factory.mktemp("solved") / "out"
    result = runner.invoke(app, ["solve", str(APPAREL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_solve_writes_plan_tables_and_chart(solved: Path) -> None:
    """solve writes plan.json, policies.csv, orders.csv and stock.png, and the tables agree with the plan."""
    assert {p.name for p in solved.iterdir()} == {"plan.json", "policies.csv", "orders.csv", "stock.png"}
    plan = read_as(solved / "plan.json", InventoryPlan)
    table = pd.read_csv(solved / "policies.csv", keep_default_na=False)
    assert list(table.columns) == list(PLAN_POLICY_COLUMNS)
    assert table["reorder_point"].tolist() == [r.reorder_point for r in plan.policies]
    orders = pd.read_csv(solved / "orders.csv")
    assert list(orders.columns) == ["item", "period", "quantity", "arrival"]
    assert len(orders) == len(plan.orders) > 0
    assert (solved / "stock.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_solve_prints_one_line_summary(tmp_path: Path) -> None:
    """The summary names items, aggregate CSL, fill rate and days of inventory; --no-plots drops the chart."""
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(APPAREL), "--out", str(out), "--no-plots"])
    assert result.exit_code == 0, result.output
    plan = read_as(out / "plan.json", InventoryPlan)
    line = result.output.strip()
    assert f"4 items, CSL {plan.summary['achieved_csl']:.2%}, fill rate {plan.summary['fill_rate']:.2%}" in line
    assert f"{plan.summary['days_of_inventory']:.1f} days of inventory" in line
    assert not (out / "stock.png").exists()


def test_solve_csv_folder_matches_document(tmp_path: Path, solved: Path) -> None:
    """A CSV folder solves to the same plan.json policies as the YAML document."""
    folder = write_csv_folder(apparel(), tmp_path / "apparel")
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(folder), "--out", str(out), "--no-plots"])
    assert result.exit_code == 0, result.output
    assert read_as(out / "plan.json", InventoryPlan).policies == read_as(solved / "plan.json", InventoryPlan).policies


def test_simulate_plan_reproduces_its_figures(solved: Path) -> None:
    """Simulating plan.json (or policies.csv) with solve's seed gives back the plan's per-item figures."""
    plan = read_as(solved / "plan.json", InventoryPlan)
    for policy in ("plan.json", "policies.csv"):
        out = solved.parent / f"metrics-{policy}.csv"
        result = runner.invoke(app, ["simulate", str(APPAREL), str(solved / policy), "--out", str(out)])
        assert result.exit_code == 0, result.output
        frame = pd.read_csv(out)
        assert frame["achieved_csl"].tolist() == pytest.approx([r.achieved_csl for r in plan.policies], abs=1e-6)
        assert frame["cost"].tolist() == pytest.approx([r.cost for r in plan.policies], abs=1e-6)


def test_simulate_hand_policy_equals_library(tmp_path: Path) -> None:
    """A hand-written policy scored by the CLI gets exactly the library's metrics and aggregate."""
    policy, out = tmp_path / "hand.csv", tmp_path / "metrics.csv"
    policy.write_text(HAND)
    args = ["simulate", str(APPAREL), str(policy), "--out", str(out), "--scenarios", "50", "--periods", "30"]
    result = runner.invoke(app, [*args, "--seed", "3"])
    assert result.exit_code == 0, result.output
    inst = apparel()
    items, pool = items_from_instance(inst)
    opts = SimulationOptions(50, 30, inst.simulation.warmup, 3 + CHECK_SEED_OFFSET)
    expected = simulate(items, policy_of(items, read_policies(policy, inst)), pool, opts)
    pd.testing.assert_frame_equal(pd.read_csv(out), expected, check_exact=False, rtol=1e-12)
    assert "4 items, CSL" in result.output.splitlines()[-1]
    assert "TEE-BLK-M@GZ" in result.output


def test_simulate_policy_missing_item_exit_2(tmp_path: Path) -> None:
    """A policy file without one of the items exits 2 naming the file and the item; nothing is written."""
    policy, out = tmp_path / "hand.csv", tmp_path / "metrics.csv"
    policy.write_text("\n".join(HAND.splitlines()[:4]) + "\n")
    result = runner.invoke(app, ["simulate", str(APPAREL), str(policy), "--out", str(out)])
    assert result.exit_code == 2
    assert flat("hand.csv") in flat(result.output) and flat("no policy for item 'LAMP-DESK@GZ'") in flat(result.output)
    assert not out.exists()


def test_simulate_unknown_item_exit_2(tmp_path: Path) -> None:
    """A policy row naming an item the instance does not have exits 2 with its line and column."""
    policy = tmp_path / "hand.csv"
    policy.write_text(HAND + "SOCKS@SH,1,2\n")
    result = runner.invoke(app, ["simulate", str(APPAREL), str(policy)])
    assert result.exit_code == 2
    assert flat("line 6, column 'item': no item 'SOCKS@SH' in the instance") in flat(result.output)


def write_yaml(tmp_path: Path, change: dict) -> Path:
    doc = yaml.safe_load(APPAREL.read_text())
    for key, value in change.items():
        if key.startswith("items."):
            doc["items"][0][key.removeprefix("items.")] = value
        else:
            doc[key] = value
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"items.lead_time": {"mean": -1}}, "items[0].lead_time.mean: Input should be greater than or equal to 0"),
        ({"target": 1.0}, "target: Input should be less than 1"),
        ({"target": 0}, "target: Input should be greater than 0"),
    ],
)
def test_bad_document_exit_2_nothing_written(tmp_path: Path, change: dict, named: str) -> None:
    """Bad YAML input exits 2 naming the file and the field, and creates no output folder."""
    path = write_yaml(tmp_path, change)
    out = tmp_path / "out"
    result = runner.invoke(app, ["solve", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert flat("bad.yaml") in flat(result.output) and flat(named) in flat(result.output)
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_unit_cost_in_document(tmp_path: Path) -> None:
    """An item without a unit cost is bad input naming the field."""
    doc = yaml.safe_load(APPAREL.read_text())
    del doc["items"][2]["unit_cost"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc))
    result = runner.invoke(app, ["solve", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert flat("items[2].unit_cost: Field required") in flat(result.output)


def test_bad_csv_cell_leaves_old_outputs(tmp_path: Path) -> None:
    """A non-numeric items.csv cell exits 2 naming file, line and column; an earlier run's outputs stay as they were."""
    folder = write_csv_folder(apparel(), tmp_path / "apparel")
    out = tmp_path / "out"
    assert runner.invoke(app, ["solve", str(folder), "--out", str(out), "--no-plots"]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    edit_items(folder, 3, "unit_cost", "35 yuan")
    result = runner.invoke(app, ["solve", str(folder), "--out", str(out)])
    assert result.exit_code == 2
    assert flat("items.csv: line 3, column 'unit_cost': '35 yuan' is not a number") in flat(result.output)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_schema_inventory() -> None:
    """optiops schema prints the JSON Schema of both inventory kinds."""
    for kind, field in (("inventory", "items"), ("inventory-plan", "policies")):
        result = runner.invoke(app, ["schema", kind])
        assert result.exit_code == 0
        assert field in json.loads(result.output)["properties"]


def test_stock_sample_spreads_over_items() -> None:
    """stock.png draws at most 8 items, first and last included, all of them when there are few."""
    assert stock_sample(3) == [0, 1, 2]
    many = stock_sample(100)
    assert len(many) == 8 and many[0] == 0 and many[-1] == 99
