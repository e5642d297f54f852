"""The kind registry: look a problem kind up by name, by path or by instance, as MIP backends are by name.

Every module of :mod:`optiops.kinds` (other than ``base`` and ``registry``) registers one
:class:`~optiops.kinds.base.ProblemKind` when imported; :func:`_discover` imports them all, so a new
kind is one new module in this package.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from optiops.exceptions import InstanceError
from optiops.kinds.base import Check, LoadOptions, Options, ProblemKind, Result, Source, read_source

_KINDS: dict[str, ProblemKind] = {}
_INFRASTRUCTURE = {"base", "registry"}
_DISCOVERED: list[bool] = []  # non-empty once every kind module is imported


def register_kind(kind: ProblemKind) -> None:
    """Add (or replace) ``kind`` under ``kind.name``; its document models become readable by ``kind`` field."""
    from optiops.io.documents import KINDS

    _KINDS[kind.name] = kind
    for name, model in _document_models(kind).items():
        KINDS.setdefault(name, model)


def _document_models(kind: ProblemKind) -> dict[str, type[BaseModel]]:
    """The kind's instance and plan models that are YAML/JSON documents, by their ``kind`` field."""
    models = {}
    for model in (kind.instance_type, kind.plan_type):
        if isinstance(model, type) and issubclass(model, BaseModel) and "kind" in model.model_fields:
            models[str(model.model_fields["kind"].default)] = model
    return models


def schema(name: str) -> str:
    """The JSON Schema of an instance or plan document kind (``routing``, ``facility-plan``, ...).

    Raises
    ------
    InstanceError
        When no kind has a document of that name (the message lists them).
    """
    _discover()
    models = {doc: model for kind in _KINDS.values() for doc, model in _document_models(kind).items()}
    if name not in models:
        raise InstanceError(f"unknown kind {name!r}; one of {sorted(models)}")
    return json.dumps(models[name].model_json_schema(), indent=2)


def _discover() -> None:
    """Import every kind module of this package once (each registers its kind)."""
    if _DISCOVERED:
        return
    package = importlib.import_module("optiops.kinds")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _INFRASTRUCTURE and not module.name.startswith("_"):
            importlib.import_module(f"optiops.kinds.{module.name}")
    _DISCOVERED.append(True)


def list_kinds() -> list[str]:
    """Names of the registered kinds, sorted."""
    _discover()
    return sorted(_KINDS)


def get_kind(name: str) -> ProblemKind:
    """The kind called ``name``.

    Raises
    ------
    InstanceError
        When no kind has that name (the message lists the known ones).
    """
    _discover()
    if name not in _KINDS:
        raise InstanceError(f"unknown kind {name!r}; one of {list_kinds()}")
    return _KINDS[name]


def _in_order() -> list[ProblemKind]:
    _discover()
    return sorted(_KINDS.values(), key=lambda k: (k.fallback, k.precedence, k.name))


def recognise(source: Source) -> ProblemKind:
    """The kind whose files ``source`` looks like; the fallback kind's reader takes anything else."""
    kinds = _in_order()
    for kind in kinds:
        if not kind.fallback and kind.recognises(source):
            return kind
    fallback = [k for k in kinds if k.fallback]
    if not fallback:
        raise InstanceError("no kind recognises this input", str(source.path))
    return fallback[0]


def kind_of(instance: Any) -> ProblemKind:
    """The kind of a loaded instance (by its model type)."""
    for kind in _in_order():
        if isinstance(instance, kind.instance_type):
            return kind
    raise InstanceError(f"not an instance of any kind: {type(instance).__name__}; kinds: {list_kinds()}")


def kind_of_plan_document(source: Source) -> ProblemKind | None:
    """The kind whose plan documents have ``source``'s ``kind`` field (``facility-plan``), else ``None``."""
    for kind in _in_order():
        plan_kind = getattr(kind.plan_type, "model_fields", {}).get("kind")
        if plan_kind is not None and source.document_kind == plan_kind.default:
            return kind
    return None


def load(path: str | Path, rounding: str | None = None, capacity: float | None = None) -> Any:
    """Read and validate an instance of any kind from any of its formats (the file is parsed once).

    Parameters
    ----------
    path
        A YAML/JSON document, a CSV folder, or a kind's text format (VRPLIB, Solomon, OR-Library, ...).
    rounding
        Routing: integer scaling (``none``, ``round``, ``dimacs``, ``exact``) instead of the file's.
    capacity
        Facility: capacity of every warehouse of an OR-Library ``capa``-``capc`` file.
    """
    source = read_source(path)
    return recognise(source).load(source, LoadOptions(rounding=rounding, capacity=capacity))


def solve(instance: Any, options: Options | None = None) -> Result:
    """Solve an instance of any kind with ``options`` (the kind's defaults where they say nothing)."""
    kind = kind_of(instance)
    return kind.solve(instance, kind.with_time_limit(options or Options()))


def check(instance: Any, plan: Any, options: Options | None = None) -> Check:
    """Check ``plan`` against ``instance`` with the instance kind's independent checker."""
    return kind_of(instance).check(instance, plan, options)
