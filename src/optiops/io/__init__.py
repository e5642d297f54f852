"""Readers and writers: YAML/JSON documents, CSV folders, VRPLIB/Solomon text; schema export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from optiops.exceptions import InstanceError
from optiops.io.atomic import write_text
from optiops.io.csv_routing import read_csv_folder
from optiops.io.documents import DOCUMENT_SUFFIXES, KINDS, dump_document, read_document, validate_document
from optiops.io.orlib import load_facility, read_orlib_cap
from optiops.io.shift import load_roster, read_shift_text, roster_csv
from optiops.io.vrplib_io import read_vrplib, solution_text
from optiops.model.plan import RoutingPlan
from optiops.model.routing import Rounding, RoutingInstance

VRPLIB_SUFFIXES = {".vrp", ".txt"}


def instance_format(path: Path) -> str:
    """'csv', 'vrplib' or 'document', from the path alone."""
    if path.is_dir():
        return "csv"
    suffix = path.suffix.lower()
    if suffix in VRPLIB_SUFFIXES:
        return "vrplib"
    if suffix in DOCUMENT_SUFFIXES:
        return "document"
    raise InstanceError(
        f"unknown file type {suffix!r}: expected .yaml/.yml/.json, .vrp, .txt (Solomon) or a CSV folder",
        str(path),
    )


def load(path: str | Path, rounding: Rounding | None = None) -> RoutingInstance:
    """Read and validate a routing instance from any routing format (``optiops.load`` reads every kind)."""
    return read_routing(path, rounding)


def read_routing(
    path: str | Path, rounding: Rounding | None = None, document: dict[str, Any] | None = None
) -> RoutingInstance:
    """Read a routing instance: a CSV folder, VRPLIB/Solomon text, or a YAML/JSON document.

    ``document`` is the document's parsed mapping when the caller has already read it.
    """
    path = Path(path)
    if not path.exists():
        raise InstanceError("no such file or folder", str(path))
    fmt = instance_format(path)
    if fmt == "csv":
        inst = read_csv_folder(path)
    elif fmt == "vrplib":
        inst = read_vrplib(path, rounding)
    else:
        data = read_document(path) if document is None else document
        model = validate_document(data, str(path), expect="routing")
        assert isinstance(model, RoutingInstance)
        inst = model
    if rounding is not None and inst.rounding != rounding:
        inst = inst.model_copy(update={"rounding": rounding})
    return inst


def load_plan(path: str | Path) -> RoutingPlan:
    """Read a ``plan.json`` written by ``optiops solve``."""
    path = Path(path)
    model = validate_document(read_document(path), str(path), expect="routing-plan")
    assert isinstance(model, RoutingPlan)
    return model


def save(model: BaseModel, path: str | Path) -> None:
    """Write an instance or plan as JSON or YAML (by suffix), atomically."""
    path = Path(path)
    write_text(path, dump_document(model, path.suffix.lower()))


def schema(kind: str) -> str:
    """The JSON Schema of a document kind."""
    if kind not in KINDS:
        raise InstanceError(f"unknown kind {kind!r}; one of {sorted(KINDS)}")
    return json.dumps(KINDS[kind].model_json_schema(), indent=2)


__all__ = [
    "load",
    "load_facility",
    "load_plan",
    "load_roster",
    "read_orlib_cap",
    "read_routing",
    "read_shift_text",
    "roster_csv",
    "save",
    "schema",
    "solution_text",
]
