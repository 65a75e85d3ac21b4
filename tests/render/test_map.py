"""The plan map with hostile names and ids: nothing injected runs, everything reads as text."""

import html
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route

from pickup_net.domain import Plan
from pickup_net.render.csp import TILE_ORIGIN, inline_hashes
from pickup_net.render.geojson import hubs_geojson
from pickup_net.render.map import plan_map_html
from render.chromium import OPEN_TOOLTIPS, TILE_PNG, WATCH
from render.hostile import PAYLOADS, hostile_plan

LAYERS = ["catchments", "routes", "home deliveries", "hubs", "depots"]


@pytest.fixture(scope="module")
def hostile() -> Plan:
    """The solved plan whose names and ids are script payloads."""
    return hostile_plan()


def test_map_html_carries_no_payload_as_markup(hostile: Plan) -> None:
    """The page holds only its own three scripts, each allowed by hash in the page's own policy;
    no payload appears as raw markup."""
    page = plan_map_html(hostile)
    assert page.lower().count("<script") == 3
    policy = html.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1]
    )
    scripts = inline_hashes(page.encode())["script"]
    assert len(scripts) == 3 and f"script-src {' '.join(scripts)};" in policy
    assert "'unsafe-inline'" not in policy
    assert "window.PWNED=1</script>" not in page
    assert "<img src=x" not in page


@pytest.mark.browser
def test_hostile_names_show_as_text_and_never_run(
    browser: Browser, hostile: Plan, tmp_path: Path
) -> None:
    """Opened as a file in Chromium, no payload runs (no PWNED, no dialog, no injected image),
    every tooltip shows its names and ids literally, every layer is drawn, and the page's own
    policy blocks nothing of its own but does block a handler added later."""
    path = tmp_path / "map.html"
    path.write_text(plan_map_html(hostile))
    context = browser.new_context()
    tiles: list[str] = []

    def tile(route: Route) -> None:
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE_PNG)

    context.route(f"{TILE_ORIGIN}/**", tile)
    context.add_init_script(f"({WATCH})()")
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    assert page.evaluate("typeof window.PWNED") == "undefined"
    page.wait_for_selector(".leaflet-overlay-pane path", timeout=10_000)

    texts = page.evaluate(OPEN_TOOLTIPS)
    page.wait_for_timeout(300)  # an injected image's onerror would fire by now
    assert page.evaluate("typeof window.PWNED") == "undefined"
    assert dialogs == [] and errors == []
    assert page.locator(".leaflet-tooltip img, .leaflet-tooltip script").count() == 0
    for hub in hostile.hubs:
        assert any(hub.name in text and hub.shop_id in text for text in texts), hub.shop_id
    for route in hostile.routes:
        assert any(text.startswith(f"{route.vehicle_id}: ") for text in texts)
        for visit in (v for v in route.visits if v.kind == "home"):
            assert f"{visit.ref.id} ({route.vehicle_id} #" in "\n".join(texts)
    assert f"depot {hostile.depots[0].id}" in texts
    for payload in PAYLOADS:
        assert any(payload in text for text in texts), payload

    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    later = [f"routes {day.date}" for day in hostile.days[1:]]
    assert [name.strip() for name in overlays] == LAYERS + later
    catchments = sum(
        f["properties"]["kind"] == "catchment" for f in hubs_geojson(hostile)["features"]
    )
    homes = sum(v.kind == "home" for r in hostile.routes for v in r.visits)
    drawn = catchments + len(hostile.routes) + homes + len(hostile.hubs) + len(hostile.depots)
    assert page.locator(".leaflet-overlay-pane path").count() == drawn
    page.wait_for_selector(".leaflet-tile-loaded", timeout=10_000)
    assert tiles, "the base tiles were never asked for"
    assert page.evaluate("window.__violations") == []

    page.evaluate(
        """() => document.body.insertAdjacentHTML('beforeend',
            '<img src="data:," onerror="window.PWNED=1">')"""
    )
    page.wait_for_function("window.__violations.length > 0", timeout=5_000)
    assert page.evaluate("typeof window.PWNED") == "undefined"
    context.close()
