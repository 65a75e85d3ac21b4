"""`pickup-net serve`: run the planner HTTP API under uvicorn."""

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pickup_net.cli import app
from pickup_net.cli.database_option import DatabaseUrl, use_database
from pickup_net.cli.extras import require_extra


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes.", min=1)] = 1,
    timeout_worker_healthcheck: Annotated[
        int,
        typer.Option(
            help="Seconds a worker may take to answer the supervisor's health check before it "
            "is restarted (with --workers above 1).",
            min=1,
        ),
    ] = 30,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the API (OpenAPI at /openapi.json, docs at /docs); plans run as durable jobs."""
    require_extra("api", "serve")
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from pickup_net.cli.worker import GRACEFUL_SHUTDOWN_S
    from pickup_net.service.db import get_engine

    use_database(database_url)
    try:
        get_engine().dispose()  # create the tables once here, before workers race to create them
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        Console(stderr=True).print(
            f"[red]error[/red] cannot open the database: {escape(reason)}", highlight=False
        )
        raise typer.Exit(1) from None
    uvicorn.run(
        "pickup_net.cli.worker:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        timeout_worker_healthcheck=timeout_worker_healthcheck,
    )
