"""``solve_irp``: route-pool matheuristic — HiGHS schedule and route MIPs alternating with PyVRP."""

from __future__ import annotations

import time

import numpy as np

from pickup_net.inventory.check import cost, violations
from pickup_net.inventory.days import single_visit_routes
from pickup_net.inventory.mip import Candidate, Selection, select_routes
from pickup_net.inventory.pool import Key, TourBook, neighbours
from pickup_net.inventory.problem import IRPProblem
from pickup_net.inventory.result import IRPResult
from pickup_net.inventory.schedule import propose_schedule, visit_prices
from pickup_net.inventory.solution import Delivery, IRPSolution
from pickup_net.inventory.vrp import route_period

METHOD = (
    "route-pool matheuristic (iterated local search): one PyVRP run chooses the day of each "
    "single-visit customer (a group of per-day alternatives, holding priced into its arcs); a "
    "HiGHS schedule MIP with insertion-priced visits proposes days and quantities, PyVRP routes "
    "each period; a HiGHS route-selection MIP with exact maximum-level quantities picks among the "
    "incumbent's routes, the proposals' and neighbours of the incumbent (drop, insert, swap, "
    "split, merge a customer); restarts after stalls; tours by insertion, 2-opt, or-opt, PyVRP"
)
#: Share of the time limit kept back: half for re-optimising the final quantities on the chosen
#: routes, half for building the result and checking it.
RESERVE = 0.04
#: Cheapest insertions offered per route in a neighbourhood.
WIDTH = 8
#: Candidate routes offered around the incumbent per iteration: routes are picked at random
#: until their neighbours reach this many (larger MIPs stall under a shared machine's load); the
#: neighbours are offered in every period when that stays within it too.
NEAR_BUDGET = 160
#: Swap neighbours (one customer replaced) per customer of a picked route once the search stalls.
SWAP_WIDTH = 2
#: Share of the time limit and iteration cap of one PyVRP run choosing visit days.
DAY_CHOICE_SHARE = 0.15
DAY_CHOICE_ITERATIONS = 5000
#: Iterations without improvement before the search restarts from a schedule proposal.
RESTART_AFTER = 6

Plan = dict[tuple[int, Key], dict[int, float]]


def _policy_deliveries(problem: IRPProblem, policy: str) -> np.ndarray:
    """Deliveries of a simple policy, each visit made only when stock would fall below L.

    ``"jit"`` brings just the period's shortfall, ``"fill"`` fills up to U, ``"rest"`` fills up to
    what the rest of the horizon needs (at most U).
    """
    level = problem.initial.astype(float).copy()
    out = np.zeros((problem.n, problem.periods))
    for t in range(problem.periods):
        need = level - problem.demand[:, t] < problem.min_level - 1e-9
        target = {
            "jit": problem.min_level + problem.demand[:, t],
            "fill": problem.max_level,
            "rest": np.minimum(problem.max_level, problem.min_level + problem.demand[:, t:].sum(1)),
        }[policy]
        out[:, t] = np.where(need, np.maximum(target - level, 0.0), 0.0)
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
) -> set[tuple[int, Key]]:
    """PyVRP routes of each period's deliveries in ``shipped`` (customers × periods)."""
    keys: set[tuple[int, Key]] = set()
    for t in range(problem.periods):
        deliveries = {i + 1: float(q) for i, q in enumerate(shipped[:, t]) if q > 1e-6}
        routes = route_period(
            problem.distance, deliveries, problem.capacity, problem.vehicles, seed, iters, limit
        )
        for route in routes or []:
            keys.add((t, book.offer(route)))
    return keys


def _policy_plan(
    problem: IRPProblem, book: TourBook, shipped: np.ndarray, seed: int, limit: float
) -> tuple[set[tuple[int, Key]], Plan | None]:
    """PyVRP routes of a policy's deliveries, and the plan they make when every period is routed."""
    keys: set[tuple[int, Key]] = set()
    plan: Plan | None = {}
    for t in range(problem.periods):
        deliveries = {i + 1: float(q) for i, q in enumerate(shipped[:, t]) if q > 1e-6}
        routes = route_period(
            problem.distance, deliveries, problem.capacity, problem.vehicles, seed, 200, limit
        )
        if routes is None:
            plan = None
            continue
        for route in routes:
            key = book.offer(route)
            keys.add((t, key))
            if plan is not None:
                plan[(t, key)] = {i: deliveries[i] for i in key}
    return keys, plan


def _shipped(problem: IRPProblem, plan: Plan) -> np.ndarray:
    """Units delivered per customer (row) and period (column) by ``plan``."""
    out = np.zeros((problem.n, problem.periods))
    for (t, _), deliveries in plan.items():
        for i, q in deliveries.items():
            out[i - 1, t] += q
    return out


def _proposal(
    problem: IRPProblem,
    book: TourBook,
    plan: Plan,
    current: list[list[Key]],
    rng: np.random.Generator,
    stall: int,
    time_limit_s: float,
) -> set[tuple[int, Key]]:
    """Routes of a schedule MIP proposal: noisy insertion prices, a random number of changes.

    Every other proposal also offers a free visit in a random period to a random cluster of
    nearby customers, the move that insertion prices miss: opening a route in a new area.
    """
    n, periods = problem.n, problem.periods
    tours = [[book.get(k)[0] for k in routes] for routes in current]
    prices = visit_prices(problem.distance, tours, n, problem.vehicles)
    noise = min(0.5, 0.1 * (1 + stall))
    prices = prices * (1 + rng.uniform(-noise, noise, size=prices.shape))
    visited = _shipped(problem, plan) > 0
    changes = int(rng.integers(2, max(3, n * periods // 3)))
    if rng.random() < 0.5:
        centre = int(rng.integers(1, n + 1))
        size = int(rng.integers(2, max(3, n // 3)))
        cluster = np.argsort(problem.distance[centre, 1:], kind="stable")[:size]
        prices[cluster, int(rng.integers(periods))] = 0.0
        changes = max(changes, 2 * size)
    seed = int(rng.integers(2**31))
    shipped = propose_schedule(problem, prices, visited, changes, time_limit_s, seed)
    if shipped is None:
        return set()
    limit = max(0.02, 0.05 * time_limit_s)
    return _vrp_routes(problem, book, shipped, seed, 1000, limit)


def _focus(current: list[list[Key]], rng: np.random.Generator, swaps: int) -> list[list[Key]]:
    """Routes of ``current`` in random order, kept in their periods, while their neighbours stay
    within ``NEAR_BUDGET``; at least one route."""
    flat = [(t, k) for t, routes in enumerate(current) for k in routes]
    picked: set[tuple[int, Key]] = set()
    used = 0
    for j in rng.permutation(len(flat)):
        size = len(flat[j][1]) * (1 + swaps) + WIDTH + 3
        if picked and used + size > NEAR_BUDGET:
            break
        picked.add(flat[j])
        used += size
    return [[k for k in routes if (t, k) in picked] for t, routes in enumerate(current)]


def solve_irp(
    problem: IRPProblem, time_limit_s: float, seed: int = 0, max_iterations: int = 1000
) -> IRPResult:
    """Best plan found within ``time_limit_s`` seconds (model building and checks included).

    Raises ``RuntimeError`` when no feasible plan is found in time.
    """
    started = time.perf_counter()
    deadline = started + time_limit_s * (1 - RESERVE) - 0.05

    def left() -> float:
        return deadline - time.perf_counter()

    book = TourBook(problem.distance)
    rng = np.random.default_rng(seed)
    n, periods = problem.n, problem.periods
    singles = {(t, (i,)) for i in range(1, n + 1) for t in range(periods)}
    vrp_time = max(0.02, 0.02 * time_limit_s / periods)
    extra: set[tuple[int, Key]] = set()
    starts: list[Plan] = []
    for policy in ("jit", "fill", "rest"):
        shipped = _policy_deliveries(problem, policy)
        routes, start = _policy_plan(problem, book, shipped, seed, min(vrp_time, left()))
        extra |= routes
        if start is not None and not violations(problem, _plan_solution(book, start, periods)):
            starts.append(start)
    rest = _policy_deliveries(problem, "rest")

    def day_choice(day_seed: int) -> set[tuple[int, Key]]:
        """Routes of one PyVRP run choosing single-visit customers' days (see ``days``)."""
        limit = min(left(), DAY_CHOICE_SHARE * time_limit_s)
        routes = single_visit_routes(problem, rest, day_seed, DAY_CHOICE_ITERATIONS, limit)
        return {(t, book.offer(tour)) for t, tour in routes or []}

    extra |= day_choice(seed)

    best_plan: Plan | None = None
    best_cost = float("inf")
    plan_now: Plan | None = None
    cost_now = float("inf")
    stall, iteration, restarts = 0, 0, 0
    mip_cap = max(0.3, 0.03 * time_limit_s)

    def run(pairs: set[tuple[int, Key]], hint: Plan | None) -> tuple[Plan, float] | None:
        """Best feasible plan of the route MIP over ``pairs``, tours polished, true cost."""
        if left() <= 0.01:
            return None
        candidates = [Candidate(t, key, float(book.get(key)[1])) for t, key in sorted(pairs)]
        selection = select_routes(problem, candidates, hint, min(left(), mip_cap), seed)
        if selection is None:
            return None
        plan = _selection_plan(book, selection)
        for _, key in plan:
            book.polish(key, seed, 200, min(0.05, max(0.0, left())))
        solution = _plan_solution(book, plan, periods)
        if violations(problem, solution):
            return None
        return plan, cost(problem, solution).total

    hint = min(
        starts, key=lambda p: cost(problem, _plan_solution(book, p, periods)).total, default=None
    )
    found = None
    while found is None and left() > 0.05:
        found = run(singles | extra | set(hint or {}), hint)
        mip_cap *= 2
    mip_cap = max(0.3, 0.03 * time_limit_s)
    if found is None and hint is not None:
        found = hint, cost(problem, _plan_solution(book, hint, periods)).total
    if found is not None:
        best_plan, best_cost = plan_now, cost_now = found
    while plan_now is not None and iteration < max_iterations and left() > 0.05:
        iteration += 1
        current = [[k for (t, k) in plan_now if t == p] for p in range(periods)]
        own = {(t, k) for t, routes in enumerate(current) for k in routes}
        fresh: set[tuple[int, Key]] = set()
        if left() > 0.1 + 0.02 * periods:
            fresh = _proposal(problem, book, plan_now, current, rng, stall, min(left(), mip_cap))
        if stall >= RESTART_AFTER and fresh:
            found = run(fresh | day_choice(int(rng.integers(2**31))) | singles, None)
            stall = 0
            if found is not None:
                (plan_now, cost_now), restarts = found, restarts + 1
        else:
            vrp_seed = int(rng.integers(2**31))
            shipped = _shipped(problem, plan_now)
            rerouted = _vrp_routes(problem, book, shipped, vrp_seed, 300, min(vrp_time, left()))
            found = run(own | fresh | rerouted, plan_now)
            if found is not None and found[1] < cost_now - 1e-6:
                (plan_now, cost_now), stall = found, 0
            else:
                stall += 1
            swaps = SWAP_WIDTH if stall > 1 else 0
            focus = _focus(current, rng, swaps)
            near = neighbours(book, focus, n, WIDTH, swaps)
            if len(near) * periods <= NEAR_BUDGET:
                near = {(p, k) for _, k in near for p in range(periods)}
            spare = [t for t in range(periods) if len(current[t]) < problem.vehicles]
            free = {(t, k) for t, k in singles if t in spare}
            copies = {(t, k) for _, k in own for t in spare}
            found = run(own | near | free | copies, plan_now)
            if found is not None and found[1] < cost_now - 1e-6:
                (plan_now, cost_now), stall = found, 0
        if cost_now < best_cost - 1e-6:
            best_plan, best_cost = plan_now, cost_now
    if best_plan is not None:
        deadline = started + time_limit_s * (1 - RESERVE / 2) - 0.03
        final = run(set(best_plan), best_plan)
        if final is not None and final[1] <= best_cost + 1e-6:
            best_plan = final[0]
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
        stats={"iterations": iteration, "restarts": restarts, "tours_known": len(book.tours)},
    )
