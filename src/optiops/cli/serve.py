"""``optiops serve``: the HTTP job API and web page (needs the ``service`` extra: FastAPI and uvicorn)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Jobs solved at once, each in its own process.", min=1)] = 2,
    data: Annotated[Path, typer.Option(help="Folder of the job database, inputs and outputs.")] = Path("optiops-data"),
    api_key_file: Annotated[
        Path | None, typer.Option(help="File holding the API key every request must send (X-API-Key).")
    ] = None,
    max_body_mb: Annotated[float, typer.Option(help="Largest request body in MB (larger: 413).", min=0.001)] = 100.0,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://HOST:PORT): plan and replay jobs fan out on that cluster."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the job API and the web page; jobs and their files live under DATA and survive restarts."""
    from optiops.cli.common import EXIT_INPUT, err

    try:
        import uvicorn

        from optiops.service.app import Settings, create_app
    except ImportError as exc:
        err.print(f"[red]error:[/red] optiops serve needs the service extra: pip install 'optiops[service]' ({exc})")
        raise typer.Exit(EXIT_INPUT) from None
    key = None
    if api_key_file is not None:
        try:
            key = api_key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            err.print(f"[red]error:[/red] {api_key_file}: {exc.strerror}", highlight=False)
            raise typer.Exit(EXIT_INPUT) from None
        if not key:
            err.print(f"[red]error:[/red] {api_key_file}: the API key file is empty", highlight=False)
            raise typer.Exit(EXIT_INPUT)
    settings = Settings(data=data, workers=workers, api_key=key, max_body=int(max_body_mb * 1024 * 1024),
                        dask_address=scheduler)  # fmt: skip
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
