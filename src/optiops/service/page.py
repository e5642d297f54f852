"""The web page at ``/``: plain HTML, CSS and a little JavaScript, read from the package with importlib.resources."""

from __future__ import annotations

import importlib.resources

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, Response

STATIC = {"app.js": "text/javascript", "style.css": "text/css"}


def _read(name: str) -> bytes:
    return (importlib.resources.files("optiops.service") / "static" / name).read_bytes()


def add_routes(app: FastAPI) -> None:
    """``/`` and ``/static/{name}`` (the page's script and style only)."""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(_read("index.html"))

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in STATIC:
            raise HTTPException(404, f"no static file {name!r}")
        return Response(_read(name), media_type=STATIC[name], headers={"Cache-Control": "no-cache"})
