"""Shops closed on the plan date never become hubs, and the plan says so."""

from builders import small_scenario
from plan_checks import check_plan

from pickup_net.planning import plan, plan_inputs


def test_shops_that_are_always_closed_are_not_hubs_and_a_warning_names_them() -> None:
    """With every candidate `off` but one, only that one can be a hub, even if forced open."""
    base = small_scenario(7, n_customers=25, n_shops=4, hub_fixed_cost=0.0)
    shops = [
        shop.model_copy(update={"opening_hours": "off" if i else "Mo-Su 08:00-20:00"})
        for i, shop in enumerate(base.shops)
    ]
    params = base.parameters.model_copy(update={"open_shops": [shops[1].id]})
    scenario = base.model_copy(update={"shops": shops, "parameters": params})
    result = plan(plan_inputs(scenario))
    assert {hub.shop_id for hub in result.hubs} <= {shops[0].id}
    assert any("closed on" in w and shops[1].id in w for w in result.warnings)
    check_plan(scenario, result)
