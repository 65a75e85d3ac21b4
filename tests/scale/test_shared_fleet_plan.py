"""A city with fewer vans than districts planned whole: the joined plan is a valid plan."""

import html
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from distributed import Client
from plan_checks import check_plan
from render.chromium import TILE_PNG, chromium

from pickup_net.domain import Plan, Scenario
from pickup_net.network.projection import haversine_m
from pickup_net.render.csp import TILE_ORIGIN, inline_hashes
from pickup_net.render.map import district_customers, plan_map_html
from pickup_net.scale import plan_city, split_city

FLEET = {"van-D1": 3, "e-van-D1": 1, "van-D2": 2}


@pytest.fixture(scope="module")
def one_e_van_city(small_city: Scenario) -> Scenario:
    """The small city with one e-van, five vans, and a short walking reach (many components)."""
    fleet = [v.model_copy(update={"count": FLEET[v.id]}) for v in small_city.vehicle_types
             if v.id in FLEET]  # fmt: skip
    params = small_city.parameters.model_copy(update={"max_walk_m": 250.0, "search_work": 2_000})
    return small_city.model_copy(update={"vehicle_types": fleet, "parameters": params})


@pytest.fixture(scope="module")
def joined(one_e_van_city: Scenario, thread_client: Client) -> Plan:
    """The city planned as three districts on the thread cluster, with the border round."""
    return plan_city(one_e_van_city, 3, client=thread_client, borders=True)


def test_joined_plan_passes_the_plan_checks(one_e_van_city: Scenario, joined: Plan) -> None:
    """Every stop once, loads, shifts, stock balances and KPIs hold for the joined plan."""
    check_plan(one_e_van_city, joined)


def test_joined_plan_uses_no_more_vans_than_exist(one_e_van_city: Scenario, joined: Plan) -> None:
    """Each day every route's van is one of the fleet's, used once, so no type runs over count."""
    fleet = {v.id: v.count for v in one_e_van_city.vehicle_types}
    own = {f"{t}-{k}" for t, n in fleet.items() for k in range(1, n + 1)}
    districts = joined.stages["districts"].details["districts"].values()
    assert len(districts) == 3
    assert sum("e-van-D1" in d["vans"] for d in districts) == 1
    for day in joined.days:
        vans = [r.vehicle_id for r in day.routes]
        assert len(vans) == len(set(vans)), f"a van twice on {day.date}"
        assert set(vans) <= own
        per_type = Counter(r.vehicle_type_id for r in day.routes)
        assert all(per_type[t] <= n for t, n in fleet.items())


def test_every_customer_and_shop_appears_once(one_e_van_city: Scenario, joined: Plan) -> None:
    """Customers once in the plan, hubs once, and each shop in exactly one district."""
    customers = Counter(c.customer_id for c in joined.customers)
    assert set(customers) == {o.customer_id for o in one_e_van_city.orders}
    assert max(customers.values()) == 1
    hubs = [h.shop_id for h in joined.hubs]
    assert len(hubs) == len(set(hubs))
    districts = joined.stages["districts"].details["districts"]
    assert sum(d["shops"] for d in districts.values()) == len(one_e_van_city.shops)


def test_city_bound_is_never_above_the_objective(joined: Plan) -> None:
    """The city location model's bound (over its walking components) is below its objective."""
    location = joined.stages["location"]
    assert location.details["bound_scope"] == "city"
    assert location.details["components"] > 1
    assert location.lower_bound is not None and location.objective is not None
    assert location.lower_bound <= location.objective + 1e-6
    assert 0.0 <= location.gap <= 1.0


def test_border_round_is_kept_only_when_it_pays(one_e_van_city: Scenario, joined: Plan) -> None:
    """The border round moved only homes out of walking reach of every candidate shop, and its
    plans stand only when they cost less than the first round's."""
    second = joined.stages["districts"].details["second_round"]
    assert second["moved_customers"] > 0 and second["changed"]
    if second["kept"]:
        assert second["total_cost_second"] < second["total_cost_first"]
        assert math.isclose(joined.kpis.total_cost, second["total_cost_second"], abs_tol=0.1)
    else:
        assert math.isclose(joined.kpis.total_cost, second["total_cost_first"], abs_tol=0.1)
    before = {c: d.id for d in split_city(one_e_van_city, 3).districts for c in d.customer_ids}
    after = {c.customer_id: area for area, cs in district_customers(joined).items() for c in cs}
    assert after.keys() == before.keys()
    moved = [c for c in joined.customers if after[c.customer_id] != before[c.customer_id]]
    assert len(moved) == (second["moved_customers"] if second["kept"] else 0)
    shops = np.array([[s.lon, s.lat] for s in one_e_van_city.shops if s.is_candidate])
    for customer in moved:
        here = np.repeat([[customer.lon, customer.lat]], len(shops), axis=0)
        assert haversine_m(here, shops).min() > one_e_van_city.parameters.max_walk_m * 0.99


def test_city_map_has_one_layer_per_district_within_its_policy(joined: Plan) -> None:
    """The city map draws each district's customers as one point layer with its cost and
    coverage, no marker per home, and every script of the page allowed by hash in its policy."""
    page = plan_map_html(joined)
    districts = joined.stages["districts"].details["districts"]
    for district_id, info in districts.items():
        assert f"district {district_id}" in page
        assert f"{district_id}: {info['customers']} customers" in page
    assert page.count('"type": "Point"') == len(joined.customers)
    assert " #1, trip " not in page
    policy = html.unescape(
        re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)[1]
    )
    scripts = inline_hashes(page.encode())["script"]
    assert f"script-src {' '.join(scripts)};" in policy
    assert "'unsafe-inline'" not in policy


@pytest.mark.browser
def test_city_map_opens_in_a_browser(joined: Plan, tmp_path: Path) -> None:
    """Opened as a file in Chromium, the city map draws its district points on a canvas, lists
    one layer per district and raises no error under its own policy."""
    path = tmp_path / "map.html"
    path.write_text(plan_map_html(joined), encoding="utf-8")
    with chromium() as browser:
        context = browser.new_context()
        context.route(f"{TILE_ORIGIN}/**", lambda route: route.fulfill(
            status=200, content_type="image/png", body=TILE_PNG))  # fmt: skip
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(path.as_uri())
        page.wait_for_selector(".leaflet-overlay-pane canvas", timeout=10_000)
        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        context.close()
    districts = joined.stages["districts"].details["districts"]
    assert [x.strip() for x in labels if x.strip().startswith("district ")] == [
        f"district {d}" for d in districts
    ]
    assert errors == []
