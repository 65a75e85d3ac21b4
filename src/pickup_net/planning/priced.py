"""Price one hub choice the way the plan is priced: stock, routed vans, the days, the money.

The plan, every location-routing round and every baseline go through `stock_choice` and
`route_choice`, so the numbers a planner compares come from one code path.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pickup_net.domain import Budget, Costs, CustomerAssignment, Day, Hub, Ref, Route, Shop
from pickup_net.domain.budget import BudgetClock
from pickup_net.forecast import CycleDemand, DemandForecast, forecast_demand
from pickup_net.location import LocationResult
from pickup_net.network import Matrices
from pickup_net.planning.assemble import customer_assignments, hub_records, plan_routes
from pickup_net.planning.catchment_demand import catchment_zones, customer_demand
from pickup_net.planning.costs import horizon_costs
from pickup_net.planning.day_stock import day_stock
from pickup_net.planning.history import Customer
from pickup_net.planning.hub_choice import CustomerDemand
from pickup_net.planning.inputs import PlanInputs
from pickup_net.planning.progress import StageClock
from pickup_net.planning.travel import Place, Travel
from pickup_net.planning.van_routes import (
    DriveMatrix,
    RoutingInput,
    build_routing,
    home_deliveries,
    solve_routes,
)
from pickup_net.routing import RoutingResult
from pickup_net.stock import HubDemand, StockPlan, plan_stock


@dataclass
class Located:
    """What the network and forecast stages give every hub choice: travel, customers, demand,
    and one driving matrix over depots, candidate shops and customers (sliced per problem)."""

    travel: Travel
    walk: Matrices
    walkers: list[Customer]
    shops: list[Shop]
    forecast: DemandForecast
    demand: dict[str, CustomerDemand]
    drive: DriveMatrix


@dataclass
class Stocked:
    """A hub choice with its hubs' catchment demand and stock."""

    location: LocationResult
    hub_shops: list[Shop]
    hub_demand: dict[str, dict[str, CycleDemand]]
    shares: dict[str, dict[str, float]]
    stock: StockPlan


@dataclass
class Priced:
    """A hub choice stocked, routed and priced over the plan's days."""

    stocked: Stocked
    routing_input: RoutingInput
    routing: RoutingResult
    routing_s: float
    routes: list[Route]
    assignments: list[CustomerAssignment]
    hubs: list[Hub]
    days: list[Day]
    costs: Costs

    @property
    def total(self) -> float:
        """The routed total over the horizon."""
        return self.costs.total

    @property
    def hub_ids(self) -> list[str]:
        """The hubs opened."""
        return [shop.id for shop in self.stocked.hub_shops]


def stock_choice(inputs: PlanInputs, located: Located, location: LocationResult) -> Stocked:
    """Each opened hub's catchment demand and the stock it holds for one cycle."""
    params = inputs.parameters
    opened = set(location.open_shops)
    hub_shops = [s for s in located.shops if s.id in opened]
    shares = catchment_zones(inputs.history.customers, location)
    hub_demand = {shop.id: located.forecast.catchment(shares[shop.id]) for shop in hub_shops}
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
            for shop in hub_shops
        ],
        inputs.scenario.products,
        params.service_level,
    )
    return Stocked(location, hub_shops, hub_demand, shares, stock)


def route_choice(
    inputs: PlanInputs, located: Located, stocked: Stocked, routing_s: float, budget: Budget
) -> Priced:
    """Route the day's replenishments and home deliveries and price the result by DESIGN's rule
    (`horizon_costs`); route geometry is left to the caller, for the choice it keeps."""
    scenario, params = inputs.scenario, inputs.parameters
    homes = home_deliveries(
        scenario, inputs.history.day_orders, inputs.history.customers, stocked.location
    )
    stocked_ids = {line.hub_id for line in stocked.stock.lines if line.units > 0}
    position = {ref: (lon, lat) for ref, lon, lat in located.drive.places}
    places = (
        [p for p in located.drive.places if p[0].kind == "depot"]
        + [_place(Ref(kind="shop", id=s.id), position) for s in stocked.hub_shops
           if s.id in stocked_ids]
        + [_place(Ref(kind="customer", id=h.customer_id), position) for h in homes]
    )  # fmt: skip
    drive = sub_drive(located.drive, places)
    routing_input = build_routing(scenario, stocked.hub_shops, stocked.stock.lines, homes, drive)
    routing = solve_routes(scenario, routing_input, routing_s, budget)
    routes = plan_routes(routing, routing_input)
    assignments = customer_assignments(
        inputs.history.customers, stocked.location, located.walk, located.walkers, located.shops
    )
    hubs = hub_records(
        stocked.hub_shops,
        stocked.location,
        assignments,
        located.demand,
        stocked.stock,
        scenario.products,
    )
    visited = {v.ref.id for route in routes for v in route.visits if v.kind == "replenish"}
    moves, short = day_stock(stocked.stock.lines, stocked.hub_demand, {}, visited)
    days = [Day(date=scenario.plan_date, routes=routes, stock=moves)]
    costs = horizon_costs(days, hubs, scenario.products, params.hub_fixed_cost, short)
    return Priced(
        stocked, routing_input, routing, routing_s, routes, assignments, hubs, days, costs
    )


def price_choice(
    inputs: PlanInputs,
    located: Located,
    location: LocationResult,
    routing_s: float,
    budget: Budget,
) -> Priced:
    """Stock, route and price one hub choice."""
    return route_choice(inputs, located, stock_choice(inputs, located, location), routing_s, budget)


def locate(inputs: PlanInputs, clock: StageClock, spend: BudgetClock) -> Located:
    """Run the network and forecast stages: walking and driving matrices, demand per customer;
    what every hub choice of the plan is priced on."""
    scenario, params = inputs.scenario, inputs.parameters
    people = inputs.history.customers
    shops = [shop for shop in scenario.shops if shop.is_candidate]
    with clock.stage("network"):
        travel = Travel(params, inputs.network, spend.budget)
        walkers = [c for c in people if not c.prefers_home]
        walk = travel.matrices(
            [(Ref(kind="customer", id=c.id), c.lon, c.lat) for c in walkers],
            [(Ref(kind="shop", id=s.id), s.lon, s.lat) for s in shops],
            "walk",
        )
        places = (
            depot_places(inputs)
            + [(Ref(kind="shop", id=s.id), s.lon, s.lat) for s in shops]
            + [(Ref(kind="customer", id=c.id), c.lon, c.lat) for c in people]
        )
        drive = DriveMatrix(places, travel.matrices(places, None, "drive"))
    with clock.stage("forecast"):
        forecast = forecast_demand(
            inputs.history.demand, scenario.plan_date, params.cycle_days, params.seed
        )
        demand = customer_demand(scenario.products, people, forecast)
    return Located(travel, walk, walkers, shops, forecast, demand, drive)


def depot_places(inputs: PlanInputs) -> list[Place]:
    """The depots as places."""
    return [(Ref(kind="depot", id=d.id), d.lon, d.lat) for d in inputs.scenario.depots]


def sub_drive(full: DriveMatrix, places: Sequence[Place]) -> DriveMatrix:
    """The driving matrix between `places`, cut from `full` (shortest paths do not depend on
    which other places are in the matrix)."""
    index = {ref: i for i, (ref, _, _) in enumerate(full.places)}
    rows = np.array([index[ref] for ref, _, _ in places], dtype=np.int64)
    ids = [str(ref) for ref, _, _ in places]
    matrices = Matrices(
        ids=ids,
        target_ids=ids,
        seconds=full.matrices.seconds[np.ix_(rows, rows)],
        meters=full.matrices.meters[np.ix_(rows, rows)],
        warnings=list(full.matrices.warnings),
    )
    return DriveMatrix(list(places), matrices)


def parcels(priced: Priced, inputs: PlanInputs) -> float:
    """Parcels (units) the plan's days serve: units of the routed home deliveries plus the
    expected pickups at the hubs."""
    routed = {v.ref.id for route in priced.routes for v in route.visits if v.kind == "home"}
    orders = inputs.history.day_orders
    home = (
        float(orders.loc[orders["customer_id"].isin(routed), "quantity"].sum()) if routed else 0.0
    )
    pickups = sum(line.expected_pickups for day in priced.days for line in day.stock)
    return round(home + pickups, 2)


def _place(ref: Ref, position: dict[Ref, tuple[float, float]]) -> Place:
    lon, lat = position[ref]
    return ref, lon, lat
