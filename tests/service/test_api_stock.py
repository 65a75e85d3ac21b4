"""The shop owner's week and stock reports over a real server: what the van brings each day,
`POST /shop/stock` (JSON and the page's form), and the next plan opening from the reports."""

import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from builders import small_scenario
from playwright.sync_api import Browser
from render.chromium import chromium

from pickup_net.domain import Scenario
from pickup_net.domain.scenario import InventoryLine
from pickup_net.io.scenario_writer import write_scenario
from service.api_helpers import Server, shop_client, upload, wait_for

OPEN = ["S0", "S1"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright (skipped when absent, except under CI=true)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """Two fixed hubs (S0, S1) over three days, a deterministic search, and one counted line."""
    base = small_scenario(
        seed=8, n_customers=16, n_shops=4, days=14, n_hubs=2, open_shops=OPEN,
        horizon_days=3, search_work=12,
    )  # fmt: skip
    line = InventoryLine(shop_id="S1", product_id=base.products[0].id, units=1)
    return base.model_copy(update={"inventory": [line]})


@pytest.fixture(scope="module")
def week(server: Server, planner_token: str, scenario: Scenario) -> Iterator[dict]:
    """The scenario stored and planned once, its plan.json and one shop token per hub."""
    headers = {"Authorization": f"Bearer {planner_token}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        scenario_id = upload(client, scenario)
        plan_id = client.post(f"/scenarios/{scenario_id}/plans").json()["id"]
        assert wait_for(client, plan_id)["status"] == "done"
        document = client.get(f"/plans/{plan_id}/plan.json").json()
        tokens = {
            t["shop_id"]: t["token"]
            for t in client.post(f"/plans/{plan_id}/publish").json()["tokens"]
        }
        yield {"scenario": scenario_id, "plan": plan_id, "document": document, "tokens": tokens}


def _delivered(document: dict, shop_id: str) -> list[dict[str, float]]:
    """Per day, the units delivered to `shop_id` per product (nonzero only), from plan.json."""
    return [
        {s["product_id"]: s["delivered_units"] for s in day["stock"]
         if s["shop_id"] == shop_id and s["delivered_units"]}
        for day in document["days"]
    ]  # fmt: skip


def test_assignment_week_is_the_plans_days(server: Server, week: dict) -> None:
    """Each hub's `/shop/assignment` lists every plan day with the units the plan's days deliver
    to it, the van on exactly the days a route visits it, and earnings that add up to the
    plan's hub fees and handling."""
    document, earned = week["document"], 0.0
    for shop_id, token in week["tokens"].items():
        with shop_client(server, token) as shop:
            view = shop.get("/shop/assignment").raise_for_status().json()
        assert [day["date"] for day in view["days"]] == [d["date"] for d in document["days"]]
        shown = [
            {p["product_id"]: p["delivered_units"] for p in day["products"] if p["delivered_units"]}
            for day in view["days"]
        ]
        assert shown == _delivered(document, shop_id)
        for day, planned in zip(view["days"], document["days"], strict=True):
            visited = any(
                v["kind"] == "replenish" and v["ref"]["id"] == shop_id
                for route in planned["routes"]
                for v in route["visits"]
            )
            assert day["van_comes"] == visited
            for visit in day["van_visits"]:
                assert visit["window_start"].startswith(day["date"])
        assert view["earnings"]["currency"] == document["currency"]
        earned += view["earnings"]["total"]
    costs = document["costs"]
    assert earned == pytest.approx(costs["hub_fees"] + costs["handling"], abs=0.05)


def test_stock_report_changes_the_next_plans_deliveries(
    server: Server, client: httpx.Client, week: dict, scenario: Scenario
) -> None:
    """A hub that reports a full shelf (its first day's order-up-to levels) opens the next plan
    with those counts, replacing the scenario's inventory line, and gets less on day one."""
    hub = next(
        shop_id for shop_id in OPEN if sum(_delivered(week["document"], shop_id)[0].values()) > 0
    )
    with shop_client(server, week["tokens"][hub]) as shop:
        first_day = shop.get("/shop/assignment").json()["days"][0]["products"]
        lines = [
            {"product_id": p["product_id"], "units": math.ceil(p["keep_ready_units"] - 1e-9)}
            for p in first_day
            if p["keep_ready_units"] > 0
        ]
        stored = shop.post("/shop/stock", json={"lines": lines})
        assert stored.status_code == 201, stored.text
        assert shop.get("/shop/stock").json()["lines"] == sorted(
            [{**line, "handed_over_units": None} for line in lines],
            key=lambda line: line["product_id"],
        )
    again = client.post(f"/scenarios/{week['scenario']}/plans").json()["id"]
    assert wait_for(client, again)["status"] == "done"
    document = client.get(f"/plans/{again}/plan.json").json()
    assert any("stock reports" in warning for warning in document["warnings"])
    opening = {
        (s["shop_id"], s["product_id"]): s["opening_units"] for s in document["days"][0]["stock"]
    }
    for line in lines:
        assert opening[(hub, line["product_id"])] == line["units"]
    kept = scenario.inventory[0]
    if kept.shop_id != hub or kept.product_id not in {line["product_id"] for line in lines}:
        assert opening[(kept.shop_id, kept.product_id)] == kept.units
    before = sum(_delivered(week["document"], hub)[0].values())
    assert sum(_delivered(document, hub)[0].values()) < before


HOSTILE = [
    ({"lines": [{"product_id": "no-such-product", "units": 1}]}, "product_id", "no-such-product"),
    ({"lines": [{"product_id": "P01", "units": -3}]}, "units", "-3"),
    ('{"lines": [{"product_id": "P01", "units": NaN}]}', "units", "nan"),
    ('{"lines": [{"product_id": "P01", "units": Infinity}]}', "units", "inf"),
    ({"lines": [{"product_id": "P01", "units": 2.5}]}, "units", "2.5"),
    ({"lines": [{"product_id": "P01", "units": 900000}]}, "units", "900000"),
    ({"lines": [{"product_id": "P01", "units": 1, "handed_over_units": -1}]}, "handed_over", "-1"),
    ({"lines": [{"product_id": "P01", "units": 1}, {"product_id": "P01", "units": 2}]},
     "product_id", "P01"),
    ({"lines": [{"product_id": f"P{i}", "units": 0} for i in range(501)]}, "lines", "501"),
    ({"lines": []}, "lines", "[]"),
    ({"lines": [{"product_id": "P01", "units": 1}], "reported_at": "2099-01-01T00:00:00Z"},
     "reported_at", "2099-01-01"),
    ({"lines": [{"product_id": "P01", "units": 1}], "shop_id": "S0"}, "shop_id", "S0"),
    ('{"lines": [', "body", "not valid json"),
    ('{"lines": [{"product_id": "P01", "units": ' + "9" * 80 + "}]}", "body", "80 characters"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field", "value"), HOSTILE)
def test_hostile_stock_reports_are_refused(
    server: Server, week: dict, body: dict | str, field: str, value: str
) -> None:
    """A hostile report gets a 422 whose message names the field and the value; nothing is
    stored (the shop's last report is unchanged)."""
    with shop_client(server, week["tokens"][OPEN[1]]) as shop:
        before = shop.get("/shop/stock")
        if isinstance(body, str):
            sent = shop.post(
                "/shop/stock", content=body, headers={"content-type": "application/json"}
            )
        else:
            sent = shop.post("/shop/stock", json=body)
        assert sent.status_code == 422, sent.text
        messages = " ".join(item["msg"] for item in sent.json()["detail"])
        assert field in messages and value.lower() in messages.lower(), messages
        after = shop.get("/shop/stock")
        assert (after.status_code, after.text) == (before.status_code, before.text)


def test_stock_report_body_is_bounded(server: Server, week: dict) -> None:
    """A report body over the size limit gets a 413 and nothing is stored."""
    with shop_client(server, week["tokens"][OPEN[1]]) as shop:
        before = shop.get("/shop/stock")
        body = '{"lines": [' + ",".join(['{"product_id": "P01", "units": 1}'] * 20_000) + "]}"
        sent = shop.post("/shop/stock", content=body, headers={"content-type": "application/json"})
        assert sent.status_code == 413 and "limit" in sent.json()["detail"]
        assert shop.get("/shop/stock").text == before.text


def test_stock_report_needs_a_shop_token(server: Server, client: httpx.Client) -> None:
    """No token gets 401 and a planner token 403, before the body is looked at."""
    body = {"lines": [{"product_id": "P01", "units": -1}]}
    assert httpx.post(f"{server.url}/shop/stock", json=body).status_code == 401
    assert client.post("/shop/stock", json=body).status_code == 403


def test_stock_form_needs_the_csrf_value(server: Server, week: dict) -> None:
    """The page's stock form with the cookie but a wrong CSRF value is refused (403) and stores
    nothing; with the page's value it is stored and the page shows the count; a bad count
    re-renders the page with a 422 naming the value."""
    token = week["tokens"][OPEN[1]]
    with httpx.Client(base_url=server.url, timeout=30) as http:
        http.get("/shop", params={"token": token, "lang": "en"})
        page = http.get("/shop", params={"lang": "en"}).text
        csrf = page.split('name="csrf" value="')[1].split('"')[0]
        form = {"lang": "en", "product_id": ["P01"], "units": ["2"], "handed_over_units": ["1"]}
        with shop_client(server, token) as shop:
            before = shop.get("/shop/stock")
            forged = http.post("/shop/stock", data={**form, "csrf": "0" * 64})
            assert forged.status_code == 403
            assert shop.get("/shop/stock").text == before.text
            bad = http.post("/shop/stock", data={**form, "units": ["-4"], "csrf": csrf})
            assert bad.status_code == 422 and "-4" in bad.text
            assert shop.get("/shop/stock").text == before.text
            done = http.post("/shop/stock", data={**form, "csrf": csrf})
            assert done.status_code == 303
            report = shop.get("/shop/stock").json()
        assert report["lines"] == [{"product_id": "P01", "units": 2, "handed_over_units": 1}]
        shown = http.get("/shop", params={"lang": "en", "counted": "true"}).text
        assert 'id="counted"' in shown and "Last count" in shown


def test_cli_shop_file_says_what_the_assignment_says(
    server: Server, week: dict, scenario: Scenario, tmp_path: Path
) -> None:
    """`pickup-net plan` writes for each hub a `shops/<id>.json` equal to its `/shop/assignment`
    (less the API's plan id and answer), given the same scenario and search work."""
    write_scenario(scenario, tmp_path / "scenario")
    yaml = tmp_path / "scenario" / "scenario.yaml"
    command = [sys.executable, "-m", "pickup_net.cli", "plan", str(yaml), "--out", str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for shop_id, token in week["tokens"].items():
        with shop_client(server, token) as shop:
            assignment = shop.get("/shop/assignment").json()
        written = json.loads((tmp_path / "shops" / f"{shop_id}.json").read_text())
        assert {k: v for k, v in assignment.items() if k not in ("plan_id", "response")} == written


@pytest.mark.browser
def test_shop_page_shows_the_week_and_takes_a_count(
    browser: Browser, server: Server, week: dict, tmp_path: Path
) -> None:
    """On a phone-sized page the owner sees one section per plan day, the earnings in the
    plan's currency, and sends a count that the API then reports as the last one."""
    shop_id = max(OPEN, key=lambda shop: sum(_delivered(week["document"], shop)[0].values()))
    token = week["tokens"][shop_id]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{server.url}/shop?token={token}&lang=en")
    assert page.locator("#week section.day").count() == len(week["document"]["days"])
    assert week["document"]["currency"] in page.inner_text("#earnings")
    assert page.locator("#last-count").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "shop-week.png"), full_page=True)
    page.fill("#units-0", "1")
    page.click("#send-count")
    page.wait_for_selector("#counted")
    assert "Last count" in page.inner_text("#last-count")
    context.close()
    with shop_client(server, token) as shop:
        report = shop.get("/shop/stock").json()
    assert report["shop_id"] == shop_id and [line["units"] for line in report["lines"]] == [1]


def test_openapi_describes_the_week_and_the_report(anonymous: httpx.Client) -> None:
    """The served schema describes the assignment's days and earnings, and `POST /shop/stock`
    takes the JSON report or the page's form."""
    schema = anonymous.get("/openapi.json").raise_for_status().json()
    components = schema["components"]["schemas"]
    assert {"days", "earnings"} <= components["ShopAssignment"]["properties"].keys()
    assert "delivered_units" in components["DayProduct"]["properties"]
    body = schema["paths"]["/shop/stock"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/StockReport"}
    assert "lines" in components["StockReport"]["properties"]
    assert "csrf" in body["application/x-www-form-urlencoded"]["schema"]["properties"]
