"""Solve a location problem: heuristic incumbent, Lagrangian bound and fixing, reduced MIP."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from pickup_net.location._instance import Instance, compile_problem
from pickup_net.location.assign import HOME, assign
from pickup_net.location.explain import hub_explanations, home_reasons
from pickup_net.location.greedy import greedy_open, greedy_open_capacitated
from pickup_net.location.lagrangian import fixing_tolerance, lagrangian_bound
from pickup_net.location.local_search import improve_capacitated, improve_uncapacitated
from pickup_net.location.mip import solve_reduced_mip
from pickup_net.location.problem import LocationProblem
from pickup_net.location.result import LocationResult

_SMALL_CAPACITATED = 40_000  # customers x shops up to which capacity-aware greedy is affordable


@dataclass
class _Incumbent:
    """Best solution so far: open set, assignment (HOME = home delivery) and cost."""

    is_open: np.ndarray
    assignment: np.ndarray
    objective: float

    def offer(self, is_open: np.ndarray, assignment: np.ndarray, objective: float) -> bool:
        """Keep the candidate if it is cheaper; returns whether it was kept."""
        if objective < self.objective - 1e-9 * max(1.0, abs(self.objective)):
            self.is_open, self.assignment, self.objective = is_open, assignment, objective
            return True
        return False


def solve_location(
    problem: LocationProblem,
    time_limit_s: float = 30.0,
    seed: int = 0,
    mip_solver: str = "HIGHS",
) -> LocationResult:
    """Choose hubs and assign customers, returning the best solution with a proven bound.

    Parameters
    ----------
    problem
        The validated location problem.
    time_limit_s
        Wall-clock budget including model building; the best solution found is returned with
        its gap when it runs out.
    seed
        Kept for reproducibility of the interface; every step is deterministic.
    mip_solver
        OR-Tools backend for the reduced MIP: ``"HIGHS"`` (default), ``"SCIP"`` or ``"CP_SAT"``.

    Returns
    -------
    LocationResult
        Open hubs, assignment, home-delivery reasons, objective, lower bound, gap, explanations.

    Raises
    ------
    ValueError
        If no feasible solution exists (a customer that must be assigned cannot fit anywhere).
    """
    del seed
    start = time.monotonic()
    deadline = start + time_limit_s
    inst = compile_problem(problem)
    steps: list[str] = []
    incumbent = _first_solution(inst, start, time_limit_s, steps)

    def offer(is_open: np.ndarray) -> float:
        assignment, objective = assign(inst, is_open)
        incumbent.offer(is_open.copy(), assignment, objective)
        return incumbent.objective

    lagr = lagrangian_bound(
        inst,
        incumbent.objective,
        _start_multipliers(inst, incumbent),
        start + 0.6 * time_limit_s,
        offer,
    )
    steps.append(f"lagrangian bound ({lagr.iterations} steps)")
    if not inst.capacitated and time.monotonic() < deadline:
        polished = improve_uncapacitated(inst, incumbent.is_open, start + 0.7 * time_limit_s)
        offer(polished)
    fixing_bound = incumbent.objective
    lower = lagr.lower_bound
    tol = fixing_tolerance(inst, fixing_bound)
    proven = lower >= incumbent.objective - tol
    remaining = deadline - time.monotonic()
    free = int((~lagr.fixed_open & ~lagr.fixed_closed).sum())
    if not proven and free == 0:
        offer(lagr.fixed_open)
        lower = max(lower, min(incumbent.objective, fixing_bound))
        proven = True
        steps.append("all shops fixed")
    elif not proven and remaining > 0.2:
        mip = solve_reduced_mip(
            inst,
            lagr.fixed_open,
            lagr.fixed_closed,
            remaining,
            mip_solver,
            hint_open=incumbent.is_open,
        )
        steps.append(f"{mip.solver} reduced MIP ({free} free shops)")
        if mip.is_open is not None:
            if mip.assignment is None:
                offer(mip.is_open)
            else:
                objective = _objective(inst, mip.is_open, mip.assignment)
                incumbent.offer(mip.is_open, mip.assignment, objective)
        if mip.infeasible or mip.optimal:
            lower = max(lower, min(mip.objective, fixing_bound))
            proven = True
        else:
            lower = max(lower, min(mip.bound, fixing_bound))
    if np.isinf(incumbent.objective):
        raise ValueError("capacity: no feasible assignment found; some customers cannot fit")
    if inst.integral:
        lower = math.ceil(lower - 1e-6)
    lower = min(lower, incumbent.objective)
    proven = proven or lower >= incumbent.objective - (tol if inst.integral else 1e-9)
    if proven:
        lower = incumbent.objective
    gap = (incumbent.objective - lower) / max(abs(incumbent.objective), 1e-9)
    return _result(problem, inst, incumbent, lower, gap, proven, start, ", ".join(steps))


def _first_solution(
    inst: Instance, start: float, time_limit_s: float, steps: list[str]
) -> _Incumbent:
    """Greedy plus vertex substitution (capacity-aware on small capacitated problems)."""
    if inst.capacitated and inst.n * inst.m <= _SMALL_CAPACITATED:
        is_open = greedy_open_capacitated(inst, start + 0.1 * time_limit_s)
        is_open = improve_capacitated(inst, is_open, start + 0.2 * time_limit_s)
        steps.append("capacity-aware greedy+swap")
    else:
        is_open = greedy_open(inst)
        is_open = improve_uncapacitated(inst, is_open, start + 0.3 * time_limit_s)
        steps.append("greedy+swap")
    assignment, objective = assign(inst, is_open)
    return _Incumbent(is_open, assignment, objective)


def _start_multipliers(inst: Instance, incumbent: _Incumbent) -> np.ndarray:
    """Start each multiplier at the customer's cheapest option cost (a dual-feasible guess)."""
    first = np.full(inst.n, np.inf)
    np.minimum.at(first, inst.row, inst.cost)
    return np.minimum(first, inst.home)


def _objective(inst: Instance, is_open: np.ndarray, assignment: np.ndarray) -> float:
    """Cost of a given open set and assignment."""
    cost = inst.home.copy()
    pos = np.flatnonzero(assignment[inst.row] == inst.shop)
    cost[inst.row[pos]] = inst.cost[pos]
    return float(cost.sum() + inst.fixed[is_open].sum())


def _result(
    problem: LocationProblem,
    inst: Instance,
    incumbent: _Incumbent,
    lower: float,
    gap: float,
    proven: bool,
    start: float,
    method: str,
) -> LocationResult:
    """Package the incumbent with ids, reasons and explanations."""
    is_open, assignment = incumbent.is_open, incumbent.assignment
    open_shops = [problem.shop_ids[j] for j in np.flatnonzero(is_open)]
    mapping = {
        cid: (None if assignment[i] == HOME else problem.shop_ids[assignment[i]])
        for i, cid in enumerate(problem.customer_ids)
    }
    return LocationResult(
        open_shops=open_shops,
        assignment=mapping,
        home_reasons=home_reasons(problem, inst, is_open, assignment),
        objective=float(incumbent.objective),
        lower_bound=float(lower),
        gap=float(max(gap, 0.0)),
        proven_optimal=bool(proven),
        seconds=time.monotonic() - start,
        method=method,
        hub_explanations=hub_explanations(problem, inst, is_open, assignment),
    )
