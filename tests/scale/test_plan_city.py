"""A generated city planned as districts on a LocalCluster: every customer served exactly once."""

from collections import Counter

import pytest
from distributed import Client

from pickup_net.domain import Scenario
from pickup_net.scale import plan_city


@pytest.fixture(scope="module")
def hub_city(small_city: Scenario) -> Scenario:
    """The small city with four hubs asked for (shared out, at least one per district): at its
    density serving everyone at home is cheaper, so a plan left to choose opens none."""
    params = small_city.parameters.model_copy(update={"n_hubs": 4})
    return small_city.model_copy(update={"parameters": params})


def test_city_plan_serves_every_customer_exactly_once(
    hub_city: Scenario, thread_client: Client
) -> None:
    """Districts (at most three) planned in parallel join into one plan covering each customer
    once, each district's end reported."""
    done: list[tuple[str, int, int]] = []
    plan = plan_city(hub_city, 3, client=thread_client, on_district=lambda *a: done.append(a))

    city_customers = {o.customer_id for o in hub_city.orders}
    served = Counter(c.customer_id for c in plan.customers)
    assert set(served) == city_customers
    assert max(served.values()) == 1
    assert plan.kpis.customers == len(city_customers)
    districts = plan.stages["districts"].details["districts"]
    assert 1 <= len(districts) <= 3
    assert sorted(n for _, n, _ in done) == list(range(1, len(districts) + 1))

    assert plan.kpis.hubs_opened >= 2
    hub_ids = [h.shop_id for h in plan.hubs]
    assert len(hub_ids) == len(set(hub_ids))
    for customer in plan.customers:
        if customer.mode == "pickup":
            assert customer.hub_id in hub_ids
    hub_customers = Counter(c for h in plan.hubs for c in h.customers)
    assert max(hub_customers.values(), default=1) == 1
    vehicle_ids = [r.vehicle_id for r in plan.routes]
    assert len(vehicle_ids) == len(set(vehicle_ids))

    assert sum(d["customers"] for d in districts.values()) == len(city_customers)
    location = plan.stages["location"]
    assert set(location.details["districts"]) == set(districts)
    for figures in location.details["districts"].values():
        assert (
            figures["lower_bound"] is None or figures["lower_bound"] <= figures["objective"] + 1e-6
        )
