"""Turn the stages' results into the `Plan`: hubs, customers, stock, routes, reasons and KPIs."""

from collections.abc import Sequence
from typing import Any

import numpy as np

from pickup_net.domain import (
    CustomerAssignment,
    Hub,
    KPIs,
    Route,
    Scenario,
    Shop,
    StockLine,
    StopVisit,
    Unassigned,
)
from pickup_net.location import LocationResult
from pickup_net.network import Matrices, Point
from pickup_net.planning.history import Customer
from pickup_net.planning.hub_choice import CustomerDemand
from pickup_net.routing import RoutingResult
from pickup_net.stock import StockPlan


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


def customer_assignments(
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


def hub_records(
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
                expected_pickups_per_day=sum(demand[a.customer_id].pickups_per_day for a in served),
                mean_walk_m=round(float(np.mean(walks)), 1) if walks else 0.0,
                storage_liters=shop.storage_liters,
                stock_liters=round(sum(x.units * volume[x.product_id] for x in lines), 3),
                handling_fee=shop.handling_fee,
                explanation=jsonable(explanation),
            )
        )
    return hubs


def unassigned_items(routing: RoutingResult, stock: StockPlan) -> list[Unassigned]:
    """Everything left out, with reasons: unrouted stops and stock that could not be planned."""
    items = [
        Unassigned(kind="stop", id=u.stop_id, reason=u.reason, certain=u.certain)
        for u in routing.unassigned
    ]
    return items + list(stock.unassigned)


def jsonable(value: Any) -> Any:
    """Numbers and containers made plain for JSON (numpy scalars become Python floats/ints)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)
