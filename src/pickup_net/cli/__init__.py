"""The `pickup-net` command line: one Typer app, one module per command group."""

import typer

app = typer.Typer(
    name="pickup-net",
    help="Plan neighbourhood pickup networks: hub shops, stock and van routes.",
    no_args_is_help=True,
    add_completion=False,
)
from pickup_net.cli import serve, token  # noqa: E402, F401
from pickup_net.cli import route  # noqa: E402, F401
from pickup_net.cli import matrix  # noqa: E402, F401
from pickup_net.cli import plan, scenario_commands  # noqa: E402, F401
from pickup_net.cli import backtest  # noqa: E402, F401
from pickup_net.cli import batch, city  # noqa: E402, F401
