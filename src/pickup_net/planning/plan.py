"""`plan(inputs, budget)`: run every stage in order and assemble the `Plan`."""

from dataclasses import dataclass

from pickup_net.domain import Budget, Plan, Ref, Shop, StageStats
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
    unassigned_items,
)
from pickup_net.planning.catchment_demand import catchment_zones, customer_demand
from pickup_net.planning.costs import horizon_costs
from pickup_net.planning.demand_days import ForecastWindow, day_orders, forecast_window
from pickup_net.planning.history import Customer
from pickup_net.planning.horizon import Horizon, plan_days
from pickup_net.planning.hub_choice import CustomerDemand, choose_hubs
from pickup_net.planning.inputs import PlanInputs
from pickup_net.planning.progress import ProgressCallback, StageClock
from pickup_net.planning.travel import Place, Travel

LOCATION_SHARE = 0.6
"""Most of what is left of the budget that location may take: routing still needs its search."""
NOT_REPRODUCIBLE = (
    "the searches were stopped by the clock, so this plan is not reproducible: set the "
    "parameter search_work (or plan --work) for a plan that depends only on scenario and seed"
)


@dataclass
class _Located:
    """What the first three stages produce: travel, customers, demand and the chosen hubs."""

    travel: Travel
    walk: Matrices
    walkers: list[Customer]
    shops: list[Shop]
    forecast: DemandForecast
    demand: dict[str, CustomerDemand]
    window: ForecastWindow
    location: LocationResult
    hub_shops: list[Shop]
    warnings: list[str]


def plan(
    inputs: PlanInputs, budget: Budget | None = None, progress: ProgressCallback | None = None
) -> Plan:
    """Plan the `horizon_days` operating days of the scenario in `inputs` from its plan date.

    Parameters
    ----------
    inputs
        The validated scenario, its order history and its street network (none: straight lines,
        with a warning).
    budget
        A work limit (else the parameters' `search_work`) that makes the plan reproducible,
        and/or a wall-clock limit for the whole plan, shared out by location and routing (each
        within its own limit from the parameters; routing's is for all the days together), and
        the processes the solvers may use; none: the parameters' limits alone, in this process.
    progress
        Called as `progress(stage, fraction)` at each stage start and end; raising aborts the plan.
    """
    clock = StageClock(progress)
    scenario, params = inputs.scenario, inputs.parameters
    spend = (budget or Budget()).with_work(params.search_work).start()
    located = _locate(inputs, clock, spend)
    with clock.stage("stock"):
        shares = catchment_zones(inputs.history.customers, located.location)
        horizon = Horizon(
            located.forecast,
            located.window,
            day_orders(inputs.history, located.forecast, located.window, params.seed),
        )
    with clock.stage("routing"):
        planned = plan_days(
            scenario,
            horizon,
            inputs.history.customers,
            located.hub_shops,
            shares,
            located.location,
            located.travel,
            spend,
        )
        first = planned.routing[0]
        stock, routing, routing_input = first.stock, first.result, first.routing_input
    with clock.stage("outputs"):
        depots = {ref.id: (ref, lon, lat) for ref, lon, lat in _depot_places(inputs)}
        for day in planned.days:
            for route in day.routes:
                depot = depots[route.depot_id]
                stops = []
                for before, visit in zip([None, *route.visits], route.visits, strict=False):
                    if before is not None and visit.trip != before.trip:
                        stops.append(depot)  # back to reload between two trips
                    stops.append((visit.ref, visit.lon, visit.lat))
                route.geometry = located.travel.geometry([depot, *stops, depot])
        routes = planned.days[0].routes
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
        days = planned.days
        costs = horizon_costs(
            days, hubs, scenario.products, params.hub_fixed_cost, planned.short_units
        )
        warnings = [
            *located.warnings,
            *located.travel.warnings,
            *located.walk.warnings,
            *planned.warnings,
        ]
        if located.window.gap_days:
            warnings.append(
                f"the history ends {located.window.gap_days} days before {scenario.plan_date}: "
                f"demand from {located.window.start} on is forecast"
            )
        if not spend.budget.reproducible:
            warnings.append(NOT_REPRODUCIBLE)
        if inputs.history.day_orders.empty:
            warnings.append(
                f"no orders booked for {scenario.plan_date}: no home deliveries are routed that day"
            )
    location = located.location
    days_routed = planned.routing
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
            details={
                "proven_optimal": location.proven_optimal,
                "steps": location.steps,
                "reproducible": spend.budget.reproducible,
                "time_limit_hit": location.clock_hit,
            },
        ),
        "stock": StageStats(
            seconds=clock.seconds["stock"],
            method=stock.method,
            details=planned.summary(scenario.products),
        ),
        "routing": StageStats(
            seconds=clock.seconds["routing"],
            method=params.routing_engine,
            objective=routing.cost,
            details=jsonable(
                {
                    **routing.stats,
                    "time_limit_s": first.time_limit_s,
                    "days": len(days),
                    "horizon_time_limits_s": [round(d.time_limit_s, 3) for d in planned.routing],
                    "horizon_cost": round(sum(d.result.cost for d in planned.routing), 2),
                    "reproducible": spend.budget.reproducible,
                    "time_limit_hit": any(d.result.stats["time_limit_hit"] for d in days_routed),
                }
            ),
        ),
        "outputs": StageStats(seconds=clock.seconds["outputs"]),
    }
    return Plan(
        scenario=scenario.name,
        plan_date=scenario.plan_date,
        currency=scenario.currency,
        cycle_days=1,
        horizon_days=params.horizon_days,
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
    spend = (budget or Budget()).with_work(inputs.parameters.search_work).start()
    located = _locate(inputs, StageClock(None), spend)
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
        window = forecast_window(inputs.history, scenario.plan_date, params.horizon_days)
        forecast = forecast_demand(
            inputs.history.demand, window.start, window.days, params.seed, cycle_days=1
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
            spend.budget.location_steps(),
        )
    opened = set(location.open_shops)
    return _Located(
        travel,
        walk,
        walkers,
        shops,
        forecast,
        demand,
        window,
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
