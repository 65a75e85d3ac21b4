"""``solve_routing``: screen, compile, search with one or two engines, check, explain."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Literal

from pickup_net.routing.auto import solve_parallel
from pickup_net.routing.compiled import compile_model
from pickup_net.routing.frozen import release_infeasible, validate_frozen
from pickup_net.routing.ortools_engine import solve_ortools
from pickup_net.routing.probe import NOT_PROBED, probe_unassigned
from pickup_net.routing.problem import TIER_FACTOR, FrozenRoute, RoutingProblem
from pickup_net.routing.pyvrp_engine import pyvrp_fits, solve_pyvrp
from pickup_net.routing.result import Route, RoutingResult
from pickup_net.routing.screen import screen_stops
from pickup_net.routing.solution import EngineSolution
from pickup_net.routing.timeline import check_route

Engine = Literal["auto", "ortools", "pyvrp"]
#: Time kept from the search for checking the routes and probing stops left out (the smaller
#: of the two); the probe gets what is left of the limit, so the limit holds for everything.
RESULT_MARGIN_S = 1.0
RESULT_MARGIN_SHARE = 0.1


def solve_routing(
    problem: RoutingProblem,
    time_limit_s: float = 10.0,
    seed: int = 0,
    engine: Engine = "auto",
    frozen: Sequence[FrozenRoute] = (),
    processes: int = 2,
    start_method: Literal["fork", "spawn", "forkserver"] = "fork",
    work: int | None = None,
) -> RoutingResult:
    """Plan van routes for ``problem`` and explain every stop left out.

    Parameters
    ----------
    problem
        Matrices, fleet and stops.
    time_limit_s
        Wall-clock budget of everything: model building, search, checks and the probe of stops
        left out.
    seed
        Seed of the randomised engine (PyVRP); OR-Tools' search is deterministic.
    engine
        ``"auto"`` runs OR-Tools and, in a second process, PyVRP where it fits the problem (else a
        second OR-Tools search) and keeps the best checked solution; ``"ortools"`` or ``"pyvrp"``
        run one engine.
    frozen
        Stops that keep their vehicle and order (re-planning); done ones stay first. A fixed stop
        whose order cannot be driven even alone is released and named in
        ``stats["released_frozen"]`` with the broken constraint.
    processes
        Processes ``"auto"`` may run at once (1: only this process's search).
    start_method
        How the second process starts: ``"fork"`` is instant but unsafe in a process running
        other threads (a web server), where ``"spawn"`` or ``"forkserver"`` belong.
    work
        A deterministic work limit for each search: OR-Tools solutions (``solution_limit``) and
        PyVRP iterations. With it, the result depends only on the problem, the seed and
        ``work`` (``"auto"`` with one process runs its two searches one after the other), and
        ``time_limit_s`` is a safety net; ``stats["time_limit_hit"]`` says if it cut anything.

    Returns
    -------
    RoutingResult
        Routes with timelines recomputed by the checker, unassigned stops with reasons, and stats.

    Raises
    ------
    ValueError
        If ``engine`` is unknown, PyVRP is asked for a problem it does not fit, or ``frozen``
        names an unknown vehicle or stop, repeats one, or has done stops that cannot be driven
        in their order.
    """
    started = time.perf_counter()
    validate_frozen(problem, frozen)
    frozen, released = release_infeasible(problem, frozen)
    screen = screen_stops(problem)
    model = compile_model(problem, screen)
    margin_s = min(RESULT_MARGIN_S, RESULT_MARGIN_SHARE * time_limit_s)
    search_s = max(0.1, time_limit_s - margin_s - (time.perf_counter() - started))
    if not screen.servable:
        solutions: list[EngineSolution] = []
    elif engine == "auto":
        solutions = solve_parallel(
            problem, model, search_s, seed, frozen, processes, start_method, work
        )
    elif engine == "ortools":
        solutions = [solve_ortools(problem, model, search_s, frozen, work=work)]
    elif engine == "pyvrp":
        missing = pyvrp_fits(problem, frozen)
        if missing is not None:
            raise ValueError(f"engine: 'pyvrp' does not support {missing}; use 'ortools'")
        solutions = [solve_pyvrp(problem, model, search_s, seed, work=work)]
    else:
        raise ValueError(f"engine: {engine!r} is not 'auto', 'ortools' or 'pyvrp'")
    best, routes, violations = _best(problem, solutions)
    routed = {i for r in (best.routes if best else []) for i in r.stops}
    missing_stops = [i for i in screen.servable if i not in routed]
    probe_s = max(0.0, started + time_limit_s - time.perf_counter())
    probed = probe_unassigned(
        problem, best.routes if best else [], missing_stops, screen.allowed_vehicles, probe_s
    )
    unassigned = screen.unassigned + probed
    clock_hit = any(s.stats.get("stopped_by") == "time" for s in solutions) or any(
        NOT_PROBED in u.reason for u in probed
    )
    stats = {
        "engine": best.engine if best else None,
        "engine_per_route": {r.vehicle_id: r.engine for r in routes},
        "engines_run": [
            {"engine": s.engine, "objective": s.objective, **s.stats} for s in solutions
        ],
        "objective": best.objective if best else None,
        "integer_scaling": model.scaling(),
        "bound": None,
        "violations": violations,
        "released_frozen": released,
        "work": work,
        "time_limit_hit": clock_hit,
        "seconds": time.perf_counter() - started,
    }
    return RoutingResult(
        routes=routes, unassigned=unassigned, cost=sum(r.cost for r in routes), stats=stats
    )


def _best(
    problem: RoutingProblem, solutions: Sequence[EngineSolution]
) -> tuple[EngineSolution | None, list[Route], list[str]]:
    """Solution with fewest broken routes, then least dropped-stop penalty, then least cost."""
    best: tuple[tuple[float, float, float], EngineSolution, list[Route], list[str]] | None = None
    for solution in solutions:
        routes: list[Route] = []
        violations: list[str] = []
        for er in solution.routes:
            vehicle = problem.vehicles[er.vehicle]
            stops = [problem.stops[i] for i in er.stops]
            check = check_route(problem, vehicle, stops, solution.engine, er.depart_s, er.reloads)
            routes.append(check.route)
            violations.extend(f"{vehicle.id}: {v}" for v in check.violations)
        served = {i for er in solution.routes for i in er.stops}
        dropped = sum(
            TIER_FACTOR ** (3 - s.priority) for i, s in enumerate(problem.stops) if i not in served
        )
        key = (len(violations), dropped, sum(r.cost for r in routes))
        if best is None or key < best[0]:
            best = (key, solution, routes, violations)
    if best is None:
        return None, [], []
    return best[1], best[2], best[3]
