"""`plan(inputs, budget)`: run every stage in order and assemble the `Plan`."""

from dataclasses import dataclass

from pickup_net.domain import Budget, Day, Plan, Ref, Shop, StageStats
from pickup_net.domain.budget import BudgetClock
from pickup_net.domain.opening_hours import windows_on
from pickup_net.forecast import DemandForecast, forecast_demand
from pickup_net.location import LocationResult
from pickup_net.network import Matrices
from pickup_net.planning.assemble import (
    customer_assignments,
    hub_records,
    jsonable,
    kpis,
    plan_routes,
    unassigned_items,
)
from pickup_net.planning.catchment_demand import catchment_zones, customer_demand
from pickup_net.planning.costs import horizon_costs
from pickup_net.planning.day_stock import day_stock
from pickup_net.planning.history import Customer
from pickup_net.planning.hub_choice import CustomerDemand, choose_hubs
from pickup_net.planning.inputs import PlanInputs
from pickup_net.planning.progress import ProgressCallback, StageClock
from pickup_net.planning.travel import Place, Travel
from pickup_net.planning.van_routes import DriveMatrix, build_routing, home_deliveries, solve_routes
from pickup_net.stock import HubDemand, plan_stock

LOCATION_SHARE = 0.6
"""Most of what is left of the budget that location may take: routing still needs its search."""
OUTPUTS_RESERVE_S = 2.0
"""Kept back from routing for route geometry and assembly (measured well under 1 s on Fontibón)."""


@dataclass
class _Located:
    """What the first three stages produce: travel, customers, demand and the chosen hubs."""

    travel: Travel
    walk: Matrices
    walkers: list[Customer]
    shops: list[Shop]
    forecast: DemandForecast
    demand: dict[str, CustomerDemand]
    location: LocationResult
    hub_shops: list[Shop]
    warnings: list[str]


def plan(
    inputs: PlanInputs, budget: Budget | None = None, progress: ProgressCallback | None = None
) -> Plan:
    """Plan one operating day of the scenario in `inputs`.

    Parameters
    ----------
    inputs
        The validated scenario, its order history and its street network (none: straight lines,
        with a warning).
    budget
        A wall-clock limit for the whole plan, shared out by location and routing (each within
        its own limit from the parameters), and the processes the solvers may use; none: the
        parameters' limits alone, in this process.
    progress
        Called as `progress(stage, fraction)` at each stage start and end; raising aborts the plan.
    """
    clock = StageClock(progress)
    spend = (budget or Budget()).start()
    scenario, params = inputs.scenario, inputs.parameters
    located = _locate(inputs, clock, spend)
    with clock.stage("stock"):
        shares = catchment_zones(inputs.history.customers, located.location)
        hub_demand = {
            shop.id: located.forecast.catchment(shares[shop.id]) for shop in located.hub_shops
        }
        stock = plan_stock(
            [
                HubDemand(
                    hub_id=shop.id,
                    storage_liters=shop.storage_liters,
                    max_pickups_per_day=shop.max_pickups_per_day,
                    demand=hub_demand[shop.id],
                    cycle_days=params.cycle_days,
                    forecast_notes=located.forecast.describe(shares[shop.id]),
                )
                for shop in located.hub_shops
            ],
            scenario.products,
            params.service_level,
        )
    with clock.stage("routing"):
        day_orders = inputs.history.day_orders
        homes = home_deliveries(scenario, day_orders, inputs.history.customers, located.location)
        stocked = {line.hub_id for line in stock.lines if line.units > 0}
        places = (
            _depot_places(inputs)
            + [(Ref(kind="shop", id=s.id), s.lon, s.lat) for s in located.hub_shops
               if s.id in stocked]
            + [(Ref(kind="customer", id=h.customer_id), h.lon, h.lat) for h in homes]
        )  # fmt: skip
        drive = DriveMatrix(places, located.travel.matrices(places, None, "drive"))
        routing_input = build_routing(scenario, located.hub_shops, stock.lines, homes, drive)
        routing_s = max(0.05, min(params.routing_time_limit_s,
                                  spend.remaining_s() - OUTPUTS_RESERVE_S))  # fmt: skip
        routing = solve_routes(scenario, routing_input, routing_s, spend.budget)
    with clock.stage("outputs"):
        routes = plan_routes(routing, routing_input)
        depots = {ref.id: (ref, lon, lat) for ref, lon, lat in _depot_places(inputs)}
        for route in routes:
            depot = depots[route.depot_id]
            stops = []
            for before, visit in zip([None, *route.visits], route.visits, strict=False):
                if before is not None and visit.trip != before.trip:
                    stops.append(depot)  # back to reload between two trips
                stops.append((visit.ref, visit.lon, visit.lat))
            route.geometry = located.travel.geometry([depot, *stops, depot])
        assignments = customer_assignments(
            inputs.history.customers,
            located.location,
            located.walk,
            located.walkers,
            located.shops,
        )
        hubs = hub_records(
            located.hub_shops,
            located.location,
            assignments,
            located.demand,
            stock,
            scenario.products,
        )
        unassigned = unassigned_items(routing, routing_input, stock)
        visited = {v.ref.id for route in routes for v in route.visits if v.kind == "replenish"}
        moves, short = day_stock(stock.lines, hub_demand, {}, visited)
        days = [Day(date=scenario.plan_date, routes=routes, stock=moves)]
        costs = horizon_costs(days, hubs, scenario.products, params.hub_fixed_cost, short)
        warnings = [
            *located.warnings,
            *located.travel.warnings,
            *located.walk.warnings,
            *drive.matrices.warnings,
        ]
        if day_orders.empty:
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
            details=jsonable({**routing.stats, "time_limit_s": routing_s}),
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
        kpis=kpis(costs, hubs, assignments, stock.lines, routes, unassigned),
        stages=stages,
        days=days,
        costs=costs,
        warnings=warnings,
    )


def catchments(inputs: PlanInputs, budget: Budget | None = None) -> dict[str, dict[str, float]]:
    """Hub shop id -> {zone id: share of the zone's demand it serves}, from the network,
    forecast and location stages (shares below 1 where a zone is split between hubs)."""
    located = _locate(inputs, StageClock(None), (budget or Budget()).start())
    shares = catchment_zones(inputs.history.customers, located.location)
    return {shop.id: dict(shares[shop.id]) for shop in located.hub_shops}


def _locate(inputs: PlanInputs, clock: StageClock, spend: BudgetClock) -> _Located:
    """Run the network, forecast and location stages."""
    scenario, params = inputs.scenario, inputs.parameters
    people = inputs.history.customers
    shops, warnings = _open_candidates(inputs)
    with clock.stage("network"):
        travel = Travel(params, inputs.network, spend.budget)
        walkers = [c for c in people if not c.prefers_home]
        walk = travel.matrices(
            [(Ref(kind="customer", id=c.id), c.lon, c.lat) for c in walkers],
            [(Ref(kind="shop", id=s.id), s.lon, s.lat) for s in shops],
            "walk",
        )
        depot_drive = travel.matrices(
            _depot_places(inputs),
            [(Ref(kind="customer", id=c.id), c.lon, c.lat) for c in walkers],
            "drive",
        )
    with clock.stage("forecast"):
        forecast = forecast_demand(
            inputs.history.demand, scenario.plan_date, params.cycle_days, params.seed
        )
        demand = customer_demand(scenario.products, people, forecast)
    with clock.stage("location"):
        location = choose_hubs(
            params,
            scenario.vehicle_types,
            walkers,
            demand,
            shops,
            walk,
            depot_drive,
            spend.grant(params.location_time_limit_s, LOCATION_SHARE),
        )
    opened = set(location.open_shops)
    return _Located(
        travel,
        walk,
        walkers,
        shops,
        forecast,
        demand,
        location,
        [s for s in shops if s.id in opened],
        warnings,
    )


def _open_candidates(inputs: PlanInputs) -> tuple[list[Shop], list[str]]:
    """Candidate shops open on the plan date; a closed one (e.g. `off`) cannot receive stock."""
    day = inputs.scenario.plan_date
    candidates = [shop for shop in inputs.scenario.shops if shop.is_candidate]
    closed = [shop.id for shop in candidates if not windows_on(shop.opening_hours, day)]
    if not closed:
        return candidates, []
    note = (
        f"{len(closed)} candidate shops are closed on {day} and cannot be hubs "
        f"(first: {', '.join(closed[:5])})"
    )
    return [shop for shop in candidates if shop.id not in set(closed)], [note]


def _depot_places(inputs: PlanInputs) -> list[Place]:
    return [(Ref(kind="depot", id=d.id), d.lon, d.lat) for d in inputs.scenario.depots]
