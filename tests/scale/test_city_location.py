"""The city's one location model: stacked from area parts without losing a pair, bounded below
its exact optimum, and its hubs routed by the districts of a joined plan that passes the checks."""

from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from distributed import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_checks import check_plan
from scipy.optimize import Bounds, LinearConstraint, milp

from pickup_net.domain import Plan, Scenario
from pickup_net.location import LocationProblem
from pickup_net.location.components import split_components
from pickup_net.scale import city_location as city_location_module
from pickup_net.scale import plan_city, split_city
from pickup_net.scale.city_join import join_areas
from pickup_net.scale.city_location import (
    city_location,
    city_parts,
    city_problem,
    solve_components_on,
    stack,
)


@st.composite
def area_parts(draw: st.DrawFn) -> list[LocationProblem]:
    """Two to four dense parts with disjoint customers over overlapping shops (inf: no pair)."""
    shops = [f"S{j}" for j in range(draw(st.integers(2, 6)))]
    fees = draw(st.lists(st.floats(0, 50), min_size=len(shops), max_size=len(shops)))
    parts, first = [], 0
    for _ in range(draw(st.integers(2, 4))):
        held = sorted(draw(st.sets(st.sampled_from(range(len(shops))), min_size=1)))
        n = draw(st.integers(1, 4))
        cost = np.array(
            draw(st.lists(st.one_of(st.just(np.inf), st.floats(0, 100)),
                          min_size=n * len(held), max_size=n * len(held)))
        ).reshape(n, len(held))  # fmt: skip
        parts.append(
            LocationProblem(
                customer_ids=[f"C{first + i}" for i in range(n)],
                shop_ids=[shops[j] for j in held],
                demand=np.ones(n),
                capacity=np.full(len(held), 10.0),
                assign_cost=sp.csr_array((cost[np.isfinite(cost)], np.nonzero(np.isfinite(cost))),
                                         shape=cost.shape),
                home_cost=np.full(n, 60.0),
                fixed_cost=np.array([fees[j] for j in held]),
            )
        )  # fmt: skip
        first += n
    return parts


@settings(max_examples=60, deadline=None)
@given(area_parts())
def test_stack_keeps_every_pair_and_its_cost(parts: list[LocationProblem]) -> None:
    """Every part's allowed pair is in the stacked city problem with its cost, and nothing else."""
    city = stack(parts, None)
    expected = {}
    for part in parts:
        cost = sp.coo_array(part.assign_cost)
        for i, j, c in zip(cost.row, cost.col, cost.data, strict=True):
            expected[(part.customer_ids[i], part.shop_ids[j])] = c
    got = sp.coo_array(city.assign_cost)
    found = {(city.customer_ids[i], city.shop_ids[j]): c
             for i, j, c in zip(got.row, got.col, got.data, strict=True)}  # fmt: skip
    assert found == expected
    assert city.customer_ids == [c for p in parts for c in p.customer_ids]
    assert len(set(city.shop_ids)) == len(city.shop_ids)
    fee = dict(zip(city.shop_ids, city.fixed_cost, strict=True))
    for part in parts:
        assert all(fee[s] == f for s, f in zip(part.shop_ids, part.fixed_cost, strict=True))


def exact_optimum(problem: LocationProblem) -> float:
    """The model's optimum by an independent MIP (scipy's HiGHS): open y, assign x, home z."""
    cost = sp.coo_array(problem.assign_cost)
    n, m, k = problem.n_customers, len(problem.shop_ids), len(cost.data)
    size = m + k + n  # y_j, x_p (pairs), z_i
    c = np.concatenate([problem.fixed_cost, cost.data, problem.home_cost])
    serve = sp.lil_array((n, size))
    for p, i in enumerate(cost.row):
        serve[i, m + p] = 1
    for i in range(n):
        serve[i, m + k + i] = 1
    link = sp.lil_array((k, size))
    for p, j in enumerate(cost.col):
        link[p, m + p], link[p, j] = 1, -1
    dims = problem.demand.shape[1]
    load = sp.lil_array((m * dims, size))
    for d in range(dims):
        for p, (i, j) in enumerate(zip(cost.row, cost.col, strict=True)):
            load[d * m + j, m + p] = problem.demand[i, d]
        for j in range(m):
            load[d * m + j, j] = -problem.capacity[j, d]
    result = milp(
        c,
        constraints=[LinearConstraint(serve.tocsr(), 1, 1), LinearConstraint(link.tocsr(), -1, 0),
                     LinearConstraint(load.tocsr(), -np.inf, 0)],
        integrality=np.ones(size), bounds=Bounds(0, 1),
    )  # fmt: skip
    assert result.success, result.message
    return float(result.fun)


def test_city_bound_is_never_above_the_exact_optimum(
    small_city: Scenario, thread_client: Client
) -> None:
    """On a city small enough for an exact MIP, the components' summed bound is at most the
    optimum and their summed objective at least it (short limits, so not proven every time)."""
    areas = split_city(small_city, 3).districts
    problem = city_problem(thread_client, small_city, areas, None)
    components = split_components(problem)
    totals = solve_components_on(thread_client, components, 0.2, small_city.parameters.seed, 20)
    optimum = exact_optimum(problem)
    assert totals.lower_bound <= optimum + 1e-6 * max(1.0, optimum)
    assert totals.objective >= optimum - 1e-6 * max(1.0, optimum)
    assert len(components) >= 2
    assert 0 < problem.n_customers <= len({o.customer_id for o in small_city.orders})


def test_areas_joined_and_bounded_whole_bracket_the_exact_optimum(
    small_city: Scenario, thread_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With long walks (border shops in several areas) and the component taken as too large,
    the city is solved as areas, joined and bounded on the whole model (a task on the client's
    worker): the bound is at most the exact optimum, and the city solution keeps every shop's
    limits, costs at least the optimum and no more than the areas' join."""
    monkeypatch.setattr(city_location_module, "WHOLE_PAIRS", 0)
    params = small_city.parameters.model_copy(update={"max_walk_m": 1_200.0})
    city = small_city.model_copy(update={"parameters": params})
    areas = split_city(city, 3).districts
    problem = city_problem(thread_client, city, areas, None)
    located = city_location(thread_client, city, areas, None, 10.0, 400)
    assert located.decomposition.startswith("areas joined")
    assert located.details()["whole_model"].startswith("joined parts")
    parts = city_parts(thread_client, city, areas, None)
    assert max(Counter(shop for part in parts for shop in part.shop_ids).values()) >= 2
    joined = join_areas(problem, located.solution.results)
    solution = located.solution
    optimum = exact_optimum(problem)
    assert solution.lower_bound <= optimum + 1e-6 * max(1.0, optimum)
    assert solution.objective >= optimum - 1e-6 * max(1.0, optimum)
    assert solution.objective <= joined.objective + 1e-6
    index = {c: i for i, c in enumerate(problem.customer_ids)}
    shop_index = {s: j for j, s in enumerate(problem.shop_ids)}
    used = np.zeros_like(problem.capacity)
    assert set(solution.assignment) == set(problem.customer_ids)
    for customer, shop in solution.assignment.items():
        if shop is not None:
            assert shop in solution.open_shops
            used[shop_index[shop]] += problem.demand[index[customer]]
    assert (used <= problem.capacity + 1e-9).all()


@pytest.fixture(scope="module")
def hub_city(small_city: Scenario) -> Scenario:
    """The small city with cheap hubs (so the city model opens several), a work limit, and a
    walking reach long enough that one walking component spans it (the districts cut it)."""
    params = small_city.parameters.model_copy(
        update={"hub_fixed_cost": 500, "search_work": 500, "max_walk_m": 1_200.0}
    )
    return small_city.model_copy(update={"parameters": params})


@pytest.fixture(scope="module")
def city_plan(hub_city: Scenario, thread_client: Client) -> Plan:
    """The city planned in three districts around its one location model."""
    return plan_city(hub_city, 3, client=thread_client)


def test_city_plan_reports_the_city_model(hub_city: Scenario, city_plan: Plan) -> None:
    """The location stage is the city model's: a city-wide bound at most the objective, and the
    districts cut walkable pairs that the city model keeps."""
    location = city_plan.stages["location"]
    assert location.details["bound_scope"] == "city"
    assert location.details["components"] >= 1
    assert location.lower_bound <= location.objective + 1e-6
    assert 0.0 <= location.gap <= 1.0
    assert city_plan.stages["districts"].details["walking"]["cut_pairs"] > 0
    assert location.details["all_home"]["all_home_total"] is not None


def test_districts_route_the_city_hubs_or_serve_all_at_home(city_plan: Plan) -> None:
    """Each district routes exactly the city model's hubs in it, or none where serving everyone
    at home routes cheaper, so the city never costs more than its all-home baseline."""
    location = city_plan.stages["location"].details
    assert location["hubs"]
    assert {h.shop_id for h in city_plan.hubs} <= set(location["hubs"])
    districts = city_plan.stages["districts"].details["districts"]
    opened = {h.shop_id for h in city_plan.hubs}
    for figures in districts.values():
        assert figures["hubs"] == 0 or figures["hubs"] == len(figures["city_hubs"])
        assert set(figures["city_hubs"]) <= opened or figures["hubs"] == 0
    assert location["all_home"]["plan_total"] <= location["all_home"]["all_home_total"] + 0.01


def test_city_plan_passes_the_plan_checks(hub_city: Scenario, city_plan: Plan) -> None:
    """Every stop once, loads, shifts and stock hold; no van type runs over its count; every
    customer and shop appears once."""
    check_plan(hub_city, city_plan)
    fleet = {v.id: v.count for v in hub_city.vehicle_types}
    for day in city_plan.days:
        vans = [r.vehicle_id for r in day.routes]
        assert len(vans) == len(set(vans))
        per_type = Counter(r.vehicle_type_id for r in day.routes)
        assert all(per_type[t] <= n for t, n in fleet.items())
    customers = Counter(c.customer_id for c in city_plan.customers)
    assert set(customers) == {o.customer_id for o in hub_city.orders}
    assert max(customers.values()) == 1
    districts = city_plan.stages["districts"].details["districts"]
    assert sum(d["shops"] for d in districts.values()) == len(hub_city.shops)
