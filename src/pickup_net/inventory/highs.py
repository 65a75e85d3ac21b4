"""A MIP handed to HiGHS as arrays: columns, rows built one by one, an optional start."""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy import sparse

INF = highspy.kHighsInf


@dataclass
class MipModel:
    """Columns (cost, bounds, integrality) and rows ``lo <= sum(val * x[col]) <= hi``."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    row_lo: list[float] = field(default_factory=list)
    row_hi: list[float] = field(default_factory=list)

    @classmethod
    def empty(cls, ncol: int) -> MipModel:
        """Continuous columns in [0, inf) at zero cost."""
        return cls(np.zeros(ncol), np.zeros(ncol), np.full(ncol, INF), np.zeros(ncol, dtype=bool))

    def add_row(self, entries: list[tuple[int, float]], lo: float, hi: float) -> None:
        """Append the row ``lo <= sum(val * x[col] for col, val in entries) <= hi``."""
        r = len(self.row_lo)
        for col, val in entries:
            self.rows.append(r)
            self.cols.append(col)
            self.vals.append(val)
        self.row_lo.append(lo)
        self.row_hi.append(hi)


@dataclass(frozen=True)
class MipAnswer:
    """Column values of the best solution found, its objective and HiGHS's status."""

    x: np.ndarray
    objective: float
    status: str


def solve_mip(
    model: MipModel,
    time_limit_s: float,
    seed: int,
    start: np.ndarray | None = None,
    max_nodes: int | None = None,
    rel_gap: float = 1e-6,
) -> MipAnswer | None:
    """Solve with HiGHS on one thread to a relative gap of `rel_gap`, within `time_limit_s` and
    (a deterministic work limit) `max_nodes` branch-and-bound nodes; None when no feasible
    solution was found."""
    ncol = len(model.cost)
    matrix = sparse.csr_matrix(
        (model.vals, (model.rows, model.cols)), shape=(len(model.row_lo), ncol)
    )
    lp = highspy.HighsLp()
    lp.num_col_ = ncol
    lp.num_row_ = len(model.row_lo)
    lp.col_cost_ = model.cost
    lp.col_lower_ = model.lower
    lp.col_upper_ = model.upper
    lp.row_lower_ = np.array(model.row_lo)
    lp.row_upper_ = np.array(model.row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
    lp.integrality_ = [kinds[int(v)] for v in model.integer]
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("time_limit", max(0.01, float(time_limit_s)))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", float(rel_gap))
    if max_nodes is not None:
        h.setOptionValue("mip_max_nodes", int(max_nodes))
    h.passModel(lp)
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
    status = h.modelStatusToString(h.getModelStatus())
    return MipAnswer(x=x, objective=float(info.objective_function_value), status=status)
