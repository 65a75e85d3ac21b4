"""The one shop view: the CLI's shop files and the API's assignment say the same thing."""

import json

import pytest
from builders import small_scenario

from pickup_net.domain import Plan, Scenario
from pickup_net.planning import plan, plan_inputs
from pickup_net.render.plan_files import plan_files
from pickup_net.render.shop_view import NOT_A_HUB, shop_view


@pytest.fixture(scope="module")
def planned() -> tuple[Scenario, Plan]:
    """A small scenario and its plan (two hubs among five candidate shops)."""
    scenario = small_scenario(seed=8, n_customers=16, n_shops=5, days=14, n_hubs=2)
    return scenario, plan(plan_inputs(scenario))


def test_hub_view_matches_the_plan(planned: tuple[Scenario, Plan]) -> None:
    """A hub's view holds its stock lines, litres from product volumes and its van visits."""
    scenario, result = planned
    hub = result.hubs[0]
    view = shop_view(result, hub.shop_id, scenario)
    volumes = {p.id: p.volume_liters for p in scenario.products}
    lines = [line for line in result.stock if line.hub_id == hub.shop_id]
    assert view.is_hub and view.reason is None and view.name == hub.name
    assert [item.units for item in view.stock] == [
        line.units for line in sorted(lines, key=lambda line: line.product_id)
    ]
    for item in view.stock:
        assert item.liters == pytest.approx(item.units * volumes[item.product_id], abs=1e-3)
    restocks = sorted(
        visit.arrival_s
        for route in result.routes
        for visit in route.visits
        if visit.kind == "replenish" and visit.ref.id == hub.shop_id
    )
    assert [visit.arrival_s for visit in view.van_visits] == restocks
    assert view.van == (view.van_visits[0] if view.van_visits else None)


def test_non_hub_view_says_why(planned: tuple[Scenario, Plan]) -> None:
    """A candidate shop that is not a hub is told so, with its own name and nothing to hold."""
    scenario, result = planned
    hubs = {hub.shop_id for hub in result.hubs}
    shop = next(s for s in scenario.shops if s.id not in hubs)
    view = shop_view(result, shop.id, scenario)
    assert (view.is_hub, view.reason, view.stock, view.van) == (False, NOT_A_HUB, [], None)
    assert view.name == (shop.name or shop.id)
    assert view.storage_liters == shop.storage_liters


def test_shop_files_are_the_view(planned: tuple[Scenario, Plan]) -> None:
    """Each `shops/<id>.json` is the shop view of that shop, one file per candidate shop."""
    scenario, result = planned
    files = plan_files(result, scenario)
    names = sorted(name for name in files if name.startswith("shops/"))
    assert names == sorted(f"shops/{shop_id}.json" for shop_id in result.candidate_shops)
    for shop_id in result.candidate_shops:
        written = json.loads(files[f"shops/{shop_id}.json"])
        assert written == shop_view(result, shop_id, scenario).model_dump(mode="json")


def test_without_scenario_litres_are_unknown(planned: tuple[Scenario, Plan]) -> None:
    """Without the scenario the view names products by id and leaves litres null, not zero."""
    _, result = planned
    view = shop_view(result, result.hubs[0].shop_id)
    assert view.stock and all(item.liters is None for item in view.stock)
    assert all(item.product_name == item.product_id for item in view.stock)
