"""Load a scenario for a command, or print every problem and exit with status 1."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from pickup_net.domain import Scenario

_err = Console(stderr=True)


def print_errors(messages: Iterable[str]) -> None:
    """One red `error` line per problem on standard error."""
    for message in messages:
        _err.print(f"[red]error[/red] {message}", highlight=False)


def load_or_exit(path: Path) -> Scenario:
    """The validated scenario at `path`; on any problem, print them all and exit 1."""
    from pickup_net.io.scenario_loader import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as error:
        print_errors(error.messages)
        raise typer.Exit(1) from None
