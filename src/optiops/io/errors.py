"""Turn pydantic validation errors into planner-readable problems: field path and reason."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


def field_path(loc: tuple[Any, ...], data: Any) -> str:
    """('stops', 3, 'delivery') -> "stops[3] (id 'C4').delivery" when the raw item has an id."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and "id" in node:
                out += f" (id {node['id']!r})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def problems_of(err: ValidationError, data: Any) -> list[str]:
    """One line per pydantic error: where and why."""
    lines = []
    for e in err.errors():
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown field"
        where = field_path(tuple(e["loc"]), data)
        lines.append(f"{where}: {msg}" if where else msg)
    return lines
