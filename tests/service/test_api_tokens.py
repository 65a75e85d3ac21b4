"""Issue 19, cases 4 and 5: tokens stay out of logs, expire, can be listed and revoked, and
concurrent publishes leave one live token per hub shop (SQLite and PostgreSQL)."""

import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from builders import small_scenario
from sqlalchemy import select
from sqlalchemy.orm import Session

from pickup_net.service.db import make_engine
from pickup_net.service.db_models import ApiToken
from pickup_net.service.security import create_token
from service.api_helpers import BIN, Server, shop_client, upload, wait_for


@pytest.fixture(scope="module")
def own_plan(server: Server, planner_token: str) -> Iterator[str]:
    """A finished plan of this module's own (publishing it leaves other tests' tokens alone)."""
    headers = {"Authorization": f"Bearer {planner_token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
        scenario = upload(
            client, small_scenario(seed=19, n_customers=16, n_shops=5, days=14, n_hubs=2)
        )
        plan_id = client.post(f"/scenarios/{scenario}/plans").json()["id"]
        assert wait_for(client, plan_id)["status"] == "done"
        yield plan_id


def _stored_token(
    server: Server, name: str, expires_at: float | None, shop: tuple[str, str] | None = None
) -> str:
    engine = make_engine(server.database_url)
    with Session(engine) as session:
        plan_id, shop_id = shop or (None, None)
        role = "planner" if shop is None else "shop"
        token = create_token(
            session, role, name, plan_id=plan_id, shop_id=shop_id, expires_at=expires_at
        )
        session.commit()
    engine.dispose()
    return token


def _live_shop_tokens(server: Server, plan_id: str) -> list[str]:
    engine = make_engine(server.database_url)
    with Session(engine) as session:
        rows = session.scalars(
            select(ApiToken.shop_id).where(
                ApiToken.plan_id == plan_id, ApiToken.revoked_at.is_(None)
            )
        ).all()
    engine.dispose()
    return sorted(shop_id or "" for shop_id in rows)


def _wait_for_log(server: Server, needle: str, timeout_s: float = 10) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        text = server.log_path.read_text(errors="replace")
        if needle in text or time.monotonic() > deadline:
            return text
        time.sleep(0.1)


def test_shop_link_token_is_masked_in_the_access_log(server: Server, published: dict) -> None:
    """Case 4: opening the shop link (plain or with a percent-encoded name) logs `token=***`,
    never the token itself, and still sets the cookie."""
    token = published["tokens"][0]["token"]
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        opened = browser.get("/shop", params={"token": token}, follow_redirects=False)
        assert opened.status_code == 303 and "token" not in opened.headers["location"]
        assert opened.cookies.get("pickup_net_shop") == token
        encoded = browser.get(f"/shop?tok%65n={token}&lang=en", follow_redirects=False)
        assert encoded.status_code == 303
    log = _wait_for_log(server, "tok%65n=***")
    assert "GET /shop?token=***" in log and "tok%65n=***" in log
    assert token not in log


def test_expired_token_gets_401_saying_when(client: httpx.Client, server: Server) -> None:
    """Case 4: a token past its expiry gets 401 naming the expiry time; one before it works."""
    expired = _stored_token(server, "expired", time.time() - 60)
    current = _stored_token(server, "current", time.time() + 3600)
    refused = client.get("/plans", headers={"Authorization": f"Bearer {expired}"})
    assert refused.status_code == 401
    assert "expired on" in refused.json()["detail"]
    assert client.get("/plans", headers={"Authorization": f"Bearer {current}"}).status_code == 200
    unknown = client.get("/plans", headers={"Authorization": "Bearer no-such-token"})
    assert unknown.json()["detail"] == "unknown or revoked token"


def test_expired_shop_token_is_refused_by_api_and_page(server: Server, published: dict) -> None:
    """Case 4: an expired shop token gets 401 saying when from the shop API, and the shop page
    answers its link with 401 and sets no cookie."""
    shop = (published["plan"], published["tokens"][0]["shop_id"])
    expired = _stored_token(server, "old link", time.time() - 1, shop)
    with shop_client(server, expired) as client:
        refused = client.get("/shop/assignment")
    assert refused.status_code == 401 and "expired on" in refused.json()["detail"]
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        page = browser.get("/shop", params={"token": expired, "lang": "en"})
        assert page.status_code == 401 and "no longer in force" in page.text
        assert "pickup_net_shop" not in page.cookies


def test_shop_tokens_expire_after_the_plan_horizon(
    client: httpx.Client, server: Server, own_plan: str
) -> None:
    """Case 4: published shop tokens expire at midnight UTC 14 days after the plan's last day
    (or after today, when later), stored as such and stated in the publish answer."""
    published = client.post(f"/plans/{own_plan}/publish")
    assert published.status_code == 200, published.text
    plan = client.get(f"/plans/{own_plan}/plan.json").json()
    last_day = date.fromisoformat(plan["plan_date"]) + timedelta(days=plan["horizon_days"] - 1)
    last_day = max(last_day, datetime.now(UTC).date())
    expected = datetime.combine(last_day + timedelta(days=15), datetime.min.time(), UTC)
    assert datetime.fromisoformat(published.json()["expires_at"]) == expected
    engine = make_engine(server.database_url)
    with Session(engine) as session:
        stored = session.scalars(
            select(ApiToken.expires_at).where(
                ApiToken.plan_id == own_plan, ApiToken.revoked_at.is_(None)
            )
        ).all()
    engine.dispose()
    assert stored and set(stored) == {expected.timestamp()}


def test_concurrent_publishes_leave_one_live_token_per_hub(
    client: httpx.Client, server: Server, own_plan: str
) -> None:
    """Case 5: eight concurrent publishes all succeed, and exactly one token per hub shop stays
    live: the tokens of one answer work, those of the seven others get 401."""
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: client.post(f"/plans/{own_plan}/publish"), range(8)))
    assert [a.status_code for a in answers] == [200] * 8, [a.text for a in answers]
    hubs = sorted(t["shop_id"] for t in answers[0].json()["tokens"])
    assert hubs and _live_shop_tokens(server, own_plan) == hubs
    working = []
    for answer in answers:
        token = answer.json()["tokens"][0]["token"]
        with shop_client(server, token) as shop:
            working.append(shop.get("/shop/assignment").status_code)
    assert sorted(working) == [200] + [401] * 7


def test_token_list_and_revoke_from_the_cli(
    client: httpx.Client, server: Server, own_plan: str
) -> None:
    """Case 4: `token list` shows ids, roles and names but no secret or digest; `token revoke`
    makes a token fail with 401 at once and it then shows as revoked with `--all`."""
    token = _stored_token(server, "to be revoked", None)
    shop_token = client.post(f"/plans/{own_plan}/publish").json()["tokens"][0]["token"]

    def cli(*args: str) -> str:
        command = [str(BIN / "pickup-net"), "token", *args]
        done = subprocess.run(command, env=server.env(), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    expiring = cli("create", "--name", "for a week", "--expires-in-days", "7").splitlines()
    week = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%d")
    assert f"valid until {week}" in expiring[0]
    assert client.get("/plans", headers={"Authorization": f"Bearer {expiring[-1]}"}).is_success
    listed = cli("list")
    assert any("for a week" in line and week in line for line in listed.splitlines())
    engine = make_engine(server.database_url)
    with Session(engine) as session:
        rows = session.scalars(select(ApiToken)).all()
    engine.dispose()
    for secret in (token, shop_token, *(row.digest for row in rows)):
        assert secret not in listed
    row_id = next(row.id for row in rows if row.name == "to be revoked")
    assert "to be revoked" in listed and own_plan in cli("list", "--role", "shop")
    assert client.get("/plans", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert f"Revoked planner token {row_id}" in cli("revoke", str(row_id))
    refused = client.get("/plans", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert "to be revoked" not in cli("list")
    assert any(
        "to be revoked" in line and "revoked" in line.split("to be revoked")[1]
        for line in cli("list", "--all").splitlines()
    )
