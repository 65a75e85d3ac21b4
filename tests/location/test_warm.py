"""Large-problem pieces: knapsacks on threads, closing unpaid hubs, and a joined solution's
whole-model bound, checked against independent answers on small problems."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from pickup_net.location import LocationProblem, solve_location
from pickup_net.location._instance import compile_problem
from pickup_net.location.assign import HOME, assign
from pickup_net.location.drop import drop_unpaid
from pickup_net.location.lagrangian import _Knapsacks, _shop_blocks
from pickup_net.location.limit import SearchLimit
from pickup_net.location.warm import improve_and_bound
from tests.location.conftest import brute_force, describe, small_problems

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def fractional_problems(draw: st.DrawFn) -> LocationProblem:
    """Up to 40 customers and 6 shops with fractional demands in two dimensions (the fractional
    knapsack path), some of them weightless."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, m = draw(st.integers(1, 40)), draw(st.integers(1, 6))
    cost = rng.uniform(1, 100, (n, m)) * (rng.random((n, m)) < 0.7)
    demand = rng.uniform(0.1, 3.0, (n, 2)).round(3)
    demand[rng.random(n) < 0.1] = 0.0
    return LocationProblem(
        customer_ids=[f"c{i}" for i in range(n)],
        shop_ids=[f"s{j}" for j in range(m)],
        demand=demand,
        capacity=rng.uniform(0.5, 12.0, (m, 2)),
        assign_cost=sp.csr_array(cost),
        home_cost=np.full(n, 80.0),
        fixed_cost=rng.uniform(0, 60, m),
    )


def knapsack_lp(inst, reduced: np.ndarray, shop: int, k: int) -> float:
    """Shop's knapsack LP optimum in dimension k by scipy: its customers at reduced cost."""
    e = np.flatnonzero((inst.shop == shop) & (reduced < 0))
    if e.size == 0:
        return 0.0
    weights = [inst.demand[inst.row[e], k]]
    lp = linprog(reduced[e], A_ub=weights, b_ub=[inst.capacity[shop, k]], bounds=(0, 1))
    return float(lp.fun)


@FAST
@given(fractional_problems(), st.floats(0, 120))
def test_fractional_knapsacks_are_lp_optima_on_any_number_of_threads(
    problem: LocationProblem, level: float
) -> None:
    """Each binding shop's value is its tightest knapsack LP optimum over the dimensions, and
    the shops split over threads give the values of one block."""
    inst = compile_problem(problem)
    assume(inst.binding.any())
    reduced = inst.cost - level
    knap = _Knapsacks(inst)
    assert not any(knap.exact.values())
    knap.blocks = [knap.binding_pair]
    alone, _ = knap.shop_values(reduced)
    knap.blocks = _shop_blocks(inst, knap.binding_pair, threads=3, min_pairs=0)
    split, _ = knap.shop_values(reduced)
    np.testing.assert_allclose(split, alone, rtol=1e-9, atol=1e-9)
    for j in np.flatnonzero(inst.binding):
        best = max(knapsack_lp(inst, reduced, j, k) for k in knap.dims)
        assert alone[j] == pytest.approx(best, rel=1e-6, abs=1e-6)


def priced(inst, is_open: np.ndarray, hub: np.ndarray) -> float:
    """A solution's cost recomputed from scratch (fees, walks, homes), checking its limits."""
    used = np.zeros_like(inst.capacity)
    total = float(inst.fixed[is_open].sum())
    for i in range(inst.n):
        if hub[i] == HOME:
            total += inst.home[i]
            continue
        assert is_open[hub[i]]
        pair = np.flatnonzero((inst.row == i) & (inst.shop == hub[i]))
        total += float(inst.cost[pair[0]])
        used[hub[i]] += inst.demand[i]
    assert (used <= inst.capacity + 1e-9).all()
    return total


@FAST
@given(small_problems(capacitated=True), st.data())
def test_closing_unpaid_hubs_never_costs_more(
    problem: LocationProblem, data: st.DataObject
) -> None:
    """From any feasible open set, closing unpaid hubs keeps the forced ones, stays feasible,
    costs no more, and reports the cost its assignment recomputes to."""
    assume(problem.n_hubs is None)
    note(describe(problem))
    inst = compile_problem(problem)
    free = np.flatnonzero(~inst.forced_closed)
    chosen = data.draw(st.sets(st.sampled_from(list(free)))) if free.size else set()
    is_open = inst.forced_open.copy()
    is_open[list(chosen)] = True
    hub, objective = assign(inst, is_open)
    assume(np.isfinite(objective))
    kept, new_hub, new_objective = drop_unpaid(inst, is_open, hub, objective, SearchLimit(10, 50))
    assert new_objective <= objective + 1e-9
    assert (kept[inst.forced_open]).all() and not (kept & ~is_open).any()
    assert new_objective == pytest.approx(priced(inst, kept, new_hub), rel=1e-9, abs=1e-9)


@FAST
@given(small_problems(capacitated=True), st.integers(0, 8))
def test_whole_model_bound_brackets_the_optimum(problem: LocationProblem, work: int) -> None:
    """A solution improved and bounded as a whole: bound at most the brute-force optimum, cost
    at least it and at most the start's, and the cost its assignment recomputes to."""
    assume(problem.n_hubs is None)
    note(describe(problem))
    try:
        start = solve_location(problem, time_limit_s=5, steps=work)
    except ValueError:  # no feasible solution: nothing to improve
        assume(False)
    result = improve_and_bound(problem, start.open_shops, start.assignment, 5.0, steps=40)
    optimum = brute_force(problem)
    assert result.lower_bound <= optimum + 1e-6
    assert optimum <= result.objective + 1e-6
    assert result.objective <= start.objective + 1e-9
    inst = compile_problem(problem)
    index = {s: j for j, s in enumerate(problem.shop_ids)}
    is_open = np.isin(np.arange(inst.m), [index[s] for s in result.open_shops])
    hub = np.array([HOME if result.assignment[c] is None else index[result.assignment[c]]
                    for c in problem.customer_ids])  # fmt: skip
    assert result.objective == pytest.approx(priced(inst, is_open, hub), rel=1e-9, abs=1e-9)
