"""The shop owner's page in headless Chromium: read the assignment, click accept and decline."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from render.chromium import chromium

from service.api_helpers import Server, shop_client


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (skipped when absent, except under CI=true)."""
    with chromium() as launched:
        yield launched


def test_shop_page_shows_assignment_and_records_answers(
    browser: object, server: Server, published: dict, tmp_path: Path
) -> None:
    """On a phone-sized page the owner sees the assignment, accepts, switches to Spanish and
    declines; the answers reach the API and the token never becomes readable to scripts."""
    mine = published["tokens"][0]
    context = browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server.url}/shop?token={mine['token']}&lang=en")
    assert "token=" not in page.url
    assert "Your shop is a pickup point" in page.inner_text("#hub")
    assert float(page.inner_text("#pickups")) >= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.cookie") == ""
    cookie = next(c for c in context.cookies() if c["name"] == "pickup_net_shop")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.screenshot(path=str(tmp_path / "shop-en.png"), full_page=True)

    page.click("#accept")
    page.wait_for_selector("#saved")
    assert "You accepted" in page.inner_text("#answer")
    with shop_client(server, mine["token"]) as shop:
        assert shop.get("/shop/assignment").json()["response"]["decision"] == "accept"

    page.click("text=Español")
    assert "Su tienda es un punto de recogida" in page.inner_text("#hub")
    page.click("#decline")
    assert "motivo" in page.inner_text("#error")
    page.fill("#reason", "Sin espacio en diciembre")
    page.click("#decline")
    page.wait_for_selector("#saved")
    assert "rechazó" in page.inner_text("#answer")
    with shop_client(server, mine["token"]) as shop:
        answer = shop.get("/shop/assignment").json()["response"]
        assert (answer["decision"], answer["reason"]) == ("decline", "Sin espacio en diciembre")
    context.close()


def test_shop_page_forms_need_the_csrf_value(server: Server, published: dict) -> None:
    """A form post with the cookie but without the page's CSRF value is refused (403)."""
    mine = published["tokens"][0]
    cookies = {"pickup_net_shop": mine["token"]}
    with httpx.Client(base_url=server.url, cookies=cookies, timeout=30) as http:
        for csrf in ("0" * 64, "é" * 64):
            forged = http.post("/shop/answer", data={"csrf": csrf, "decision": "accept"})
            assert forged.status_code == 403
        assert http.get("/shop").status_code == 200


def test_shop_page_refuses_unknown_links(server: Server) -> None:
    """A made-up link or no link at all gets a 401 page that explains what to do."""
    bad = httpx.get(f"{server.url}/shop", params={"token": "made-up", "lang": "en"})
    assert bad.status_code == 401 and "not valid" in bad.text
    none = httpx.get(f"{server.url}/shop", headers={"Accept-Language": "es-CO,es;q=0.9"})
    assert none.status_code == 401 and "Abra el enlace" in none.text
