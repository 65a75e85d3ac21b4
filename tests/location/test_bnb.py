"""The Lagrangian tree search alone: started with nothing fixed, it must prove the optimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pickup_net.location import LocationProblem
from pickup_net.location._instance import compile_problem
from pickup_net.location.assign import assign
from pickup_net.location.bnb import branch_and_bound
from pickup_net.location.limit import SearchLimit
from pickup_net.location.mip import solve_reduced_mip
from tests.location.conftest import brute_force, small_problems


@st.composite
def gap_prone_medians(draw: st.DrawFn) -> LocationProblem:
    """Uncapacitated p-median with random (non-metric) costs: LP gaps that need branching."""
    n = draw(st.integers(6, 12))
    m = draw(st.integers(4, 9))
    flat = draw(st.lists(st.integers(0, 40), min_size=n * m, max_size=n * m))
    p = draw(st.integers(2, m - 1))
    ids = [f"s{j}" for j in range(m)]
    return LocationProblem(
        customer_ids=[f"c{i}" for i in range(n)],
        shop_ids=ids,
        demand=np.ones(n),
        capacity=np.full(m, np.inf),
        assign_cost=np.array(flat, float).reshape(n, m),
        home_cost=np.full(n, np.inf),
        n_hubs=p,
    )


def _median_optimum(problem: LocationProblem) -> float:
    """Best p-median cost by enumerating every open set."""
    cost = problem.assign_cost
    return min(
        cost[:, list(chosen)].min(axis=1).sum()
        for chosen in itertools.combinations(range(problem.n_shops), problem.n_hubs)
    )


def _search(problem: LocationProblem) -> tuple[bool, float]:
    """Run the tree from the root with a worst-case incumbent; return (finished, best cost)."""
    inst = compile_problem(problem)
    best = [np.inf]

    def offer(is_open: np.ndarray, seed: np.ndarray | None = None) -> float:
        best[0] = min(best[0], assign(inst, is_open)[1])
        return best[0]

    def settle(is_open: np.ndarray) -> bool:
        if not inst.capacitated:
            offer(is_open)
            return True
        exact = solve_reduced_mip(inst, is_open, ~is_open, 10.0)
        if exact.is_open is not None:
            best[0] = min(best[0], exact.objective)
        return exact.optimal or exact.infeasible

    start = np.full(inst.n, 0.0)
    outcome = branch_and_bound(
        inst,
        inst.forced_open.copy(),
        inst.forced_closed.copy(),
        start,
        lambda: min(best[0], 1e6),
        offer,
        settle,
        SearchLimit(30.0),
        -np.inf,
    )
    return outcome.finished, best[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gap_prone_medians())
def test_tree_proves_p_median_optimum(problem: LocationProblem) -> None:
    """On random-cost p-medians the tree finishes and its best open set is optimal."""
    finished, found = _search(problem)
    assert finished
    assert found == pytest.approx(_median_optimum(problem))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_tree_proves_general_optimum(problem: LocationProblem) -> None:
    """With capacities, home delivery and forced shops the tree reaches the brute-force optimum."""
    optimum = brute_force(problem)
    finished, found = _search(problem)
    assert finished
    if np.isfinite(optimum):
        assert found == pytest.approx(optimum)
    else:
        assert np.isinf(found)
