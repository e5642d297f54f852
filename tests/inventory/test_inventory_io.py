"""Inventory instances as a CSV folder, policy tables, and the plan's CSV outputs."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from optiops.exceptions import InstanceError
from optiops.io.documents import read_as
from optiops.io.inventory_csv import (
    ITEM_COLUMNS,
    PLAN_POLICY_COLUMNS,
    is_inventory_input,
    load_inventory,
    orders_csv,
    policies_csv,
    read_inventory_folder,
    read_policies,
)
from optiops.model.inventory import InventoryInstance, InventoryPlan, OrderLine, PolicyRow

APPAREL = Path(__file__).resolve().parents[2] / "instances" / "inventory" / "apparel-store.yaml"
SETTINGS = ("name", "period_days", "horizon", "service", "target", "policy", "distribution", "correct", "simulation")


def apparel(**changes: Any) -> InventoryInstance:
    """The bundled apparel-store instance, with instance-level fields changed."""
    inst = read_as(APPAREL, InventoryInstance)
    return InventoryInstance.model_validate({**inst.model_dump(), **changes})


def item_row(item: Any) -> dict[str, Any]:
    """One items.csv row of an Item (blank where the model has no value)."""
    ret = item.returns
    row = {
        **item.model_dump(exclude={"lead_time", "returns", "history"}),
        "lead_time_mean": item.lead_time.mean, "lead_time_sd": item.lead_time.sd,
        "return_rate": ret.rate if ret else None, "return_delay": ret.delay if ret else None,
    }  # fmt: skip
    return {c: "" if row[c] is None else row[c] for c in ITEM_COLUMNS}


def write_csv_folder(inst: InventoryInstance, folder: Path) -> Path:
    """Write ``inst`` as a CSV folder (items.csv, history.csv in long format, settings.yaml)."""
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([item_row(it) for it in inst.items], columns=list(ITEM_COLUMNS)).to_csv(
        folder / "items.csv", index=False
    )
    history = [
        {"unique_id": it.key, "ds": (pd.Timestamp("2024-01-01") + pd.Timedelta(days=t)).date().isoformat(), "y": y}
        for it in inst.items
        for t, y in enumerate(it.history or [])
    ]
    if history:
        pd.DataFrame(history).to_csv(folder / "history.csv", index=False)
    (folder / "settings.yaml").write_text(yaml.safe_dump(inst.model_dump(mode="json", include=set(SETTINGS))))
    return folder


def edit_items(folder: Path, line: int, column: str, value: str) -> None:
    """Set one cell of items.csv (``line`` counts the header as line 1)."""
    rows = list(csv.DictReader((folder / "items.csv").open()))
    rows[line - 2][column] = value
    buf = io.StringIO()
    writer = csv.DictWriter(buf, list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    (folder / "items.csv").write_text(buf.getvalue())


def problems(exc: pytest.ExceptionInfo[InstanceError]) -> str:
    return str(exc.value)


def test_csv_folder_equals_document(tmp_path: Path) -> None:
    """The CSV folder of the bundled instance reads back as the same instance, histories included."""
    inst = apparel()
    folder = write_csv_folder(inst, tmp_path / "apparel")
    assert read_inventory_folder(folder) == inst
    assert is_inventory_input(folder) and is_inventory_input(APPAREL)


def test_folder_name_defaults_to_folder(tmp_path: Path) -> None:
    """Without settings.yaml the instance takes the folder's name and the model's defaults."""
    folder = write_csv_folder(apparel(), tmp_path / "shop")
    (folder / "settings.yaml").unlink()
    inst = load_inventory(folder)
    assert inst.name == "shop" and inst.target == 0.95 and inst.simulation.scenarios == 500


def test_non_numeric_cell_names_file_line_column(tmp_path: Path) -> None:
    """A word in a numeric column is reported with items.csv, its line and its column."""
    folder = write_csv_folder(apparel(), tmp_path / "f")
    edit_items(folder, 3, "demand_sd", "five")
    with pytest.raises(InstanceError) as exc:
        read_inventory_folder(folder)
    assert "items.csv: line 3, column 'demand_sd': 'five' is not a number" in problems(exc)


def test_fractional_review_period_is_an_error(tmp_path: Path) -> None:
    """Whole-number columns refuse fractions."""
    folder = write_csv_folder(apparel(), tmp_path / "f")
    edit_items(folder, 2, "review_period", "2.5")
    with pytest.raises(InstanceError, match=r"line 2, column 'review_period': '2.5' is not a whole number"):
        read_inventory_folder(folder)


def test_negative_lead_time_names_line_and_column(tmp_path: Path) -> None:
    """Model rules on CSV values are reported at the row and column they came from."""
    folder = write_csv_folder(apparel(), tmp_path / "f")
    edit_items(folder, 4, "lead_time_mean", "-2")
    with pytest.raises(InstanceError) as exc:
        read_inventory_folder(folder)
    assert "items.csv line 4, column 'lead_time_mean': Input should be greater than or equal to 0" in problems(exc)


def test_missing_unit_cost(tmp_path: Path) -> None:
    """A blank unit cost (no default) is reported as required, with its row."""
    folder = write_csv_folder(apparel(), tmp_path / "f")
    edit_items(folder, 5, "unit_cost", "")
    with pytest.raises(InstanceError, match=r"items.csv line 5, column 'unit_cost': Field required"):
        read_inventory_folder(folder)


def test_settings_target_outside_unit_interval(tmp_path: Path) -> None:
    """A service target of 1.2 in settings.yaml names the file and the field."""
    folder = write_csv_folder(apparel(), tmp_path / "f")
    (folder / "settings.yaml").write_text("target: 1.2\n")
    with pytest.raises(InstanceError, match=r"settings.yaml: target: Input should be less than 1"):
        read_inventory_folder(folder)


def test_unknown_column_and_key(tmp_path: Path) -> None:
    """Unknown items.csv columns and settings.yaml keys are errors, not ignored."""
    folder = write_csv_folder(apparel(), tmp_path / "f")
    (folder / "settings.yaml").write_text("targett: 0.9\n")
    with pytest.raises(InstanceError, match=r"settings.yaml: unknown keys \['targett'\]"):
        read_inventory_folder(folder)
    (folder / "settings.yaml").unlink()
    text = (folder / "items.csv").read_text().replace("on_hand", "onhand")
    (folder / "items.csv").write_text(text)
    with pytest.raises(InstanceError, match=r"items.csv: unknown columns \['onhand'\]"):
        read_inventory_folder(folder)


def test_history_for_unknown_item(tmp_path: Path) -> None:
    """A history series that names no item is reported with history.csv and its column."""
    folder = write_csv_folder(apparel(), tmp_path / "f")
    text = (folder / "history.csv").read_text().replace("SERUM-30ML@SH", "SERUM-30ML@BJ")
    (folder / "history.csv").write_text(text)
    with pytest.raises(InstanceError) as exc:
        read_inventory_folder(folder)
    assert "history.csv: column 'unique_id': no item 'SERUM-30ML@BJ'" in problems(exc)


def test_history_by_sku_alone(tmp_path: Path) -> None:
    """A SKU stocked in one warehouse may be named without it; one in two warehouses may not."""
    folder = write_csv_folder(apparel(), tmp_path / "f")
    (folder / "history.csv").write_text((folder / "history.csv").read_text().replace("SERUM-30ML@SH", "SERUM-30ML"))
    assert read_inventory_folder(folder) == apparel()
    (folder / "history.csv").write_text((folder / "history.csv").read_text().replace("SERUM-30ML", "TEE-BLK-M"))
    with pytest.raises(InstanceError, match="stocked in several warehouses"):
        read_inventory_folder(folder)


def test_item_level_rule_is_placed_on_its_row(tmp_path: Path) -> None:
    """Whole-instance rules (empirical needs a history) point at the items.csv line of the item."""
    folder = write_csv_folder(apparel(), tmp_path / "f")
    (folder / "settings.yaml").write_text("distribution: empirical\n")
    with pytest.raises(InstanceError) as exc:
        read_inventory_folder(folder)
    assert "items.csv line 2, history (history.csv): needed by distribution 'empirical'" in problems(exc)
    assert "items.csv line 4" not in problems(exc)  # the serum has a history


def policy_table(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.csv"
    path.write_text(text)
    return path


HAND = """item,reorder_point,order_up_to
TEE-BLK-M@SH,150,200
TEE-BLK-M@GZ,90,120
SERUM-30ML@SH,10,10
LAMP-DESK@GZ,40,60
"""


def test_policy_table_in_instance_order(tmp_path: Path) -> None:
    """A hand-written table (sku + warehouse, any order) is aligned with the instance; defaults filled in."""
    text = (
        "sku,warehouse,reorder_point,order_up_to,order_quantity\n"
        "LAMP-DESK,GZ,40,,20\nTEE-BLK-M,SH,150,200,\nTEE-BLK-M,GZ,90,120,\nSERUM-30ML,,10,10,\n"
    )
    rows = read_policies(policy_table(tmp_path, text), apparel())
    assert [r.item for r in rows] == [it.key for it in apparel().items]
    assert [r.review_period for r in rows] == [7, 7, 1, 7]
    lamp = rows[3]
    assert (lamp.reorder_point, lamp.order_up_to, lamp.order_quantity) == (40.0, 60.0, 20.0)


def test_policy_table_missing_and_unknown_items(tmp_path: Path) -> None:
    """A table missing an item or naming an unknown one is an error with file, line and column."""
    text = HAND.replace("LAMP-DESK@GZ", "LAMP-DESK@SH")
    path = policy_table(tmp_path, text)
    with pytest.raises(InstanceError) as exc:
        read_policies(path, apparel())
    message = problems(exc)
    assert f"{path}: line 5, column 'item': no item 'LAMP-DESK@SH' in the instance" in message
    assert "column 'item': no policy for item 'LAMP-DESK@GZ'" in message


def test_policy_table_bad_values(tmp_path: Path) -> None:
    """Non-numbers, S below s and duplicated items are each reported on their line."""
    text = HAND.replace("150,200", "150,abc").replace("90,120", "90,80") + "SERUM-30ML@SH,1,2\n"
    with pytest.raises(InstanceError) as exc:
        read_policies(policy_table(tmp_path, text), apparel())
    message = problems(exc)
    assert "line 2, column 'order_up_to': 'abc' is not a number" in message
    assert "line 3, column 'order_up_to': 80 is below the reorder point 90" in message
    text = HAND + "SERUM-30ML@SH,1,2\n"
    with pytest.raises(InstanceError, match=r"line 6, column 'item': item 'SERUM-30ML@SH' already has a policy"):
        read_policies(policy_table(tmp_path, text), apparel())


def small_plan() -> InventoryPlan:
    rows = [
        PolicyRow(item=it.key, sku=it.sku, warehouse=it.warehouse, policy="corrected", review_period=it.review_period,
                  reorder_point=10.0 + k, order_up_to=20.0 + k, achieved_csl=0.96)
        for k, it in enumerate(apparel().items)
    ]  # fmt: skip
    return InventoryPlan(policies=rows, orders=[OrderLine(item=rows[0].item, period=7, quantity=84.0, arrival=11)])


def test_policies_csv_reads_back(tmp_path: Path) -> None:
    """policies.csv has the documented columns and reads back as the same levels."""
    plan = small_plan()
    text = policies_csv(plan)
    assert text.splitlines()[0].split(",") == list(PLAN_POLICY_COLUMNS)
    rows = read_policies(policy_table(tmp_path, text), apparel())
    assert [(r.reorder_point, r.order_up_to, r.policy) for r in rows] == [
        (p.reorder_point, p.order_up_to, "given") for p in plan.policies
    ]
    assert orders_csv(plan) == "item,period,quantity,arrival\nTEE-BLK-M@SH,7,84.0,11\n"


def test_plan_document_as_policy(tmp_path: Path) -> None:
    """A plan.json whose policies miss an item is reported by its field."""
    plan = small_plan()
    path = tmp_path / "plan.json"
    path.write_text(plan.model_copy(update={"policies": plan.policies[:3]}).model_dump_json())
    with pytest.raises(InstanceError, match=r"policies: no policy for item 'LAMP-DESK@GZ'"):
        read_policies(path, apparel())
