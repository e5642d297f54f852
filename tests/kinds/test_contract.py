"""One contract for every problem kind: recognise, load, solve, check, write and read back the plan.

Like scikit-learn's estimator checks, every registered kind runs through the same round trip on a
small instance of its own; a kind without a case here fails :func:`test_every_kind_has_a_case`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.allocation.cases import three_by_four
from tests.allocation.test_orders import hand_document
from tests.conftest import tiny_document
from tests.labour.cases import tiny_document as roster_document

import optiops
from optiops import kinds
from optiops.exceptions import InstanceError

ROOT = Path(__file__).resolve().parents[2]
INSTANCES = ROOT / "instances"


@dataclasses.dataclass(frozen=True)
class Case:
    """A small instance of one kind, the options to solve it with, and an optional shrink before solving."""

    path: Callable[[Path], Path]
    options: kinds.Options
    shrink: Callable[[Any], Any] = lambda inst: inst


def _written(name: str, doc: Callable[[], dict[str, Any]]) -> Callable[[Path], Path]:
    def write(tmp: Path) -> Path:
        path = tmp / name
        path.write_text(yaml.safe_dump(doc()), encoding="utf-8")
        return path

    return write


def _first_days(scenario: Any) -> Any:
    from optiops.plan.pipeline import with_horizon

    return with_horizon(scenario, 14)


CASES = {
    "routing": Case(lambda _: INSTANCES / "routing" / "city-deliveries.yaml", kinds.Options(time_limit=2)),
    "facility": Case(_written("facility.yaml", three_by_four), kinds.Options(backend="highs", time_limit=5)),
    "placement": Case(lambda _: INSTANCES / "allocation" / "placement-30x3x8.yaml",
                      kinds.Options(backend="highs", time_limit=2)),
    "order-allocation": Case(_written("day.yaml", hand_document), kinds.Options(backend="highs", time_limit=5)),
    "roster": Case(_written("roster.yaml", roster_document), kinds.Options(time_limit=2)),
    "task-day": Case(lambda _: INSTANCES / "labour" / "task-day.yaml", kinds.Options(time_limit=2)),
    "inventory": Case(lambda _: INSTANCES / "inventory" / "apparel-store.yaml", kinds.Options(time_limit=10)),
    "scenario": Case(lambda _: INSTANCES / "scenarios" / "small", kinds.Options(time_limit=0.5, seed=7), _first_days),
}  # fmt: skip


def test_every_kind_has_a_case() -> None:
    """The registry holds the eight kinds, and each has a contract case here."""
    assert kinds.list_kinds() == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_round_trip(name: str, tmp_path: Path) -> None:
    """load -> solve -> check agree; cost parts add up; plan.json reads back to the same verdict."""
    case = CASES[name]
    path = case.path(tmp_path)
    kind = kinds.recognise(kinds.read_source(path))
    assert kind.name == name
    inst = case.shrink(kinds.load(path))
    assert isinstance(inst, kind.instance_type)

    res = kinds.solve(inst, case.options)
    assert res.kind == name and res.status in ("optimal", "feasible")
    assert res.objective is not None and res.runtime_s is not None and res.runtime_s >= 0

    check = kinds.check(inst, res.plan)
    assert check.kind == name and check.feasible, check.violations
    assert check.objective == pytest.approx(res.objective, rel=1e-6, abs=1e-6)
    assert sum(check.costs.values()) == pytest.approx(check.objective, rel=1e-3, abs=1e-3)
    if res.bound is not None:
        assert res.bound <= check.objective + 1e-6

    files = kind.files(inst, res, kinds.read_source(path), plots=False)
    assert "plan.json" in files and all("/" not in name and name for name in files)
    (tmp_path / "plan.json").write_bytes(files["plan.json"])
    again = kind.check(inst, kind.read_plan(tmp_path / "plan.json"))
    assert again.feasible and again.objective == pytest.approx(check.objective, rel=1e-6, abs=1e-6)
    assert "[green]" in kind.summary(inst, res)


@pytest.mark.parametrize("name", ["facility", "order-allocation", "roster", "task-day"])
def test_library_face_is_the_registry(name: str, tmp_path: Path) -> None:
    """optiops.load/solve/evaluate give the kind's result and check types for non-routing kinds too."""
    case = CASES[name]
    inst = optiops.load(case.path(tmp_path))
    res = optiops.solve(inst, options=case.options)
    check = optiops.evaluate(inst, res.plan)
    assert isinstance(res, optiops.Result) and isinstance(check, optiops.Check)
    assert check.feasible and check.objective == pytest.approx(res.objective)


def test_routing_has_one_default_time_limit() -> None:
    """A routing solve without a time limit searches the kind's 5 s, with or without SolveOptions."""
    inst = optiops.model.RoutingInstance.model_validate(tiny_document())
    bare = optiops.solve(inst, backend="nearest")
    with_options = optiops.solve(inst, options=optiops.SolveOptions(backend="nearest"))
    assert bare.plan.time_limit_s == with_options.plan.time_limit_s == 5.0
    assert kinds.get_kind("routing").default_time_limit == 5.0


def test_a_broken_plan_fails_its_check(tmp_path: Path) -> None:
    """A facility plan that leaves a customer unserved is infeasible, with the customer named."""
    inst = kinds.load(CASES["facility"].path(tmp_path))
    plan = kinds.solve(inst, CASES["facility"].options).plan
    broken = plan.model_copy(update={"allocations": [a for a in plan.allocations if a.customer != "C1"]})
    check = kinds.check(inst, broken)
    assert not check.feasible and any("C1" in v for v in check.violations)


def test_unknown_kind_names_the_known_ones() -> None:
    """get_kind of an unknown name is an InstanceError listing every kind."""
    with pytest.raises(InstanceError, match=r"unknown kind 'knapsack'.*'routing'"):
        kinds.get_kind("knapsack")


def test_a_document_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Recognising and loading a YAML document reads and parses the file once."""
    import optiops.io.documents as documents

    path = CASES["order-allocation"].path(tmp_path)
    calls: list[Path] = []
    original = documents.read_document
    monkeypatch.setattr(documents, "read_document", lambda p: calls.append(p) or original(p))
    import optiops.kinds.base as base

    monkeypatch.setattr(base, "read_document", documents.read_document)
    inst = kinds.load(path)
    assert inst.name == "hand-four" and calls == [path]


def test_schema_lists_every_document_kind() -> None:
    """Every kind with YAML/JSON documents has an instance and a plan schema."""
    for name in ("routing", "routing-plan", "inventory", "inventory-plan", "task-day-plan"):
        assert json.loads(kinds.schema(name))["type"] == "object"
    with pytest.raises(InstanceError, match="unknown kind 'scenario'"):
        kinds.schema("scenario")


def test_discovery_finds_every_kind_after_a_direct_import() -> None:
    """Importing one kind module first (in a fresh interpreter) does not hide the others from the registry."""
    import subprocess
    import sys

    code = "import optiops.kinds.facility\nfrom optiops import kinds\nprint(len(kinds.list_kinds()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "8"
