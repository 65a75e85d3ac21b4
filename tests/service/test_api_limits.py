"""Limits on work one planner can cause: uploads at once, rows, solver time limits, queued plans
and stored bytes; beyond them a clear 413/422/429/507, within them the request is served."""

import select
import socket
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from builders import small_scenario

from pickup_net.io.scenario_writer import write_scenario
from service.api_helpers import Server, upload
from service.test_api_inputs import folder_entries, messages, post_zip, zip_bytes

RETRY_AFTER_S = 7
SMALL = small_scenario(seed=5, n_customers=12, n_shops=4, days=7, n_hubs=1)
LIMITS = {
    "PICKUP_NET_JOB_SLOTS": "0",  # plans stay queued, so queue counts are exact
    "PICKUP_NET_MAX_ORDERS": str(len(SMALL.orders) + 5),
    "PICKUP_NET_MAX_CONCURRENT_UPLOADS": "1",
    "PICKUP_NET_MAX_QUEUED_PLANS_PER_PLANNER": "3",
    "PICKUP_NET_MAX_QUEUED_PLANS": "5",
    "PICKUP_NET_MAX_ROUTING_TIME_LIMIT_S": "60",
    "PICKUP_NET_MAX_SEARCH_WORK": "500",
    "PICKUP_NET_RETRY_AFTER_S": str(RETRY_AFTER_S),
}


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on a fresh SQLite file with small limits and no job slots."""
    tmp = tmp_path_factory.mktemp("limited")
    quota = str(len(SMALL.model_dump_json()) * 5 // 2)  # two uploads of SMALL, not three
    env = {**LIMITS, "PICKUP_NET_PLANNER_QUOTA_BYTES": quota}
    server = Server(f"sqlite:///{tmp / 'limits.sqlite3'}", tmp / "server.log", env).start()
    yield server
    server.stop()


def planner(server: Server, name: str) -> httpx.Client:
    """An HTTP client holding a new planner token of `server`."""
    headers = {"Authorization": f"Bearer {server.create_token(name)}"}
    return httpx.Client(base_url=server.url, headers=headers, timeout=30)


def test_time_limit_over_maximum_is_refused_naming_field_and_maximum(limited: Server) -> None:
    """A plan asking for more solver time than the maximum gets a 422 naming field, value and
    maximum; a time limit within it is queued."""
    with planner(limited, "times") as client:
        scenario_id = upload(client, SMALL)
        body = {"parameters": {"routing_time_limit_s": 1e9}}
        refused = client.post(f"/scenarios/{scenario_id}/plans", json=body)
        assert refused.status_code == 422
        detail = refused.json()["detail"]
        assert ["body", "parameters", "routing_time_limit_s"] in [d["loc"] for d in detail]
        assert "1000000000.0 is over the maximum of 60.0 s" in messages(refused)
        served = client.post(
            f"/scenarios/{scenario_id}/plans", json={"parameters": {"routing_time_limit_s": 60}}
        )
        assert served.status_code == 202, served.text
        client.post(f"/plans/{served.json()['id']}/cancel").raise_for_status()


def test_search_work_over_maximum_is_refused_naming_field_and_maximum(limited: Server) -> None:
    """A plan asking for more search work than the maximum gets a 422 naming field, value and
    maximum; work within it is queued."""
    with planner(limited, "work") as client:
        scenario_id = upload(client, SMALL)
        refused = client.post(
            f"/scenarios/{scenario_id}/plans", json={"parameters": {"search_work": 10**9}}
        )
        assert refused.status_code == 422
        detail = refused.json()["detail"]
        assert ["body", "parameters", "search_work"] in [d["loc"] for d in detail]
        assert "1000000000 is over the maximum of 500 (PICKUP_NET_MAX_SEARCH_WORK)" in messages(
            refused
        )
        served = client.post(
            f"/scenarios/{scenario_id}/plans", json={"parameters": {"search_work": 500}}
        )
        assert served.status_code == 202, served.text
        client.post(f"/plans/{served.json()['id']}/cancel").raise_for_status()


def test_upload_with_a_time_limit_over_maximum_is_refused(limited: Server) -> None:
    """A scenario whose own parameters ask for too much solver time is not stored (422)."""
    greedy = SMALL.model_copy(
        update={"parameters": SMALL.parameters.model_copy(update={"routing_time_limit_s": 1e6})}
    )
    with planner(limited, "greedy") as client:
        before = client.get("/scenarios").json()["count"]
        response = client.post(
            "/scenarios",
            content=greedy.model_dump_json(),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 422
        assert "routing_time_limit_s: 1000000.0 is over the maximum" in messages(response)
        assert client.get("/scenarios").json()["count"] == before


def test_too_many_orders_gets_413_naming_the_table_and_limit(
    limited: Server, tmp_path: Path
) -> None:
    """A zip or JSON body with more orders than the limit gets a 413 naming orders and the limit;
    nothing is stored."""
    limit = len(SMALL.orders) + 5
    big = small_scenario(seed=6, n_customers=40, n_shops=4, days=14, n_hubs=1)
    assert len(big.orders) > limit
    folder = tmp_path / "big"
    write_scenario(big, folder)
    with planner(limited, "rows") as client:
        before = client.get("/scenarios").json()["count"]
        as_zip = post_zip(client, zip_bytes(folder_entries(folder)))
        assert as_zip.status_code == 413, as_zip.text
        assert f"orders: more than {limit} rows (the limit is {limit})" in messages(as_zip)
        assert as_zip.json()["detail"][0]["loc"] == ["body", "file", "orders"]
        as_json = client.post(
            "/scenarios",
            content=big.model_dump_json(),
            headers={"content-type": "application/json"},
        )
        assert as_json.status_code == 413
        assert f"orders: {len(big.orders)} rows (the limit is {limit})" in messages(as_json)
        assert client.get("/scenarios").json()["count"] == before


def half_sent_upload(server: Server, token: str, body: bytes) -> socket.socket:
    """A raw connection that has sent an upload's headers and first bytes, holding the server's
    upload slot (retried while the server answers at once, that is while the slot is taken)."""
    head = (
        f"POST /scenarios HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        connection.sendall(head + body[:10])
        if not select.select([connection], [], [], 1.0)[0]:
            return connection  # no early answer: the route holds the slot and awaits the body
        connection.close()
    raise AssertionError("the server never let an upload wait for its body")


def test_uploads_beyond_the_concurrent_limit_get_429_with_retry_after(limited: Server) -> None:
    """While one upload holds the only upload slot, another gets 429 with `Retry-After`; the
    first is then served."""
    body = SMALL.model_dump_json().encode()
    held = half_sent_upload(limited, limited.create_token("slow"), body)
    with held, planner(limited, "eager") as client:
        second = client.post(
            "/scenarios", content=body, headers={"content-type": "application/json"}
        )
        assert second.status_code == 429, second.text
        assert second.headers["Retry-After"] == str(RETRY_AFTER_S)
        assert "MAX_CONCURRENT_UPLOADS" in second.json()["detail"]
        held.sendall(body[10:])
        answer = b""
        while chunk := held.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 201"), answer[:300]
    third = client_upload_status(limited, body)
    assert third == 201


def client_upload_status(server: Server, body: bytes) -> int:
    """The status of one upload once no other upload is running."""
    with planner(server, "after") as client:
        return client.post(
            "/scenarios", content=body, headers={"content-type": "application/json"}
        ).status_code


def test_queued_plans_beyond_the_planner_limit_get_429(limited: Server) -> None:
    """Of six plans submitted at once by one planner, three are queued and three get 429 with
    `Retry-After`; another planner is still served, up to the server-wide limit; a cancelled plan
    frees a place."""
    with planner(limited, "ana") as ana, planner(limited, "ben") as ben:
        scenario_id = upload(ana, SMALL)
        with ThreadPoolExecutor(6) as pool:
            burst = list(pool.map(lambda _: ana.post(f"/scenarios/{scenario_id}/plans"), range(6)))
        queued = [r for r in burst if r.status_code == 202]
        refused = [r for r in burst if r.status_code != 202]
        assert (len(queued), [r.status_code for r in refused]) == (3, [429, 429, 429])
        assert refused[0].headers["Retry-After"] == str(RETRY_AFTER_S)
        assert "3 plans queued or running, the limit is 3" in refused[0].json()["detail"]
        others = [ben.post(f"/scenarios/{scenario_id}/plans") for _ in range(3)]
        assert [r.status_code for r in others] == [202, 202, 429]
        assert "the server limit is 5" in others[2].json()["detail"]
        ana.post(f"/plans/{queued[0].json()['id']}/cancel").raise_for_status()
        again = ana.post(f"/scenarios/{scenario_id}/plans")
        assert again.status_code == 202, again.text
        for response in (*queued[1:], *others[:2], again):
            ana.post(f"/plans/{response.json()['id']}/cancel").raise_for_status()


def test_storage_quota_gives_507_and_is_per_planner(limited: Server) -> None:
    """Past its storage quota a planner's upload gets 507 naming the quota; another planner's
    upload is still stored."""
    with planner(limited, "hoarder") as hoarder, planner(limited, "other") as other:
        upload(hoarder, SMALL)
        upload(hoarder, SMALL)
        third = hoarder.post(
            "/scenarios",
            content=SMALL.model_dump_json(),
            headers={"content-type": "application/json"},
        )
        assert third.status_code == 507, third.text
        assert "storage quota exceeded" in third.json()["detail"]
        assert "PLANNER_QUOTA_BYTES" in third.json()["detail"]
        upload(other, SMALL)


def test_plan_submission_reads_only_the_scenario_head(limited: Server, tmp_path: Path) -> None:
    """Submitting a plan reads the stored parameters and shop ids, not the orders: with the
    stored orders made unreadable the submission is still queued, and a bad shop id in the
    parameters is still refused."""
    with planner(limited, "head") as client:
        scenario_id = upload(client, SMALL)
        database = limited.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(database) as connection:
            (text,) = connection.execute(
                "SELECT scenario_json FROM scenarios WHERE id = ?", (scenario_id,)
            ).fetchone()
            cut = text.index('"products":')
            connection.execute(
                "UPDATE scenarios SET scenario_json = ? WHERE id = ?",
                (text[:cut] + '"orders": not json at all', scenario_id),
            )
        served = client.post(f"/scenarios/{scenario_id}/plans", json={"parameters": {"n_hubs": 2}})
        assert served.status_code == 202, served.text
        assert served.json()["parameters"]["n_hubs"] == 2
        client.post(f"/plans/{served.json()['id']}/cancel").raise_for_status()
        wrong = client.post(
            f"/scenarios/{scenario_id}/plans", json={"parameters": {"open_shops": ["nope"]}}
        )
        assert wrong.status_code == 422
        assert "parameters.open_shops: 'nope' is not a shop id" in messages(wrong)
