"""Issue 19, API cases 7, 9, 12 and 15: hostile bodies, storage offers, texts PostgreSQL cannot
hold and server paths in messages each get a clear 4xx or a clean message, never a 500."""

import io
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from builders import small_scenario

from pickup_net.io.scenario_writer import write_scenario
from pickup_net.service.json_body import MAX_DEPTH
from pickup_net.service.security import NAME_LENGTH, csrf_value
from service.api_helpers import Server, shop_client, upload, wait_for

LONG_NAME = "Tienda " + "ñ" * 250
"""A shop name longer than a token name column (200 characters)."""


def _messages(response: httpx.Response) -> str:
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else " | ".join(item["msg"] for item in detail)


def _json(client: httpx.Client, path: str, body: str | bytes) -> httpx.Response:
    return client.post(path, content=body, headers={"content-type": "application/json"})


@pytest.fixture(scope="module")
def long_named(server: Server, planner_token: str) -> Iterator[dict]:
    """A finished, published plan whose shops have names over 200 characters: ids and tokens."""
    scenario = small_scenario(seed=21, n_customers=16, n_shops=5, days=14, n_hubs=2)
    shops = [shop.model_copy(update={"name": LONG_NAME}) for shop in scenario.shops]
    headers = {"Authorization": f"Bearer {planner_token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
        scenario_id = upload(client, scenario.model_copy(update={"shops": shops}))
        plan_id = client.post(f"/scenarios/{scenario_id}/plans").json()["id"]
        assert wait_for(client, plan_id)["status"] == "done"
        published = client.post(f"/plans/{plan_id}/publish")
        assert published.status_code == 200, published.text
        yield {"scenario": scenario_id, "plan": plan_id, "tokens": published.json()["tokens"]}


def test_deeply_nested_json_gets_422_naming_the_depth(
    client: httpx.Client, server: Server, published: dict
) -> None:
    """Case 7: a body nested 100,000 deep, or just past the limit, gets 422 naming the nesting
    limit on every JSON route (upload, plan submission, shop answer), never a 500."""
    deep = "[" * 100_000 + "]" * 100_000
    just_over = '{"parameters": {"x": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}}"
    plans = f"/scenarios/{published['scenario']}/plans"
    with shop_client(server, published["tokens"][0]["token"]) as shop:
        answers = [
            _json(client, "/scenarios", deep),
            _json(client, plans, deep),
            _json(client, plans, just_over),
            _json(shop, "/shop/response", deep),
        ]
    for answer in answers:
        assert answer.status_code == 422, answer.text
        assert f"nested deeper than {MAX_DEPTH} levels" in _messages(answer)


def test_huge_numbers_get_422_naming_the_number(
    client: httpx.Client, server: Server, published: dict
) -> None:
    """Case 7: a 5,000-digit number (past Python's int-digit limit) in an upload, a plan's
    parameters or a shop answer gets 422 naming its length, never a 500."""
    digits = "7" * 5000
    plans = f"/scenarios/{published['scenario']}/plans"
    with shop_client(server, published["tokens"][0]["token"]) as shop:
        answers = [
            _json(client, "/scenarios", '{"name": "x", "shops": [], "orders": ' + digits + "}"),
            _json(client, plans, '{"parameters": {"n_hubs": ' + digits + "}}"),
            _json(client, plans, '{"parameters": {"max_walk_m": ' + digits + ".5}}"),
            _json(
                shop, "/shop/response", '{"decision": "decline", "storage_liters": ' + digits + "}"
            ),
        ]
    for answer in answers:
        assert answer.status_code == 422, answer.text
        assert "characters (7777777777" in _messages(answer)
        assert "is over the 64-character limit" in _messages(answer)


def test_a_decline_cannot_offer_more_storage(server: Server, long_named: dict) -> None:
    """Case 9: a decline offering more storage than the shop has gets 422 naming the field,
    the value and the maximum, from the API and the shop page; a smaller offer is saved."""
    token = long_named["tokens"][0]["token"]
    with shop_client(server, token) as shop:
        storage = shop.get("/shop/assignment").json()["storage_liters"]
        refused = shop.post(
            "/shop/response", json={"decision": "decline", "storage_liters": 9999999}
        )
        assert refused.status_code == 422
        detail = refused.json()["detail"][0]
        assert detail["loc"] == ["body", "storage_liters"]
        assert "9999999" in detail["msg"] and f"{storage:.10g} L" in detail["msg"]
        assert shop.get("/shop/assignment").json()["response"] is None
        smaller = shop.post(
            "/shop/response", json={"decision": "decline", "storage_liters": storage / 2}
        )
        assert smaller.status_code == 200 and smaller.json()["storage_liters"] == storage / 2
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        browser.get("/shop", params={"token": token, "lang": "en"})
        page = browser.post(
            "/shop/answer",
            data={
                "csrf": csrf_value(token),
                "decision": "decline",
                "storage_liters": "9999999",
                "lang": "en",
            },
        )
        assert page.status_code == 422
        assert f"cannot exceed your current {storage:.10g} litres" in page.text


def test_names_longer_than_their_columns(client: httpx.Client, long_named: dict) -> None:
    """Case 12: a scenario name over 300 characters and a shop id over 200 get 422 naming the
    field; hub names over 200 characters still publish (clipped in the tokens' names)."""
    scenario = small_scenario(seed=3, n_customers=6, n_shops=3, days=7)
    long = _json(
        client, "/scenarios", scenario.model_copy(update={"name": "n" * 301}).model_dump_json()
    )
    assert long.status_code == 422
    assert long.json()["detail"][0]["loc"] == ["body", "name"]
    assert "name: 301 characters (at most 300)" in _messages(long)
    assert upload(client, scenario.model_copy(update={"name": "n" * 300}))
    shops = [scenario.shops[0].model_copy(update={"id": "s" * 201}), *scenario.shops[1:]]
    long_id = _json(
        client, "/scenarios", scenario.model_copy(update={"shops": shops}).model_dump_json()
    )
    assert long_id.status_code == 422
    assert long_id.json()["detail"][0]["loc"] == ["body", "shops", 0, "id"]
    assert long_named["tokens"], "the long-named plan has hubs"
    assert len(LONG_NAME) > NAME_LENGTH


def test_nul_characters_get_422_naming_the_field(
    client: httpx.Client, server: Server, long_named: dict
) -> None:
    """Case 12: a NUL character in a scenario name, a shop name, a decline's reason, a path or a
    query gets 422 naming where it is, on SQLite and PostgreSQL alike."""
    scenario = small_scenario(seed=3, n_customers=6, n_shops=3, days=7)
    named = _json(
        client, "/scenarios", scenario.model_copy(update={"name": "a\0b"}).model_dump_json()
    )
    assert named.status_code == 422 and "name: holds a NUL character" in _messages(named)
    shops = [scenario.shops[0], scenario.shops[1].model_copy(update={"name": "x\0"})]
    shop_named = _json(
        client, "/scenarios", scenario.model_copy(update={"shops": shops}).model_dump_json()
    )
    assert shop_named.status_code == 422
    assert "shops[1].name: holds a NUL character" in _messages(shop_named)
    with shop_client(server, long_named["tokens"][-1]["token"]) as shop:
        reason = shop.post("/shop/response", json={"decision": "decline", "reason": "no\0"})
    assert reason.status_code == 422 and "reason: holds a NUL character" in _messages(reason)
    for path in ("/plans/%00", "/scenarios/a%00b/plans", "/plans?scenario_id=%00"):
        answer = client.request("POST" if path.endswith("/plans") else "GET", path)
        assert answer.status_code == 422, (path, answer.text)
        assert "holds a NUL character" in _messages(answer)


def test_upload_errors_name_files_not_server_paths(client: httpx.Client, tmp_path: Path) -> None:
    """Case 15: a zipped scenario naming a table that is a folder is refused by the table's path
    inside the upload, without the server's temporary folder."""
    write_scenario(small_scenario(seed=4, n_customers=8, n_shops=3, days=7), tmp_path)
    spec = (tmp_path / "scenario.yaml").read_text()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in tmp_path.glob("*.csv"):
            archive.write(path, path.name)
        archive.writestr("scenario.yaml", spec.replace("orders: orders.csv", "orders: sub/o.csv"))
        archive.writestr("sub/o.csv/", "")
    refused = client.post("/scenarios", files={"file": ("s.zip", buffer.getvalue())})
    assert refused.status_code == 422
    assert "sub/o.csv" in _messages(refused)
    assert tempfile.gettempdir() + "/" not in _messages(refused)
