"""The `--database-url` option shared by the commands that open the API's database."""

import os
from typing import Annotated

import typer

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        help="SQLAlchemy URL (default: $PICKUP_NET_DATABASE_URL, else ./pickup-net.sqlite3)."
    ),
]


def use_database(url: str | None) -> None:
    """Point the API's settings at `url` when one was given on the command line."""
    if url:
        os.environ["PICKUP_NET_DATABASE_URL"] = url
