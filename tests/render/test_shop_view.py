"""The one shop view: the CLI's shop files and the API's assignment say the same thing."""

import json

import pytest
from builders import small_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), horizon=st.integers(2, 3))
def test_week_view_is_the_plans_days(seed: int, horizon: int) -> None:
    """For every candidate shop of a generated multi-day plan, each day of the view delivers
    exactly the plan's delivered units (litres from volumes), has the van on exactly the days a
    route visits the shop, keeps opening + delivered ready, and the shops' earnings add up to
    the plan's hub fees and handling."""
    scenario = small_scenario(
        seed=seed, n_customers=10, n_shops=4, days=14, n_hubs=2, horizon_days=horizon
    )
    result = plan(plan_inputs(scenario))
    volumes = {p.id: p.volume_liters for p in scenario.products}
    earned = 0.0
    for shop_id in result.candidate_shops:
        view = shop_view(result, shop_id, scenario)
        assert len(view.days) == len(result.days) == horizon
        for shown, day in zip(view.days, result.days, strict=True):
            planned = {
                s.product_id: s for s in day.stock if s.shop_id == shop_id and s.delivered_units
            }
            brought = {p.product_id: p for p in shown.products if p.delivered_units}
            assert {k: p.delivered_units for k, p in brought.items()} == {
                k: s.delivered_units for k, s in planned.items()
            }
            for product_id, line in brought.items():
                assert line.delivered_liters == pytest.approx(
                    line.delivered_units * volumes[product_id], abs=1e-3
                )
                assert line.keep_ready_units == pytest.approx(
                    planned[product_id].opening_units + planned[product_id].delivered_units
                )
            visited = any(
                v.kind == "replenish" and v.ref.id == shop_id
                for route in day.routes
                for v in route.visits
            )
            assert shown.van_comes == visited and shown.date == day.date.isoformat()
        earned += view.earnings.total
    assert result.costs is not None
    assert earned == pytest.approx(result.costs.hub_fees + result.costs.handling, abs=0.05)


def test_non_hub_view_says_why(planned: tuple[Scenario, Plan]) -> None:
    """A candidate shop that is not a hub is told so, with its own name and nothing to hold."""
    scenario, result = planned
    hubs = {hub.shop_id for hub in result.hubs}
    shop = next(s for s in scenario.shops if s.id not in hubs)
    view = shop_view(result, shop.id, scenario)
    assert (view.is_hub, view.reason, view.stock, view.van) == (False, NOT_A_HUB, [], None)
    assert view.earnings.total == 0 and not any(day.van_comes for day in view.days)
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
