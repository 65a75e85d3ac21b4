"""Schedule MIP (HiGHS): new visit days and quantities, route costs estimated by insertion.

A visit already in the incumbent is priced at its removal saving, a new one at its cheapest
insertion into that period's routes (or a new out-and-back route while a van is free); at most
``changes`` visits may be added or dropped. Its answer is re-routed per period by PyVRP.
"""

from __future__ import annotations

import numpy as np

from pickup_net.inventory.highs import INF, MipModel, solve_mip
from pickup_net.inventory.mip import balance_rows, delivery_bounds, stock_columns
from pickup_net.inventory.problem import IRPProblem


def _marginal(dist: np.ndarray, tour: list[int], n: int) -> np.ndarray:
    """Cost of each customer in ``tour``: its removal saving, or its cheapest insertion."""
    customers = np.arange(1, n + 1)
    path = np.array([0, *tour, 0])
    out = (
        (
            dist[path[:-1, None], customers[None, :]]
            + dist[customers[None, :], path[1:, None]]
            - dist[path[:-1], path[1:]][:, None]
        )
        .min(axis=0)
        .astype(float)
    )
    for pos, c in enumerate(tour):
        a, b = path[pos], path[pos + 2]
        out[c - 1] = dist[a, c] + dist[c, b] - dist[a, b]
    return out


def visit_prices(
    dist: np.ndarray, tours: list[list[list[int]]], n: int, vehicles: int
) -> np.ndarray:
    """Estimated routing cost of visiting customer ``i`` (row ``i - 1``) in each period.

    The cheapest insertion into (or removal saving from) that period's routes; in a period with a
    free van also the out-and-back trip and the marginal cost in any route of the plan, as if a
    route like it were driven then.
    """
    customers = np.arange(1, n + 1)
    marginal = {
        (t, k): _marginal(dist, tour, n)
        for t, routes in enumerate(tours)
        for k, tour in enumerate(routes)
    }
    anywhere = np.min(list(marginal.values()), axis=0) if marginal else np.full(n, np.inf)
    trip = (dist[0, customers] + dist[customers, 0]).astype(float)
    prices = np.zeros((n, len(tours)))
    for t, routes in enumerate(tours):
        best = np.full(n, np.inf)
        if len(routes) < vehicles:
            best = np.minimum(trip, anywhere)
        for k in range(len(routes)):
            best = np.minimum(best, marginal[(t, k)])
        for k, tour in enumerate(routes):
            best[np.array(tour) - 1] = marginal[(t, k)][np.array(tour) - 1]
        prices[:, t] = best
    return prices


def propose_schedule(
    problem: IRPProblem,
    prices: np.ndarray,
    visited: np.ndarray,
    changes: int,
    time_limit_s: float,
    seed: int,
) -> np.ndarray | None:
    """Deliveries (customers × periods) of the cheapest schedule near ``visited``."""
    n, periods = problem.n, problem.periods
    ub = delivery_bounds(problem)
    y0, q0 = 0, n * periods
    inv0 = q0 + n * periods
    dep0 = inv0 + n * periods
    model = MipModel.empty(dep0 + periods)
    finite = np.where(np.isfinite(prices), prices, 0.0)
    model.cost[y0:q0] = finite.ravel()
    model.upper[y0:q0] = np.where(np.isfinite(prices), 1.0, 0.0).ravel()
    model.integer[y0:q0] = True
    model.upper[q0:inv0] = ub.ravel()
    stock_columns(model, problem, inv0, dep0)

    def qcol(i: int, t: int) -> int:
        return q0 + (i - 1) * periods + t

    for i in range(1, n + 1):
        for t in range(periods):
            model.add_row([(qcol(i, t), 1.0), (qcol(i, t) - q0, -ub[i - 1, t])], -INF, 0.0)
    for t in range(periods):
        cap = problem.capacity * problem.vehicles
        model.add_row([(qcol(i, t), 1.0) for i in range(1, n + 1)], -INF, cap)
    flat = visited.ravel()
    entries = [(k, -1.0 if flat[k] else 1.0) for k in range(n * periods)]
    model.add_row(entries, -INF, changes - float(flat.sum()))
    balance_rows(model, problem, qcol, inv0, dep0)
    answer = solve_mip(model, time_limit_s, seed)
    if answer is None:
        return None
    q = answer.x[q0:inv0].reshape(n, periods)
    return np.where(answer.x[y0:q0].reshape(n, periods) > 0.5, q, 0.0)
