"""`pickup-net backtest SCENARIO --weeks N [--json] [--out DIR]`: replay the last weeks of a
scenario's own history as a rolling operation (inventory routing next to the old daily reload),
and score the forecast made before each week."""

import csv
import json
import math
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from pickup_net.cli import app
from pickup_net.cli.scenario_input import load_or_exit

if TYPE_CHECKING:
    from pickup_net.domain import Scenario
    from pickup_net.planning.rolling import OperationResult

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
    hubs: int | None = typer.Option(
        None, "--hubs", min=1, help="Open this many hubs each week (the scenario's n_hubs)."
    ),
    open_shops: str | None = typer.Option(
        None, "--open-shops", help="Comma-separated shop ids that must be hubs every week."
    ),
    work: int | None = typer.Option(
        None, "--work", min=1, help="Work limit of each weekly plan (default: search_work)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write backtest.csv and backtest.md (the rolling operation) here."
    ),
    keep_hubs: bool = typer.Option(
        False, "--keep-hubs", help="Keep the first week's hubs for every week and policy."
    ),
    replan_every: int = typer.Option(
        1,
        "--replan-every",
        min=0,
        help="Also replay irp_replan: the rest of each week re-planned every D evenings on the "
        "shelves as counted (default every evening; 0: leave it out).",
    ),
    policies: str | None = typer.Option(
        None,
        "--policies",
        help="Comma-separated policies to replay: irp, irp_replan, daily_reload (default: all).",
    ),
    forecast_only: bool = typer.Option(
        False, "--forecast-only", help="Score the forecast and stock only; no rolling operation."
    ),
) -> None:
    """Hold out the last N weeks: plan each from what was known before it, run its deliveries
    against the real pickups with stock carried over, next to the old daily reload; and score
    the forecast made before each week."""
    from pickup_net.domain import Budget
    from pickup_net.io.osm_loader import StreetDataWarning
    from pickup_net.io.plan_inputs import load_inputs
    from pickup_net.planning import catchments
    from pickup_net.planning.backtest import BacktestHub, backtest
    from pickup_net.planning.rolling import replay_operation

    loaded = load_or_exit(scenario)
    forced = {
        **({"n_hubs": hubs} if hubs is not None else {}),
        **({"open_shops": open_shops.split(",")} if open_shops else {}),
        **({"service_level": service_level} if service_level is not None else {}),
    }
    if forced:
        try:
            params = loaded.parameters.model_validate({**loaded.parameters.model_dump(), **forced})
            loaded = loaded.model_validate({**loaded.model_dump(), "parameters": params})
        except ValueError as error:
            _err.print(f"[red]error[/red] {error}", highlight=False)
            raise typer.Exit(1) from None
    level = loaded.parameters.service_level
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
    if not forecast_only:
        with _err.status("replaying the operation") as status:
            try:
                operation = replay_operation(
                    loaded,
                    inputs.network,
                    weeks,
                    Budget(work=work or loaded.parameters.search_work),
                    progress=lambda step: status.update(f"planning and replaying {step}"),
                    keep_hubs=keep_hubs,
                    replan_every=replan_every,
                    policies=policies.split(",") if policies else (),
                )
            except ValueError as error:
                _err.print(f"[red]error[/red] {error}", highlight=False)
                raise typer.Exit(1) from None
        report["operation"] = operation.to_dict()
        if out is not None:
            _write(out, operation, _note(loaded, weeks, work, keep_hubs, replan_every))
    if as_json:
        typer.echo(json.dumps(_finite(report)))
        return
    _out.print(_table(report))
    if "operation" in report:
        _out.print(_operation_table(report["operation"]))


def _note(
    scenario: "Scenario", weeks: int, work: int | None, keep_hubs: bool, replan_every: int
) -> str:
    """What was replayed, with which hubs and limits (the heading of backtest.md)."""
    params = scenario.parameters
    hubs = ", ".join(params.open_shops) or (f"n_hubs={params.n_hubs}" if params.n_hubs else "")
    return (
        f"{scenario.name}: {weeks} held-out weeks before {scenario.plan_date}, hubs forced: "
        f"{hubs or 'none'}{' (the first week chose them, kept after)' if keep_hubs else ''}; "
        f"target fill rate {params.service_level}; work limit "
        f"{work or params.search_work} per plan"
        + (
            f"; irp_replan re-plans the rest of each week every {replan_every} evening(s) on the "
            "shelves as counted."
            if replan_every
            else "."
        )
    )


def _write(out: Path, operation: "OperationResult", note: str) -> None:
    """backtest.csv (one row per policy and week) and backtest.md in `out`."""
    from pickup_net.planning.rolling import csv_rows, markdown

    out.mkdir(parents=True, exist_ok=True)
    rows = csv_rows(operation)
    with (out / "backtest.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (out / "backtest.md").write_text(markdown(operation, note), encoding="utf-8")


def _operation_table(operation: dict) -> Table:
    """The policies side by side over all the held-out weeks."""
    policies = list(operation["policies"])
    table = Table(title="Rolling operation over the held-out weeks")
    table.add_column("measure")
    for policy in policies:
        table.add_column(policy, justify="right")
    for key in operation["policies"][policies[0]]:
        table.add_row(key, *(str(operation["policies"][p][key]) for p in policies))
    return table


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
