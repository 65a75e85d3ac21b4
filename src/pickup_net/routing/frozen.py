"""Frozen stops of a re-plan: validate them and release fixed stops whose order cannot be kept.

A fixed order that breaks a window, a capacity or the shift on its own would make the whole
search infeasible; releasing those stops (they stay in the problem, free to move or drop) keeps
the rest of the plan and says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pickup_net.routing.problem import FrozenRoute, RoutingProblem
from pickup_net.routing.timeline import check_route


def validate_frozen(problem: RoutingProblem, frozen: Sequence[FrozenRoute]) -> None:
    """Raise ``ValueError`` naming the entry and value when a frozen route is contradictory.

    Known vehicles and stops, each vehicle and stop frozen once, and done stops that the vehicle
    can drive in the given order (they are history, so they cannot be released).
    """
    vehicles = {v.id: v for v in problem.vehicles}
    stops = {s.id: s for s in problem.stops}
    seen_stops: set[str] = set()
    seen_vehicles: set[str] = set()
    for i, fr in enumerate(frozen):
        if fr.vehicle_id not in vehicles:
            raise ValueError(f"frozen[{i}].vehicle_id: {fr.vehicle_id!r} is not a vehicle")
        if fr.vehicle_id in seen_vehicles:
            raise ValueError(f"frozen[{i}].vehicle_id: {fr.vehicle_id!r} is frozen twice")
        seen_vehicles.add(fr.vehicle_id)
        for stop_id in fr.stop_ids:
            if stop_id not in stops:
                raise ValueError(f"frozen[{i}].stop_ids: {stop_id!r} is not a stop")
            if stop_id in seen_stops:
                raise ValueError(f"frozen[{i}].stop_ids: {stop_id!r} is frozen twice")
            seen_stops.add(stop_id)
        done = [stops[s] for s in fr.stop_ids[: fr.done]]
        check = check_route(problem, vehicles[fr.vehicle_id], done, reloads=fr.reloads)
        if not check.feasible:
            raise ValueError(
                f"frozen[{i}].done: the {fr.done} done stops of {fr.vehicle_id!r} cannot be "
                f"driven in this order ({check.violations[0]})"
            )


def release_infeasible(
    problem: RoutingProblem, frozen: Sequence[FrozenRoute]
) -> tuple[list[FrozenRoute], dict[str, str]]:
    """Keep each fixed stop only while its route's frozen chain, driven alone, stays feasible.

    Returns the frozen routes still held and, per released stop id, why it was released. Other
    stops can only lengthen a route, so a chain infeasible alone is infeasible in any plan.
    """
    stops = {s.id: s for s in problem.stops}
    vehicles = {v.id: v for v in problem.vehicles}
    kept_routes: list[FrozenRoute] = []
    released: dict[str, str] = {}
    for fr in frozen:
        vehicle = vehicles[fr.vehicle_id]
        kept = list(fr.stop_ids[: fr.done])
        for stop_id in fr.stop_ids[fr.done :]:
            trial = [stops[s] for s in [*kept, stop_id]]
            check = check_route(problem, vehicle, trial, reloads=fr.reloads)
            if check.feasible:
                kept.append(stop_id)
            else:
                released[stop_id] = (
                    f"fixed on {fr.vehicle_id} after {kept[-1] if kept else 'the depot'} "
                    f"but that order is infeasible ({check.violations[0]}); released"
                )
        if kept:
            kept_routes.append(replace(fr, stop_ids=tuple(kept)))
    return kept_routes, released
