"""Route-selection MIP (HiGHS): which candidate route runs in which period and what it delivers.

Every candidate is a customer set with a fixed tour cost, offered in one period; the MIP chooses at
most ``vehicles`` candidates per period, each customer at most once per period, and the quantities
of the maximum-level policy exactly (route capacity, levels within [L, U], depot stock >= 0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pickup_net.inventory.highs import INF, MipModel, solve_mip
from pickup_net.inventory.problem import IRPProblem


@dataclass(frozen=True)
class Candidate:
    """Customer set ``customers`` (sorted, 1..n) offered in period ``period`` (0-based)."""

    period: int
    customers: tuple[int, ...]
    cost: float


@dataclass(frozen=True)
class Selection:
    """Chosen candidates with their deliveries ``{customer: quantity}`` and the MIP objective."""

    chosen: list[tuple[Candidate, dict[int, float]]]
    objective: float
    status: str


def delivery_bounds(problem: IRPProblem) -> np.ndarray:
    """Largest useful delivery per customer and period: min(Q, U - lowest possible level)."""
    lowest = np.repeat(problem.min_level[:, None], problem.periods, axis=1).astype(float)
    lowest[:, 0] = problem.initial
    return np.minimum(problem.capacity, np.maximum(0.0, problem.max_level[:, None] - lowest))


def select_routes(
    problem: IRPProblem,
    candidates: list[Candidate],
    hint: dict[tuple[int, tuple[int, ...]], dict[int, float]] | None,
    time_limit_s: float,
    seed: int,
) -> Selection | None:
    """Solve the MIP over ``candidates``; ``hint`` maps (period, customers) to deliveries.

    Quantities are per customer and period; a chosen route's capacity binds through a big-M row
    (a customer is on at most one chosen route per period, so its delivery is that route's).
    """
    n, periods = problem.n, problem.periods
    ub = delivery_bounds(problem)
    ncand = len(candidates)
    q0 = ncand
    inv0 = q0 + n * periods
    dep0 = inv0 + n * periods
    ncol = dep0 + periods

    def qcol(i: int, t: int) -> int:
        return q0 + (i - 1) * periods + t

    model = MipModel.empty(ncol)
    model.cost[:ncand] = [c.cost for c in candidates]
    model.upper[:ncand] = 1.0
    model.integer[:ncand] = True
    model.upper[q0:inv0] = ub.ravel()
    stock_columns(model, problem, inv0, dep0)

    visits: dict[tuple[int, int], list[int]] = {}
    fleet: list[list[int]] = [[] for _ in range(periods)]
    for k, cand in enumerate(candidates):
        t = cand.period
        fleet[t].append(k)
        slack = sum(ub[i - 1, t] for i in cand.customers) - problem.capacity
        if slack > 0:
            entries = [(qcol(i, t), 1.0) for i in cand.customers] + [(k, slack)]
            model.add_row(entries, -INF, problem.capacity + slack)
        for i in cand.customers:
            visits.setdefault((i, t), []).append(k)
    for i in range(1, n + 1):
        for t in range(periods):
            ks = visits.get((i, t), [])
            if len(ks) > 1:
                model.add_row([(k, 1.0) for k in ks], -INF, 1.0)
            model.add_row([(qcol(i, t), 1.0)] + [(k, -ub[i - 1, t]) for k in ks], -INF, 0.0)
    for ks in fleet:
        if len(ks) > problem.vehicles:
            model.add_row([(k, 1.0) for k in ks], -INF, float(problem.vehicles))
    balance_rows(model, problem, qcol, inv0, dep0)
    start = None if hint is None else _hint_values(problem, candidates, hint, ncol, q0, inv0, dep0)
    answer = solve_mip(model, time_limit_s, seed, start)
    if answer is None:
        return None
    x = answer.x
    chosen = [
        (cand, {i: float(x[qcol(i, cand.period)]) for i in cand.customers})
        for k, cand in enumerate(candidates)
        if x[k] > 0.5
    ]
    return Selection(chosen=chosen, objective=answer.objective, status=answer.status)


def stock_columns(model: MipModel, problem: IRPProblem, inv0: int, dep0: int) -> None:
    """Levels ``I[i, t]`` (customer-major from ``inv0``) within [L, U - d], depot stock ``B[t]``."""
    periods = problem.periods
    model.cost[inv0:dep0] = np.repeat(problem.holding, periods)
    model.lower[inv0:dep0] = np.repeat(problem.min_level, periods)
    model.upper[inv0:dep0] = (problem.max_level[:, None] - problem.demand).ravel()
    model.cost[dep0 : dep0 + periods] = problem.depot_holding


def balance_rows(
    model: MipModel, problem: IRPProblem, qcol: Callable[[int, int], int], inv0: int, dep0: int
) -> None:
    """Stock balances of customers (delivery before demand) and of the depot."""
    n, periods = problem.n, problem.periods
    for i in range(1, n + 1):
        for t in range(periods):
            col = inv0 + (i - 1) * periods + t
            entries = [(col, 1.0), (qcol(i, t), -1.0)]
            rhs = -float(problem.demand[i - 1, t])
            if t == 0:
                rhs += float(problem.initial[i - 1])
            else:
                entries.append((col - 1, -1.0))
            model.add_row(entries, rhs, rhs)
    for t in range(periods):
        entries = [(dep0 + t, 1.0)] + [(qcol(i, t), 1.0) for i in range(1, n + 1)]
        rhs = float(problem.depot_production[t])
        if t == 0:
            rhs += float(problem.depot_initial)
        else:
            entries.append((dep0 + t - 1, -1.0))
        model.add_row(entries, rhs, rhs)


def _hint_values(
    problem: IRPProblem,
    candidates: list[Candidate],
    hint: dict[tuple[int, tuple[int, ...]], dict[int, float]],
    ncol: int,
    q0: int,
    inv0: int,
    dep0: int,
) -> np.ndarray | None:
    """Column values of a hinted solution, or None when a hinted route is not a candidate."""
    x = np.zeros(ncol)
    index = {(c.period, c.customers): k for k, c in enumerate(candidates)}
    shipped = np.zeros((problem.n, problem.periods))
    for key, deliveries in hint.items():
        k = index.get(key)
        if k is None:
            return None
        x[k] = 1.0
        for i, q in deliveries.items():
            shipped[i - 1, key[0]] += q
    x[q0:inv0] = shipped.ravel()
    levels = problem.initial[:, None] + np.cumsum(shipped - problem.demand, axis=1)
    x[inv0:dep0] = levels.ravel()
    x[dep0:] = problem.depot_initial + np.cumsum(problem.depot_production - shipped.sum(axis=0))
    return x
