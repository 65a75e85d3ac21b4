"""Route-selection MIP (HiGHS): which candidate route runs in which period and what it delivers.

Every candidate is a customer set with a fixed tour cost, offered in one period; the MIP chooses at
most ``vehicles`` candidates per period, each customer at most once per period, and the quantities
of the maximum-level policy exactly (route capacity, levels within [L, U], depot stock >= 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from pickup_net.inventory.problem import IRPProblem


@dataclass(frozen=True)
class Candidate:
    """Customer set ``customers`` (sorted, 1..n) offered in period ``period`` (0-based) at ``cost``."""

    period: int
    customers: tuple[int, ...]
    cost: float


@dataclass(frozen=True)
class Selection:
    """Chosen candidates with their deliveries ``{customer: quantity}`` and the MIP objective."""

    chosen: list[tuple[Candidate, dict[int, float]]]
    objective: float
    status: str


def _delivery_bounds(problem: IRPProblem) -> np.ndarray:
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
    """Solve the MIP over ``candidates``; ``hint`` maps (period, customers) to deliveries."""
    n, periods = problem.n, problem.periods
    ub = _delivery_bounds(problem)
    ncand = len(candidates)
    q_start = np.zeros(ncand + 1, dtype=np.int64)
    q_start[1:] = np.cumsum([len(c.customers) for c in candidates])
    nq = int(q_start[-1])
    inv0 = ncand + nq
    dep0 = inv0 + n * periods
    ncol = dep0 + periods

    cost = np.zeros(ncol)
    lower = np.zeros(ncol)
    upper = np.full(ncol, highspy.kHighsInf)
    cost[:ncand] = [c.cost for c in candidates]
    upper[:ncand] = 1.0
    inv_cost = np.repeat(problem.holding, periods)
    cost[inv0:dep0] = inv_cost
    lower[inv0:dep0] = np.repeat(problem.min_level, periods)
    upper[inv0:dep0] = (problem.max_level[:, None] - problem.demand).ravel()
    cost[dep0:] = problem.depot_holding

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    row_lo: list[float] = []
    row_hi: list[float] = []

    def add_row(entries: list[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(row_lo)
        for col, val in entries:
            rows.append(r)
            cols.append(col)
            vals.append(val)
        row_lo.append(lo)
        row_hi.append(hi)

    visits: dict[tuple[int, int], list[int]] = {}
    fleet: list[list[int]] = [[] for _ in range(periods)]
    shipped: dict[tuple[int, int], list[int]] = {}
    for k, cand in enumerate(candidates):
        t = cand.period
        fleet[t].append(k)
        qs = list(range(ncand + int(q_start[k]), ncand + int(q_start[k + 1])))
        upper[qs] = [ub[i - 1, t] for i in cand.customers]
        add_row([(k, -problem.capacity)] + [(c, 1.0) for c in qs], -highspy.kHighsInf, 0.0)
        for i, col in zip(cand.customers, qs, strict=True):
            visits.setdefault((i, t), []).append(k)
            shipped.setdefault((i, t), []).append(col)
            add_row([(col, 1.0), (k, -ub[i - 1, t])], -highspy.kHighsInf, 0.0)
    for ks in visits.values():
        if len(ks) > 1:
            add_row([(k, 1.0) for k in ks], -highspy.kHighsInf, 1.0)
    for t, ks in enumerate(fleet):
        if len(ks) > problem.vehicles:
            add_row([(k, 1.0) for k in ks], -highspy.kHighsInf, float(problem.vehicles))
    for i in range(1, n + 1):
        for t in range(periods):
            col = inv0 + (i - 1) * periods + t
            entries = [(col, 1.0)] + [(c, -1.0) for c in shipped.get((i, t), [])]
            rhs = -float(problem.demand[i - 1, t])
            if t == 0:
                rhs += float(problem.initial[i - 1])
            else:
                entries.append((col - 1, -1.0))
            add_row(entries, rhs, rhs)
    for t in range(periods):
        entries = [(dep0 + t, 1.0)]
        entries += [(c, 1.0) for i in range(1, n + 1) for c in shipped.get((i, t), [])]
        rhs = float(problem.depot_production[t])
        if t == 0:
            rhs += float(problem.depot_initial)
        else:
            entries.append((dep0 + t - 1, -1.0))
        add_row(entries, rhs, rhs)

    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(row_lo), ncol))
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = len(row_lo)
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.array(row_lo)
    lp.row_upper_ = np.array(row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * ncand + [
        highspy.HighsVarType.kContinuous
    ] * (ncol - ncand)

    h = highspy.Highs()
    h.silent()
    h.setOptionValue("time_limit", max(0.05, time_limit_s))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.passModel(lp)
    if hint is not None:
        start = _hint_values(problem, candidates, q_start, hint, ncol, inv0, dep0)
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(start)
            sol.value_valid = True
            h.setSolution(sol)
    h.run()
    info = h.getInfo()
    if info.primal_solution_status != 2:
        return None
    x = np.asarray(h.getSolution().col_value)
    chosen = []
    for k, cand in enumerate(candidates):
        if x[k] > 0.5:
            qs = x[ncand + int(q_start[k]) : ncand + int(q_start[k + 1])]
            chosen.append((cand, {i: float(q) for i, q in zip(cand.customers, qs, strict=True)}))
    status = h.modelStatusToString(h.getModelStatus())
    return Selection(chosen=chosen, objective=float(info.objective_function_value), status=status)


def _hint_values(
    problem: IRPProblem,
    candidates: list[Candidate],
    q_start: np.ndarray,
    hint: dict[tuple[int, tuple[int, ...]], dict[int, float]],
    ncol: int,
    inv0: int,
    dep0: int,
) -> np.ndarray | None:
    """Column values of a hinted solution, or None when a hinted route is not a candidate."""
    ncand = len(candidates)
    x = np.zeros(ncol)
    index = {(c.period, c.customers): k for k, c in enumerate(candidates)}
    shipped = np.zeros((problem.n, problem.periods))
    for key, deliveries in hint.items():
        k = index.get(key)
        if k is None:
            return None
        x[k] = 1.0
        for pos, i in enumerate(candidates[k].customers):
            q = deliveries.get(i, 0.0)
            x[ncand + int(q_start[k]) + pos] = q
            shipped[i - 1, key[0]] += q
    levels = problem.initial[:, None] + np.cumsum(shipped - problem.demand, axis=1)
    x[inv0:dep0] = levels.ravel()
    x[dep0:] = problem.depot_initial + np.cumsum(problem.depot_production - shipped.sum(axis=0))
    return x
