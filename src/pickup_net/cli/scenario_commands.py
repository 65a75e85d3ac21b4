"""`pickup-net validate` and `pickup-net schema`: check a scenario, print the JSON Schema."""

import json
import warnings
from pathlib import Path

import typer
from rich.console import Console

from pickup_net.cli import app
from pickup_net.cli.scenario_input import print_errors

_err = Console(stderr=True)


@app.command()
def validate(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    cache_dir: Path = typer.Option(
        Path(".cache/pickup-net"), "--cache-dir", help="Cache of parsed street graphs."
    ),
) -> None:
    """Check a scenario and its files; print every problem and exit 1 if there is any."""
    from pickup_net.io.scenario_loader import ScenarioError, load_scenario
    from pickup_net.io.street_check import check_points_on_streets

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loaded = load_scenario(scenario)
            check_points_on_streets(loaded, cache_dir)
    except ScenarioError as error:
        print_errors(error.messages)
        raise typer.Exit(1) from None
    for warning in caught:
        _err.print(f"[yellow]warning[/yellow] {warning.message}", highlight=False)
    typer.echo(
        f"{scenario}: ok ({len(loaded.shops)} shops, {len(loaded.products)} products, "
        f"{len(loaded.orders)} orders, {len(loaded.depots)} depots, "
        f"{sum(v.count for v in loaded.vehicle_types)} vans; plan date {loaded.plan_date})"
    )


@app.command()
def schema(
    plan: bool = typer.Option(False, "--plan", help="The plan's schema (plan.json) instead."),
) -> None:
    """Print the JSON Schema of a scenario (the JSON form the API accepts), or of a plan."""
    from pickup_net.domain import Plan, Scenario

    model = Plan if plan else Scenario
    typer.echo(json.dumps(model.model_json_schema(), indent=2))
