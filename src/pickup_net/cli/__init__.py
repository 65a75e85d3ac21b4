"""The `pickup-net` command line: one Typer app, one module per command group.

Command modules import only Typer and Rich at the top; solvers, Dask and the web stack load inside
the command that needs them, so `--help`, `validate` and `schema` answer quickly.
"""

import typer

app = typer.Typer(
    name="pickup-net",
    help="Plan neighbourhood pickup networks: hub shops, stock and van routes.",
    no_args_is_help=True,
    add_completion=False,
)

# Each module registers its commands on `app` when imported.
from pickup_net.cli import (  # noqa: E402, F401
    backtest,
    batch,
    city,
    matrix,
    plan,
    route,
    scenario_commands,
    serve,
    token,
)
