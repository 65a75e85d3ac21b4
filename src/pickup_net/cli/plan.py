"""`pickup-net plan SCENARIO --out DIR`: plan a scenario and write every output file."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pickup_net.cli import app
from pickup_net.cli.calendar_days import calendar_tables
from pickup_net.cli.scenario_input import load_or_exit, print_errors

if TYPE_CHECKING:
    from pickup_net.domain import Plan

_out = Console()
ROUND_HUBS_SHOWN = 4
"""Hub ids shown per location-routing round in the KPI table (all of them are in plan.json)."""
_err = Console(stderr=True)


@app.command()
def plan(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    out: Path = typer.Option(Path("out"), "--out", help="Folder for the plan's files."),
    cache_dir: Path = typer.Option(
        Path(".cache/pickup-net"), "--cache-dir", help="Cache of parsed street graphs."
    ),
    work: int | None = typer.Option(
        None,
        "--work",
        min=1,
        help="Deterministic work limit of the searches (overrides the scenario's search_work): "
        "the same scenario, seed and work give the same plan.json apart from timing fields.",
    ),
) -> None:
    """Plan the scenario's operating day and write plan.json, GeoJSON, map and shop files."""
    from pickup_net.domain import Budget
    from pickup_net.domain.budget import usable_cores
    from pickup_net.io.osm_loader import StreetDataWarning
    from pickup_net.io.plan_inputs import load_inputs
    from pickup_net.io.plan_writer import OutputError, check_output_folder, write_plan
    from pickup_net.network.snapping import SnapError
    from pickup_net.planning import plan as run_plan
    from pickup_net.render.build_up import build_up_lines

    loaded = load_or_exit(scenario)
    try:
        check_output_folder(out)
    except OutputError as error:
        _err.print(f"[red]error[/red] {error}", highlight=False)
        raise typer.Exit(1) from None
    with _err.status("reading the street network"), warnings.catch_warnings():
        warnings.simplefilter("ignore", StreetDataWarning)  # listed with the plan's warnings
        inputs = load_inputs(loaded, cache_dir)
    with Progress(
        TextColumn("{task.description:<10}"), BarColumn(), TimeElapsedColumn(), console=_err
    ) as bar:
        task = bar.add_task("plan", total=1.0)
        try:
            result = run_plan(
                inputs,
                Budget(processes=usable_cores(), start_method="fork", work=work),
                progress=lambda stage, done: bar.update(task, completed=done, description=stage),
            )
        except SnapError as error:
            bar.stop()
            _explain_snap_error(scenario, cache_dir, error)
    written = write_plan(result, out, loaded)
    _out.print(kpi_table(result))
    for table in calendar_tables(result):
        _out.print(table)
    for line in build_up_lines(result):
        _out.print(line, highlight=False)
    for warning in result.warnings:
        _err.print(f"[yellow]warning[/yellow] {warning}", highlight=False)
    _out.print(f"wrote {len(written)} files to {out}/")


def _explain_snap_error(scenario: Path, cache_dir: Path, error: Exception) -> NoReturn:
    """Name the file, line and likely cause (swapped or sign-flipped coordinates) of every point
    the plan could not snap, as `validate` does; exit 1."""
    from pickup_net.io.scenario_loader import ScenarioError
    from pickup_net.io.street_check import check_scenario

    try:
        check_scenario(scenario, cache_dir)
    except ScenarioError as located:
        print_errors(located.messages)
    else:
        _err.print(f"[red]error[/red] {error}", highlight=False)
    raise typer.Exit(1)


def kpi_table(result: Plan) -> Table:
    """The plan's KPIs, stage times and unassigned reasons as one terminal table."""
    k = result.kpis
    table = Table(title=f"{result.scenario} — {result.plan_date}", show_header=False)
    rows = [
        ("hubs opened", f"{k.hubs_opened}"),
        ("customers by pickup", f"{k.customers_pickup} of {k.customers} ({k.pickup_share:.0%})"),
        ("mean walk to hub", f"{k.mean_walk_m:.0f} m"),
        ("units pre-positioned", f"{k.units_prepositioned}"),
        ("vans used", f"{k.vans_used}"),
        ("km driven", f"{k.km_driven:.1f}"),
        ("driving hours", f"{k.driving_hours:.2f}"),
        ("routing cost", f"{k.routing_cost:,.0f} {result.currency}"),
        ("hub cost", f"{k.hub_cost:,.0f} {result.currency}"),
        ("total cost", f"{k.total_cost:,.0f} {result.currency}"),
        ("unassigned stops and customers", f"{k.unassigned}"),
    ]
    reasons: dict[str, int] = {}
    for item in result.unassigned:
        if item.kind != "stock":
            reasons[item.reason] = reasons.get(item.reason, 0) + 1
    rows += [(f"  {reason}", f"{n}") for reason, n in sorted(reasons.items())]
    location = result.stages["location"]
    if location.gap is not None:
        rows.append(("location gap", f"{location.gap:.2%}"))
    rows += _economics_rows(result)
    rows += [(f"{name} stage", f"{stage.seconds:.1f} s") for name, stage in result.stages.items()]
    for label, value in rows:
        table.add_row(label, value)
    return table


def _economics_rows(result: Plan) -> list[tuple[str, str]]:
    """The plan beside its baselines (cost per parcel), the location-routing rounds and the
    break-even view."""
    money = result.currency
    details = result.stages["location"].details
    k, parcels = result.kpis, details.get("parcels") or 0.0
    per_parcel = k.total_cost / parcels if parcels else 0.0
    rows = [("plan", _money_line(money, k.total_cost, k.hubs_opened, k.vans_used, per_parcel))]
    for base in result.baselines:
        line = _money_line(
            money, base.total_cost, base.hubs_opened, base.vans_used, base.cost_per_parcel
        )
        rows.append((f"  {base.name.replace('_', '-')} baseline", line))
    if method := details.get("method_result"):
        line = _money_line(
            money,
            method["total_cost"],
            method["hubs_opened"],
            method["vans_used"],
            method["cost_per_parcel"],
        )
        rows.append(("  location-routing result", line))
    if details.get("chosen"):
        rows.append(("  plan keeps", str(details["chosen"]).replace("_", "-")))
    for n, step in enumerate(details.get("rounds", []), start=1):
        more = "…" if len(step["hubs"]) > ROUND_HUBS_SHOWN else ""
        hubs = escape(f"[{', '.join(map(str, step['hubs'][:ROUND_HUBS_SHOWN]))}{more}]")
        line = f"{step['hubs_opened']} hubs {hubs}, routed {step['routed_total']:,.0f} {money}"
        rows.append((f"  round {n}", line))
    pays_at = details.get("break_even") or {}
    if pays_at.get("hub_fee_per_day") is not None:
        rows.append(("hubs pay below fee", f"{pays_at['hub_fee_per_day']:,.0f} {money}/day"))
    if pays_at.get("demand_scale") is not None:
        rows.append(("hubs pay from demand", f"{pays_at['demand_scale']:.2f} x today"))
    return rows


def _money_line(money: str, total: float, hubs: int, vans: int, per_parcel: float) -> str:
    """Total, hubs, vans and cost per parcel on one line."""
    return f"{total:,.0f} {money}, {hubs} hubs, {vans} vans, {per_parcel:,.0f} {money}/parcel"
