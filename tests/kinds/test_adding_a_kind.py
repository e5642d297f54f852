"""The worked example of docs/architecture.md: a new kind is one module, and every command takes it.

``carton`` packs an order's items into the fewest cartons (first-fit decreasing) and checks that
every item is packed once and no carton overflows. Everything the kind needs is in this file: its
model, its solve and check, its registration. Registering it makes ``optiops validate``, ``solve``,
``evaluate`` and ``schema`` work on ``kind: carton`` documents without a change anywhere else.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Literal

import pytest
import yaml
from pydantic import BaseModel, Field
from typer.testing import CliRunner

from optiops.cli.main import app
from optiops.kinds import Check, Options, ProblemKind, Result, register_kind


class Item(BaseModel):
    id: str
    volume: float = Field(gt=0)


class CartonInstance(BaseModel):
    """An order's items and the volume of one carton."""

    kind: Literal["carton"] = "carton"
    name: str = ""
    carton_volume: float = Field(gt=0)
    items: list[Item]


class CartonPlan(BaseModel):
    """Which items go into each carton."""

    kind: Literal["carton-plan"] = "carton-plan"
    status: str = "feasible"
    objective: float | None = None
    runtime_s: float | None = None
    cartons: list[list[str]] = Field(default_factory=list)


class CartonKind(ProblemKind):
    """Fewest cartons for an order: first-fit decreasing (at most 11/9 of the optimum plus one)."""

    name = "carton"
    instance_type = CartonInstance
    plan_type = CartonPlan
    default_time_limit = 1.0

    def solve(self, instance: CartonInstance, options: Options) -> Result:
        t0 = time.perf_counter()
        cartons: list[list[Item]] = []
        for item in sorted(instance.items, key=lambda it: -it.volume):
            room = next((c for c in cartons if sum(i.volume for i in c) + item.volume <= instance.carton_volume), None)
            if room is None:
                cartons.append(room := [])
            room.append(item)
        plan = CartonPlan(objective=len(cartons), runtime_s=time.perf_counter() - t0,
                          cartons=[[i.id for i in c] for c in cartons])  # fmt: skip
        return Result(kind=self.name, plan=plan, status=plan.status, objective=plan.objective,
                      runtime_s=plan.runtime_s)  # fmt: skip

    def check(self, instance: CartonInstance, plan: CartonPlan, options: Options | None = None) -> Check:
        volume = {it.id: it.volume for it in instance.items}
        packed = [i for c in plan.cartons for i in c]
        violations = [f"item {i}: packed {packed.count(i)} times" for i in volume if packed.count(i) != 1]
        loads = [sum(volume.get(i, 0) for i in c) for c in plan.cartons]
        violations += [f"carton {k}: {load:g} > {instance.carton_volume:g}"
                       for k, load in enumerate(loads) if load > instance.carton_volume]  # fmt: skip
        n = float(len([c for c in plan.cartons if c]))
        return Check(kind=self.name, feasible=not violations, objective=n, violations=violations, costs={"cartons": n},
                     figures={"cartons": int(n)}, summary=f"{n:g} cartons", stated=plan.objective)  # fmt: skip

    def summary(self, instance: CartonInstance, result: Result) -> str:
        return f"[green]{result.status}[/green] packing: {result.objective:g} cartons"


@pytest.fixture
def carton_kind(monkeypatch: pytest.MonkeyPatch) -> CartonKind:
    """The kind registered for one test (the registry and document table are restored afterwards)."""
    import optiops.io.documents as documents
    import optiops.kinds.registry as registry

    registry.list_kinds()  # discover the built-in kinds first
    monkeypatch.setattr(registry, "_KINDS", dict(registry._KINDS))
    monkeypatch.setattr(documents, "KINDS", dict(documents.KINDS))
    kind = CartonKind()
    register_kind(kind)
    return kind


def test_every_command_takes_the_new_kind(carton_kind: CartonKind, tmp_path: Path) -> None:
    """validate, solve, evaluate and schema work on a kind: carton document through the registry alone."""
    doc = {"kind": "carton", "name": "order-7", "carton_volume": 10,
           "items": [{"id": i, "volume": v} for i, v in zip("abcde", [6, 5, 4, 3, 2], strict=True)]}  # fmt: skip
    path = tmp_path / "order.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    runner = CliRunner()

    validated = runner.invoke(app, ["validate", str(path)])
    assert validated.exit_code == 0 and "valid carton document 'order-7'" in " ".join(validated.output.split())

    out = tmp_path / "out"
    solved = runner.invoke(app, ["solve", str(path), "--out", str(out)])
    assert solved.exit_code == 0, solved.output
    assert "packing: 2 cartons" in " ".join(solved.output.split())  # 6+4, 5+3+2
    assert [p.name for p in out.iterdir()] == ["plan.json"]

    checked = runner.invoke(app, ["evaluate", str(path), str(out / "plan.json"), "--json"])
    assert checked.exit_code == 0 and json.loads(checked.output)["cartons"] == 2

    plan = json.loads((out / "plan.json").read_text())
    plan["cartons"][0].append("e")  # e twice, and the first carton overflows
    (out / "bad.json").write_text(json.dumps(plan))
    rejected = runner.invoke(app, ["evaluate", str(path), str(out / "bad.json")])
    assert rejected.exit_code == 3 and "item e: packed 2 times" in " ".join(rejected.output.split())

    schema = runner.invoke(app, ["schema", "carton-plan"])
    assert schema.exit_code == 0 and "cartons" in json.loads(schema.output)["properties"]


def test_bad_input_names_the_field(carton_kind: CartonKind, tmp_path: Path) -> None:
    """A carton document with a negative volume exits 2 naming the field, and writes nothing."""
    path = tmp_path / "order.yaml"
    path.write_text(yaml.safe_dump({"kind": "carton", "carton_volume": 10, "items": [{"id": "a", "volume": -1}]}))
    result = CliRunner().invoke(app, ["solve", str(path), "--out", str(tmp_path / "out")])
    said = "".join(result.output.split())
    assert result.exit_code == 2 and "items[0](id'a').volume:Inputshouldbegreaterthan0" in said
    assert not (tmp_path / "out").exists()
