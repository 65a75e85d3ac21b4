"""Re-planning: keep what is done or fixed, apply the day's changes, re-optimise the rest."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from pickup_net.routing.problem import FrozenRoute, RoutingProblem, Stop
from pickup_net.routing.result import RoutingResult
from pickup_net.routing.solve import solve_routing


@dataclass(frozen=True)
class Changes:
    """What happened since ``current`` was planned.

    ``done`` maps a vehicle id to how many of its leading stops are already served;
    ``fixed_stop_ids`` keep their vehicle and relative order; removed stops (a shop declines)
    leave the problem; broken vehicles leave the fleet and their undone stops are re-assigned.
    """

    done: dict[str, int] = field(default_factory=dict)
    fixed_stop_ids: frozenset[str] = frozenset()
    removed_stop_ids: frozenset[str] = frozenset()
    new_stops: tuple[Stop, ...] = ()
    broken_vehicle_ids: frozenset[str] = frozenset()


def replan(
    problem: RoutingProblem,
    current: RoutingResult,
    changes: Changes,
    time_limit_s: float = 10.0,
    seed: int = 0,
    engine: Literal["auto", "ortools"] = "auto",
) -> tuple[RoutingProblem, RoutingResult]:
    """Apply ``changes`` to ``problem`` and re-solve with done and fixed stops frozen.

    Parameters
    ----------
    problem
        The problem ``current`` was planned for.
    current
        The routes being driven.
    changes
        Done and fixed stops, removed and new stops, broken vehicles.
    time_limit_s, seed, engine
        As for ``solve_routing`` (frozen stops need OR-Tools, which ``"auto"`` then uses).

    Returns
    -------
    tuple[RoutingProblem, RoutingResult]
        The changed problem (done stops of broken vehicles are gone) and its new plan.
    """
    frozen: list[FrozenRoute] = []
    gone: set[str] = set(changes.removed_stop_ids)
    for route in current.routes:
        ids = [v.stop_id for v in route.visits if v.stop_id not in changes.removed_stop_ids]
        done = min(changes.done.get(route.vehicle_id, 0), len(ids))
        if route.vehicle_id in changes.broken_vehicle_ids:
            gone.update(ids[:done])
            continue
        kept = ids[:done] + [i for i in ids[done:] if i in changes.fixed_stop_ids]
        trip = {v.stop_id: v.trip for v in route.visits}
        reloads = tuple(n for n in range(1, done) if trip[ids[n]] != trip[ids[n - 1]])
        if kept:
            frozen.append(FrozenRoute(route.vehicle_id, tuple(kept), done, reloads))
    stops = [s for s in problem.stops if s.id not in gone] + list(changes.new_stops)
    vehicles = [v for v in problem.vehicles if v.id not in changes.broken_vehicle_ids]
    changed = replace(problem, stops=stops, vehicles=vehicles)
    result = solve_routing(changed, time_limit_s, seed, engine, frozen)
    return changed, result
