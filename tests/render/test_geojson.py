"""The GeoJSON layers of a plan follow RFC 7946."""

from builders import small_scenario
from shapely.geometry import LinearRing

from pickup_net.planning import plan, plan_inputs
from pickup_net.render.geojson import hubs_geojson


def test_catchment_exteriors_wind_counter_clockwise() -> None:
    """Every catchment polygon's exterior ring is counter-clockwise (RFC 7946, section 3.1.6)."""
    result = plan(plan_inputs(small_scenario(seed=5, n_customers=30, n_shops=4, days=14, n_hubs=2)))
    catchments = [
        f["geometry"]
        for f in hubs_geojson(result)["features"]
        if f["properties"]["kind"] == "catchment"
    ]
    assert catchments, "the plan has no catchment polygon to check"
    for polygon in catchments:
        exterior = polygon["coordinates"][0]
        assert exterior[0] == exterior[-1]
        assert LinearRing(exterior).is_ccw
