"""`pickup-net token create | list | revoke`: planner tokens (shown once, stored as SHA-256
digests) and the shop tokens that publishing a plan made; listing never shows a secret."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from pickup_net.cli import app
from pickup_net.cli.database_option import DatabaseUrl, use_database
from pickup_net.cli.extras import require_extra

token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")


class TokenRole(StrEnum):
    """Roles a token can be created for here (shop tokens come from publishing a plan)."""

    planner = "planner"


class ListedRole(StrEnum):
    """Roles to list."""

    planner = "planner"
    shop = "shop"


@token_app.command("create")
def create(
    name: Annotated[str, typer.Option(help="Who the token is for.", min=1)],
    role: Annotated[TokenRole, typer.Option(help="The token's role.")] = TokenRole.planner,
    expires_in_days: Annotated[
        float | None,
        typer.Option(
            help="Days the token works (default: $PICKUP_NET_PLANNER_TOKEN_DAYS, else until "
            "revoked).",
            min=0.001,
            max=36_500,
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a token and print it alone on the last line; it cannot be shown again."""
    require_extra("api", "token create")
    use_database(database_url)
    from pickup_net.service.config import get_settings
    from pickup_net.service.db import new_session
    from pickup_net.service.security import NAME_LENGTH, create_token
    from pickup_net.service.store import now

    if len(name) > NAME_LENGTH or "\0" in name:
        _fail(f"--name: at most {NAME_LENGTH} characters, without NUL characters")
    days = expires_in_days if expires_in_days is not None else get_settings().planner_token_days
    expires_at = now() + days * 86_400 if days is not None else None
    with new_session() as session:
        token = create_token(session, role.value, name, expires_at=expires_at)
        session.commit()
    until = f", valid until {_when(expires_at)}" if expires_at is not None else ""
    typer.echo(f"Created {role.value} token for {name!r}{until}; it is shown only once:")
    typer.echo(token)


@token_app.command("list")
def list_tokens(
    role: Annotated[ListedRole | None, typer.Option(help="Only tokens of this role.")] = None,
    plan: Annotated[str | None, typer.Option(help="Only the shop tokens of this plan id.")] = None,
    all_tokens: Annotated[
        bool, typer.Option("--all", help="Also revoked and expired tokens.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """List tokens (live ones unless --all): id, role, name, plan, shop, created, expiry and
    state. Token values and their digests are never shown."""
    require_extra("api", "token list")
    use_database(database_url)
    from sqlalchemy import select

    from pickup_net.service.db import new_session
    from pickup_net.service.db_models import ApiToken
    from pickup_net.service.store import now

    query = select(ApiToken).order_by(ApiToken.id)
    if role is not None:
        query = query.where(ApiToken.role == role.value)
    if plan is not None:
        query = query.where(ApiToken.plan_id == plan)
    at = now()
    if not all_tokens:
        query = query.where(
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at.is_(None) | (ApiToken.expires_at > at),
        )
    table = Table("id", "role", "name", "plan", "shop", "created", "expires", "state")
    with new_session() as session:
        for row in session.scalars(query):
            state = (
                "revoked"
                if row.revoked_at is not None
                else "expired"
                if row.expires_at is not None and row.expires_at <= at
                else "live"
            )
            table.add_row(
                str(row.id),
                row.role,
                Text(row.name),
                Text(row.plan_id or ""),
                Text(row.shop_id or ""),
                _when(row.created_at),
                _when(row.expires_at) if row.expires_at is not None else "never",
                state,
            )
    Console(width=200).print(table)


@token_app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (see `token list`).", min=1)],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a token at once: requests with it get 401 from then on."""
    require_extra("api", "token revoke")
    use_database(database_url)
    from pickup_net.service.db import new_session
    from pickup_net.service.db_models import ApiToken
    from pickup_net.service.store import now

    with new_session() as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            _fail(f"token {token_id} does not exist (see `pickup-net token list --all`)")
        if row.revoked_at is not None:
            typer.echo(f"Token {token_id} was already revoked on {_when(row.revoked_at)}.")
            return
        row.revoked_at = now()
        session.commit()
        typer.echo(f"Revoked {row.role} token {token_id} ({row.name!r}).")


def _when(seconds: float | None) -> str:
    """UNIX seconds as `YYYY-MM-DD HH:MM UTC`."""
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _fail(message: str) -> NoReturn:
    Console(stderr=True).print(f"[red]error[/red] {escape(message)}", highlight=False)
    raise typer.Exit(1)
