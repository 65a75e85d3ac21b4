"""The capacitated single-sourcing MIP built as arrays and solved by HiGHS (highspy) directly.

Built with numpy in one pass (no per-variable Python calls), it can start from the incumbent
(HiGHS then improves on it with its own neighbourhood heuristics) and stop on a node count,
so a counted search gives the same answer on any machine.
"""

from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from pickup_net.location._instance import Instance
from pickup_net.location.assign import HOME
from pickup_net.location.mip import MipOutcome


def solve_capacitated_highs(
    inst: Instance,
    fixed_open: np.ndarray,
    fixed_closed: np.ndarray,
    time_limit_s: float,
    start: tuple[np.ndarray, np.ndarray] | None = None,
    cutoff: float = np.inf,
    node_limit: int | None = None,
) -> MipOutcome:
    """Solve the strong single-sourcing model over the instance's pairs with HiGHS.

    ``start`` (open set, assignment) is handed to HiGHS as its first solution when it fits the
    model; otherwise a finite ``cutoff`` prunes every solution costing that much or more (then
    "infeasible" means nothing cheaper exists in this model). The bound holds for this model only.
    """
    free = ~fixed_open & ~fixed_closed
    usable = ~fixed_closed[inst.shop] & (inst.cost < inst.home[inst.row])
    pos = np.flatnonzero(usable)
    rows, shops = inst.row[pos], inst.shop[pos]
    has_home = np.isfinite(inst.home)
    covered = np.zeros(inst.n, dtype=bool)
    covered[rows] = True
    if np.any(~covered & ~has_home):
        return MipOutcome(None, None, np.inf, np.inf, True, True, "HIGHS")
    free_ids = np.flatnonzero(free)
    y_col = np.full(inst.m, -1)
    y_col[free_ids] = np.arange(free_ids.size)
    homes = np.flatnonzero(has_home)
    n_x, n_y, n_h = pos.size, free_ids.size, homes.size
    y0, h0 = n_x, n_x + n_y

    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    n_rows = 0

    def add(r: np.ndarray, c: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
        nonlocal n_rows
        parts.append((r + n_rows, c, v))
        lower.append(lo)
        upper.append(hi)
        n_rows += lo.size

    ones_x = np.ones(n_x)
    add(
        np.r_[rows, homes],
        np.r_[np.arange(n_x), h0 + np.arange(n_h)],
        np.r_[ones_x, np.ones(n_h)],
        np.ones(inst.n),
        np.ones(inst.n),
    )
    linked = np.flatnonzero(free[shops])
    add(
        np.r_[np.arange(linked.size), np.arange(linked.size)],
        np.r_[linked, y0 + y_col[shops[linked]]],
        np.r_[np.ones(linked.size), -np.ones(linked.size)],
        np.full(linked.size, -np.inf),
        np.zeros(linked.size),
    )
    for k in range(inst.demand.shape[1]):
        cap = inst.capacity[:, k]
        limited = inst.binding & np.isfinite(cap) & ~fixed_closed
        index = np.full(inst.m, -1)
        index[np.flatnonzero(limited)] = np.arange(int(limited.sum()))
        sel = np.flatnonzero(limited[shops])
        lim_free = np.flatnonzero(limited & free)
        add(
            np.r_[index[shops[sel]], index[lim_free]],
            np.r_[sel, y0 + y_col[lim_free]],
            np.r_[inst.demand[rows[sel], k], -cap[lim_free]],
            np.full(int(limited.sum()), -np.inf),
            np.where(free[limited], 0.0, cap[limited]),
        )
    if inst.p is not None:
        need = float(inst.p - int(fixed_open.sum()))
        add(np.zeros(n_y, int), y0 + np.arange(n_y), np.ones(n_y), np.r_[need], np.r_[need])

    r = np.concatenate([p[0] for p in parts])
    c = np.concatenate([p[1] for p in parts])
    v = np.concatenate([p[2] for p in parts])
    n_cols = n_x + n_y + n_h
    matrix = sp.csc_array((v, (r, c)), shape=(n_rows, n_cols))
    matrix.sort_indices()

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_rows
    lp.col_cost_ = np.r_[inst.cost[pos], inst.fixed[free_ids], inst.home[homes]]
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.ones(n_cols)
    lp.row_lower_ = np.concatenate(lower)
    lp.row_upper_ = np.concatenate(upper)
    lp.offset_ = float(inst.fixed[fixed_open].sum())
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    integer, continuous = highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
    lp.integrality_ = [integer] * (n_x + n_y) + [continuous] * n_h

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("time_limit", max(0.01, float(time_limit_s)))
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 1.0 - 1e-6 if inst.integral else 1e-9)
    if node_limit is not None:
        highs.setOptionValue("mip_max_nodes", int(node_limit))
    highs.passModel(lp)
    started = start is not None and _set_start(
        highs, inst, pos, (free_ids, homes), start, (fixed_open, fixed_closed)
    )
    if not started and np.isfinite(cutoff):
        highs.setOptionValue("objective_bound", float(cutoff))
    highs.run()
    status = highs.getModelStatus()
    info = highs.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return MipOutcome(None, None, np.inf, np.inf, True, True, "HIGHS")
    optimal = status == highspy.HighsModelStatus.kOptimal
    if info.primal_solution_status != 2:  # no feasible solution
        bound = info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else -np.inf
        return MipOutcome(None, None, np.inf, bound, False, False, "HIGHS")
    values = np.asarray(highs.getSolution().col_value)
    is_open = fixed_open.copy()
    is_open[free_ids] = values[y0 : y0 + n_y] > 0.5
    assignment = np.full(inst.n, HOME, dtype=np.int64)
    chosen = values[:n_x] > 0.5
    assignment[rows[chosen]] = shops[chosen]
    objective = float(info.objective_function_value)
    bound = objective if optimal else float(info.mip_dual_bound)
    return MipOutcome(is_open, assignment, objective, bound, optimal, False, "HIGHS")


def _set_start(
    highs: highspy.Highs,
    inst: Instance,
    pos: np.ndarray,
    columns: tuple[np.ndarray, np.ndarray],
    start: tuple[np.ndarray, np.ndarray],
    fixed: tuple[np.ndarray, np.ndarray],
) -> bool:
    """Give HiGHS the start solution if it fits the model (its pairs kept, the fixed shops as
    fixed); say whether it was taken."""
    free_ids, homes = columns
    is_open, assignment = start
    at_shop = assignment != HOME
    x = (assignment[inst.row[pos]] == inst.shop[pos]).astype(float)
    if int(x.sum()) != int(at_shop.sum()) or np.any(~np.isfinite(inst.home[~at_shop])):
        return False
    fixed_open, fixed_closed = fixed
    if not np.all(is_open[fixed_open]) or np.any(is_open[fixed_closed]):
        return False
    h = (~at_shop[homes]).astype(float)
    solution = highspy.HighsSolution()
    solution.col_value = np.r_[x, is_open[free_ids].astype(float), h]
    solution.value_valid = True
    return highs.setSolution(solution) == highspy.HighsStatus.kOk
