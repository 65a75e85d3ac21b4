"""The shared fleet and the walking components of a split: vans never copied, pairs kept whole."""

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pickup_net.domain import Scenario
from pickup_net.network.projection import haversine_m
from pickup_net.scale import split_city


def _with_fleet(city: Scenario, counts: dict[str, int], max_walk_m: float = 600.0) -> Scenario:
    """`city` with its vehicle types' counts replaced (types missing from `counts` dropped)."""
    fleet = [v.model_copy(update={"count": counts[v.id]}) for v in city.vehicle_types
             if counts.get(v.id)]  # fmt: skip
    params = city.parameters.model_copy(update={"max_walk_m": max_walk_m})
    return city.model_copy(update={"vehicle_types": fleet, "parameters": params})


@given(
    n_districts=st.integers(1, 6),
    vans=st.lists(st.integers(0, 5), min_size=4, max_size=4).filter(lambda v: sum(v) > 0),
    seed=st.integers(0, 1_000),
)
@settings(max_examples=20, deadline=None)
def test_districts_hold_exactly_the_fleet(
    small_city: Scenario, n_districts: int, vans: list[int], seed: int
) -> None:
    """Per vehicle type the districts' vans add up to the fleet's, every district has a van, and
    the city van numbers they map to are distinct and within the fleet."""
    types = [v.id for v in small_city.vehicle_types]
    city = _with_fleet(small_city, dict(zip(types, vans, strict=True)))
    split = split_city(city, n_districts, seed=seed)
    held: Counter[str] = Counter()
    numbers: dict[str, list[int]] = {}
    for district in split.districts:
        assert sum(v.count for v in district.scenario.vehicle_types) >= 1
        for vehicle in district.scenario.vehicle_types:
            held[vehicle.id] += vehicle.count
            first = district.first_van[vehicle.id]
            numbers.setdefault(vehicle.id, []).extend(range(first + 1, first + vehicle.count + 1))
    assert held == Counter({v.id: v.count for v in city.vehicle_types})
    for vehicle in city.vehicle_types:
        assert sorted(numbers[vehicle.id]) == list(range(1, vehicle.count + 1))


def test_one_van_makes_one_district(small_city: Scenario) -> None:
    """With a single van in the city, three districts asked for become one that holds it."""
    city = _with_fleet(small_city, {small_city.vehicle_types[1].id: 1})
    split = split_city(city, 3)
    assert len(split.districts) == 1
    assert [v.count for v in split.districts[0].scenario.vehicle_types] == [1]


@given(seed=st.integers(0, 1_000), n_districts=st.integers(2, 5))
@settings(max_examples=10, deadline=None)
def test_small_walking_components_are_never_cut(
    small_city: Scenario, seed: int, n_districts: int
) -> None:
    """At a short walking reach every component stays whole: no customer is in another district
    than a candidate shop within reach (the split costs the location model nothing)."""
    city = _with_fleet(small_city, {v.id: v.count for v in small_city.vehicle_types}, 150.0)
    split = split_city(city, n_districts, seed=seed)
    assert split.walking["largest_component"] < 2 * 200 / n_districts
    assert split.walking["cut_pairs"] == 0
    district_of_shop = {s: d.id for d in split.districts for s in d.shop_ids}
    district_of_customer = {c: d.id for d in split.districts for c in d.customer_ids}
    shops = [s for s in city.shops if s.is_candidate]
    shop_ll = np.array([[s.lon, s.lat] for s in shops])
    for order in city.orders:
        here = np.repeat([[order.lon, order.lat]], len(shops), axis=0)
        near = haversine_m(here, shop_ll) < 150.0 * 0.99
        for shop in np.flatnonzero(near):
            assert district_of_shop[shops[shop].id] == district_of_customer[order.customer_id]
