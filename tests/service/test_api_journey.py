"""The planner's and shop owner's whole journey against a real server, on each database."""

import httpx
import pytest
from builders import small_scenario

from service.api_helpers import Server, shop_client, upload, wait_for


def test_journey(server: Server, client: httpx.Client) -> None:
    """Create, plan, poll, fetch results, publish, shops answer, re-plan without the decliner."""
    scenario = small_scenario(seed=3, n_customers=24, n_shops=6, days=21, n_hubs=3)
    scenario_id = upload(client, scenario)
    stored = client.get(f"/scenarios/{scenario_id}").json()
    assert (stored["id"], stored["shops"], stored["orders"]) == (
        scenario_id,
        len(scenario.shops),
        len(scenario.orders),
    )
    assert scenario_id in [s["id"] for s in client.get("/scenarios").json()["data"]]

    submitted = client.post(f"/scenarios/{scenario_id}/plans", json={"parameters": {}})
    assert submitted.status_code == 202
    assert submitted.headers["location"] == f"/plans/{submitted.json()['id']}"
    plan = wait_for(client, submitted.json()["id"])
    assert plan["status"] == "done", plan["error"]
    assert plan["progress"] == 1.0 and plan["attempts"] == 1
    plan_id = plan["id"]

    result = client.get(f"/plans/{plan_id}/plan.json")
    assert result.headers["content-type"].startswith("application/json")
    hubs = [hub["shop_id"] for hub in result.json()["hubs"]]
    assert hubs and set(hubs) <= {shop.id for shop in scenario.shops}
    for name in ("hubs.geojson", "routes.geojson"):
        collection = client.get(f"/plans/{plan_id}/{name}").json()
        assert collection["type"] == "FeatureCollection"
    features = client.get(f"/plans/{plan_id}/hubs.geojson").json()["features"]
    assert sorted(
        f["properties"]["shop_id"] for f in features if f["properties"]["kind"] == "hub"
    ) == (sorted(hubs))
    page = client.get(f"/plans/{plan_id}/map.html")
    assert page.headers["content-type"].startswith("text/html") and b"<html" in page.content

    tokens = client.post(f"/plans/{plan_id}/publish").json()["tokens"]
    assert sorted(t["shop_id"] for t in tokens) == sorted(hubs)
    assert len({t["token"] for t in tokens}) == len(tokens)

    declined, *others = tokens
    with shop_client(server, declined["token"]) as shop:
        assignment = shop.get("/shop/assignment").json()
        assert assignment["shop_id"] == declined["shop_id"] and assignment["is_hub"]
        assert assignment["plan_id"] == plan_id
        plan_json = result.json()
        restocks = [
            visit
            for route in plan_json["routes"]
            for visit in route["visits"]
            if visit["kind"] == "replenish"
            and visit["ref"] == {"kind": "shop", "id": declined["shop_id"]}
        ]
        assert [v["arrival_s"] for v in assignment["van_visits"]] == sorted(
            v["arrival_s"] for v in restocks
        )
        stock = [s for s in plan_json["stock"] if s["hub_id"] == declined["shop_id"] and s["units"]]
        assert sum(item["units"] for item in assignment["stock"]) == sum(s["units"] for s in stock)
        answer = shop.post(
            "/shop/response", json={"decision": "decline", "reason": "no space in December"}
        )
        assert answer.status_code == 200 and answer.json()["decision"] == "decline"
    for other in others:
        with shop_client(server, other["token"]) as shop:
            assert shop.post("/shop/response", json={"decision": "accept"}).status_code == 200

    listed = client.get(f"/plans/{plan_id}").json()
    assert [d["shop_id"] for d in listed["declines"]] == [declined["shop_id"]]
    assert listed["declines"][0]["reason"] == "no space in December"
    assert len(listed["responses"]) == len(tokens)

    replanned = client.post(f"/plans/{plan_id}/replan")
    assert replanned.status_code == 202
    assert replanned.json()["parent_plan_id"] == plan_id
    second = wait_for(client, replanned.json()["id"])
    assert second["status"] == "done", second["error"]
    assert declined["shop_id"] in second["parameters"]["closed_shops"]
    second_plan = client.get(f"/plans/{second['id']}/plan.json").json()
    new_hubs = {hub["shop_id"] for hub in second_plan["hubs"]}
    assert declined["shop_id"] not in new_hubs
    assert {o["shop_id"] for o in others} <= new_hubs

    comparison = client.get(f"/plans/{plan_id}/compare/{second['id']}").json()
    by_name = {row["name"]: row for row in comparison["kpis"]}
    first_kpis, second_kpis = plan["kpis"], second["kpis"]
    assert by_name["hubs_opened"]["a"] == first_kpis["hubs_opened"]
    assert by_name["total_cost"]["difference"] == (
        second_kpis["total_cost"] - first_kpis["total_cost"]
    )


@pytest.mark.slow
def test_plans_submitted_together_all_finish_once(client: httpx.Client) -> None:
    """Several plans submitted at once all finish, each run exactly once."""
    scenario_id = upload(client, small_scenario(seed=5, n_customers=12, n_shops=4, days=14))
    ids = [
        client.post(f"/scenarios/{scenario_id}/plans", json={"parameters": {"seed": seed}}).json()[
            "id"
        ]
        for seed in range(3)
    ]
    finished = [wait_for(client, plan_id) for plan_id in ids]
    assert [plan["status"] for plan in finished] == ["done"] * 3
    assert [plan["attempts"] for plan in finished] == [1] * 3
    assert len(client.get("/plans", params={"scenario_id": scenario_id}).json()["data"]) == 3


def test_idempotency_key_returns_the_same_plan(client: httpx.Client) -> None:
    """The same Idempotency-Key gives back the same plan; reused for another body it is a 409."""
    scenario_id = upload(client, small_scenario(seed=6, n_customers=10, n_shops=3, days=14))
    key = {"Idempotency-Key": f"journey-{scenario_id}"}
    body = {"parameters": {"max_walk_m": 700}}
    first = client.post(f"/scenarios/{scenario_id}/plans", json=body, headers=key)
    again = client.post(f"/scenarios/{scenario_id}/plans", json=body, headers=key)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    other = client.post(
        f"/scenarios/{scenario_id}/plans", json={"parameters": {"max_walk_m": 800}}, headers=key
    )
    assert other.status_code == 409 and key["Idempotency-Key"] in other.json()["detail"]
    assert first.json()["parameters"]["max_walk_m"] == 700
    assert client.post(f"/plans/{first.json()['id']}/cancel").status_code in (200, 409)
