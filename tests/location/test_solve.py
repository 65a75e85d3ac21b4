"""solve_location against brute force on small generated problems, and its guarantees."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, note, settings

from pickup_net.location import LocationProblem, solve_location
from tests.location.conftest import (
    brute_force,
    dense_costs,
    describe,
    recompute_objective,
    small_problems,
)

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_feasible(problem: LocationProblem, result) -> None:
    """Every constraint of the problem holds in the result."""
    index = {s: j for j, s in enumerate(problem.shop_ids)}
    cost = dense_costs(problem)
    assert set(result.assignment) == set(problem.customer_ids)
    assert problem.force_open <= set(result.open_shops)
    assert not (problem.force_closed & set(result.open_shops))
    if problem.n_hubs is not None:
        assert len(result.open_shops) == problem.n_hubs
    load = np.zeros_like(problem.capacity)
    for i, cid in enumerate(problem.customer_ids):
        shop = result.assignment[cid]
        if shop is None:
            assert np.isfinite(problem.home_cost[i])
            assert cid in result.home_reasons
        else:
            assert shop in result.open_shops
            assert np.isfinite(cost[i, index[shop]])
            load[index[shop]] += problem.demand[i]
    assert np.all(load <= problem.capacity + 1e-9)


@FAST
@given(small_problems())
def test_matches_brute_force(problem: LocationProblem) -> None:
    """Proven optimum equals brute force; bound never exceeds it; solution is feasible."""
    note(describe(problem))
    optimum = brute_force(problem)
    if np.isinf(optimum):
        with pytest.raises(ValueError, match="capacity"):
            solve_location(problem, time_limit_s=10.0)
        return
    result = solve_location(problem, time_limit_s=10.0)
    _check_feasible(problem, result)
    assert result.objective == pytest.approx(recompute_objective(problem, result))
    assert result.lower_bound <= optimum + 1e-6
    assert result.objective >= optimum - 1e-6
    assert result.proven_optimal
    assert result.objective == pytest.approx(optimum)
    assert result.gap == pytest.approx(0.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_reduced_mip_finisher_matches_brute_force(problem: LocationProblem) -> None:
    """The HiGHS reduced-MIP finisher proves the same optimum as brute force."""
    optimum = brute_force(problem)
    if np.isinf(optimum):
        return
    result = solve_location(problem, time_limit_s=10.0, finisher="HIGHS")
    _check_feasible(problem, result)
    assert result.lower_bound <= optimum + 1e-6
    assert result.proven_optimal
    assert result.objective == pytest.approx(optimum)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_sparse_input_matches_dense(problem: LocationProblem) -> None:
    """A CSR of allowed pairs gives the same optimum as the dense array with inf."""
    if np.isinf(brute_force(problem)):
        return
    cost = problem.assign_cost
    rows, cols = np.nonzero(np.isfinite(cost))
    csr = sp.csr_array((cost[rows, cols], (rows, cols)), shape=cost.shape)
    sparse = LocationProblem(
        customer_ids=problem.customer_ids,
        shop_ids=problem.shop_ids,
        demand=problem.demand,
        capacity=problem.capacity,
        assign_cost=csr,
        home_cost=problem.home_cost,
        fixed_cost=problem.fixed_cost,
        n_hubs=problem.n_hubs,
        force_open=problem.force_open,
        force_closed=problem.force_closed,
    )
    dense_result = solve_location(problem, time_limit_s=10.0)
    sparse_result = solve_location(sparse, time_limit_s=10.0)
    _check_feasible(sparse, sparse_result)
    assert sparse_result.objective == pytest.approx(dense_result.objective)


def test_time_limit_returns_solution_with_gap() -> None:
    """A tiny time limit on a mid-size p-median still returns a feasible solution and bound."""
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 1000, size=(300, 2))
    cost = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))
    ids = [f"v{i}" for i in range(300)]
    problem = LocationProblem(
        customer_ids=ids,
        shop_ids=ids,
        demand=np.ones(300),
        capacity=np.full(300, np.inf),
        assign_cost=cost,
        home_cost=np.full(300, np.inf),
        n_hubs=7,
    )
    result = solve_location(problem, time_limit_s=0.05)
    _check_feasible(problem, result)
    assert len(result.open_shops) == 7
    assert np.isfinite(result.lower_bound)
    assert result.lower_bound <= result.objective
    assert 0.0 <= result.gap <= 1.0
    assert result.objective == pytest.approx(recompute_objective(problem, result))
