"""Price one hub choice the way the plan is priced: stocked, routed and priced over the plan's
horizon by `horizon.plan_days`, the money by `costs.horizon_costs` (DESIGN, "Money over a horizon").

The plan, every location-routing round and both baselines go through `price_choice` with the same
forecast and the same orders of each day (`Located.horizon`), so the totals a planner compares
come from one code path and one demand draw.
"""

from dataclasses import dataclass

from pickup_net.domain import Costs, CustomerAssignment, Day, Hub, Ref, Route, Shop
from pickup_net.domain.budget import BudgetClock
from pickup_net.domain.opening_hours import windows_on
from pickup_net.location import LocationResult
from pickup_net.network import Matrices
from pickup_net.planning.assemble import customer_assignments, hub_records
from pickup_net.planning.catchment_demand import catchment_zones, customer_demand
from pickup_net.planning.costs import horizon_costs
from pickup_net.planning.demand_days import day_orders, horizon_forecast
from pickup_net.planning.history import Customer
from pickup_net.planning.horizon import DayRouting, Horizon, PlannedDays, plan_days
from pickup_net.planning.hub_choice import CustomerDemand
from pickup_net.planning.inputs import PlanInputs
from pickup_net.planning.progress import StageClock
from pickup_net.planning.travel import Place, Travel
from pickup_net.planning.van_routes import DriveMatrix
from pickup_net.routing import RoutingResult
from pickup_net.stock import StockPlan


@dataclass
class Located:
    """What the network and forecast stages give every hub choice: travel, customers, demand per
    customer, the horizon's forecast and orders of each day, and one driving matrix over depots,
    candidate shops and customers (cut per day by `plan_days`)."""

    travel: Travel
    walk: Matrices
    walkers: list[Customer]
    shops: list[Shop]
    demand: dict[str, CustomerDemand]
    horizon: Horizon
    drive: DriveMatrix
    warnings: list[str]


@dataclass
class Priced:
    """A hub choice stocked, routed and priced over the plan's days."""

    location: LocationResult
    hub_shops: list[Shop]
    shares: dict[str, dict[str, float]]
    planned: PlannedDays
    routing_s: float
    assignments: list[CustomerAssignment]
    hubs: list[Hub]
    costs: Costs

    @property
    def total(self) -> float:
        """The routed total over the horizon."""
        return self.costs.total

    @property
    def hub_ids(self) -> list[str]:
        """The hubs opened."""
        return [shop.id for shop in self.hub_shops]

    @property
    def days(self) -> list[Day]:
        """Every day of the horizon: routes and stock."""
        return self.planned.days

    @property
    def routes(self) -> list[Route]:
        """The first day's routes."""
        return self.planned.days[0].routes

    @property
    def first(self) -> DayRouting:
        """The first day's routing problem, answer and stock plan."""
        return self.planned.routing[0]

    @property
    def routing(self) -> RoutingResult:
        """The first day's routing answer."""
        return self.first.result

    @property
    def stock(self) -> StockPlan:
        """The first day's order-up-to stock plan."""
        return self.first.stock

    @property
    def dropped(self) -> int:
        """Stops that could not be routed, over every day."""
        return sum(len(day.result.unassigned) for day in self.planned.routing)

    @property
    def km(self) -> float:
        """Kilometres driven over every day."""
        return sum(route.distance_m for day in self.days for route in day.routes) / 1000


def price_choice(
    inputs: PlanInputs,
    located: Located,
    location: LocationResult,
    routing_s: float,
    spend: BudgetClock,
) -> Priced:
    """Stock, route and price one hub choice over the horizon, routing within `routing_s` for all
    the days together; route geometry is left to the caller, for the choice it keeps."""
    scenario, params = inputs.scenario, inputs.parameters
    opened = set(location.open_shops)
    hub_shops = [s for s in located.shops if s.id in opened]
    shares = catchment_zones(inputs.history.customers, location)
    planned = plan_days(
        scenario,
        located.horizon,
        inputs.history.customers,
        hub_shops,
        shares,
        location,
        located.drive,
        spend,
        routing_s,
    )
    assignments = customer_assignments(
        inputs.history.customers, location, located.walk, located.walkers, located.shops
    )
    first = planned.routing[0]
    hubs = hub_records(
        hub_shops, location, assignments, located.demand, first.stock, scenario.products
    )
    costs = horizon_costs(
        planned.days, hubs, scenario.products, params.hub_fixed_cost, planned.short_units
    )
    return Priced(location, hub_shops, shares, planned, routing_s, assignments, hubs, costs)


def locate(inputs: PlanInputs, clock: StageClock, spend: BudgetClock) -> Located:
    """Run the network and forecast stages: walking and driving matrices, demand per customer,
    the forecast over the horizon and the orders of each day; what every hub choice is priced on.
    """
    scenario, params = inputs.scenario, inputs.parameters
    history = inputs.history
    people = history.customers
    shops, warnings = _open_candidates(inputs)
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
        window, forecast = horizon_forecast(scenario, history)
        demand = customer_demand(scenario.products, people, forecast)
        horizon = Horizon(forecast, window, day_orders(history, forecast, window, params.seed))
    return Located(travel, walk, walkers, shops, demand, horizon, drive, warnings)


def depot_places(inputs: PlanInputs) -> list[Place]:
    """The depots as places."""
    return [(Ref(kind="depot", id=d.id), d.lon, d.lat) for d in inputs.scenario.depots]


def parcels(priced: Priced, located: Located) -> float:
    """Parcels (units) the plan's days serve: units of each day's routed home deliveries plus the
    expected pickups at the hubs."""
    home = 0.0
    for day, orders in zip(priced.days, located.horizon.orders, strict=True):
        routed = {v.ref.id for route in day.routes for v in route.visits if v.kind == "home"}
        if routed:
            home += float(orders.loc[orders["customer_id"].isin(routed), "quantity"].sum())
    pickups = sum(line.expected_pickups for day in priced.days for line in day.stock)
    return round(home + pickups, 2)


def _open_candidates(inputs: PlanInputs) -> tuple[list[Shop], list[str]]:
    """Candidate shops open on the plan date; a closed one (e.g. `off`) cannot receive stock."""
    day = inputs.scenario.plan_date
    candidates = [shop for shop in inputs.scenario.shops if shop.is_candidate]
    country = inputs.scenario.parameters.country
    closed = [s.id for s in candidates if not windows_on(s.opening_hours, day, country)]
    if not closed:
        return candidates, []
    note = (
        f"{len(closed)} candidate shops are closed on {day} and cannot be hubs "
        f"(first: {', '.join(closed[:5])})"
    )
    return [shop for shop in candidates if shop.id not in set(closed)], [note]
