"""Render a `Plan` as the files of DESIGN's contract: plan.json, GeoJSON layers, map, shop files."""

import json
from typing import Any

from pickup_net.domain import Plan, StopVisit
from pickup_net.render.geojson import clock, hubs_geojson, routes_geojson
from pickup_net.render.map import plan_map_html

ARRIVAL_SLACK_S = 15 * 60
"""Half-width of the arrival window promised to a shop around the planned service start."""


def plan_files(plan: Plan) -> dict[str, bytes]:
    """Every output file of `plan`, keyed by its path relative to the output folder."""
    files = {
        "plan.json": plan.model_dump_json(indent=2).encode(),
        "hubs.geojson": _dump(hubs_geojson(plan)),
        "routes.geojson": _dump(routes_geojson(plan)),
        "map.html": plan_map_html(plan).encode(),
    }
    for shop_id, content in shop_assignments(plan).items():
        files[f"shops/{shop_id}.json"] = _dump(content)
    return files


def shop_assignments(plan: Plan) -> dict[str, dict[str, Any]]:
    """What each candidate shop's owner must know: hub or not, units to hold, expected pickups,
    and when the van comes (planned arrival, and a window of `ARRIVAL_SLACK_S` either side)."""
    visits = {
        visit.ref.id: (route.vehicle_id, visit)
        for route in plan.routes
        for visit in route.visits
        if visit.kind == "replenish"
    }
    result: dict[str, dict[str, Any]] = {
        shop_id: {
            "shop_id": shop_id,
            "is_hub": False,
            "plan_date": plan.plan_date.isoformat(),
            "reason": "not chosen as a hub in this plan",
        }
        for shop_id in plan.candidate_shops
    }
    for hub in plan.hubs:
        van = visits.get(hub.shop_id)
        stock = [line for line in plan.stock if line.hub_id == hub.shop_id]
        result[hub.shop_id] = {
            "shop_id": hub.shop_id,
            "name": hub.name,
            "is_hub": True,
            "plan_date": plan.plan_date.isoformat(),
            "cycle_days": plan.cycle_days,
            "expected_pickups_per_day": round(hub.expected_pickups_per_day, 2),
            "customers": len(hub.customers),
            "stock_liters": hub.stock_liters,
            "storage_liters": hub.storage_liters,
            "stock": [
                {
                    "product_id": line.product_id,
                    "units": line.units,
                    "forecast_mean": round(line.forecast_mean, 3),
                    "quantile": line.quantile,
                    "reason": line.reason,
                }
                for line in stock
            ],
            "van": None if van is None else _van(*van),
            "explanation": hub.explanation,
        }
    return result


def _van(vehicle_id: str, visit: StopVisit) -> dict[str, Any]:
    return {
        "vehicle_id": vehicle_id,
        "arrival": clock(visit.arrival_s),
        "arrival_window": [
            clock(max(0.0, visit.start_s - ARRIVAL_SLACK_S)),
            clock(visit.start_s + ARRIVAL_SLACK_S),
        ],
        "service_start": clock(visit.start_s),
        "service_end": clock(visit.end_s),
    }


def _dump(content: dict[str, Any]) -> bytes:
    return json.dumps(content, indent=1, ensure_ascii=False).encode()
