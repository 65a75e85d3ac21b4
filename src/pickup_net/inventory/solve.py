"""``solve_irp``: route-pool matheuristic — a HiGHS route-selection MIP alternating with PyVRP."""

from __future__ import annotations

import time

import numpy as np

from pickup_net.inventory.check import cost, violations
from pickup_net.inventory.mip import Candidate, Selection, select_routes
from pickup_net.inventory.pool import Key, TourBook, neighbours
from pickup_net.inventory.problem import IRPProblem
from pickup_net.inventory.result import IRPResult
from pickup_net.inventory.solution import Delivery, IRPSolution
from pickup_net.inventory.vrp import route_period

METHOD = (
    "route-pool matheuristic: HiGHS MIP choosing routes per period with exact maximum-level "
    "quantities, over neighbours of the incumbent's routes (drop, insert, split, merge, shift) and "
    "PyVRP routes of each period's deliveries; tours by insertion, 2-opt, or-opt and PyVRP"
)
#: Share of the time limit kept back for building the result and checking it.
RESERVE = 0.03
#: Cheapest insertions offered per route in a neighbourhood (grows when the search stalls).
WIDTH = 8

Plan = dict[tuple[int, Key], dict[int, float]]


def _policy_deliveries(problem: IRPProblem, order_up_to: bool) -> np.ndarray:
    """Deliveries of a simple policy: just in time (to L) or, when needed, up to U."""
    level = problem.initial.astype(float).copy()
    out = np.zeros((problem.n, problem.periods))
    for t in range(problem.periods):
        need = level - problem.demand[:, t] < problem.min_level - 1e-9
        q = (
            problem.max_level - level
            if order_up_to
            else problem.min_level + problem.demand[:, t] - level
        )
        out[:, t] = np.where(need, np.maximum(q, 0.0), 0.0)
        level += out[:, t] - problem.demand[:, t]
    return out


def _plan_solution(book: TourBook, plan: Plan, periods: int) -> IRPSolution:
    """The solution of a plan: each route's best known tour with its deliveries."""
    per: list[list[tuple[Delivery, ...]]] = [[] for _ in range(periods)]
    for (t, key), deliveries in sorted(plan.items()):
        tour, _ = book.get(key)
        per[t].append(tuple(Delivery(i, deliveries.get(i, 0.0)) for i in tour))
    return IRPSolution(tuple(tuple(p) for p in per))


def _clean(value: float) -> float:
    """A quantity off an LP, snapped to the nearest integer when within 1e-6 of it."""
    return float(round(value)) if abs(value - round(value)) < 1e-6 else value


def _selection_plan(book: TourBook, selection: Selection) -> Plan:
    """Routes of a MIP selection, with customers that receive nothing dropped from their tour."""
    plan: Plan = {}
    for cand, deliveries in selection.chosen:
        kept = {i: _clean(q) for i, q in deliveries.items() if q > 1e-6}
        if not kept:
            continue
        tour, tour_cost = book.get(cand.customers)
        key = cand.customers
        if len(kept) < len(deliveries):
            key = book.offer([i for i in tour if i in kept])
            if book.get(key)[1] > tour_cost:
                key, kept = cand.customers, {i: kept.get(i, 0.0) for i in cand.customers}
        plan[(cand.period, key)] = kept
    return plan


def _vrp_routes(
    problem: IRPProblem, book: TourBook, shipped: np.ndarray, seed: int, iters: int, limit: float
) -> set[Key]:
    """PyVRP routes of each period's deliveries in ``shipped`` (customers × periods)."""
    keys: set[Key] = set()
    for t in range(problem.periods):
        deliveries = {i + 1: float(q) for i, q in enumerate(shipped[:, t]) if q > 1e-6}
        routes = route_period(
            problem.distance, deliveries, problem.capacity, problem.vehicles, seed, iters, limit
        )
        for route in routes or []:
            keys.add(book.offer(route))
    return keys


def _shipped(problem: IRPProblem, plan: Plan) -> np.ndarray:
    """Units delivered per customer (row) and period (column) by ``plan``."""
    out = np.zeros((problem.n, problem.periods))
    for (t, _), deliveries in plan.items():
        for i, q in deliveries.items():
            out[i - 1, t] += q
    return out


def solve_irp(
    problem: IRPProblem, time_limit_s: float, seed: int = 0, max_iterations: int = 1000
) -> IRPResult:
    """Best plan found within ``time_limit_s`` seconds (model building and checks included).

    Raises ``RuntimeError`` when no feasible plan is found in time.
    """
    started = time.perf_counter()
    deadline = started + time_limit_s * (1 - RESERVE) - 0.02

    def left() -> float:
        return deadline - time.perf_counter()

    book = TourBook(problem.distance)
    n, periods = problem.n, problem.periods
    everyone: set[Key] = {(i,) for i in range(1, n + 1)}
    vrp_time = max(0.02, 0.02 * time_limit_s / periods)
    extra: set[Key] = set()
    for order_up_to in (False, True):
        shipped = _policy_deliveries(problem, order_up_to)
        extra |= _vrp_routes(problem, book, shipped, seed, 200, min(vrp_time, left()))

    best_plan: Plan | None = None
    best_cost = float("inf")
    width, stall, iteration, mip_calls = WIDTH, 0, 0, 0
    while iteration < max_iterations and left() > 0.05:
        iteration += 1
        current = (
            [[k for (t, k) in best_plan if t == p] for p in range(periods)] if best_plan else []
        )
        keys = everyone | extra | (neighbours(book, current, n, width) if current else set())
        candidates = [
            Candidate(t, key, float(book.get(key)[1]))
            for key in sorted(keys)
            for t in range(periods)
        ]
        selection = select_routes(
            problem, candidates, best_plan, min(left(), max(1.0, 0.25 * time_limit_s)), seed
        )
        mip_calls += 1
        if selection is None:
            break
        plan = _selection_plan(book, selection)
        for _, key in plan:
            book.polish(key, seed, 200, min(0.05, max(0.0, left())))
        solution = _plan_solution(book, plan, periods)
        value = cost(problem, solution).total
        if not violations(problem, solution) and value < best_cost - 1e-6:
            best_plan, best_cost, stall = plan, value, 0
        else:
            stall += 1
            width = min(n, width * 2)
        if best_plan is None or left() <= 0.05:
            continue
        extra = _vrp_routes(
            problem, book, _shipped(problem, best_plan), seed + iteration, 200 * (1 + stall),
            min(vrp_time, left()),
        )  # fmt: skip
        if stall > 3:
            break
    if best_plan is None:
        raise RuntimeError(f"no feasible plan found in {time_limit_s:g} s")
    solution = _plan_solution(book, best_plan, periods)
    errors = violations(problem, solution)
    if errors:
        raise RuntimeError(f"solver produced an infeasible plan: {errors[0]}")
    split = cost(problem, solution)
    return IRPResult(
        solution=solution,
        cost=split.total,
        routing_cost=split.routing,
        holding_cost=split.holding,
        lower_bound=None,
        seconds=time.perf_counter() - started,
        method=METHOD,
        stats={"iterations": iteration, "mip_calls": mip_calls, "tours_known": len(book.tours)},
    )
