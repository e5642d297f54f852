"""YAML/JSON instance and plan documents: ``kind`` says what the document holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from optiops.exceptions import InstanceError
from optiops.io.errors import problems_of
from optiops.model.inventory import InventoryInstance, InventoryPlan
from optiops.model.labour import RosterInstance, RosterPlan, TaskDayInstance, TaskDayPlan
from optiops.model.network import FacilityInstance, FacilityPlan
from optiops.model.orders import OrderAllocationInstance, OrderAllocationPlan
from optiops.model.placement import PlacementInstance, PlacementPlan
from optiops.model.plan import RoutingPlan
from optiops.model.routing import RoutingInstance

M = TypeVar("M", bound=BaseModel)
DOCUMENT_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
KINDS: dict[str, type[BaseModel]] = {
    "routing": RoutingInstance, "routing-plan": RoutingPlan,
    "facility": FacilityInstance, "facility-plan": FacilityPlan,
    "roster": RosterInstance, "roster-plan": RosterPlan,
    "order-allocation": OrderAllocationInstance, "order-allocation-plan": OrderAllocationPlan,
    "inventory": InventoryInstance, "inventory-plan": InventoryPlan,
    "task-day": TaskDayInstance, "task-day-plan": TaskDayPlan,
    "placement": PlacementInstance, "placement-plan": PlacementPlan,
}  # fmt: skip


def read_document(path: Path) -> dict[str, Any]:
    """Parse a YAML or JSON file into a mapping, or raise :class:`InstanceError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InstanceError(f"cannot read file: {exc.strerror}", str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InstanceError(f"not UTF-8 text (byte {exc.start}): save the file as UTF-8", str(path)) from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InstanceError(f"malformed {path.suffix.lstrip('.').upper()}: {exc}", str(path)) from exc
    if not isinstance(data, dict):
        raise InstanceError("the document must be a mapping with a 'kind' field", str(path))
    return data


def validate_document(data: dict[str, Any], source: str, expect: str | None = None) -> BaseModel:
    """Validate a parsed document against the model its ``kind`` names."""
    kind = data.get("kind")
    if kind is None:
        raise InstanceError(f"kind: missing; one of {sorted(KINDS)}", source)
    if kind not in KINDS:
        raise InstanceError(f"kind: unknown kind {kind!r}; one of {sorted(KINDS)}", source)
    if expect is not None and kind != expect:
        raise InstanceError(f"kind: expected {expect!r}, found {kind!r}", source)
    try:
        return KINDS[kind].model_validate(data)
    except ValidationError as exc:
        raise InstanceError(problems_of(exc, data), source) from exc


def validate_as(data: dict[str, Any], source: str, model: type[M]) -> M:
    """Validate a parsed document as ``model`` (its ``kind`` must match), or raise :class:`InstanceError`."""
    kind = model.model_fields["kind"].default
    if data.get("kind") != kind:
        raise InstanceError(f"kind: expected {kind!r}, found {data.get('kind')!r}", source)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InstanceError(problems_of(exc, data), source) from exc


def read_as(path: str | Path, model: type[M]) -> M:
    """Read a YAML/JSON document of ``model``'s kind, or a CSV folder of it (:mod:`optiops.io.network_csv`)."""
    path = Path(path)
    if path.is_dir():
        from optiops.io.network_csv import READERS, folder_kind

        kind, expect = folder_kind(path), model.model_fields["kind"].default
        if kind != expect or kind not in READERS:
            raise InstanceError(
                f"expected a folder of {expect!r} CSV files, found {kind or 'no known kind'}", str(path)
            )
        return READERS[kind](path)  # type: ignore[return-value]
    return validate_as(read_document(path), str(path), model)


def document_kind(path: str | Path) -> str | None:
    """The ``kind`` of a YAML/JSON document or of a CSV folder of a network kind, else ``None``."""
    path = Path(path)
    if path.is_dir():
        from optiops.io.network_csv import folder_kind

        return folder_kind(path)
    if not path.is_file() or path.suffix.lower() not in DOCUMENT_SUFFIXES:
        return None
    kind = read_document(path).get("kind")
    return kind if isinstance(kind, str) else None


def dump_document(model: BaseModel, suffix: str = ".json") -> str:
    """Serialise a model as JSON (default) or YAML."""
    data = model.model_dump(mode="json", exclude_none=True)
    if suffix in (".yaml", ".yml"):
        return yaml.safe_dump(data, sort_keys=False)
    return json.dumps(data, indent=2) + "\n"
