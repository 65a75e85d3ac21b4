"""Independent components: the split keeps every customer and shop once, the totals stay valid."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, assume, given, note, settings

from pickup_net.location import (
    LocationProblem,
    combine,
    solve_components,
    solve_location,
    split_components,
)
from tests.location.conftest import brute_force, dense_costs, describe, small_problems

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _union(a: LocationProblem, b: LocationProblem) -> LocationProblem:
    """Two problems side by side as one, with no allowed pair between them."""
    cost = np.full((a.n_customers + b.n_customers, a.n_shops + b.n_shops), np.inf)
    cost[: a.n_customers, : a.n_shops] = dense_costs(a)
    cost[a.n_customers :, a.n_shops :] = dense_costs(b)
    fixed = [np.zeros(p.n_shops) if p.fixed_cost is None else p.fixed_cost for p in (a, b)]
    dims = max(a.demand.shape[1], b.demand.shape[1])

    def widen(x: np.ndarray, fill: float) -> np.ndarray:
        return np.hstack([x, np.full((x.shape[0], dims - x.shape[1]), fill)])

    return LocationProblem(
        customer_ids=[f"a{c}" for c in a.customer_ids] + [f"b{c}" for c in b.customer_ids],
        shop_ids=[f"a{s}" for s in a.shop_ids] + [f"b{s}" for s in b.shop_ids],
        demand=np.vstack([widen(a.demand, 0.0), widen(b.demand, 0.0)]),
        capacity=np.vstack([widen(a.capacity, np.inf), widen(b.capacity, np.inf)]),
        assign_cost=cost,
        home_cost=np.r_[a.home_cost, b.home_cost],
        fixed_cost=np.r_[fixed[0], fixed[1]],
        force_open=frozenset(f"a{s}" for s in a.force_open)
        | frozenset(f"b{s}" for s in b.force_open),
        force_closed=frozenset(f"a{s}" for s in a.force_closed)
        | frozenset(f"b{s}" for s in b.force_closed),
    )


@FAST
@given(small_problems(), small_problems())
def test_components_bound_never_above_optimum(a: LocationProblem, b: LocationProblem) -> None:
    """Summed bound <= summed brute-force optimum <= summed objective; each id in one part."""
    assume(a.n_hubs is None and b.n_hubs is None)
    optimum = brute_force(a) + brute_force(b)
    assume(np.isfinite(optimum))
    whole = _union(a, b)
    note(describe(whole))
    parts = split_components(whole)
    customers = [c for p in parts for c in p.customer_ids]
    shops = [s for p in parts for s in p.shop_ids]
    assert sorted(customers) == sorted(whole.customer_ids)
    assert sorted(shops) == sorted(whole.shop_ids)
    total = solve_components(parts, time_limit_s=10.0)
    assert total.lower_bound <= optimum + 1e-6
    assert total.objective >= optimum - 1e-6
    assert total.lower_bound <= total.objective + 1e-9
    assert total.proven_optimal
    assert total.objective == pytest.approx(optimum)


def test_split_finds_blocks_of_a_sparse_problem() -> None:
    """A block-diagonal CSR splits into its blocks; an unreachable customer joins the largest."""
    cost = sp.csr_array(
        (
            np.array([1.0, 2.0, 3.0, 1.0, 4.0]),
            (np.array([0, 1, 1, 2, 3]), np.array([0, 0, 1, 2, 2])),
        ),
        shape=(5, 4),
    )
    problem = LocationProblem(
        customer_ids=["c0", "c1", "c2", "c3", "c4"],
        shop_ids=["s0", "s1", "s2", "s3"],
        demand=np.ones(5),
        capacity=np.full(4, 10.0),
        assign_cost=cost,
        home_cost=np.full(5, 9.0),
        fixed_cost=np.full(4, 2.0),
        force_closed=frozenset({"s3"}),
    )
    parts = split_components(problem)
    groups = sorted((sorted(p.customer_ids), sorted(p.shop_ids)) for p in parts)
    assert groups == [
        (["c0", "c1", "c4"], ["s0", "s1", "s3"]),
        (["c2", "c3"], ["s2"]),
    ]
    closed = [p.force_closed for p in parts if "s3" in p.shop_ids]
    assert closed == [frozenset({"s3"})]


def test_components_total_equals_whole_solve() -> None:
    """Solving the parts gives the same proven optimum as solving the whole problem."""
    rng = np.random.default_rng(3)
    blocks = [rng.integers(1, 20, size=(6, 3)).astype(float) for _ in range(3)]
    cost = sp.block_diag(blocks, format="csr")
    problem = LocationProblem(
        customer_ids=[f"c{i}" for i in range(18)],
        shop_ids=[f"s{j}" for j in range(9)],
        demand=rng.integers(1, 4, size=18).astype(float),
        capacity=np.full(9, 6.0),
        assign_cost=cost,
        home_cost=np.full(18, 25.0),
        fixed_cost=np.full(9, 8.0),
    )
    parts = split_components(problem)
    assert len(parts) == 3
    total = solve_components(parts, time_limit_s=20.0)
    whole = solve_location(problem, time_limit_s=20.0)
    assert total.proven_optimal and whole.proven_optimal
    assert total.objective == pytest.approx(whole.objective)
    assert total.gap == 0.0


def test_hub_count_keeps_problem_whole() -> None:
    """With n_hubs the shops are coupled, so the problem is not split."""
    cost = np.array([[1.0, np.inf], [np.inf, 1.0]])
    problem = LocationProblem(
        customer_ids=["c0", "c1"],
        shop_ids=["s0", "s1"],
        demand=np.ones(2),
        capacity=np.full(2, np.inf),
        assign_cost=cost,
        home_cost=np.full(2, 5.0),
        n_hubs=1,
    )
    assert split_components(problem) == [problem]


def _one_pair() -> LocationProblem:
    """One customer, one shop, one allowed pair."""
    return LocationProblem(
        customer_ids=["c0"],
        shop_ids=["s0"],
        demand=np.ones(1),
        capacity=np.ones(1),
        assign_cost=np.ones((1, 1)),
        home_cost=np.full(1, 5.0),
        fixed_cost=np.ones(1),
    )


def test_shared_ids_refused() -> None:
    """Components that share a customer id are refused, naming the field."""
    problem = _one_pair()
    with pytest.raises(ValueError, match=r"problems\[1\]\.customer_ids"):
        solve_components([problem, problem], time_limit_s=1.0)


def test_combine_gap_is_on_the_total() -> None:
    """The combined gap is (sum objective - sum bound) / sum objective, not a mean of gaps."""
    problem = _one_pair()
    result = solve_location(problem, time_limit_s=1.0)
    loose = type(result)(
        **{**vars(result), "lower_bound": 1.0, "gap": 0.5, "proven_optimal": False}
    )
    total = combine([result, loose])
    assert total.objective == pytest.approx(4.0)
    assert total.lower_bound == pytest.approx(3.0)
    assert total.gap == pytest.approx(0.25)
    assert not total.proven_optimal
