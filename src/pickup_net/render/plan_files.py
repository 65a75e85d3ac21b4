"""Render a `Plan` as the files of DESIGN's contract: plan.json, GeoJSON layers, map, shop files."""

import json
from typing import Any

from pickup_net.domain import Plan, Scenario
from pickup_net.render.geojson import hubs_geojson, routes_geojson
from pickup_net.render.map import plan_map_html
from pickup_net.render.shop_view import shop_views


def plan_files(plan: Plan, scenario: Scenario | None = None) -> dict[str, bytes]:
    """Every output file of `plan`, keyed by its path relative to the output folder; `scenario`
    (when given) adds product names and litres to the shop files. Shop ids are safe file names
    (checked at the edge); `io.plan_writer` refuses any name that would leave the folder."""
    files = {
        "plan.json": plan.model_dump_json(indent=2).encode(),
        "hubs.geojson": _dump(hubs_geojson(plan)),
        "routes.geojson": _dump(routes_geojson(plan)),
        "map.html": plan_map_html(plan).encode(),
    }
    for shop_id, view in shop_views(plan, scenario).items():
        files[f"shops/{shop_id}.json"] = _dump(view.model_dump(mode="json"))
    return files


def _dump(content: dict[str, Any]) -> bytes:
    return json.dumps(content, indent=1, ensure_ascii=False).encode()
