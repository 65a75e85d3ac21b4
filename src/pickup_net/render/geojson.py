"""GeoJSON layers of a plan: hubs with catchments and links, routes along streets with stops."""

from typing import Any

from shapely.geometry import MultiPoint, mapping
from shapely.geometry.polygon import orient

from pickup_net.domain import Plan, Route


def hubs_geojson(plan: Plan) -> dict[str, Any]:
    """Hub points, catchment polygons (hull of hub and customers, exterior counter-clockwise as
    RFC 7946 asks) and customer links."""
    position = {c.customer_id: (c.lon, c.lat) for c in plan.customers}
    features = []
    for hub in plan.hubs:
        properties = {
            "shop_id": hub.shop_id,
            "name": hub.name,
            "customers": len(hub.customers),
            "expected_pickups_per_day": hub.expected_pickups_per_day,
            "mean_walk_m": hub.mean_walk_m,
            "stock_liters": hub.stock_liters,
            "storage_liters": hub.storage_liters,
        }
        features.append(
            _feature("hub", {"type": "Point", "coordinates": [hub.lon, hub.lat]}, properties)
        )
        hull = MultiPoint([(hub.lon, hub.lat), *(position[c] for c in hub.customers)]).convex_hull
        if hull.geom_type == "Polygon":
            catchment = mapping(orient(hull, 1.0))
            features.append(_feature("catchment", catchment, {"shop_id": hub.shop_id}))
        for customer in hub.customers:
            line = {
                "type": "LineString",
                "coordinates": [[hub.lon, hub.lat], list(position[customer])],
            }
            features.append(
                _feature("link", line, {"shop_id": hub.shop_id, "customer_id": customer})
            )
    return {"type": "FeatureCollection", "features": features}


def routes_geojson(plan: Plan) -> dict[str, Any]:
    """One LineString per route of every day along the streets, plus one Point per stop with its
    timeline; each carries its day's `date` (ISO 8601)."""
    features = []
    days = [(day.date, day.routes) for day in plan.days] or [(plan.plan_date, plan.routes)]
    for date, routes in days:
        features += _day_features(date.isoformat(), routes)
    return {"type": "FeatureCollection", "features": features}


def _day_features(date: str, routes: list[Route]) -> list[dict[str, Any]]:
    """The route and stop features of one day."""
    features = []
    for route in routes:
        properties = {
            "date": date,
            "vehicle_id": route.vehicle_id,
            "vehicle_type_id": route.vehicle_type_id,
            "depot_id": route.depot_id,
            "engine": route.engine,
            "stops": [{"kind": visit.kind, "id": visit.ref.id} for visit in route.visits],
            "arrivals": [clock(visit.arrival_s) for visit in route.visits],
            "loads_liters": [round(visit.load_liters, 2) for visit in route.visits],
            "trips": [visit.trip for visit in route.visits],
            "distance_m": round(route.distance_m, 1),
            "duration_s": round(route.duration_s, 1),
            "cost": round(route.cost, 2),
        }
        line = {"type": "LineString", "coordinates": [list(p) for p in route.geometry]}
        features.append(_feature("route", line, properties))
        for order, visit in enumerate(route.visits, start=1):
            point = {"type": "Point", "coordinates": [visit.lon, visit.lat]}
            features.append(
                _feature(
                    "stop",
                    point,
                    {
                        "date": date,
                        "vehicle_id": route.vehicle_id,
                        "order": order,
                        "trip": visit.trip,
                        "kind": visit.kind,
                        "id": visit.ref.id,
                        "arrival": clock(visit.arrival_s),
                        "start": clock(visit.start_s),
                        "load_liters": round(visit.load_liters, 2),
                        "load_kg": round(visit.load_kg, 2),
                    },
                )
            )
    return features


def _feature(kind: str, geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": {"kind": kind, **properties}}


def clock(seconds: float) -> str:
    """Seconds since midnight as HH:MM."""
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
