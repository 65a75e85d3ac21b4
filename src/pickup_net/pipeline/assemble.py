"""Turn the stages' results into the `Plan`: hubs, customers, stock, routes, reasons and KPIs."""

from collections.abc import Sequence

from pickup_net.models import (
    CustomerAssignment,
    Hub,
    KPIs,
    Route,
    Scenario,
    StockLine,
    StopVisit,
    Unassigned,
)
from pickup_net.network import Point
from pickup_net.routing import RoutingResult


def plan_routes(
    result: RoutingResult,
    points: Sequence[Point],
    depot_of: dict[str, str],
    type_of: dict[str, str],
) -> list[Route]:
    """Routes with their timelines, stop kinds and positions, in the plan's model."""
    position = {p.id: p for p in points}
    routes = []
    for route in result.routes:
        if not route.visits:
            continue
        visits = [
            StopVisit(
                stop_id=visit.stop_id,
                kind="replenish" if visit.stop_id.startswith("replenish:") else "home",
                location_id=visit.location_id,
                lon=position[visit.location_id].lon,
                lat=position[visit.location_id].lat,
                arrival_s=visit.arrival_s,
                wait_s=visit.wait_s,
                start_s=visit.start_s,
                end_s=visit.end_s,
                load_liters=visit.load_liters,
                load_kg=visit.load_kg,
                distance_m=visit.distance_m,
                travel_s=visit.travel_s,
            )
            for visit in route.visits
        ]
        routes.append(
            Route(
                vehicle_id=route.vehicle_id,
                vehicle_type_id=type_of[route.vehicle_id],
                depot_id=depot_of[route.vehicle_id],
                engine=route.engine,
                start_s=route.depart_s,
                end_s=route.return_s,
                visits=visits,
                distance_m=route.distance_m,
                duration_s=route.duration_s,
                cost=route.cost,
            )
        )
    return routes


def kpis(
    scenario: Scenario,
    hubs: Sequence[Hub],
    customers: Sequence[CustomerAssignment],
    stock: Sequence[StockLine],
    routes: Sequence[Route],
    unassigned: Sequence[Unassigned],
) -> KPIs:
    """The headline numbers, computed only from the plan's own parts."""
    pickup = [c for c in customers if c.mode == "pickup"]
    routing_cost = sum(route.cost for route in routes)
    hub_cost = sum(
        scenario.parameters.hub_fixed_cost + hub.expected_pickups_per_day * hub.handling_fee
        for hub in hubs
    )
    return KPIs(
        hubs_opened=len(hubs),
        customers=len(customers),
        customers_pickup=len(pickup),
        pickup_share=round(len(pickup) / len(customers), 4) if customers else 0.0,
        mean_walk_m=round(sum(c.walk_m or 0.0 for c in pickup) / len(pickup), 1) if pickup else 0.0,
        units_prepositioned=sum(line.units for line in stock),
        vans_used=sum(1 for route in routes if route.visits),
        km_driven=round(sum(route.distance_m for route in routes) / 1000, 3),
        driving_hours=round(sum(route.duration_s for route in routes) / 3600, 3),
        routing_cost=round(routing_cost, 2),
        hub_cost=round(hub_cost, 2),
        total_cost=round(routing_cost + hub_cost, 2),
        unassigned=len(unassigned),
    )
