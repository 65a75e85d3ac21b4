"""A fixed network (every candidate shop forced open or closed, as a city gives its districts):
one location round routed with the full limit, no greedy routing of its own, the forced hubs."""

import pytest
from builders import small_scenario
from plan_checks import check_baselines, check_plan

from pickup_net.planning import plan, plan_inputs


def test_a_fixed_network_is_planned_in_one_round_with_its_forced_hubs() -> None:
    """Two shops forced open and the rest closed: those two are the hubs, one round is priced with
    the plan's routing limit, and the greedy baseline is the method's own routing."""
    base = small_scenario(5, n_customers=30, n_shops=5, hub_fixed_cost=0.0)
    ids = [shop.id for shop in base.shops if shop.is_candidate]
    params = base.parameters.model_copy(
        update={"open_shops": ids[:2], "closed_shops": ids[2:], "search_work": 300}
    )
    scenario = base.model_copy(update={"parameters": params})
    result = plan(plan_inputs(scenario))
    location = result.stages["location"].details
    assert sorted(h.shop_id for h in result.hubs) == sorted(ids[:2])
    assert len(location["rounds"]) == 1
    assert location["stopped"].startswith("the network is fixed")
    days_s = result.stages["routing"].details["horizon_time_limits_s"]
    assert location["method_routing_limit_s"] == pytest.approx(sum(days_s), abs=0.01)
    greedy = next(b for b in result.baselines if b.name == "greedy")
    assert greedy.total_cost == location["method_result"]["total_cost"]
    assert "network is fixed" in greedy.note
    check_plan(scenario, result)
    check_baselines(scenario, result)


def test_all_home_fallback_drops_forced_hubs_that_route_dearer() -> None:
    """Forced hubs at a prohibitive fee: kept without `all_home_fallback`, dropped with it (the
    plan serves everyone at home and says why)."""
    base = small_scenario(5, n_customers=30, n_shops=5, hub_fixed_cost=1e7)
    ids = [shop.id for shop in base.shops if shop.is_candidate]
    fixed = {"open_shops": ids[:2], "closed_shops": ids[2:], "search_work": 300}
    forced = base.model_copy(update={"parameters": base.parameters.model_copy(update=fixed)})
    kept = plan(plan_inputs(forced))
    assert sorted(h.shop_id for h in kept.hubs) == sorted(ids[:2])
    fallback = {**fixed, "all_home_fallback": True}
    scenario = base.model_copy(update={"parameters": base.parameters.model_copy(update=fallback)})
    result = plan(plan_inputs(scenario))
    assert result.hubs == []
    assert result.stages["location"].details["chosen"] == "all_home"
    assert result.kpis.total_cost < kept.kpis.total_cost
    check_plan(scenario, result)
