"""Capacitated problems: pair bounds, early stops and OR-Library-like instances stay proven."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from pickup_net.location import LocationProblem, solve_location
from pickup_net.location._instance import compile_problem
from pickup_net.location.assign import HOME, assign
from pickup_net.location.lagrangian import lagrangian_bound
from pickup_net.location.limit import SearchLimit
from tests.location.conftest import brute_force, dense_costs, describe, small_problems

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _cheapest_options(problem: LocationProblem) -> np.ndarray:
    """Each customer's cheapest option (shop or home): the usual start multipliers."""
    return np.minimum(dense_costs(problem).min(axis=1), problem.home_cost)


@FAST
@given(small_problems(capacitated=True), st.integers(0, 60))
def test_pair_bounds_never_above_best_solution_using_the_pair(
    problem: LocationProblem, iterations: int
) -> None:
    """A pair's Lagrangian bound is at most the cheapest solution that assigns that pair."""
    note(describe(problem))
    inst = compile_problem(problem)
    start = np.where(np.isfinite(_cheapest_options(problem)), _cheapest_options(problem), 0.0)
    out = lagrangian_bound(
        inst,
        np.inf,
        start,
        SearchLimit(30.0, iterations),
        lambda *_: np.inf,
        want_pair_bounds=True,
    )
    assert out.pair_bounds is not None
    cost = dense_costs(problem)
    for e in range(inst.nnz):
        i, j = int(inst.row[e]), int(inst.shop[e])
        only = np.full_like(cost[i], np.inf)
        only[j] = cost[i, j]
        forced_cost = cost.copy()
        forced_cost[i] = only
        home = problem.home_cost.copy()
        home[i] = np.inf
        forced = dataclasses.replace(problem, assign_cost=forced_cost, home_cost=home)
        assert out.pair_bounds[e] <= brute_force(forced) + 1e-6


@FAST
@given(small_problems(capacitated=True), st.integers(1, 6))
def test_bound_valid_when_steps_stop_the_search(problem: LocationProblem, steps: int) -> None:
    """Stopped after a few steps, the bound is still at most the optimum and the objective."""
    note(describe(problem))
    optimum = brute_force(problem)
    assume(np.isfinite(optimum))
    result = solve_location(problem, time_limit_s=10.0, steps=steps)
    assert result.lower_bound <= optimum + 1e-6
    assert result.lower_bound <= result.objective + 1e-9
    assert result.objective >= optimum - 1e-6


def _orlib_like(seed: int, n: int, p: int) -> LocationProblem:
    """Capacitated p-median in the style of OR-Library pmedcap1 (Osman and Christofides):
    points in a 100 x 100 square, demands 1-20, floor of Euclidean costs, tight capacities."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 100, (n, 2))
    demand = rng.integers(1, 21, n).astype(float)
    cost = np.floor(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2)))
    capacity = float(np.ceil(demand.sum() / p / 0.85))
    ids = [str(v) for v in range(n)]
    return LocationProblem(
        customer_ids=ids,
        shop_ids=ids,
        demand=demand,
        capacity=np.full(n, capacity),
        assign_cost=cost,
        home_cost=np.full(n, np.inf),
        n_hubs=p,
    )


def test_orlib_like_capacitated_instances_are_proven() -> None:
    """Small pmedcap-style instances end proven optimal, every hub within its capacity."""
    for seed in range(3):
        problem = _orlib_like(seed, 30, 3)
        result = solve_location(problem, time_limit_s=60.0)
        assert result.proven_optimal, (seed, result.method)
        assert result.lower_bound == result.objective
        load: dict[str, float] = {}
        for i, cid in enumerate(problem.customer_ids):
            shop = result.assignment[cid]
            assert shop in result.open_shops
            load[shop] = load.get(shop, 0.0) + problem.demand[i, 0]
        assert max(load.values()) <= problem.capacity[0, 0]
        assert len(result.open_shops) == 3


def test_lagrangian_stops_when_its_bound_stalls() -> None:
    """With a stall window the subgradient run stops well before its iteration cap."""
    problem = _orlib_like(0, 30, 3)
    inst, start = compile_problem(problem), _cheapest_options(problem)
    upper = 1.05 * solve_location(problem, time_limit_s=60.0).objective
    free = lagrangian_bound(inst, upper, start, SearchLimit(60.0, 400), lambda *_: upper)
    stalled = lagrangian_bound(
        inst, upper, start, SearchLimit(60.0, 400), lambda *_: upper, stall_window=20
    )
    assert stalled.iterations < free.iterations
    assert stalled.raw_bound <= free.raw_bound + 1e-9


def test_rest_shares_what_is_left() -> None:
    """A counted limit's rest(share) gets that share of the steps not yet used."""
    limit = SearchLimit(60.0, 100)
    for _ in range(40):
        limit.go()
    assert limit.rest(0.5).steps == 30


@FAST
@given(small_problems(capacitated=True), st.data())
def test_seeded_assignment_is_feasible_and_never_worse_than_its_seed(
    problem: LocationProblem, data: st.DataObject
) -> None:
    """A seeded capacitated assignment respects capacities and costs no more than a full seed."""
    note(describe(problem))
    inst = compile_problem(problem)
    assume(inst.capacitated)
    is_open = np.array(data.draw(st.lists(st.booleans(), min_size=inst.m, max_size=inst.m)))
    seed = np.array(
        data.draw(st.lists(st.integers(HOME, inst.m - 1), min_size=inst.n, max_size=inst.n))
    )
    assignment, objective = assign(inst, is_open, seed)
    cost = dense_costs(problem)
    at_shop = assignment != HOME
    assert np.all(is_open[assignment[at_shop]])
    load = np.zeros_like(problem.capacity)
    np.add.at(load, assignment[at_shop], problem.demand[at_shop])
    assert np.all(load <= problem.capacity + 1e-9)
    paid = np.where(at_shop, cost[np.arange(inst.n), np.maximum(assignment, 0)], problem.home_cost)
    if np.isfinite(objective):
        assert objective == pytest.approx(paid.sum() + inst.fixed[is_open].sum())
    seed_load = np.zeros_like(problem.capacity)
    seeded = seed != HOME
    np.add.at(seed_load, seed[seeded], problem.demand[seeded])
    seed_paid = np.where(seeded, cost[np.arange(inst.n), np.maximum(seed, 0)], problem.home_cost)
    if np.all(is_open[seed[seeded]]) and np.all(seed_load <= problem.capacity):
        assert objective <= seed_paid.sum() + inst.fixed[is_open].sum() + 1e-6
