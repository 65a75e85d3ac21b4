"""District split: every customer and shop in exactly one district, border customers kept near."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pickup_net.domain import Scenario
from pickup_net.network.projection import haversine_m
from pickup_net.scale import apportion, split_city


@given(n_districts=st.integers(min_value=1, max_value=7), seed=st.integers(0, 1_000))
@settings(max_examples=15, deadline=None)
def test_split_partitions_customers_shops_and_orders(
    small_city: Scenario, n_districts: int, seed: int
) -> None:
    """Each customer, shop and order lands in exactly one district, each with a candidate shop."""
    split = split_city(small_city, n_districts, seed=seed)
    customers = [c for d in split.districts for c in d.customer_ids]
    shops = [s for d in split.districts for s in d.shop_ids]
    orders = [o.id for d in split.districts for o in d.scenario.orders]
    assert sorted(customers) == sorted({o.customer_id for o in small_city.orders})
    assert sorted(shops) == sorted(s.id for s in small_city.shops)
    assert sorted(orders) == sorted(o.id for o in small_city.orders)
    assert 1 <= len(split.districts) <= n_districts
    for district in split.districts:
        assert any(s.is_candidate for s in district.scenario.shops)
        assert sum(v.count for v in district.scenario.vehicle_types) >= 1
        own = set(district.customer_ids)
        assert {o.customer_id for o in district.scenario.orders} == own


@given(seed=st.integers(0, 1_000))
@settings(max_examples=10, deadline=None)
def test_customers_stay_with_their_nearest_walkable_shop(small_city: Scenario, seed: int) -> None:
    """A customer with a candidate shop in walking reach is in the district of the nearest one."""
    split = split_city(small_city, 4, seed=seed)
    district_of_shop = {s: d.id for d in split.districts for s in d.shop_ids}
    district_of_customer = {c: d.id for d in split.districts for c in d.customer_ids}
    shops = [s for s in small_city.shops if s.is_candidate]
    shop_ll = np.array([[s.lon, s.lat] for s in shops])
    seen: set[str] = set()
    for order in small_city.orders:
        if order.customer_id in seen:
            continue
        seen.add(order.customer_id)
        walk_m = haversine_m(np.repeat([[order.lon, order.lat]], len(shops), axis=0), shop_ll)
        first, second = np.argsort(walk_m)[:2]
        clear = walk_m[second] > walk_m[first] * 1.01  # no near-tie between projections
        if clear and walk_m[first] < small_city.parameters.max_walk_m * 0.99:
            expected = district_of_shop[shops[first].id]
            assert district_of_customer[order.customer_id] == expected


@given(
    total=st.integers(0, 200),
    shares=st.lists(st.floats(0.01, 100, allow_nan=False), min_size=1, max_size=12),
    minimum=st.integers(0, 2),
)
def test_apportion_sums_to_total_and_respects_minimum(
    total: int, shares: list[float], minimum: int
) -> None:
    """Parts sum to the total when it covers the minimums, and each part is near its share."""
    parts = apportion(total, np.array(shares), minimum)
    assert len(parts) == len(shares)
    assert all(p >= minimum for p in parts)
    if total >= minimum * len(shares):
        assert sum(parts) == total
        spare = total - minimum * len(shares)
        exact = np.array(shares) / sum(shares) * spare
        assert np.all(np.abs(np.array(parts) - minimum - exact) < 1.0 + 1e-9)
