"""Small random location problems (hypothesis) and a brute-force oracle for them."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st

from pickup_net.location import LocationProblem, LocationResult


@st.composite
def small_problems(draw: st.DrawFn, capacitated: bool | None = None) -> LocationProblem:
    """A problem with up to 5 customers and 4 shops: walking limits, home costs, forced shops."""
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 4))
    n_dims = draw(st.integers(1, 2))
    ints = st.integers(0, 30)
    cost = np.array(draw(st.lists(ints, min_size=n * m, max_size=n * m)), float).reshape(n, m)
    reach = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))).reshape(n, m)
    cost[~reach] = np.inf
    home_choices = st.sampled_from([5.0, 20.0, 40.0, np.inf])
    home = np.array(draw(st.lists(home_choices, min_size=n, max_size=n)))
    sizes = st.lists(st.integers(0, 4), min_size=n * n_dims, max_size=n * n_dims)
    demand = np.array(draw(sizes), float).reshape(n, n_dims)
    is_capacitated = draw(st.booleans()) if capacitated is None else capacitated
    if is_capacitated:
        caps = draw(st.lists(st.integers(1, 8), min_size=m * n_dims, max_size=m * n_dims))
        capacity = np.array(caps, float).reshape(m, n_dims)
    else:
        capacity = np.full((m, n_dims), np.inf)
    shop_ids = [f"s{j}" for j in range(m)]
    kinds = st.sampled_from(["free", "free", "open", "closed"])
    states = draw(st.lists(kinds, min_size=m, max_size=m))
    force_open = frozenset(s for s, x in zip(shop_ids, states, strict=True) if x == "open")
    force_closed = frozenset(s for s, x in zip(shop_ids, states, strict=True) if x == "closed")
    available = m - len(force_closed)
    use_p = draw(st.booleans()) and available >= max(1, len(force_open))
    n_hubs = draw(st.integers(max(1, len(force_open)), available)) if use_p else None
    fixed = None
    if n_hubs is None:
        fixed = np.array(draw(st.lists(st.integers(0, 20), min_size=m, max_size=m)), float)
    closed_mask = np.array([x == "closed" for x in states])
    stuck = ~np.isfinite(cost[:, ~closed_mask]).any(axis=1) & np.isinf(home)
    home[stuck] = 60.0
    return LocationProblem(
        customer_ids=[f"c{i}" for i in range(n)],
        shop_ids=shop_ids,
        demand=demand,
        capacity=capacity,
        assign_cost=cost,
        home_cost=home,
        fixed_cost=fixed,
        n_hubs=n_hubs,
        force_open=force_open,
        force_closed=force_closed,
    )


def brute_force(problem: LocationProblem) -> float:
    """Optimal objective by enumerating every single-sourcing assignment (inf if infeasible)."""
    n, m = problem.n_customers, problem.n_shops
    cost = dense_costs(problem)
    options = np.column_stack([cost, problem.home_cost])  # column m = home
    fixed = np.zeros(m) if problem.fixed_cost is None else problem.fixed_cost
    closed = np.array([s in problem.force_closed for s in problem.shop_ids])
    forced = np.array([s in problem.force_open for s in problem.shop_ids])
    best = np.inf
    for choice in itertools.product(range(m + 1), repeat=n):
        pick = np.array(choice)
        total = options[np.arange(n), pick].sum()
        if not np.isfinite(total):
            continue
        used = np.zeros(m, dtype=bool)
        used[pick[pick < m]] = True
        if (used & closed).any():
            continue
        load = np.zeros_like(problem.capacity)
        np.add.at(load, pick[pick < m], problem.demand[pick < m])
        if (load > problem.capacity + 1e-9).any():
            continue
        is_open = used | forced
        if problem.n_hubs is not None:
            extra = problem.n_hubs - int(is_open.sum())
            if extra < 0:
                continue
            spare = np.flatnonzero(~is_open & ~closed)
            if spare.size < extra:
                continue
            is_open[spare[np.argsort(fixed[spare])[:extra]]] = True
        best = min(best, total + fixed[is_open].sum())
    return best


def dense_costs(problem: LocationProblem) -> np.ndarray:
    """The assignment costs as a dense array, inf where a pair is not allowed."""
    if isinstance(problem.assign_cost, np.ndarray):
        return problem.assign_cost
    dense = np.full((problem.n_customers, problem.n_shops), np.inf)
    coo = problem.assign_cost.tocoo()
    dense[coo.row, coo.col] = coo.data
    return dense


def recompute_objective(problem: LocationProblem, result: LocationResult) -> float:
    """Objective of a result's open shops and assignment, from the problem's own arrays."""
    index = {s: j for j, s in enumerate(problem.shop_ids)}
    fixed = np.zeros(problem.n_shops) if problem.fixed_cost is None else problem.fixed_cost
    total = sum(fixed[index[s]] for s in result.open_shops)
    cost = dense_costs(problem)
    for i, cid in enumerate(problem.customer_ids):
        shop = result.assignment[cid]
        total += problem.home_cost[i] if shop is None else cost[i, index[shop]]
    return float(total)


def describe(problem: LocationProblem) -> str:
    """Readable dump of a problem's arrays for hypothesis failure reports."""
    fields = ["demand", "capacity", "assign_cost", "home_cost", "fixed_cost", "n_hubs"]
    parts = [f"{name}={getattr(problem, name)!r}" for name in fields]
    parts += [
        f"force_open={sorted(problem.force_open)}",
        f"force_closed={sorted(problem.force_closed)}",
    ]
    return "\n".join(parts)
