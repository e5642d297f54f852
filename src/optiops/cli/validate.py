"""``optiops validate`` and ``optiops schema``: read and check an input of any kind; print a JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from optiops.cli.common import out, user_errors
from optiops.kinds.base import Summary


def validate(
    file: Annotated[Path, typer.Argument(help="Instance file, YAML/JSON document, CSV folder or scenario folder.")],
) -> None:
    """Read and validate an instance; report what it holds and what no plan can satisfy."""
    from optiops.io.documents import validate_as
    from optiops.kinds import LoadOptions, kind_of_plan_document, read_source, recognise
    from optiops.kinds.base import list_counts

    with user_errors():
        source = read_source(file)
        planned = kind_of_plan_document(source)
        if planned is not None and source.document is not None:  # a plan document: its model validates it
            plan: Any = validate_as(source.document, str(file), planned.plan_type)
            summary = Summary(f"{file}: valid {source.document_kind} document {getattr(plan, 'name', '')!r}",
                              list_counts(plan))  # fmt: skip
            kind = None
        else:
            kind = recognise(source)
            instance = kind.load(source, LoadOptions())
            summary = kind.describe(instance, source)
        _print_summary(summary)
        if kind is not None:
            kind.diagnose(instance)


def _print_summary(summary: Summary) -> None:
    if summary.title_in_table:
        table = Table(title=summary.title, show_header=False)
    else:
        out.print(summary.title, highlight=False)
        table = Table(show_header=False)
    for key, value in summary.rows:
        table.add_row(key, value)
    out.print(table)


def schema(kind: Annotated[str, typer.Argument(help="Document kind, e.g. routing.")]) -> None:
    """Print the JSON Schema of an instance or plan kind."""
    from optiops.kinds import schema as schema_of

    with user_errors():
        text = schema_of(kind)
    print(text)
