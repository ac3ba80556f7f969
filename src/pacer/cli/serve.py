"""``pacer serve``: the web application and JSON API."""

from __future__ import annotations

from typing import Annotated

import typer

from pacer.cli.common import ensure_schema, reports_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the web application and JSON API for the database PACER_DATABASE_URL names."""
    from pacer.config import get_settings
    from pacer.server import check_published_logins, run_server

    ensure_schema()
    check_published_logins(get_settings(), host)
    run_server(host=host, port=port, workers=workers)
