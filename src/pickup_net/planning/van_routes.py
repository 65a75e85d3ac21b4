"""Build the day's routing problem (hub replenishment and home deliveries) and solve it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from pickup_net.domain import Scenario, Shop, StockLine
from pickup_net.domain.opening_hours import windows_on
from pickup_net.location import LocationResult
from pickup_net.network import Matrices, Point
from pickup_net.planning.history import Customer, day_orders
from pickup_net.routing import RoutingProblem, RoutingResult, Stop, TimeWindow, Vehicle
from pickup_net.routing import solve_routing as solve

REPLENISH_PRIORITY = 1
"""Routing tier of a hub replenishment ("normal"): a hub's stock serves many customers."""
HOME_PRIORITY = 2
"""Routing tier of one home delivery ("flexible"): dropped before a hub when vans run short."""


@dataclass(frozen=True)
class HomeDelivery:
    """One customer's parcels for the plan date, delivered in one stop."""

    customer_id: str
    lon: float
    lat: float
    liters: float
    kg: float


@dataclass(frozen=True)
class DriveMatrix:
    """Driving matrices over depots, routed hubs and home customers, with their points."""

    points: list[Point]
    matrices: Matrices


@dataclass
class RoutingInput:
    """The routing problem with the points behind its matrix locations."""

    problem: RoutingProblem
    points: list[Point]
    depot_of_vehicle: dict[str, str]
    type_of_vehicle: dict[str, str]


def build_routing(
    scenario: Scenario,
    hubs: Sequence[Shop],
    stock: Sequence[StockLine],
    homes: Sequence[HomeDelivery],
    drive: DriveMatrix,
) -> RoutingInput:
    """Vehicles from the fleet, one replenishment stop per stocked hub, one stop per home."""
    params = scenario.parameters
    products = {p.id: p for p in scenario.products}
    points = drive.points
    index = {point.id: i for i, point in enumerate(points)}
    day = scenario.plan_date
    vehicles, depot_of, type_of = [], {}, {}
    for vtype in scenario.vehicle_types:
        for k in range(vtype.count):
            vid = f"{vtype.id}-{k + 1}"
            depot_of[vid], type_of[vid] = vtype.depot_id, vtype.id
            vehicles.append(
                Vehicle(
                    id=vid,
                    type_id=vtype.id,
                    start_location=index[f"depot:{vtype.depot_id}"],
                    end_location=index[f"depot:{vtype.depot_id}"],
                    capacity_liters=vtype.capacity_liters,
                    capacity_kg=vtype.capacity_kg,
                    fixed_cost=vtype.fixed_cost,
                    cost_per_km=vtype.cost_per_km,
                    cost_per_hour=vtype.cost_per_hour,
                    speed_factor=vtype.speed_factor,
                    shift_start_s=_seconds(vtype.shift_start),
                    shift_end_s=_seconds(vtype.shift_end),
                    max_duration_s=vtype.max_duration_s,
                )
            )
    stops = []
    for hub in hubs:
        lines = [line for line in stock if line.hub_id == hub.id and line.units > 0]
        if not lines:
            continue
        stops.append(
            Stop(
                id=f"replenish:{hub.id}",
                kind="replenish",
                location=index[f"shop:{hub.id}"],
                liters=sum(line.units * products[line.product_id].volume_liters for line in lines),
                kg=sum(line.units * products[line.product_id].weight_kg for line in lines),
                service_s=params.hub_service_s,
                windows=tuple(TimeWindow(a, b) for a, b in windows_on(hub.opening_hours, day)),
                priority=REPLENISH_PRIORITY,
            )
        )
    home_windows = tuple(TimeWindow(a, b) for a, b in windows_on(params.home_window, day))
    stops += [
        Stop(
            id=f"home:{home.customer_id}",
            kind="home",
            location=index[f"customer:{home.customer_id}"],
            liters=home.liters,
            kg=home.kg,
            service_s=params.home_service_s,
            windows=home_windows,
            priority=HOME_PRIORITY,
        )
        for home in homes
    ]
    problem = RoutingProblem(
        location_ids=[p.id for p in points],
        seconds=drive.matrices.seconds,
        meters=drive.matrices.meters,
        vehicles=vehicles,
        stops=stops,
    )
    return RoutingInput(problem, list(points), depot_of, type_of)


def solve_routes(scenario: Scenario, routing: RoutingInput) -> RoutingResult:
    """Solve with the scenario's engine and time limit."""
    params = scenario.parameters
    return solve(
        routing.problem,
        time_limit_s=params.routing_time_limit_s,
        seed=params.seed,
        engine=params.routing_engine,
    )


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def home_deliveries(
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
