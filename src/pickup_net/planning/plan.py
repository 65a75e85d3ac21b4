"""`plan(inputs, budget)`: run every stage in order and assemble the `Plan`."""

from pickup_net.domain import Budget, Plan, StageStats
from pickup_net.location import LocationProblem
from pickup_net.planning.assemble import jsonable, kpis, unassigned_items
from pickup_net.planning.baselines import baselines, method_record
from pickup_net.planning.break_even import break_even
from pickup_net.planning.calendar_days import calendar_of
from pickup_net.planning.choice import choose
from pickup_net.planning.horizon import OUTPUTS_RESERVE_S
from pickup_net.planning.inputs import PlanInputs
from pickup_net.planning.priced import Located, Priced, depot_places, locate, parcels, price_choice
from pickup_net.planning.progress import ProgressCallback, StageClock
from pickup_net.planning.routed_location import (
    RoutedLocation,
    better,
    depot_matrix,
    locate_by_routing,
    located_problem,
)

LOCATION_SHARE = 0.6
"""Most of what is left of the budget that location may take: routing still needs its search."""
NOT_REPRODUCIBLE = (
    "the searches were stopped by the clock, so this plan is not reproducible: set the "
    "parameter search_work (or plan --work) for a plan that depends only on scenario and seed"
)


def plan(
    inputs: PlanInputs, budget: Budget | None = None, progress: ProgressCallback | None = None
) -> Plan:
    """Plan the `horizon_days` operating days of the scenario in `inputs` from its plan date.

    Stages: network and forecast (with the orders of every day); location priced by routing
    (rounds, each priced over the horizon); stock (the method's hubs stocked and routed day by
    day with the full routing limit, kept unless the best round routed them cheaper); routing
    (both baselines over the same days, and the choice of the cheapest routed total); outputs.

    Parameters
    ----------
    inputs
        The validated scenario, its order history and its street network (none: straight lines,
        with a warning).
    budget
        A work limit (else the parameters' `search_work`) that makes the plan reproducible,
        and/or a wall-clock limit for the whole plan, shared out by location and routing (each
        within its own limit from the parameters; routing's is for all the days of one hub
        choice), and the processes the solvers may use; none: the parameters' limits alone, in
        this process.
    progress
        Called as `progress(stage, fraction)` at each stage start and end; raising aborts the plan.
    """
    clock = StageClock(progress)
    scenario, params = inputs.scenario, inputs.parameters
    spend = (budget or Budget()).with_work(params.search_work).start()
    located = locate(inputs, clock, spend)
    routing_s = max(0.05, min(spend.stage_limit_s(params.routing_time_limit_s),
                              spend.remaining_s() - OUTPUTS_RESERVE_S))  # fmt: skip
    with clock.stage("location"):
        search = locate_by_routing(
            inputs,
            located,
            spend,
            spend.grant(params.location_time_limit_s, LOCATION_SHARE),
            routing_s,
        )
    with clock.stage("stock"):
        method = search.best
        if search.best.routing_s < routing_s:  # a fixed network's round had the full limit
            method = price_choice(inputs, located, search.best.location, routing_s, spend)
            if better(search.best, method):
                method = search.best  # the same hubs routed better within the round's limit
    with clock.stage("routing"):
        found = baselines(inputs, located, method, routing_s, spend)
        pays_at = break_even(_priced_problem(inputs, located, search), params.hub_fixed_cost)
        pays_at["home_price"] = (
            "routed" if params.home_delivery_cost is None else "home_delivery_cost (explicit)"
        )
        choice = choose(method, found, params, scenario.currency, pays_at)
    with clock.stage("outputs"):
        kept = choice.chosen
        _draw_routes(inputs, located, kept)
        stock, routing = kept.stock, kept.routing
        unassigned = unassigned_items(routing, kept.first.routing_input, stock)
        warnings = [
            *located.warnings,
            *located.travel.warnings,
            *located.walk.warnings,
            *kept.planned.warnings,
        ]
        window = located.horizon.window
        if window.gap_days:
            warnings.append(
                f"the history ends {window.gap_days} days before {scenario.plan_date}: "
                f"demand from {window.start} on is forecast"
            )
        if choice.why:
            warnings.append(choice.why)
        if not spend.budget.reproducible:
            warnings.append(NOT_REPRODUCIBLE)
        if inputs.history.day_orders.empty:
            warnings.append(
                f"no orders booked for {scenario.plan_date}: no home deliveries are routed that day"
            )
    location = search.best.location
    economics = {
        "rounds": [r.as_dict() for r in search.rounds],
        "stopped": search.stopped,
        "method_result": method_record(method, located),
        "method_hubs": method.hub_ids,
        "method_routing_limit_s": round(method.routing_s, 3),
        "chosen": choice.name,
        "parcels": parcels(kept, located),
        "why": choice.why,
        "break_even": pays_at,
    }
    days = kept.days
    stages = {
        "network": StageStats(seconds=clock.seconds["network"]),
        "forecast": StageStats(
            seconds=clock.seconds["forecast"],
            method="model per zone and product by rolling-origin cross-validation",
            details={
                "models": jsonable(
                    located.horizon.forecast.table["model"].value_counts().to_dict()
                ),
                "calendar": jsonable(calendar_of(inputs, located.horizon)),
            },
        ),
        "location": StageStats(
            seconds=clock.seconds["location"],
            method=f"{location.method}; priced by routing, {len(search.rounds)} rounds",
            objective=location.objective,
            lower_bound=location.lower_bound,
            gap=location.gap,
            details=jsonable(
                {
                    "proven_optimal": location.proven_optimal,
                    "steps": location.steps,
                    "reproducible": spend.budget.reproducible,
                    "time_limit_hit": location.clock_hit,
                    **economics,
                }
            ),
        ),
        "stock": StageStats(
            seconds=clock.seconds["stock"],
            method=stock.method,
            details=kept.planned.summary(scenario.products),
        ),
        "routing": StageStats(
            seconds=clock.seconds["routing"],
            method=params.routing_engine,
            objective=routing.cost,
            details=jsonable(
                {
                    **routing.stats,
                    "time_limit_s": kept.first.time_limit_s,
                    "days": len(days),
                    "horizon_time_limits_s": [
                        round(d.time_limit_s, 3) for d in kept.planned.routing
                    ],
                    "horizon_cost": round(sum(d.result.cost for d in kept.planned.routing), 2),
                    "reproducible": spend.budget.reproducible,
                    "time_limit_hit": any(
                        d.result.stats["time_limit_hit"] for d in kept.planned.routing
                    ),
                }
            ),
        ),
        "outputs": StageStats(seconds=clock.seconds["outputs"]),
    }
    routes = kept.routes
    return Plan(
        scenario=scenario.name,
        plan_date=scenario.plan_date,
        currency=scenario.currency,
        timezone=scenario.timezone,
        cycle_days=1,
        horizon_days=params.horizon_days,
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
        days=days,
        costs=kept.costs,
        baselines=[record for record, _ in found],
        warnings=warnings,
    )


def catchments(inputs: PlanInputs, budget: Budget | None = None) -> dict[str, dict[str, float]]:
    """Hub shop id -> {zone id: share of the zone's demand it serves}, from the network,
    forecast and location-routing stages (shares below 1 where a zone is split between hubs)."""
    params = inputs.parameters
    spend = (budget or Budget()).with_work(params.search_work).start()
    located = locate(inputs, StageClock(None), spend)
    search = locate_by_routing(
        inputs, located, spend, params.location_time_limit_s, params.routing_time_limit_s
    )
    best = search.best
    return {shop.id: dict(best.shares[shop.id]) for shop in best.hub_shops}


def _draw_routes(inputs: PlanInputs, located: Located, kept: Priced) -> None:
    """Street geometry of every route of every day; a van that reloads goes back through its
    depot between two trips."""
    depots = {ref.id: (ref, lon, lat) for ref, lon, lat in depot_places(inputs)}
    for day in kept.days:
        for route in day.routes:
            depot = depots[route.depot_id]
            stops = []
            for before, visit in zip([None, *route.visits], route.visits, strict=False):
                if before is not None and visit.trip != before.trip:
                    stops.append(depot)  # back to reload between two trips
                stops.append((visit.ref, visit.lon, visit.lat))
            route.geometry = located.travel.geometry([depot, *stops, depot])


def _priced_problem(
    inputs: PlanInputs, located: Located, search: RoutedLocation
) -> LocationProblem:
    """The location model at the routed prices of the best round (for the break-even view)."""
    return located_problem(inputs, located, depot_matrix(located), search.prices)
