"""Security headers of the API's pages: a page-derived CSP on HTML, `nosniff` everywhere."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Route
from render.chromium import OPEN_TOOLTIPS, TILE_PNG, WATCH, chromium
from render.hostile import PAYLOADS, hostile_scenario

from pickup_net.render.csp import TILE_ORIGIN
from pickup_net.service.security_headers import DOCS_ASSETS
from service.api_helpers import Server, upload, wait_for


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for this module's tests."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def hostile(server: Server, planner_token: str) -> dict:
    """A finished, published plan whose names and ids are script payloads: its id and tokens."""
    headers = {"Authorization": f"Bearer {planner_token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        scenario = upload(client, hostile_scenario())
        plan_id = client.post(f"/scenarios/{scenario}/plans").json()["id"]
        assert wait_for(client, plan_id)["status"] == "done"
        tokens = client.post(f"/plans/{plan_id}/publish").json()["tokens"]
    return {"plan": plan_id, "tokens": tokens}


def _directives(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    parts = [part.split() for part in policy.split(";")]
    return {part[0]: part[1:] for part in parts}


def test_html_pages_carry_a_hash_based_policy(
    client: httpx.Client, anonymous: httpx.Client, published: dict
) -> None:
    """The map and the shop page allow only their own inline scripts and styles (by hash),
    never 'unsafe-inline'; every response, JSON included, says nosniff."""
    plan_map = client.get(f"/plans/{published['plan']}/map.html")
    shop = anonymous.get("/shop")
    assert plan_map.status_code == 200 and shop.status_code == 401
    for response in (plan_map, shop):
        assert response.headers["x-content-type-options"] == "nosniff"
        policy = _directives(response)
        assert policy["default-src"] == ["'none'"]
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert all(source.startswith("'sha256-") for source in policy["style-src"])
    scripts = _directives(plan_map)["script-src"]
    assert len(scripts) == 3 and all(source.startswith("'sha256-") for source in scripts)
    assert TILE_ORIGIN in _directives(plan_map)["img-src"]
    assert _directives(shop)["script-src"] == ["'none'"]
    plan_json = client.get(f"/plans/{published['plan']}/plan.json")
    assert plan_json.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in plan_json.headers


def test_docs_pages_load_only_from_this_server(
    anonymous: httpx.Client, client: httpx.Client, published: dict
) -> None:
    """Issue 19, case 15: /docs and /redoc take their scripts from this server (no CDN) under a
    policy naming only 'self' and their own inline code; the assets are served here."""
    for path in ("/docs", "/redoc"):
        page = anonymous.get(path)
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        elsewhere = ("jsdelivr", "unpkg", "googleapis", "gstatic", "tiangolo")
        assert not any(host in policy or host in page.text for host in elsewhere)
        scripts = _directives(page)["script-src"]
        assert "'self'" in scripts
        assert all(s == "'self'" or s.startswith("'sha256-") for s in scripts)
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert anonymous.get(f"{DOCS_ASSETS}/{asset}").status_code == 200
    plan_map = client.get(f"/plans/{published['plan']}/map.html")
    assert "'self'" not in _directives(plan_map)["script-src"]
    assert anonymous.get("/healthz").headers["x-content-type-options"] == "nosniff"


@pytest.mark.browser
def test_docs_page_renders_offline(browser: Browser, server: Server) -> None:
    """Issue 19, case 15: with every request off this server refused, /docs shows the API's
    title and its operations, asks for nothing elsewhere and breaks no policy."""
    context = browser.new_context()
    elsewhere: list[str] = []

    def offline(route: Route) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    context.add_init_script(f"({WATCH})()")
    page = context.new_page()
    page.goto(f"{server.url}/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "pickup-net" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path[data-path='/scenarios']", timeout=10_000)
    assert page.locator(".opblock").count() >= 10
    assert elsewhere == [] and page.evaluate("window.__violations") == []
    context.close()


@pytest.mark.browser
def test_map_runs_under_its_policy_and_blocks_injected_handlers(
    browser: Browser, server: Server, planner_token: str, published: dict
) -> None:
    """Served by the API, the map's own scripts run (Leaflet map, layers, tiles) with no CSP
    violation, while an inline event handler added to the page is blocked and reported."""
    context = browser.new_context(extra_http_headers={"Authorization": f"Bearer {planner_token}"})
    tiles: list[str] = []

    def tile(route: Route) -> None:
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE_PNG)

    context.route(f"{TILE_ORIGIN}/**", tile)
    context.add_init_script(f"({WATCH})()")
    page = context.new_page()
    page.goto(f"{server.url}/plans/{published['plan']}/map.html")
    page.wait_for_selector(".leaflet-overlay-pane path", timeout=10_000)
    assert page.evaluate("window[document.querySelector('.folium-map').id] instanceof L.Map")
    labels = [
        t.strip() for t in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    ]
    assert labels[:5] == ["catchments", "routes", "home deliveries", "hubs", "depots"]
    assert all(label.startswith("routes 2") for label in labels[5:]), "one layer per later day"
    page.wait_for_selector(".leaflet-tile-loaded", timeout=10_000)
    assert tiles
    assert page.evaluate("window.__violations") == []

    page.evaluate(
        """() => { document.body.insertAdjacentHTML('beforeend',
            '<img src="data:," onerror="window.PWNED=1">'); }"""
    )
    page.wait_for_function("window.__violations.length > 0", timeout=5_000)
    assert page.evaluate("typeof window.PWNED") == "undefined"
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
    context.close()


@pytest.mark.browser
def test_shop_page_is_styled_under_its_policy(
    browser: Browser, server: Server, published: dict
) -> None:
    """The shop page's own styles apply under the policy and nothing is reported blocked."""
    context = browser.new_context()
    context.add_init_script(f"({WATCH})()")
    page = context.new_page()
    page.goto(f"{server.url}/shop?token={published['tokens'][-1]['token']}&lang=en")
    colour = page.evaluate("getComputedStyle(document.querySelector('#accept')).backgroundColor")
    assert colour == "rgb(21, 128, 61)"
    assert page.evaluate("window.__violations") == []
    context.close()


@pytest.mark.browser
def test_hostile_names_stay_text_on_the_served_pages(
    browser: Browser, server: Server, planner_token: str, hostile: dict
) -> None:
    """Through the API, the map's tooltips and every hub's shop page show the payload names and
    ids as text; none of them runs and the policy reports nothing blocked."""
    bearer = {"Authorization": f"Bearer {planner_token}"}
    context = browser.new_context(extra_http_headers=bearer)
    context.route(f"{TILE_ORIGIN}/**", lambda route: route.fulfill(body=TILE_PNG))
    context.add_init_script(f"({WATCH})()")
    dialogs: list[str] = []
    context.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page = context.new_page()
    page.goto(f"{server.url}/plans/{hostile['plan']}/map.html")
    page.wait_for_selector(".leaflet-overlay-pane path", timeout=10_000)
    texts = page.evaluate(OPEN_TOOLTIPS)
    for payload in PAYLOADS:
        assert any(payload in text for text in texts), payload
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.PWNED") == "undefined"
    assert page.evaluate("window.__violations") == []
    context.close()

    shown: list[str] = []
    for token in hostile["tokens"]:
        owner = browser.new_context()
        owner.add_init_script(f"({WATCH})()")
        owner.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page = owner.new_page()
        page.goto(f"{server.url}/shop?token={token['token']}&lang=en")
        shown.append(page.inner_text("h1"))
        shown.extend(page.locator("#stock td:first-child").all_inner_texts())
        shown.append(page.inner_text("#week"))
        assert page.locator("body img, body script").count() == 0
        assert page.evaluate("typeof window.PWNED") == "undefined"
        assert page.evaluate("window.__violations") == []
        owner.close()
    assert dialogs == []
    assert set(PAYLOADS) <= {text.strip() for text in shown}
    van_text = "\n".join(shown)
    assert f"V{PAYLOADS[0]}{PAYLOADS[3]}-1" in van_text
