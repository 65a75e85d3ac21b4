"""One self-contained Leaflet map per plan (folium), with Leaflet inlined so it works offline."""

from itertools import accumulate

import folium
from markupsafe import escape

from pickup_net.domain import CustomerAssignment, Plan, Route
from pickup_net.io.leaflet_assets import leaflet_assets
from pickup_net.render.csp import TILE_URL, with_policy_meta
from pickup_net.render.geojson import hubs_geojson, routes_geojson
from pickup_net.render.text_tooltip import TextTooltip

_TILE_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
_PANEL_STYLE = (
    ".pn-economics{position:fixed;bottom:24px;left:12px;z-index:1000;background:#fff;"
    "padding:6px 8px;font:12px sans-serif;border:1px solid #999;border-radius:4px}"
    ".pn-economics td{padding:1px 6px;text-align:right}"
    ".pn-economics td:first-child{text-align:left}"
)
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")


def plan_map_html(plan: Plan) -> str:
    """The map of `plan`: depot, hubs, catchments, the first day's routes and home deliveries,
    one layer each, and one layer per later day (hidden until chosen) with its routes and homes.

    A city plan (joined from districts, `scale.plan_city`) draws on a canvas instead and shows
    its customers as one point layer per district, with the district's cost and coverage as
    its tooltip, in place of one marker per home delivery.

    Base tiles load from OpenStreetMap when online; every plan layer is drawn without them.
    The page carries its Content-Security-Policy (`render.csp`), also when opened as a file.
    """
    points = [(c.lat, c.lon) for c in plan.customers] + [(h.lat, h.lon) for h in plan.hubs]
    areas = district_customers(plan)
    fmap = folium.Map(tiles=None, control_scale=True, **({"prefer_canvas": True} if areas else {}))
    fmap.default_js, fmap.default_css = [], []
    css, js = leaflet_assets()
    header = fmap.get_root().header
    header.add_child(folium.Element(f"<style>{css}</style>"))
    header.add_child(folium.Element(f"<script>{js}</script>"))
    tiles = folium.TileLayer(TILE_URL, attr=_TILE_ATTRIBUTION, name="streets (online)", max_zoom=19)
    tiles.add_to(fmap)
    hubs = hubs_geojson(plan)["features"]
    catchments = folium.FeatureGroup(name="catchments")
    for feature in (f for f in hubs if f["properties"]["kind"] == "catchment"):
        folium.GeoJson(
            feature, style_function=lambda _: {"color": "#555", "weight": 1, "fillOpacity": 0.08}
        ).add_to(catchments)
    catchments.add_to(fmap)
    route_lines = [
        f for f in routes_geojson(plan)["features"] if f["properties"]["kind"] == "route"
    ]
    days = [(day.date, day.routes) for day in plan.days] or [(plan.plan_date, plan.routes)]
    later = []
    for index, (date, day_routes) in enumerate(days):
        lines = [f for f in route_lines if f["properties"]["date"] == date.isoformat()]
        if index == 0:
            routes = folium.FeatureGroup(name="routes")
            homes = folium.FeatureGroup(name="home deliveries")
            _draw_routes(lines, day_routes, routes, None if areas else homes)
            routes.add_to(fmap)
            if not areas:
                homes.add_to(fmap)
        else:
            layer = folium.FeatureGroup(name=f"routes {date}", show=False)
            _draw_routes(lines, day_routes, layer, None if areas else layer)
            later.append(layer)
    for index, (area_id, customers) in enumerate(areas.items()):
        _district_layer(plan, area_id, customers, _COLOURS[index % len(_COLOURS)]).add_to(fmap)
    hub_layer = folium.FeatureGroup(name="hubs")
    for hub in plan.hubs:
        folium.CircleMarker(
            (hub.lat, hub.lon), radius=7, color="#2ca02c", fill=True, fill_opacity=0.9,
            tooltip=TextTooltip(f"{hub.name} ({hub.shop_id}): {len(hub.customers)} customers, "
                                f"{hub.expected_pickups_per_day:.1f} pickups/day"),
        ).add_to(hub_layer)  # fmt: skip
    hub_layer.add_to(fmap)
    depots = folium.FeatureGroup(name="depots")
    for depot in plan.depots:
        folium.CircleMarker(
            (depot.lat, depot.lon),
            radius=9,
            color="#000",
            fill=True,
            tooltip=TextTooltip(f"depot {depot.id}"),
        ).add_to(depots)
    depots.add_to(fmap)
    for layer in later:
        layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if plan.baselines:
        header.add_child(folium.Element(f"<style>{_PANEL_STYLE}</style>"))
        fmap.get_root().html.add_child(folium.Element(economics_panel(plan)))
    if points:
        fmap.fit_bounds([[min(p[0] for p in points), min(p[1] for p in points)],
                         [max(p[0] for p in points), max(p[1] for p in points)]])  # fmt: skip
    return with_policy_meta(fmap.get_root().render())


def district_customers(plan: Plan) -> dict[str, list[CustomerAssignment]]:
    """The customers of each district of a city plan (empty for any other plan): a joined plan
    lists them district by district, as many as each district's figures say."""
    stage = plan.stages.get("districts")
    districts = stage.details.get("districts", {}) if stage else {}
    counts = [int(d.get("customers", 0)) for d in districts.values()]
    if not districts or sum(counts) != len(plan.customers):
        return {}
    bounds = list(accumulate(counts, initial=0))
    return {
        area: plan.customers[start:stop]
        for area, start, stop in zip(districts, bounds, bounds[1:], strict=False)
    }


def _district_layer(
    plan: Plan, area_id: str, customers: list[CustomerAssignment], colour: str
) -> folium.FeatureGroup:
    """One district's customers as one canvas point layer whose tooltip (escaped) gives the
    district's customers, pickup share, cost and vans."""
    info = plan.stages["districts"].details["districts"][area_id]
    per_parcel = info.get("cost_per_parcel")
    text = (
        f"{area_id}: {len(customers)} customers, {info.get('hubs', 0)} hubs, pickup "
        f"{info.get('pickup_share', 0.0):.0%}, {info.get('vans_used', 0)} of "
        f"{sum(info.get('vans', {}).values())} vans, cost {info.get('total_cost', 0.0):,.0f} "
        f"{plan.currency}" + ("" if per_parcel is None else f" ({per_parcel:,.0f} per parcel)")
    )
    layer = folium.FeatureGroup(name=f"district {area_id}")
    points = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {},
             "geometry": {"type": "Point", "coordinates": [round(c.lon, 6), round(c.lat, 6)]}}
            for c in customers
        ],
    }  # fmt: skip
    folium.GeoJson(
        points,
        marker=folium.CircleMarker(radius=2, color=colour, fill=True, fill_opacity=0.7, weight=1),
        tooltip=TextTooltip(text),
    ).add_to(layer)
    return layer


def _draw_routes(
    lines: list[dict], routes: list[Route], line_layer: folium.FeatureGroup,
    home_layer: folium.FeatureGroup | None,
) -> None:  # fmt: skip
    """One day's route lines and home-delivery markers (none without `home_layer`), text
    escaped in every tooltip."""
    for i, route in enumerate(lines):
        colour = _COLOURS[i % len(_COLOURS)]
        props = route["properties"]
        folium.PolyLine(
            [(lat, lon) for lon, lat in route["geometry"]["coordinates"]],
            color=colour,
            weight=4,
            opacity=0.8,
            tooltip=TextTooltip(
                f"{props['vehicle_id']}: {len(props['stops'])} stops in "
                f"{max(props['trips'], default=1)} trip(s), "
                f"{props['distance_m'] / 1000:.1f} km"
            ),
        ).add_to(line_layer)
    for route in routes if home_layer is not None else ():
        for order, visit in enumerate(route.visits, start=1):
            if visit.kind == "home":
                folium.CircleMarker(
                    (visit.lat, visit.lon), radius=3, color="#ff7f0e", fill=True,
                    tooltip=TextTooltip(f"{visit.ref.id} ({route.vehicle_id} #{order}, "
                                        f"trip {visit.trip})"),
                ).add_to(home_layer)  # fmt: skip


def economics_panel(plan: Plan) -> str:
    """A small table of the plan beside its baselines: total, hubs, vans and cost per parcel;
    every value escaped, since names and notes come from files and requests."""
    details = plan.stages["location"].details if "location" in plan.stages else {}
    parcels = details.get("parcels") or 0.0
    k = plan.kpis
    rows = [("this plan", k.total_cost, k.hubs_opened, k.vans_used,
             k.total_cost / parcels if parcels else 0.0)]  # fmt: skip
    rows += [
        (f"{b.name.replace('_', '-')} baseline", b.total_cost, b.hubs_opened, b.vans_used,
         b.cost_per_parcel)
        for b in plan.baselines
    ]  # fmt: skip
    body = "".join(
        f"<tr><td>{escape(name)}</td><td>{total:,.0f}</td><td>{hubs}</td><td>{vans}</td>"
        f"<td>{per:,.0f}</td></tr>"
        for name, total, hubs, vans, per in rows
    )
    currency = escape(plan.currency)
    why = f"<div>{escape(details['why'])}</div>" if details.get("why") else ""
    return (
        f'<div class="pn-economics"><table><tr><th></th><th>total {currency}</th><th>hubs</th>'
        f"<th>vans</th><th>{currency}/parcel</th></tr>{body}</table>{why}</div>"
    )
