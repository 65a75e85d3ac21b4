"""`pickup-net serve`: run the planner HTTP API under uvicorn."""

from typing import Annotated

import typer
import uvicorn

from pickup_net.cli import app
from pickup_net.cli.database_option import DatabaseUrl, use_database


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes.", min=1)] = 1,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the API (OpenAPI at /openapi.json, docs at /docs); plans run as durable jobs."""
    use_database(database_url)
    uvicorn.run(
        "pickup_net.service.main:app",
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        timeout_graceful_shutdown=10,
    )
