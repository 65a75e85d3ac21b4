"""Render a `Plan` as the files of DESIGN's contract: plan.json, GeoJSON layers, map, shop files."""

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pickup_net.domain import Plan, Scenario
from pickup_net.render.geojson import hubs_geojson, routes_geojson
from pickup_net.render.map import plan_map_html
from pickup_net.render.shop_view import shop_views


def plan_files(plan: Plan, scenario: Scenario | None = None) -> dict[str, bytes]:
    """Every output file of `plan`, keyed by its path relative to the output folder; `scenario`
    (when given) adds product names and litres to the shop files."""
    files = {
        "plan.json": plan.model_dump_json(indent=2).encode(),
        "hubs.geojson": _dump(hubs_geojson(plan)),
        "routes.geojson": _dump(routes_geojson(plan)),
        "map.html": plan_map_html(plan).encode(),
    }
    for shop_id, view in shop_views(plan, scenario).items():
        files[f"shops/{shop_file_name(shop_id)}.json"] = _dump(view.model_dump(mode="json"))
    return files


def write_plan(plan: Plan, out_dir: Path, scenario: Scenario | None = None) -> list[Path]:
    """Write every output file of `plan` into `out_dir`; returns the paths written."""
    files = plan_files(plan, scenario)
    written = []
    for name, content in files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def shop_file_name(shop_id: str) -> str:
    """`shop_id` as a file name that stays inside `shops/`: the id itself unless it holds a
    path separator, `%`, a control character or only dots, which are percent-encoded."""
    name = "".join(c if c.isprintable() and c not in "/\\%" else quote(c, safe="") for c in shop_id)
    return "%2E" * len(name) if set(name) <= {"."} else name


def _dump(content: dict[str, Any]) -> bytes:
    return json.dumps(content, indent=1, ensure_ascii=False).encode()
