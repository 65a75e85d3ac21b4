"""Independent components of a location problem: split, solve each, one bound and gap for all.

Customers and shops that share no allowed pair cannot influence each other (without a hub count),
so the optimum of the whole is the sum of the components' optima and the sum of their proven lower
bounds is a proven lower bound of the whole. ``split_components`` cuts a problem at those seams,
``combine`` turns per-component results into the totals, ``solve_components`` does both in turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from pickup_net.location.problem import LocationProblem
from pickup_net.location.result import LocationResult
from pickup_net.location.solve import solve_location


@dataclass(frozen=True)
class ComponentsResult:
    """Totals over independent components: objective, a valid bound, the gap on the total.

    Attributes
    ----------
    objective
        Sum of the components' objectives.
    lower_bound
        Sum of the components' proven lower bounds (a proven bound on the whole problem).
    gap
        ``(objective - lower_bound) / max(|objective|, 1e-9)``.
    proven_optimal
        Whether every component is proven optimal.
    results
        The per-component results, in the order of the components given.
    """

    objective: float
    lower_bound: float
    gap: float
    proven_optimal: bool
    results: list[LocationResult]


def split_components(problem: LocationProblem) -> list[LocationProblem]:
    """Connected components of the allowed (customer, shop) pairs, as problems of their own.

    Customers without any allowed shop and shops without any customer join the largest component
    (they interact with nothing). A problem with ``n_hubs`` set couples all shops and is returned
    whole.
    """
    if problem.n_hubs is not None:
        return [problem]
    n = problem.n_customers
    pairs = _allowed_pairs(problem)
    graph = sp.bmat([[None, pairs], [pairs.T, None]], format="csr", dtype=np.int8)
    count, label = connected_components(graph, directed=False)
    customer_label, shop_label = label[:n], label[n:]
    with_both = np.intersect1d(customer_label, shop_label)
    if with_both.size == 0:
        return [problem]
    sizes = np.bincount(label, minlength=count)
    largest = with_both[np.argmax(sizes[with_both])]
    lonely = ~np.isin(label, with_both)
    label = np.where(lonely, largest, label)
    customer_label, shop_label = label[:n], label[n:]
    return [_sub_problem(problem, customer_label == c, shop_label == c) for c in with_both]


def combine(results: Sequence[LocationResult]) -> ComponentsResult:
    """Totals of independent components' results: summed objective and bound, gap on the total."""
    objective = float(sum(r.objective for r in results))
    lower = float(sum(r.lower_bound for r in results))
    gap = max(0.0, (objective - lower) / max(abs(objective), 1e-9))
    proven = all(r.proven_optimal for r in results)
    return ComponentsResult(objective, lower, gap, proven, list(results))


def solve_components(
    problems: Sequence[LocationProblem],
    time_limit_s: float = 30.0,
    seed: int = 0,
    steps: int | None = None,
) -> ComponentsResult:
    """Solve independent components one after another and report the totals.

    Parameters
    ----------
    problems
        Components sharing no customer and no shop (e.g. from :func:`split_components`).
    time_limit_s
        Budget for all of them, shared out in proportion to each one's allowed pairs; time a
        component leaves unused goes to the ones after it.
    seed
        Seed passed to every component's solve.
    steps
        Deterministic work limit for all of them, shared out like the time.

    Returns
    -------
    ComponentsResult
        Total objective, total proven bound, gap on the total and the per-component results.

    Raises
    ------
    ValueError
        If two components share a customer or shop id, or a component is infeasible.
    """
    _check_disjoint(problems)
    weights = [max(1, _allowed_pairs(p).nnz) for p in problems]
    left_s, left_steps, left_weight = time_limit_s, steps, float(sum(weights))
    results = []
    for problem, weight in zip(problems, weights, strict=True):
        share = weight / left_weight
        part_steps = None if left_steps is None else round(share * left_steps)
        result = solve_location(
            problem, time_limit_s=max(share * left_s, 0.0), seed=seed, steps=part_steps
        )
        results.append(result)
        left_s -= result.seconds
        left_weight -= weight
        if left_steps is not None:
            left_steps = max(0, left_steps - result.steps)
    return combine(results)


def _allowed_pairs(problem: LocationProblem) -> sp.csr_array:
    """The allowed pairs as a boolean CSR (customers x shops)."""
    cost = problem.assign_cost
    if sp.issparse(cost):
        pattern = sp.csr_array(cost, copy=True)
        pattern.data = np.ones_like(pattern.data)
        return pattern.astype(bool)
    return sp.csr_array(np.isfinite(cost))


def _sub_problem(
    problem: LocationProblem, customers: np.ndarray, shops: np.ndarray
) -> LocationProblem:
    """The problem restricted to some customers and shops (ids, arrays and forced sets)."""
    rows, cols = np.flatnonzero(customers), np.flatnonzero(shops)
    cost = problem.assign_cost
    sub_cost = sp.csr_array(cost)[rows][:, cols] if sp.issparse(cost) else cost[np.ix_(rows, cols)]
    shop_ids = [problem.shop_ids[j] for j in cols]
    kept = set(shop_ids)
    return LocationProblem(
        customer_ids=[problem.customer_ids[i] for i in rows],
        shop_ids=shop_ids,
        demand=problem.demand[rows],
        capacity=problem.capacity[cols],
        assign_cost=sub_cost,
        home_cost=problem.home_cost[rows],
        fixed_cost=None if problem.fixed_cost is None else problem.fixed_cost[cols],
        force_open=problem.force_open & kept,
        force_closed=problem.force_closed & kept,
    )


def _check_disjoint(problems: Sequence[LocationProblem]) -> None:
    """Components must not share a customer id or a shop id."""
    for field in ("customer_ids", "shop_ids"):
        seen: set[str] = set()
        for k, problem in enumerate(problems):
            ids = set(getattr(problem, field))
            shared = sorted(seen & ids)
            if shared:
                raise ValueError(f"problems[{k}].{field}: {shared[:5]} also in another component")
            seen |= ids
