"""Solve a location problem: heuristic incumbent, Lagrangian bound and fixing, reduced MIP.

How the budget (seconds, or steps when counted) is shared between the phases, measured as they
run rather than by fixed shares:

1. First solution: greedy, then swaps until no swap improves (capped at a tenth of the budget on
   small capacitated problems, three tenths otherwise).
2. Lagrangian bound: runs until it proves the incumbent or its bound stalls (the last
   ``LAGRANGIAN_WINDOW`` steps closed less than ``lagrangian.STALL_PROGRESS`` of the gap left
   open), never past ``LAGRANGIAN_SHARE`` of what is left, so the finisher keeps the rest.
3. Kernel MIP (capacitated) or iterated local search (uncapacitated): at most half (three tenths)
   of what is left, skipped once the bound proves the incumbent.
4. Finisher (tree or reduced MIP): everything left; it stops as soon as it proves the incumbent.

The reported bound is the best proven one (Lagrangian, tree or MIP, capped by the incumbent), so
the gap is always measured against a valid bound.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from pickup_net.location._instance import Instance, compile_problem, keep_pairs
from pickup_net.location.assign import HOME, assign
from pickup_net.location.bnb import branch_and_bound
from pickup_net.location.explain import home_reasons, hub_explanations
from pickup_net.location.greedy import greedy_open
from pickup_net.location.highs_model import solve_capacitated_highs
from pickup_net.location.lagrangian import fixing_tolerance, lagrangian_bound
from pickup_net.location.limit import SearchLimit
from pickup_net.location.local_search import (
    improve_capacitated,
    improve_uncapacitated,
    iterated_local_search,
)
from pickup_net.location.mip import MipOutcome, solve_reduced_mip
from pickup_net.location.problem import LocationProblem
from pickup_net.location.result import LocationResult

_SMALL_CAPACITATED = 40_000  # customers x shops up to which regret-scored swaps are affordable
_CLOCK_TOL_S = 0.05  # a MIP that ended this close to the deadline was stopped by the clock
#: Steps of a counted search per branch-and-bound node of each of its reduced MIPs.
STEPS_PER_MIP_NODE = 100
#: Share of the gap above the bound within which a pair's bound puts it in the kernel MIP's core.
CORE_SHARE = 0.3
#: Steps over which the Lagrangian's progress is measured before it may stop as stalled.
LAGRANGIAN_WINDOW = 100
#: Most of what is left the Lagrangian may use; the finisher keeps the rest.
LAGRANGIAN_SHARE = 0.7


@dataclass
class _Incumbent:
    """Best solution so far: open set, assignment (HOME = home delivery) and cost."""

    is_open: np.ndarray
    assignment: np.ndarray
    objective: float

    def offer(self, is_open: np.ndarray, assignment: np.ndarray, objective: float) -> bool:
        """Keep the candidate if it is cheaper; returns whether it was kept."""
        if np.isinf(self.objective) or objective < self.objective - 1e-9 * abs(self.objective):
            self.is_open, self.assignment, self.objective = is_open, assignment, objective
            return True
        return False


def solve_location(
    problem: LocationProblem,
    time_limit_s: float = 30.0,
    seed: int = 0,
    finisher: str = "auto",
    steps: int | None = None,
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
        Seed of the random kicks of the iterated local search.
    steps
        A deterministic work limit: search steps (one Lagrangian iteration, local-search move or
        kick, tree node each), shared out between the phases like the time; each reduced
        MIP stops after one branch-and-bound node per ``STEPS_PER_MIP_NODE`` steps. With steps
        the result depends only on the problem, the seed and the steps, unless ``time_limit_s``
        (then a safety net) runs out first: ``clock_hit`` says so.
    finisher
        What closes the gap the root bound leaves: ``"tree"`` (Lagrangian branch and bound),
        a reduced MIP in OR-Tools (``"HIGHS"``, ``"SCIP"`` or ``"CP_SAT"``), or ``"auto"``
        (default: the finisher measured best on OR-Library, currently the tree for both
        capacitated and uncapacitated problems; see ``benchmarks/results/location_NOTES.md``).

    Returns
    -------
    LocationResult
        Open hubs, assignment, home-delivery reasons, objective, lower bound, gap, explanations.

    Raises
    ------
    ValueError
        If no feasible solution exists (a customer that must be assigned cannot fit anywhere).
    """
    start = time.monotonic()
    limit = SearchLimit(time_limit_s, steps)
    inst = compile_problem(problem)
    done: list[str] = []
    incumbent = _first_solution(inst, limit, done)
    tried: set[bytes] = set()

    def offer(is_open: np.ndarray, seed: np.ndarray | None = None) -> float:
        assignment, objective = assign(inst, is_open, seed)
        incumbent.offer(is_open.copy(), assignment, objective)
        key = np.packbits(is_open).tobytes()
        near = objective <= incumbent.objective * 1.05 + 1e-9
        if not inst.capacitated and near and key not in tried:
            tried.add(key)
            polished = improve_uncapacitated(inst, is_open, limit.part(0.02))
            assignment, objective = assign(inst, polished)
            incumbent.offer(polished, assignment, objective)
        return min(incumbent.objective, ceiling)

    def offer_plain(is_open: np.ndarray, seed: np.ndarray | None = None) -> float:
        assignment, objective = assign(inst, is_open, seed)
        incumbent.offer(is_open.copy(), assignment, objective)
        return min(incumbent.objective, ceiling)

    def settle(is_open: np.ndarray, until: float | None = None) -> bool:
        if not inst.capacitated:
            offer_plain(is_open)
            return True
        remaining = limit.seconds_left() if until is None else until - time.monotonic()
        if remaining <= 0:
            return False
        exact = solve_reduced_mip(
            narrow, is_open, ~is_open, remaining, node_limit=_node_limit(limit)
        )
        _note_clock(limit, exact)
        if exact.assignment is not None:
            objective = _objective(inst, is_open, exact.assignment)
            incumbent.offer(is_open.copy(), exact.assignment, objective)
        return exact.optimal or exact.infeasible

    ceiling = _worst_case_cost(inst) + 1.0

    lagr = lagrangian_bound(
        inst,
        min(incumbent.objective, ceiling),
        _start_multipliers(inst, incumbent),
        limit.rest(LAGRANGIAN_SHARE),
        offer,
        stall_window=LAGRANGIAN_WINDOW,
        want_pair_bounds=inst.capacitated,
    )
    done.append(f"lagrangian bound ({lagr.iterations} steps)")
    open_gap = lagr.lower_bound < incumbent.objective - fixing_tolerance(inst, incumbent.objective)
    if inst.capacitated and open_gap:
        core = _core(inst, lagr.pair_bounds, lagr.lower_bound, incumbent)
        _kernel_search(core, lagr.candidates, incumbent, limit, 0.5)
        done.append("kernel MIP over the relaxation's hubs")
    if not inst.capacitated and open_gap:
        kicked = iterated_local_search(
            inst,
            incumbent.is_open,
            limit.rest(0.3),
            seed,
            max_failures=max(60, 2 * int(incumbent.is_open.sum())),
        )
        offer(kicked)
        done.append("iterated local search")
    fixing_bound = min(incumbent.objective, ceiling)
    narrow = _narrowed(inst, lagr.pair_bounds, incumbent, done)
    lower = lagr.lower_bound
    tol = fixing_tolerance(inst, fixing_bound)
    proven = lower >= fixing_bound - tol
    free = int((~lagr.fixed_open & ~lagr.fixed_closed).sum())
    if finisher == "auto":
        finisher = "HIGHS" if inst.capacitated else "tree"
    if not proven and finisher == "tree":
        tree = branch_and_bound(
            narrow,
            lagr.fixed_open,
            lagr.fixed_closed,
            lagr.multipliers,
            lambda: min(incumbent.objective, ceiling),
            offer_plain,
            settle,
            limit,
            lagr.raw_bound,
        )
        done.append(f"lagrangian tree search ({free} free shops, {tree.nodes} nodes)")
        proven = tree.finished
        lower = max(lower, min(tree.lower_bound, fixing_bound))
    elif not proven and limit.seconds_left() > 0.2:
        if finisher == "HIGHS" and inst.capacitated:
            mip = solve_capacitated_highs(
                narrow,
                lagr.fixed_open,
                lagr.fixed_closed,
                limit.seconds_left(),
                start=(incumbent.is_open, incumbent.assignment),
                cutoff=fixing_bound - tol,
                node_limit=_node_limit(limit),
            )
        else:
            mip = solve_reduced_mip(
                narrow,
                lagr.fixed_open,
                lagr.fixed_closed,
                limit.seconds_left(),
                finisher,
                hint_open=incumbent.is_open,
                cutoff=fixing_bound - tol,
                node_limit=_node_limit(limit),
            )
        _note_clock(limit, mip)
        done.append(f"{mip.solver} reduced MIP ({free} free shops)")
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
        if proven:
            raise ValueError("capacity: infeasible; the customers that must be served do not fit")
        raise ValueError("capacity: no feasible assignment found within the time limit")
    if inst.integral:
        lower = math.ceil(lower - 1e-6)
    lower = min(lower, incumbent.objective)
    proven = proven or lower >= incumbent.objective - (tol if inst.integral else 1e-9)
    if proven:
        lower = incumbent.objective
    gap = (incumbent.objective - lower) / max(abs(incumbent.objective), 1e-9)
    result = _result(problem, inst, incumbent, lower, gap, proven, start, ", ".join(done))
    result.steps, result.clock_hit = limit.used, limit.clock_hit
    return result


def _first_solution(inst: Instance, limit: SearchLimit, done: list[str]) -> _Incumbent:
    """Greedy plus vertex substitution (capacity-aware on small capacitated problems)."""
    if inst.capacitated and inst.n * inst.m <= _SMALL_CAPACITATED:
        is_open = greedy_open(inst)
        is_open = improve_capacitated(inst, is_open, limit.part(0.1))
        done.append("greedy+capacity-aware swap")
    else:
        is_open = greedy_open(inst)
        is_open = improve_uncapacitated(inst, is_open, limit.part(0.3))
        done.append("greedy+swap")
    assignment, objective = assign(inst, is_open)
    return _Incumbent(is_open, assignment, objective)


def _narrowed(
    inst: Instance, pair_bounds: np.ndarray | None, incumbent: _Incumbent, done: list[str]
) -> Instance:
    """The instance without the pairs whose Lagrangian bound shows no better solution uses them
    (the searches after the bound only look for solutions cheaper than the incumbent, whose own
    pairs stay so that a MIP can start from it)."""
    upper_bound = incumbent.objective
    if pair_bounds is None or not np.isfinite(upper_bound):
        return inst
    keep = pair_bounds < upper_bound - fixing_tolerance(inst, upper_bound)
    done.append(f"pair fixing ({int(keep.sum())} of {inst.nnz} pairs left)")
    return keep_pairs(inst, keep | (incumbent.assignment[inst.row] == inst.shop))


def _core(
    inst: Instance, pair_bounds: np.ndarray | None, lower: float, incumbent: _Incumbent
) -> Instance:
    """A heuristic core: the incumbent's pairs and those whose Lagrangian pair bound lies in the
    lower ``CORE_SHARE`` of the gap (the pairs good solutions are most likely to use)."""
    if pair_bounds is None or not np.isfinite(incumbent.objective):
        return inst
    used = incumbent.assignment[inst.row] == inst.shop
    threshold = lower + CORE_SHARE * (incumbent.objective - lower)
    return keep_pairs(inst, used | (pair_bounds <= threshold))


def _kernel_search(
    inst: Instance,
    candidates: list[np.ndarray],
    incumbent: _Incumbent,
    limit: SearchLimit,
    share: float,
) -> None:
    """Solve the MIP restricted to the hubs of the incumbent and of the best relaxations, within
    `share` of the time left (counted searches: to its node limit, within the safety net)."""
    kernel = incumbent.is_open | inst.forced_open
    target = 3 * (inst.p if inst.p is not None else max(1, int(incumbent.is_open.sum())))
    for candidate in candidates:
        if int((kernel | candidate).sum()) > target and kernel.any():
            break
        kernel |= candidate
    seconds = limit.seconds_left()
    if not limit.counted:
        seconds *= share
    if seconds <= 0:
        return
    outcome = solve_capacitated_highs(
        inst,
        inst.forced_open,
        ~kernel | inst.forced_closed,
        seconds,
        start=(incumbent.is_open, incumbent.assignment),
        node_limit=_node_limit(limit),
    )
    _note_clock(limit, outcome)
    if outcome.is_open is not None and outcome.assignment is not None:
        objective = _objective(inst, outcome.is_open, outcome.assignment)
        incumbent.offer(outcome.is_open, outcome.assignment, objective)


def _note_clock(limit: SearchLimit, outcome: MipOutcome) -> None:
    """Record a reduced MIP stopped by the clock rather than finished or by its node limit."""
    if not (outcome.optimal or outcome.infeasible) and limit.seconds_left() <= _CLOCK_TOL_S:
        limit.hit_clock()


def _node_limit(limit: SearchLimit) -> int | None:
    """A counted search's reduced MIPs stop on nodes, not on the clock."""
    if limit.steps is None:
        return None
    return max(1, limit.steps // STEPS_PER_MIP_NODE)


def _worst_case_cost(inst: Instance) -> float:
    """Cost no feasible solution exceeds: every shop open, every customer at its dearest option."""
    dearest = np.full(inst.n, 0.0)
    np.maximum.at(dearest, inst.row, inst.cost)
    finite_home = np.where(np.isfinite(inst.home), inst.home, 0.0)
    return float(np.maximum(dearest, finite_home).sum() + inst.fixed.sum())


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
    reasons = home_reasons(problem, inst, is_open, assignment)
    explanations = hub_explanations(problem, inst, is_open, assignment)
    return LocationResult(
        open_shops=open_shops,
        assignment=mapping,
        home_reasons=reasons,
        objective=float(incumbent.objective),
        lower_bound=float(lower),
        gap=float(max(gap, 0.0)),
        proven_optimal=bool(proven),
        seconds=time.monotonic() - start,
        method=method,
        hub_explanations=explanations,
    )
