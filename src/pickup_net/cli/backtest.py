"""`pickup-net backtest SCENARIO --weeks N [--json]`: replay the last weeks of a scenario's own
history against stock planned from the forecast made before each week."""

import json
import math
import warnings
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from pickup_net.cli import app
from pickup_net.cli.scenario_input import load_or_exit

_out = Console()
_err = Console(stderr=True)


@app.command("backtest")
def backtest_command(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    weeks: int = typer.Option(
        4, "--weeks", min=1, help="Held-out weeks at the end of the history."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as one JSON object."),
    service_level: float | None = typer.Option(
        None, "--service-level", help="Target fill rate (default: the scenario's parameter)."
    ),
    cache_dir: Path = typer.Option(
        Path(".cache/pickup-net"), "--cache-dir", help="Cache of parsed street graphs."
    ),
) -> None:
    """Hold out the last N weeks, stock from the forecast made before each, replay the orders."""
    from pickup_net.io.osm_loader import StreetDataWarning
    from pickup_net.io.plan_inputs import load_inputs
    from pickup_net.planning import catchments
    from pickup_net.planning.backtest import BacktestHub, backtest

    loaded = load_or_exit(scenario)
    level = loaded.parameters.service_level if service_level is None else service_level
    with _err.status("choosing hubs on the full history (location stage)"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StreetDataWarning)
            inputs = load_inputs(loaded, cache_dir)
        hub_zones = catchments(inputs)
    shops = {shop.id: shop for shop in loaded.shops}
    hubs = [
        BacktestHub(hub, shops[hub].storage_liters, shops[hub].max_pickups_per_day, zones)
        for hub, zones in hub_zones.items()
    ]
    with _err.status("replaying weeks") as status:
        try:
            result = backtest(
                inputs.history.demand,
                hubs,
                loaded.products,
                level,
                weeks,
                end=loaded.plan_date,
                progress=lambda done, total: status.update(f"replayed {done} of {total} weeks"),
            )
        except ValueError as error:
            _err.print(f"[red]error[/red] {error}", highlight=False)
            raise typer.Exit(1) from None
    report = result.to_dict()
    if as_json:
        typer.echo(json.dumps(_finite(report)))
        return
    _out.print(_table(report))


def _table(report: dict) -> Table:
    """Per-week fill rate, leftovers and errors, and the models' errors, as terminal tables."""
    target = report["target_service_level"]
    table = Table(
        title=f"Backtest: {report['method']}"
        + (f" (target fill rate {target:.0%})" if target is not None else ""),
    )
    table.add_column("week", no_wrap=True)
    for column in ("fill rate", "expected", "demand", "stock", "left over", "MASE", "s-naive MASE"):
        table.add_column(column, justify="right")
    for week in report["weeks"]:
        table.add_row(
            week["week_start"],
            f"{week['fill_rate']:.1%}",
            f"{week['expected_fill_rate']:.1%}",
            f"{week['demand_units']:.0f}",
            f"{week['stock_units']}",
            f"{week['leftover_units']:.0f}",
            f"{week['error']['chosen']:.3f}",
            f"{week['error']['seasonal_naive']:.3f}",
        )
    error = report["error"]
    table.add_row(
        "all",
        f"{report['fill_rate']:.1%}",
        "",
        "",
        "",
        f"{report['leftover_units']:.0f}",
        f"{error['chosen']:.3f}",
        f"{error['seasonal_naive']:.3f}",
        style="bold",
    )
    table.caption = "Models (zone series, MASE / RMSSE / series using it): " + "; ".join(
        f"{name} {values['mase']:.3f} / {values['rmsse']:.3f} / {values['series_chosen']}"
        for name, values in report["models"].items()
    )
    return table


def _finite(value: object) -> object:
    """NaN (no scorable series) becomes null so the output is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value
