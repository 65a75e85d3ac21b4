"""Who may call what: no token 401; a shop token on planner routes or another shop's data 403."""

import httpx
import pytest

from service.api_helpers import Server, shop_client

PLANNER_ROUTES = [
    ("GET", "/scenarios"),
    ("POST", "/scenarios"),
    ("GET", "/scenarios/{scenario}"),
    ("GET", "/scenarios/{scenario}/scenario.json"),
    ("POST", "/scenarios/{scenario}/plans"),
    ("GET", "/plans"),
    ("GET", "/plans/{plan}"),
    ("POST", "/plans/{plan}/cancel"),
    ("GET", "/plans/{plan}/plan.json"),
    ("GET", "/plans/{plan}/hubs.geojson"),
    ("GET", "/plans/{plan}/routes.geojson"),
    ("GET", "/plans/{plan}/map.html"),
    ("GET", "/plans/{plan}/compare/{plan}"),
    ("POST", "/plans/{plan}/publish"),
    ("POST", "/plans/{plan}/replan"),
]


def _path(template: str, published: dict) -> str:
    return template.format(scenario=published["scenario"], plan=published["plan"])


@pytest.mark.parametrize(("method", "template"), PLANNER_ROUTES)
def test_planner_routes_refuse_missing_and_shop_tokens(
    server: Server, anonymous: httpx.Client, published: dict, method: str, template: str
) -> None:
    """Every planner route answers 401 without a token, 401 for a made-up one, 403 for a shop."""
    path = _path(template, published)
    assert anonymous.request(method, path).status_code == 401
    bogus = {"Authorization": "Bearer not-a-real-token"}
    assert anonymous.request(method, path, headers=bogus).status_code == 401
    with shop_client(server, published["tokens"][0]["token"]) as shop:
        response = shop.request(method, path)
        assert response.status_code == 403, response.text
        assert "planner" in response.json()["detail"]


def test_shop_token_reads_only_its_own_shop(server: Server, published: dict) -> None:
    """A shop token gets its own assignment and 403 for another shop's, reading or answering."""
    assert len(published["tokens"]) >= 1
    mine = published["tokens"][0]
    other_shop = next(
        (t["shop_id"] for t in published["tokens"][1:]), f"{mine['shop_id']}-someone-else"
    )
    with shop_client(server, mine["token"]) as shop:
        own = shop.get("/shop/assignment")
        assert own.status_code == 200 and own.json()["shop_id"] == mine["shop_id"]
        assert shop.get("/shop/assignment", params={"shop_id": mine["shop_id"]}).status_code == 200
        assert shop.get("/shop/assignment", params={"shop_id": other_shop}).status_code == 403
        refused = shop.post(
            "/shop/response", params={"shop_id": other_shop}, json={"decision": "accept"}
        )
        assert refused.status_code == 403


def test_shop_routes_refuse_missing_and_planner_tokens(
    anonymous: httpx.Client, client: httpx.Client
) -> None:
    """The shop routes answer 401 without a token and 403 for a planner token."""
    assert anonymous.get("/shop/assignment").status_code == 401
    assert anonymous.post("/shop/response", json={"decision": "accept"}).status_code == 401
    assert client.get("/shop/assignment").status_code == 403
    assert client.post("/shop/response", json={"decision": "accept"}).status_code == 403


def test_publishing_again_revokes_earlier_shop_tokens(
    server: Server, client: httpx.Client, published: dict
) -> None:
    """A re-publish hands out new shop tokens and the earlier ones stop working (401)."""
    plan_id = published["plan"]
    first = client.post(f"/plans/{plan_id}/publish").json()["tokens"]
    second = client.post(f"/plans/{plan_id}/publish").json()["tokens"]
    with shop_client(server, first[0]["token"]) as old:
        assert old.get("/shop/assignment").status_code == 401
    with shop_client(server, second[0]["token"]) as new:
        assert new.get("/shop/assignment").status_code == 200
    published["tokens"] = second


def test_health_and_schema_are_public(anonymous: httpx.Client) -> None:
    """Health, OpenAPI and docs need no token."""
    assert anonymous.get("/healthz").json()["status"] == "ok"
    assert "/plans/{plan_id}" in anonymous.get("/openapi.json").json()["paths"]
    assert anonymous.get("/docs").status_code == 200
