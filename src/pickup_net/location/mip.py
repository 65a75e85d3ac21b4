"""Reduced MIPs over the shops the Lagrangian bound left free, solved with OR-Tools.

Without binding capacities the model is the radius (cover) formulation of Elloumi: per customer,
one continuous variable per distinct cost level of its free shops, chained so that the level
variable is 1 while no shop at or below that cost is open. It has one nonzero per allowed pair and
a tight LP. With binding capacities it is the strong single-sourcing formulation (binary ``x_ij``,
``x_ij <= y_j``, capacity rows per binding dimension).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from pickup_net.location._instance import Instance
from pickup_net.location.assign import HOME

SOLVERS = ("HIGHS", "SCIP", "CP_SAT")
#: The solver of node-limited MIPs: OR-Tools passes SCIP's `limits/nodes`, not HiGHS's node limit.
NODE_LIMITED_SOLVER = "SCIP"


@dataclass(frozen=True)
class MipOutcome:
    """Result of one reduced MIP: an open set and assignment (or None), objective, bound."""

    is_open: np.ndarray | None
    assignment: np.ndarray | None
    objective: float
    bound: float
    optimal: bool
    infeasible: bool
    solver: str


def solve_reduced_mip(
    inst: Instance,
    fixed_open: np.ndarray,
    fixed_closed: np.ndarray,
    time_limit_s: float,
    solver_name: str = "HIGHS",
    hint_open: np.ndarray | None = None,
    cutoff: float = np.inf,
    node_limit: int | None = None,
) -> MipOutcome:
    """Build and solve the reduced model; the bound is valid for the reduced problem only.

    With a finite ``cutoff`` (HiGHS only) solutions costing ``cutoff`` or more are pruned, so
    "infeasible" then means: nothing cheaper than the cutoff exists in the reduced problem. A
    ``node_limit`` bounds the search by branch-and-bound nodes, not the clock (then solved by
    ``NODE_LIMITED_SOLVER``, single-threaded, so the answer does not depend on the machine).
    """
    if node_limit is not None:
        solver_name = NODE_LIMITED_SOLVER
    solver = pywraplp.Solver.CreateSolver(solver_name)
    if solver is None:
        raise ValueError(f"solver_name: {solver_name!r} is not available in OR-Tools")
    solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    if node_limit is not None:
        solver.SetSolverSpecificParametersAsString(f"limits/nodes = {node_limit}\n")
    if solver_name == "CP_SAT":
        solver.SetNumThreads(2)
    free = ~fixed_open & ~fixed_closed
    y = {int(j): solver.BoolVar(f"y{j}") for j in np.flatnonzero(free)}
    objective = solver.Objective()
    constant = float(inst.fixed[fixed_open].sum())
    for j, var in y.items():
        objective.SetCoefficient(var, float(inst.fixed[j]))
    if inst.p is not None:
        need = inst.p - int(fixed_open.sum())
        row = solver.Constraint(need, need)
        for var in y.values():
            row.SetCoefficient(var, 1.0)
    if inst.capacitated:
        built = _assignment_model(inst, solver, y, fixed_open, fixed_closed)
    else:
        built = _cover_model(inst, solver, y, fixed_open, fixed_closed)
    if built is None:
        return MipOutcome(None, None, np.inf, np.inf, True, True, solver_name)
    extra_constant, x = built
    constant += extra_constant
    objective.SetMinimization()
    objective.SetOffset(constant)
    if solver_name == "HIGHS":
        abs_gap = 1.0 - 1e-6 if inst.integral else 1e-9
        options = f"mip_rel_gap = 0\nmip_abs_gap = {abs_gap!r}\noutput_flag = false\n"
        if np.isfinite(cutoff):
            options += f"objective_bound = {cutoff!r}\n"
        solver.SetSolverSpecificParametersAsString(options)
    if hint_open is not None and solver_name != "HIGHS":
        solver.SetHint(list(y.values()), [float(hint_open[j]) for j in y])
    status = solver.Solve()
    optimal = status == pywraplp.Solver.OPTIMAL
    if status == pywraplp.Solver.INFEASIBLE:
        return MipOutcome(None, None, np.inf, np.inf, True, True, solver_name)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return MipOutcome(None, None, np.inf, -np.inf, False, False, solver_name)
    bound = objective.Value() if optimal else objective.BestBound()
    is_open = fixed_open.copy()
    for j, var in y.items():
        is_open[j] = var.solution_value() > 0.5
    assignment = None
    if x is not None:
        assignment = np.full(inst.n, HOME, dtype=np.int64)
        for (i, j), var in x.items():
            if var.solution_value() > 0.5:
                assignment[i] = j
    return MipOutcome(is_open, assignment, objective.Value(), bound, optimal, False, solver_name)


def _cover_model(
    inst: Instance,
    solver: pywraplp.Solver,
    y: dict[int, pywraplp.Variable],
    fixed_open: np.ndarray,
    fixed_closed: np.ndarray,
) -> tuple[float, None] | None:
    """Chained radius formulation; returns the constant cost part (None if infeasible)."""
    objective = solver.Objective()
    constant = 0.0
    infinity = solver.infinity()
    for i in range(inst.n):
        lo, hi = inst.indptr[i], inst.indptr[i + 1]
        shops, costs = inst.shop[lo:hi], inst.cost[lo:hi]
        ceiling = float(inst.home[i])
        opened = fixed_open[shops]
        if opened.any():
            ceiling = min(ceiling, float(costs[opened].min()))
        keep = ~fixed_open[shops] & ~fixed_closed[shops] & (costs < ceiling)
        shops, costs = shops[keep], costs[keep]
        if shops.size == 0:
            if np.isinf(ceiling):
                return None
            constant += ceiling
            continue
        levels, first = np.unique(costs, return_index=True)
        bounds = np.r_[levels, ceiling]
        constant += float(levels[0])
        previous = None
        n_levels = levels.size if np.isfinite(ceiling) else levels.size - 1
        for k in range(n_levels):
            z = solver.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(z, float(bounds[k + 1] - bounds[k]))
            row = solver.Constraint(0.0 if previous is not None else 1.0, infinity)
            row.SetCoefficient(z, 1.0)
            if previous is not None:
                row.SetCoefficient(previous, -1.0)
            end = first[k + 1] if k + 1 < levels.size else shops.size
            for j in shops[first[k] : end]:
                row.SetCoefficient(y[int(j)], 1.0)
            previous = z
        if np.isinf(ceiling):
            row = solver.Constraint(1.0, infinity)
            for j in shops:
                row.SetCoefficient(y[int(j)], 1.0)
    return constant, None


def _assignment_model(
    inst: Instance,
    solver: pywraplp.Solver,
    y: dict[int, pywraplp.Variable],
    fixed_open: np.ndarray,
    fixed_closed: np.ndarray,
) -> tuple[float, dict[tuple[int, int], pywraplp.Variable]] | None:
    """Strong single-sourcing formulation with capacity rows on binding shops."""
    objective = solver.Objective()
    x: dict[tuple[int, int], pywraplp.Variable] = {}
    by_shop: dict[int, list[tuple[int, pywraplp.Variable]]] = {}
    for i in range(inst.n):
        lo, hi = inst.indptr[i], inst.indptr[i + 1]
        row = solver.Constraint(1.0, 1.0)
        if np.isfinite(inst.home[i]):
            h = solver.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(h, float(inst.home[i]))
            row.SetCoefficient(h, 1.0)
        elif not np.any(~fixed_closed[inst.shop[lo:hi]]):
            return None
        for e in range(lo, hi):
            j, c = int(inst.shop[e]), float(inst.cost[e])
            if fixed_closed[j] or c >= inst.home[i]:
                continue
            var = solver.BoolVar("")
            x[i, j] = var
            objective.SetCoefficient(var, c)
            row.SetCoefficient(var, 1.0)
            if j in y:
                link = solver.Constraint(-solver.infinity(), 0.0)
                link.SetCoefficient(var, 1.0)
                link.SetCoefficient(y[j], -1.0)
            by_shop.setdefault(j, []).append((i, var))
    for j, members in by_shop.items():
        if not inst.binding[j]:
            continue
        for k in range(inst.demand.shape[1]):
            cap = float(inst.capacity[j, k])
            if np.isinf(cap):
                continue
            if j in y:
                row = solver.Constraint(-solver.infinity(), 0.0)
                row.SetCoefficient(y[j], -cap)
            else:
                row = solver.Constraint(-solver.infinity(), cap)
            for i, var in members:
                row.SetCoefficient(var, float(inst.demand[i, k]))
    return 0.0, x
