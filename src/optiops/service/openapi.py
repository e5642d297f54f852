"""``/openapi.json`` that documents every instance kind a job may hold.

``POST /v1/jobs`` reads its body itself (to answer a bad instance with the CLI's messages rather
than FastAPI's), so its request schema is added here: :class:`~optiops.service.jobs.JobRequest`
with ``instance`` one of the kinds' instance models, chosen by their ``kind`` field.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from optiops.service.jobs import JobOptions, JobRequest

REF = "#/components/schemas/{model}"
FILE_HELP = "An instance file, or a zipped folder (scenario or CSV)"
FIELDS = tuple(JobOptions.model_fields)
JOB_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": REF.format(model="JobRequest")}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": FILE_HELP},
                        **{name: {"type": "string", "description": f"JobOptions.{name}"} for name in FIELDS},
                    },
                }
            },
        },
    }
}


def _add(components: dict[str, Any], model: type[BaseModel]) -> dict[str, str]:
    schema = model.model_json_schema(ref_template=REF)
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def document(app: FastAPI) -> None:
    """Replace ``app.openapi`` by one that adds the job request and every kind's instance model."""

    def build() -> dict[str, Any]:
        from optiops.kinds import get_kind, list_kinds

        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        components = spec.setdefault("components", {}).setdefault("schemas", {})
        _add(components, JobRequest)
        instances = [get_kind(k).instance_type for k in list_kinds()]
        refs = [_add(components, m) for m in instances if isinstance(m, type) and issubclass(m, BaseModel)]
        components["JobRequest"]["properties"]["instance"] = {
            "oneOf": refs, "discriminator": {"propertyName": "kind"},
            "description": "An instance document of any kind; a scenario is uploaded as a zipped folder.",
        }  # fmt: skip
        app.openapi_schema = spec
        return spec

    app.openapi = build  # type: ignore[method-assign]
