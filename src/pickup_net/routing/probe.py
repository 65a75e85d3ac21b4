"""Post-solve insertion probe: a labelled heuristic reason for each stop the solver left out."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

from pickup_net.routing.problem import PRIORITY_TIERS, RoutingProblem
from pickup_net.routing.result import Unassigned
from pickup_net.routing.solution import EngineRoute
from pickup_net.routing.timeline import LOAD_TOL, check_route

LABEL = "heuristic (post-solve insertion probe)"
NOT_PROBED = "not probed (probe time budget spent)"


def probe_unassigned(
    problem: RoutingProblem,
    routes: Sequence[EngineRoute],
    missing: Sequence[int],
    allowed_vehicles: dict[int, list[int]],
    budget_s: float,
) -> list[Unassigned]:
    """Try every insertion of each missing stop into the routes and say why none was taken."""
    deadline = time.perf_counter() + budget_s
    used = {r.vehicle for r in routes}
    out: list[Unassigned] = []
    for stop_i in missing:
        stop = problem.stops[stop_i]
        tier = f"priority {stop.priority} ({PRIORITY_TIERS[stop.priority]})"
        if time.perf_counter() > deadline:
            reason = f"{LABEL}: {NOT_PROBED}; {tier}"
            out.append(Unassigned(stop.id, reason, False))
            continue
        idle = [k for k in allowed_vehicles.get(stop_i, []) if k not in used]
        if idle:
            v = problem.vehicles[idle[0]]
            alone = check_route(problem, v, [stop])
            out.append(
                Unassigned(
                    stop.id,
                    f"{LABEL}: unused vehicle {v.id} could serve it alone at cost "
                    f"{alone.route.cost:.2f}; the solver kept the drop penalty of its {tier}",
                    False,
                )
            )
            continue
        out.append(Unassigned(stop.id, _insertion_reason(problem, routes, stop_i, tier), False))
    return out


def _insertion_reason(
    problem: RoutingProblem, routes: Sequence[EngineRoute], stop_i: int, tier: str
) -> str:
    stop = problem.stops[stop_i]
    causes: Counter[str] = Counter()
    best: tuple[float, str] | None = None
    for route in routes:
        v = problem.vehicles[route.vehicle]
        current = [problem.stops[i] for i in route.stops]
        if v.max_trips == 1 and (
            sum(s.liters for s in current) + stop.liters > v.capacity_liters + LOAD_TOL
            or sum(s.kg for s in current) + stop.kg > v.capacity_kg + LOAD_TOL
        ):
            causes["capacity"] += 1
            continue
        base = check_route(problem, v, current, reloads=route.reloads).route.cost
        route_causes: set[str] = set()
        for pos in range(len(current) + 1):
            reloads = [p + 1 if p > pos else p for p in route.reloads]
            trial = [*current[:pos], stop, *current[pos:]]
            check = check_route(problem, v, trial, reloads=reloads)
            if check.feasible:
                delta = check.route.cost - base
                if best is None or delta < best[0]:
                    best = (delta, v.id)
            else:
                route_causes.update(_category(x) for x in check.violations)
        if not route_causes or (best is not None and best[1] == v.id):
            continue
        causes[min(route_causes)] += 1
    if best is not None:
        return (
            f"{LABEL}: fits into the route of {best[1]} at extra cost {best[0]:.2f}; the "
            f"solver did not insert it in time or valued the drop penalty of its {tier} lower"
        )
    detail = ", ".join(f"{cause} on {n} route(s)" for cause, n in causes.most_common())
    return f"{LABEL}: no feasible insertion in any route ({detail or 'no routes'}); {tier}"


def _category(violation: str) -> str:
    if "capacity" in violation:
        return "capacity"
    if "window" in violation:
        return "time windows"
    if "unreachable" in violation:
        return "unreachable between stops"
    return "shift or duration"
