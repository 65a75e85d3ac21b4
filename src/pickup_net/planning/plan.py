"""`plan(scenario)`: run every stage in order and assemble the `Plan`."""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pickup_net.domain import Plan, Scenario, Shop, StageStats
from pickup_net.forecast import DemandForecast, forecast_demand
from pickup_net.location import LocationResult
from pickup_net.network import Matrices, Point
from pickup_net.planning.assemble import (
    customer_assignments,
    hub_records,
    jsonable,
    kpis,
    plan_routes,
    unassigned_items,
)
from pickup_net.planning.catchment_demand import catchment_zones, customer_demand
from pickup_net.planning.history import Customer, customers, day_orders, demand_history
from pickup_net.planning.hub_choice import CustomerDemand, choose_hubs
from pickup_net.planning.progress import ProgressCallback, StageClock
from pickup_net.planning.travel import Travel
from pickup_net.planning.van_routes import DriveMatrix, build_routing, home_deliveries, solve_routes
from pickup_net.stock import HubDemand, plan_stock


@dataclass
class _Located:
    """What the first three stages produce: travel, customers, demand and the chosen hubs."""

    travel: Travel
    people: list[Customer]
    walk: Matrices
    forecast: DemandForecast
    demand: dict[str, CustomerDemand]
    location: LocationResult
    hub_shops: list[Shop]


def plan(
    scenario: Scenario, progress: ProgressCallback | None = None, cache_dir: Path | None = None
) -> Plan:
    """Plan one operating day of `scenario`.

    Parameters
    ----------
    scenario
        A validated scenario; without `streets_file` distances are straight lines (with a warning).
    progress
        Called as `progress(stage, fraction)` at each stage start and end; raising aborts the plan.
    cache_dir
        Where parsed street graphs are cached between runs (none: no cache).
    """
    clock = StageClock(progress)
    params = scenario.parameters
    located = _locate(scenario, clock, cache_dir)
    with clock.stage("stock"):
        shares = catchment_zones(located.people, located.location)
        stock = plan_stock(
            [
                HubDemand(
                    hub_id=shop.id,
                    storage_liters=shop.storage_liters,
                    max_pickups_per_day=shop.max_pickups_per_day,
                    demand=located.forecast.catchment(shares[shop.id]),
                    cycle_days=params.cycle_days,
                    forecast_notes=located.forecast.describe(shares[shop.id]),
                )
                for shop in located.hub_shops
            ],
            scenario.products,
            params.service_level,
        )
    with clock.stage("routing"):
        homes = home_deliveries(scenario, located.people, located.location)
        stocked = {line.hub_id for line in stock.lines if line.units > 0}
        routed = [shop for shop in located.hub_shops if shop.id in stocked]
        depot_points = _depot_points(scenario)
        points = (
            depot_points
            + [Point(f"shop:{s.id}", s.lon, s.lat) for s in routed]
            + [Point(f"customer:{h.customer_id}", h.lon, h.lat) for h in homes]
        )
        drive = DriveMatrix(points, located.travel.matrices(points, None, "drive"))
        routing_input = build_routing(scenario, routed, stock.lines, homes, drive)
        routing = solve_routes(scenario, routing_input)
    with clock.stage("outputs"):
        routes = plan_routes(
            routing, points, routing_input.depot_of_vehicle, routing_input.type_of_vehicle
        )
        depot_at = {p.id: p for p in depot_points}
        for route in routes:
            depot = depot_at[f"depot:{route.depot_id}"]
            stops = [Point(v.location_id, v.lon, v.lat) for v in route.visits]
            route.geometry = located.travel.geometry([depot, *stops, depot])
        assignments = customer_assignments(located.people, located.location, located.walk)
        hubs = hub_records(
            located.hub_shops, located.location, assignments, located.demand, stock, scenario
        )
        unassigned = unassigned_items(routing, stock)
        warnings = [*located.travel.warnings, *located.walk.warnings, *drive.matrices.warnings]
        if day_orders(scenario).empty:
            warnings.append(
                f"no orders booked for {scenario.plan_date}: no home deliveries are routed"
            )
    location = located.location
    stages = {
        "network": StageStats(seconds=clock.seconds["network"]),
        "forecast": StageStats(
            seconds=clock.seconds["forecast"],
            method="model per zone and product by rolling-origin cross-validation",
            details={"models": jsonable(located.forecast.table["model"].value_counts().to_dict())},
        ),
        "location": StageStats(
            seconds=clock.seconds["location"],
            method=location.method,
            objective=location.objective,
            lower_bound=location.lower_bound,
            gap=location.gap,
            details={"proven_optimal": location.proven_optimal},
        ),
        "stock": StageStats(seconds=clock.seconds["stock"], method=stock.method),
        "routing": StageStats(
            seconds=clock.seconds["routing"],
            method=params.routing_engine,
            objective=routing.cost,
            details=jsonable(routing.stats),
        ),
        "outputs": StageStats(seconds=clock.seconds["outputs"]),
    }
    return Plan(
        scenario=scenario.name,
        plan_date=scenario.plan_date,
        currency=scenario.currency,
        cycle_days=params.cycle_days,
        service_level_method=stock.method,
        depots=scenario.depots,
        candidate_shops=[shop.id for shop in scenario.shops if shop.is_candidate],
        hubs=hubs,
        customers=assignments,
        stock=stock.lines,
        routes=routes,
        unassigned=unassigned,
        kpis=kpis(scenario, hubs, assignments, stock.lines, routes, unassigned),
        stages=stages,
        warnings=warnings,
    )


def catchments(scenario: Scenario, cache_dir: Path | None = None) -> dict[str, dict[str, float]]:
    """Hub shop id -> {zone id: share of the zone's demand it serves}, from the network,
    forecast and location stages (shares below 1 where a zone is split between hubs)."""
    located = _locate(scenario, StageClock(None), cache_dir)
    shares = catchment_zones(located.people, located.location)
    return {shop.id: dict(shares[shop.id]) for shop in located.hub_shops}


def _locate(scenario: Scenario, clock: StageClock, cache_dir: Path | None) -> _Located:
    """Run the network, forecast and location stages."""
    params = scenario.parameters
    shops = [shop for shop in scenario.shops if shop.is_candidate]
    with clock.stage("network"):
        travel = Travel(scenario, cache_dir)
        people = customers(scenario)
        pickup = [i for i, c in enumerate(people) if not c.prefers_home]
        people_points = [Point(f"customer:{c.id}", c.lon, c.lat) for c in people]
        walk = travel.matrices(
            [people_points[i] for i in pickup],
            [Point(f"shop:{s.id}", s.lon, s.lat) for s in shops],
            "walk",
        )
        depot_drive = travel.matrices(_depot_points(scenario), people_points, "drive")
    with clock.stage("forecast"):
        forecast = forecast_demand(
            demand_history(scenario), scenario.plan_date, params.cycle_days, params.seed
        )
        demand = customer_demand(scenario, people, forecast)
    with clock.stage("location"):
        location = choose_hubs(
            scenario,
            [people[i] for i in pickup],
            demand,
            shops,
            walk,
            _columns(depot_drive, pickup),
        )
    opened = set(location.open_shops)
    return _Located(
        travel, people, walk, forecast, demand, location, [s for s in shops if s.id in opened]
    )


def _depot_points(scenario: Scenario) -> list[Point]:
    return [Point(f"depot:{d.id}", d.lon, d.lat) for d in scenario.depots]


def _columns(matrices: Matrices, columns: Sequence[int]) -> Matrices:
    """The same matrices restricted to some target columns."""
    return dataclasses.replace(
        matrices,
        target_ids=[matrices.target_ids[i] for i in columns],
        seconds=matrices.seconds[:, columns],
        meters=matrices.meters[:, columns],
    )
