"""`plan(scenario)`: run every stage in order and assemble the `Plan`."""

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pickup_net.demand import Customer, customers, day_orders, demand_history
from pickup_net.forecast import CycleDemand, DemandForecast, forecast_demand
from pickup_net.location import LocationResult
from pickup_net.models import (
    CustomerAssignment,
    Hub,
    Plan,
    Scenario,
    Shop,
    StageStats,
    Unassigned,
)
from pickup_net.network import Matrices, Point
from pickup_net.pipeline.assemble import kpis, plan_routes
from pickup_net.pipeline.hub_choice import CustomerDemand, choose_hubs
from pickup_net.pipeline.progress import ProgressCallback, StageClock
from pickup_net.pipeline.travel import Travel
from pickup_net.pipeline.van_routes import DriveMatrix, HomeDelivery, build_routing, solve_routes
from pickup_net.routing import RoutingResult
from pickup_net.stock import HubDemand, StockPlan, plan_stock


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
    shops = [shop for shop in scenario.shops if shop.is_candidate]
    with clock.stage("network"):
        travel = Travel(scenario, cache_dir)
        people = customers(scenario)
        pickup_people = [c for c in people if not c.prefers_home]
        depot_points = [Point(f"depot:{d.id}", d.lon, d.lat) for d in scenario.depots]
        shop_points = [Point(f"shop:{s.id}", s.lon, s.lat) for s in shops]
        people_points = [Point(f"customer:{c.id}", c.lon, c.lat) for c in people]
        walk = travel.matrices(
            [p for p, c in zip(people_points, people, strict=True) if not c.prefers_home],
            shop_points,
            "walk",
        )
        depot_drive = travel.matrices(depot_points, people_points, "drive")
    with clock.stage("forecast"):
        forecast = forecast_demand(
            demand_history(scenario), scenario.plan_date, params.cycle_days, params.seed
        )
        demand = _customer_demand(scenario, people, forecast)
    with clock.stage("location"):
        pickup_columns = [i for i, c in enumerate(people) if not c.prefers_home]
        location = choose_hubs(
            scenario,
            pickup_people,
            demand,
            shops,
            walk,
            _columns(depot_drive, pickup_columns),
        )
    hub_shops = [shop for shop in shops if shop.id in set(location.open_shops)]
    with clock.stage("stock"):
        catchment = _catchment_zones(people, location)
        stock = plan_stock(
            [
                HubDemand(
                    hub_id=shop.id,
                    storage_liters=shop.storage_liters,
                    max_pickups_per_day=shop.max_pickups_per_day,
                    demand=_catchment_demand(forecast, catchment[shop.id]),
                    cycle_days=params.cycle_days,
                )
                for shop in hub_shops
            ],
            scenario.products,
            params.service_level,
        )
    with clock.stage("routing"):
        homes = _home_deliveries(scenario, people, location)
        routed = [shop for shop in hub_shops if any(x.hub_id == shop.id for x in stock.lines)]
        points = (
            depot_points
            + [Point(f"shop:{s.id}", s.lon, s.lat) for s in routed]
            + [Point(f"customer:{h.customer_id}", h.lon, h.lat) for h in homes]
        )
        drive = DriveMatrix(points, travel.matrices(points, None, "drive"))
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
            route.geometry = travel.geometry([depot, *stops, depot])
        assignments = _assignments(people, location, walk)
        hubs = _hubs(hub_shops, location, assignments, demand, stock, scenario)
        unassigned = _unassigned(routing, stock)
        warnings = [*travel.warnings, *walk.warnings, *drive.matrices.warnings]
        if not homes and not any(c.mode == "home" for c in assignments):
            warnings.append("no home deliveries on the plan date")
        elif day_orders(scenario).empty:
            warnings.append(
                f"no orders booked for {scenario.plan_date}: home-delivery routes are empty"
            )
    stages = {
        "network": StageStats(seconds=clock.seconds["network"]),
        "forecast": StageStats(
            seconds=clock.seconds["forecast"],
            method="per-zone model choice",
            details={"models": forecast.table["model"].value_counts().to_dict()},
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
            details=_jsonable(routing.stats),
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
        hubs=hubs,
        customers=assignments,
        stock=stock.lines,
        routes=routes,
        unassigned=unassigned,
        kpis=kpis(scenario, hubs, assignments, stock.lines, routes, unassigned),
        stages=stages,
        warnings=warnings,
    )


def catchments(scenario: Scenario) -> dict[str, list[str]]:
    """Hub shop id -> zone ids it serves, from the location stage on the whole history."""
    forecast_plan = plan(scenario)
    zone = {c.id: c.zone_id for c in customers(scenario)}
    result: dict[str, list[str]] = {}
    for hub in forecast_plan.hubs:
        result[hub.shop_id] = sorted({zone[cid] for cid in hub.customers})
    return result


def _columns(matrices: Matrices, columns: Sequence[int]) -> Matrices:
    """The same matrices restricted to some target columns."""
    return dataclasses.replace(
        matrices,
        target_ids=[matrices.target_ids[i] for i in columns],
        seconds=matrices.seconds[:, columns],
        meters=matrices.meters[:, columns],
    )


def _customer_demand(
    scenario: Scenario, people: Sequence[Customer], forecast: DemandForecast
) -> dict[str, CustomerDemand]:
    """Each customer's share of its zone's forecast (by its share of the zone's history)."""
    volume = {p.id: p.volume_liters for p in scenario.products}
    table = forecast.table
    per_zone = defaultdict(lambda: (0.0, 0.0))
    for row in table.itertuples(index=False):
        units, liters = per_zone[row.zone_id]
        per_zone[row.zone_id] = (
            units + row.mean_per_day,
            liters + row.cycle_mean * volume[row.product_id],
        )
    zone_units = defaultdict(float)
    for c in people:
        zone_units[c.zone_id] += c.units
    result = {}
    for c in people:
        share = c.units / zone_units[c.zone_id] if zone_units[c.zone_id] > 0 else 0.0
        units, liters = per_zone.get(c.zone_id, (0.0, 0.0))
        units_per_order = c.units / c.orders if c.orders else 1.0
        result[c.id] = CustomerDemand(
            units_per_day=units * share,
            pickups_per_day=units * share / units_per_order,
            liters_per_cycle=liters * share,
        )
    return result


def _catchment_zones(
    people: Sequence[Customer], location: LocationResult
) -> dict[str, dict[str, float]]:
    """Hub id -> {zone id: share of the zone's history served by the hub}."""
    zone_units: dict[str, float] = defaultdict(float)
    for c in people:
        zone_units[c.zone_id] += c.units
    shares: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in people:
        hub = location.assignment.get(c.id)
        if hub is not None and zone_units[c.zone_id] > 0:
            shares[hub][c.zone_id] += c.units / zone_units[c.zone_id]
    return shares


def _catchment_demand(forecast: DemandForecast, zones: dict[str, float]) -> dict[str, CycleDemand]:
    """Cycle demand per product of a catchment: whole zones summed by the forecast, shared
    zones thinned by their share (mean and variance scaled, as for a thinned count process)."""
    whole = [zone for zone, share in zones.items() if share >= 0.999]
    demand = dict(forecast.catchment(whole)) if whole else {}
    partial = {zone: share for zone, share in zones.items() if share < 0.999}
    if partial:
        rows = forecast.table[forecast.table["zone_id"].isin(list(partial))]
        for row in rows.itertuples(index=False):
            share = partial[row.zone_id]
            base = demand.get(row.product_id, CycleDemand(0.0, 0.0))
            demand[row.product_id] = CycleDemand(
                base.mean + share * row.cycle_mean, base.variance + share * row.cycle_var
            )
    return demand


def _home_deliveries(
    scenario: Scenario, people: Sequence[Customer], location: LocationResult
) -> list[HomeDelivery]:
    """The plan date's orders of customers served at home, one delivery per customer."""
    orders = day_orders(scenario)
    if orders.empty:
        return []
    at_home = {c.id for c in people if c.prefers_home or location.assignment.get(c.id) is None}
    products = {p.id: p for p in scenario.products}
    position = {c.id: c for c in people}
    homes = []
    for cid, group in orders[orders["customer_id"].isin(at_home)].groupby("customer_id", sort=True):
        homes.append(
            HomeDelivery(
                customer_id=str(cid),
                lon=position[cid].lon,
                lat=position[cid].lat,
                liters=float(
                    sum(
                        q * products[p].volume_liters
                        for p, q in zip(group["product_id"], group["quantity"], strict=True)
                    )
                ),
                kg=float(
                    sum(
                        q * products[p].weight_kg
                        for p, q in zip(group["product_id"], group["quantity"], strict=True)
                    )
                ),
            )
        )
    return homes


def _assignments(
    people: Sequence[Customer], location: LocationResult, walk: Matrices
) -> list[CustomerAssignment]:
    """Where each customer is served, with the walk to the hub or the reason for home delivery."""
    row = {cid.removeprefix("customer:"): i for i, cid in enumerate(walk.ids)}
    column = {sid.removeprefix("shop:"): j for j, sid in enumerate(walk.target_ids)}
    result = []
    for c in people:
        if c.prefers_home:
            result.append(
                CustomerAssignment(
                    customer_id=c.id, lon=c.lon, lat=c.lat, mode="home",
                    reason="asked for home delivery",
                )
            )  # fmt: skip
            continue
        hub = location.assignment.get(c.id)
        if hub is None:
            result.append(
                CustomerAssignment(
                    customer_id=c.id, lon=c.lon, lat=c.lat, mode="home",
                    reason=location.home_reasons.get(c.id, "home delivery is cheaper"),
                )
            )  # fmt: skip
            continue
        result.append(
            CustomerAssignment(
                customer_id=c.id, lon=c.lon, lat=c.lat, mode="pickup", hub_id=hub,
                walk_m=round(float(walk.meters[row[c.id], column[hub]]), 1),
            )
        )  # fmt: skip
    return result


def _hubs(
    hub_shops: Sequence[Shop],
    location: LocationResult,
    assignments: Sequence[CustomerAssignment],
    demand: dict[str, CustomerDemand],
    stock: StockPlan,
    scenario: Scenario,
) -> list[Hub]:
    """Hub records with their catchments, expected pickups, stock volume and explanation."""
    volume = {p.id: p.volume_liters for p in scenario.products}
    hubs = []
    for shop in hub_shops:
        served = [a for a in assignments if a.hub_id == shop.id]
        walks = [a.walk_m or 0.0 for a in served]
        lines = [line for line in stock.lines if line.hub_id == shop.id]
        explanation = dict(location.hub_explanations.get(shop.id, {}))
        if shop.id in stock.hub_notes:
            explanation["stock"] = stock.hub_notes[shop.id]
        hubs.append(
            Hub(
                shop_id=shop.id,
                name=shop.name,
                lon=shop.lon,
                lat=shop.lat,
                customers=[a.customer_id for a in served],
                expected_pickups_per_day=round(
                    sum(demand[a.customer_id].pickups_per_day for a in served), 3
                ),
                mean_walk_m=round(float(np.mean(walks)), 1) if walks else 0.0,
                storage_liters=shop.storage_liters,
                stock_liters=round(sum(x.units * volume[x.product_id] for x in lines), 3),
                handling_fee=shop.handling_fee,
                explanation=_jsonable(explanation),
            )
        )
    return hubs


def _unassigned(routing: RoutingResult, stock: StockPlan) -> list[Unassigned]:
    """Everything left out, with reasons: unrouted stops and stock that could not be planned."""
    items = [
        Unassigned(kind="stop", id=u.stop_id, reason=u.reason, certain=u.certain)
        for u in routing.unassigned
    ]
    return items + list(stock.unassigned)


def _jsonable(value: Any) -> Any:
    """Numbers and containers made plain for JSON (numpy scalars become Python floats/ints)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)
