"""Turn the stages' results into the `Plan`: hubs, customers, stock, routes, reasons and KPIs."""

from collections.abc import Sequence
from typing import Any

import numpy as np

from pickup_net.domain import (
    Costs,
    CustomerAssignment,
    Hub,
    KPIs,
    Product,
    Route,
    Shop,
    StockLine,
    StopVisit,
    Unassigned,
)
from pickup_net.domain.timeline import VisitTimeline
from pickup_net.location import LocationResult
from pickup_net.network import Matrices
from pickup_net.planning.history import Customer
from pickup_net.planning.hub_choice import CustomerDemand
from pickup_net.planning.van_routes import RoutingInput
from pickup_net.routing import RoutingResult
from pickup_net.stock import StockPlan


def plan_routes(result: RoutingResult, routing: RoutingInput) -> list[Route]:
    """Routes with their timelines, stop kinds and positions, in the plan's model."""
    position = {str(ref): (lon, lat) for ref, lon, lat in routing.places}
    routes = []
    for route in result.routes:
        if not route.visits:
            continue
        visits = []
        for visit in route.visits:
            kind, ref = routing.stop_of[visit.stop_id]
            lon, lat = position[visit.location_id]
            timeline = visit.model_dump(include=set(VisitTimeline.model_fields))
            visits.append(StopVisit(kind=kind, ref=ref, lon=lon, lat=lat, **timeline))
        routes.append(
            Route(
                vehicle_id=route.vehicle_id,
                vehicle_type_id=routing.type_of_vehicle[route.vehicle_id],
                depot_id=routing.depot_of_vehicle[route.vehicle_id],
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
    costs: Costs,
    hubs: Sequence[Hub],
    customers: Sequence[CustomerAssignment],
    stock: Sequence[StockLine],
    routes: Sequence[Route],
    unassigned: Sequence[Unassigned],
) -> KPIs:
    """The headline numbers, computed only from the plan's own parts; money from `costs`."""
    pickup = [c for c in customers if c.mode == "pickup"]
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
        routing_cost=costs.routing,
        hub_cost=round(costs.hub_fees + costs.handling, 2),
        total_cost=costs.total,
        unassigned=sum(1 for item in unassigned if item.kind != "stock"),
        stock_not_planned=sum(1 for item in unassigned if item.kind == "stock"),
    )


def customer_assignments(
    people: Sequence[Customer],
    location: LocationResult,
    walk: Matrices,
    walkers: Sequence[Customer],
    shops: Sequence[Shop],
) -> list[CustomerAssignment]:
    """Where each customer is served, with the walk to the hub or the reason for home delivery.

    `walk` holds walking metres from `walkers` (its rows) to `shops` (its columns).
    """
    row = {c.id: i for i, c in enumerate(walkers)}
    column = {shop.id: j for j, shop in enumerate(shops)}
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
    products: Sequence[Product],
) -> list[Hub]:
    """Hub records with their catchments, expected pickups, stock volume and explanation."""
    volume = {p.id: p.volume_liters for p in products}
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


def unassigned_items(
    result: RoutingResult, routing: RoutingInput, stock: StockPlan
) -> list[Unassigned]:
    """Everything left out, with reasons: unrouted stops and stock that could not be planned."""
    items = []
    for u in result.unassigned:
        kind, ref = routing.stop_of[u.stop_id]
        items.append(Unassigned(kind=kind, id=ref.id, reason=u.reason, certain=u.certain))
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
