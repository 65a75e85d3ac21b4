"""`pickup-net plan-city` and `pickup-net city-scenario`: whole cities, split into districts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from pickup_net.cli import app
from pickup_net.cli.extras import require_extra
from pickup_net.cli.scenario_input import load_or_exit

if TYPE_CHECKING:
    from pickup_net.domain import Plan

_console = Console()


@app.command("plan-city")
def plan_city_command(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario YAML of the whole city.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the joined plan's files.")],
    districts: Annotated[int, typer.Option("--districts", min=1, help="Number of districts.")] = 8,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address (default: local).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local worker processes.")] = 2,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Street-graph cache shared by workers.")
    ] = None,
    borders: Annotated[
        bool,
        typer.Option(
            "--borders/--no-borders",
            help="Second round: border homes to the district with nearer routes (re-plans them).",
        ),
    ] = False,
) -> None:
    """Plan a city as districts solved in parallel on Dask, joined into one plan in OUT."""
    require_extra("batch", "plan-city")
    from pickup_net.io.plan_writer import write_plan
    from pickup_net.scale import DistrictError, plan_city

    scenario = load_or_exit(scenario_file)
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=_console) as progress:
        city = progress.add_task("city: split", total=1.0)
        areas: dict[str, TaskID] = {}
        finished: set[str] = set()  # late events of a finished district do not overwrite it

        def on_progress(area: str | None, stage: str, fraction: float) -> None:
            if area is None:
                progress.update(city, completed=fraction, description=f"city: {stage}")
                return
            if stage == "inputs":  # a district's plan starts (again, in the second round)
                finished.discard(area)
            if area in finished:
                return
            if area not in areas:
                areas[area] = progress.add_task(area, total=1.0)
            progress.update(areas[area], completed=fraction, description=f"{area}: {stage}")

        def on_district(district_id: str, done: int, total: int) -> None:
            finished.add(district_id)
            if district_id not in areas:
                areas[district_id] = progress.add_task(district_id, total=1.0)
            progress.update(areas[district_id], completed=1.0, description=f"{district_id}: done")
            progress.update(city, completed=0.05 + 0.9 * done / total,
                            description=f"city: districts {done}/{total} done")  # fmt: skip

        try:
            plan = plan_city(
                scenario, districts, scheduler=scheduler, workers=workers,
                cache_dir=cache_dir or out / "cache", on_district=on_district,
                on_progress=on_progress, borders=borders,
            )  # fmt: skip
        except DistrictError as error:
            _console.print(f"[red]{error}")
            raise typer.Exit(1) from None
        progress.update(city, description="city: writing files")
        write_plan(plan, out)
        progress.update(city, description="city: files written")
    _console.print(_district_table(plan))
    _console.print(_location_line(plan))
    k = plan.kpis
    _console.print(
        f"{k.customers} customers, {k.hubs_opened} hubs, pickup {k.pickup_share:.0%}, "
        f"{k.vans_used} vans, {k.km_driven:.1f} km, total cost {k.total_cost:,.0f} "
        f"{plan.currency}; wrote {out}"
    )
    for warning in plan.warnings:
        _console.print(f"[yellow]warning: {warning}")


@app.command("city-scenario")
def city_scenario_command(
    osm_file: Annotated[Path, typer.Argument(help="OSM extract (.osm.pbf) of the city.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the scenario YAML and tables.")],
    currency: Annotated[str, typer.Option("--currency", help="ISO 4217 code, e.g. BRL.")],
    customers: Annotated[int, typer.Option("--customers", min=1)] = 20_000,
    shops: Annotated[int, typer.Option("--shops", min=1, help="Candidate shops in total.")] = 2_000,
    depots: Annotated[int, typer.Option("--depots", min=1)] = 1,
    history_days: Annotated[int, typer.Option("--history-days", min=7)] = 56,
    seed: Annotated[int, typer.Option("--seed")] = 11,
    name: Annotated[str | None, typer.Option("--name")] = None,
    home_delivery_cost: Annotated[
        float, typer.Option("--home-delivery-cost", min=0, help="Cost of one home delivery.")
    ] = 6_000,
) -> None:
    """Generate a city-scale scenario: real shops (plus synthetic ones on real streets), customers
    on real residential streets, seeded order history; the extract is copied beside it."""
    from pickup_net.domain import Parameters
    from pickup_net.io.osm_features import read_osm_features
    from pickup_net.io.scenario_writer import write_scenario
    from pickup_net.synth.city import CitySettings, generate_city

    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise typer.BadParameter(
            f"{currency[:20]!r} is not an ISO 4217 code", param_hint="--currency"
        )
    features = read_osm_features(osm_file)
    settings = CitySettings(
        name=name or osm_file.name.split(".")[0], customers=customers, shops=shops,
        depots=depots, history_days=history_days, seed=seed, currency=currency,
    )  # fmt: skip
    parameters = Parameters(
        hub_fixed_cost=25_000, walk_cost_per_km=2_000, home_delivery_cost=home_delivery_cost
    )
    scenario = generate_city(features, osm_file, settings, parameters)
    path = write_scenario(scenario, out)
    synthetic = sum(s.synthetic for s in scenario.shops)
    _console.print(
        f"wrote {path}: {customers} customers, {len(scenario.shops)} shops ({synthetic} "
        f"synthetic), {len(scenario.orders)} orders, {len(scenario.depots)} depot(s)"
    )


def _district_table(plan: Plan) -> Table:
    """Customers, vans, cost and coverage, solver quality and seconds per district."""
    table = Table("district", "customers", "vans", "hubs", "pickup", "total cost", "per parcel",
                  "hubs: gap", "stage seconds")  # fmt: skip
    per_stage = {
        name: stats.details.get("districts", {})
        for name, stats in plan.stages.items()
        if name != "districts"
    }
    for district_id, info in plan.stages["districts"].details["districts"].items():
        gap = per_stage.get("location", {}).get(district_id, {}).get("gap")
        seconds = sum(
            parts.get(district_id, {}).get("seconds", 0.0) for parts in per_stage.values()
        )
        per_parcel = info.get("cost_per_parcel")
        table.add_row(
            district_id,
            str(info["customers"]),
            f"{info.get('vans_used', '')}/{sum(info['vans'].values())}",
            str(info.get("hubs", "")),
            f"{info.get('pickup_share', 0.0):.0%}",
            f"{info.get('total_cost', 0.0):,.0f}",
            "" if per_parcel is None else f"{per_parcel:,.0f}",
            "" if gap is None else f"{gap:.2%}",
            f"{seconds:.1f}",
        )
    return table


def _location_line(plan: Plan) -> str:
    """The city location model's objective, proven bound and gap, over how many components."""
    location = plan.stages.get("location")
    if location is None or location.objective is None or location.lower_bound is None:
        return "location: no bound"
    gap = "" if location.gap is None else f", gap {location.gap:.2%}"
    return (
        f"city location model: objective {location.objective:,.0f}, bound "
        f"{location.lower_bound:,.0f}{gap} over {location.details.get('components', '?')} "
        "walking components - a bound of the whole city's model"
    )
