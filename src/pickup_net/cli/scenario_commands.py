"""`pickup-net validate` and `pickup-net schema`: check a scenario, print a JSON Schema."""

import json
from pathlib import Path

import typer

from pickup_net.cli import app
from pickup_net.cli.scenario_input import print_errors


@app.command()
def validate(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    cache_dir: Path = typer.Option(
        Path(".cache/pickup-net"), "--cache-dir", help="Cache of parsed street graphs."
    ),
) -> None:
    """Check a scenario and its files; print every problem and exit 1 if there is any."""
    from pickup_net.io.scenario_loader import ScenarioError
    from pickup_net.io.street_check import check_scenario

    try:
        checked = check_scenario(scenario, cache_dir)
    except ScenarioError as error:
        print_errors(error.messages)
        raise typer.Exit(1) from None
    loaded = checked.scenario
    typer.echo(
        f"{scenario}: ok ({len(loaded.shops)} shops, {len(loaded.products)} products, "
        f"{len(loaded.orders)} orders, {len(loaded.depots)} depots, "
        f"{sum(v.count for v in loaded.vehicle_types)} vans; plan date {loaded.plan_date}, "
        f"times in {loaded.timezone})"
    )
    for warning in checked.warnings:
        typer.echo(f"warning {warning}", err=True)


@app.command()
def schema(
    plan: bool = typer.Option(False, "--plan", help="The plan's schema (plan.json) instead."),
) -> None:
    """Print the JSON Schema of a scenario (the JSON form the API accepts), or of a plan."""
    from pickup_net.domain import Plan, Scenario

    model = Plan if plan else Scenario
    typer.echo(json.dumps(model.model_json_schema(), indent=2))
