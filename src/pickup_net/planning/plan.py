"""`plan(inputs, budget)`: run every stage in order and assemble the `Plan`."""

from pickup_net.domain import Budget, Plan, StageStats
from pickup_net.location import LocationProblem
from pickup_net.planning.assemble import jsonable, kpis, unassigned_items
from pickup_net.planning.baselines import baselines, method_record
from pickup_net.planning.break_even import break_even
from pickup_net.planning.choice import choose
from pickup_net.planning.hub_choice import location_problem
from pickup_net.planning.inputs import PlanInputs
from pickup_net.planning.priced import (
    Located,
    depot_places,
    locate,
    parcels,
    route_choice,
    stock_choice,
)
from pickup_net.planning.progress import ProgressCallback, StageClock
from pickup_net.planning.routed_location import RoutedLocation, depot_matrix, locate_by_routing

LOCATION_SHARE = 0.6
"""Most of what is left of the budget that location may take: routing still needs its search."""
OUTPUTS_RESERVE_S = 2.0
"""Kept back from routing for route geometry and assembly (measured well under 1 s on Fontibón)."""


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
    located = locate(inputs, clock, spend)
    routing_limit_s = max(0.05, min(params.routing_time_limit_s,
                                    spend.remaining_s() - OUTPUTS_RESERVE_S))  # fmt: skip
    with clock.stage("location"):
        search = locate_by_routing(
            inputs,
            located,
            spend,
            spend.grant(params.location_time_limit_s, LOCATION_SHARE),
            routing_limit_s,
        )
    with clock.stage("stock"):
        stocked = stock_choice(inputs, located, search.best.stocked.location)
    with clock.stage("routing"):
        routing_s = max(0.05, min(params.routing_time_limit_s,
                                  spend.remaining_s() - OUTPUTS_RESERVE_S))  # fmt: skip
        method = route_choice(inputs, located, stocked, routing_s, spend.budget)
        found = baselines(inputs, located, method, routing_s, spend)
        pays_at = break_even(_priced_problem(inputs, located, search), params.hub_fixed_cost)
        pays_at["home_price"] = (
            "routed" if params.home_delivery_cost is None else "home_delivery_cost (explicit)"
        )
        choice = choose(method, found, params, scenario.currency, pays_at)
    with clock.stage("outputs"):
        kept = choice.chosen
        routes = kept.routes
        depots = {ref.id: (ref, lon, lat) for ref, lon, lat in depot_places(inputs)}
        for route in routes:
            depot = depots[route.depot_id]
            stops = [(v.ref, v.lon, v.lat) for v in route.visits]
            route.geometry = located.travel.geometry([depot, *stops, depot])
        stock = kept.stocked.stock
        unassigned = unassigned_items(kept.routing, kept.routing_input, stock)
        warnings = [*located.travel.warnings, *located.walk.warnings]
        warnings += located.drive.matrices.warnings
        if choice.why:
            warnings.append(choice.why)
        if inputs.history.day_orders.empty:
            warnings.append(
                f"no orders booked for {scenario.plan_date}: no home deliveries are routed"
            )
    location = search.best.stocked.location
    routing = kept.routing
    economics = {
        "rounds": [r.as_dict() for r in search.rounds],
        "stopped": search.stopped,
        "method_result": method_record(method, inputs),
        "method_hubs": method.hub_ids,
        "chosen": choice.name,
        "parcels": parcels(kept, inputs),
        "why": choice.why,
        "break_even": pays_at,
    }
    stages = {
        "network": StageStats(seconds=clock.seconds["network"]),
        "forecast": StageStats(
            seconds=clock.seconds["forecast"],
            method="model per zone and product by rolling-origin cross-validation",
            details={"models": jsonable(located.forecast.table["model"].value_counts().to_dict())},
        ),
        "location": StageStats(
            seconds=clock.seconds["location"],
            method=f"{location.method}; priced by routing, {len(search.rounds)} rounds",
            objective=location.objective,
            lower_bound=location.lower_bound,
            gap=location.gap,
            details=jsonable({"proven_optimal": location.proven_optimal, **economics}),
        ),
        "stock": StageStats(seconds=clock.seconds["stock"], method=stock.method),
        "routing": StageStats(
            seconds=clock.seconds["routing"],
            method=params.routing_engine,
            objective=routing.cost,
            details=jsonable({**routing.stats, "time_limit_s": kept.routing_s}),
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
        hubs=kept.hubs,
        customers=kept.assignments,
        stock=stock.lines,
        routes=routes,
        unassigned=unassigned,
        kpis=kpis(kept.costs, kept.hubs, kept.assignments, stock.lines, routes, unassigned),
        stages=stages,
        days=kept.days,
        costs=kept.costs,
        baselines=[record for record, _ in found],
        warnings=warnings,
    )


def catchments(inputs: PlanInputs, budget: Budget | None = None) -> dict[str, dict[str, float]]:
    """Hub shop id -> {zone id: share of the zone's demand it serves}, from the network,
    forecast and location-routing stages (shares below 1 where a zone is split between hubs)."""
    spend = (budget or Budget()).start()
    params = inputs.parameters
    located = locate(inputs, StageClock(None), spend)
    search = locate_by_routing(
        inputs, located, spend, params.location_time_limit_s, params.routing_time_limit_s
    )
    stocked = search.best.stocked
    return {shop.id: dict(stocked.shares[shop.id]) for shop in stocked.hub_shops}


def _priced_problem(
    inputs: PlanInputs, located: Located, search: RoutedLocation
) -> LocationProblem:
    """The location model at the routed prices of the best round (for the break-even view)."""
    return location_problem(
        inputs.parameters,
        inputs.scenario.vehicle_types,
        located.walkers,
        located.demand,
        located.shops,
        located.walk,
        depot_matrix(located),
        search.prices,
    )
