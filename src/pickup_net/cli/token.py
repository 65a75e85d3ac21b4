"""`pickup-net token create`: make a planner token (shown once, stored as a SHA-256 digest)."""

from enum import StrEnum
from typing import Annotated

import typer

from pickup_net.cli import app
from pickup_net.cli.database_option import DatabaseUrl, use_database
from pickup_net.cli.extras import require_extra

token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")


class TokenRole(StrEnum):
    """Roles a token can be created for here (shop tokens come from publishing a plan)."""

    planner = "planner"


@token_app.command("create")
def create(
    name: Annotated[str, typer.Option(help="Who the token is for.", min=1)],
    role: Annotated[TokenRole, typer.Option(help="The token's role.")] = TokenRole.planner,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a token and print it alone on the last line; it cannot be shown again."""
    require_extra("api", "token create")
    use_database(database_url)
    from pickup_net.service.db import new_session
    from pickup_net.service.security import create_token

    with new_session() as session:
        token = create_token(session, role.value, name)
        session.commit()
    typer.echo(f"Created {role.value} token for {name!r}; it is shown only once:")
    typer.echo(token)
