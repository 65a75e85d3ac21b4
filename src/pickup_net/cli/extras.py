"""Say which optional extra a command needs, instead of a traceback, when it is not installed."""

from importlib.util import find_spec

import typer
from rich.console import Console
from rich.markup import escape

EXTRAS = {
    "api": (
        "fastapi",
        "fastapi_offline",
        "uvicorn",
        "sqlalchemy",
        "alembic",
        "multipart",
        "jinja2",
    ),
    "batch": ("dask", "distributed", "matplotlib"),
}


def missing_modules(extra: str) -> list[str]:
    """The modules of `extra` that cannot be imported here."""
    return [name for name in EXTRAS[extra] if find_spec(name) is None]


def require_extra(extra: str, command: str) -> None:
    """Exit with status 1 and the install line when a module of `extra` is missing."""
    missing = missing_modules(extra)
    if missing:
        message = (
            f"`pickup-net {command}` needs the '{extra}' extra (missing: {', '.join(missing)}); "
            f"install it with: pip install 'pickup-net[{extra}]'"
        )
        Console(stderr=True).print(
            f"[red]error[/red] {escape(message)}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1)
