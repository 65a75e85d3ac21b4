"""Pre-solve screen: stops no vehicle can serve even alone, each with a certain reason."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from pickup_net.routing.problem import RoutingProblem, Stop, Vehicle, sorted_windows
from pickup_net.routing.result import Unassigned
from pickup_net.routing.timeline import LOAD_TOL, TIME_TOL_S, check_route, leg


@dataclass(frozen=True)
class Screen:
    """Stops worth giving to a solver, the vehicles able to serve each alone, and the rest."""

    servable: list[int]
    allowed_vehicles: dict[int, list[int]]
    unassigned: list[Unassigned]


def screen_stops(problem: RoutingProblem) -> Screen:
    """Split stops into servable ones and ones with a certain reason to stay unserved."""
    servable: list[int] = []
    allowed: dict[int, list[int]] = {}
    unassigned: list[Unassigned] = []
    classes: dict[Vehicle, list[int]] = {}
    for k, v in enumerate(problem.vehicles):
        classes.setdefault(replace(v, id=""), []).append(k)
    for i, stop in enumerate(problem.stops):
        able, reason = _able_vehicles(problem, list(classes), stop)
        if able:
            servable.append(i)
            allowed[i] = sorted(k for c in able for k in classes[list(classes)[c]])
        else:
            unassigned.append(Unassigned(stop_id=stop.id, reason=reason, certain=True))
    return Screen(servable=servable, allowed_vehicles=allowed, unassigned=unassigned)


def _able_vehicles(
    problem: RoutingProblem, fleet_classes: list[Vehicle], stop: Stop
) -> tuple[list[int], str]:
    """Vehicle classes that can serve ``stop`` on a route of its own, or the filter none passed."""
    fleet = list(enumerate(fleet_classes))
    if not fleet:
        return [], "no vehicles in the fleet"
    reach = [(k, v) for k, v in fleet if _reachable(problem, v, stop)]
    if not reach:
        return [], "unreachable on the street graph from and back to every depot"
    large = [
        (k, v)
        for k, v in reach
        if stop.liters <= v.capacity_liters + LOAD_TOL and stop.kg <= v.capacity_kg + LOAD_TOL
    ]
    if not large:
        return [], (
            f"no vehicle able to reach it is large enough for {stop.liters:g} L / {stop.kg:g} kg"
        )
    windows = sorted_windows(stop)
    in_time = [
        (k, v)
        for k, v in large
        if not windows or _earliest_arrival(problem, v, stop) <= (windows[-1].end_s + TIME_TOL_S)
    ]
    if not in_time:
        return [], "its time windows close before any vehicle can arrive"
    alone = [k for k, v in in_time if check_route(problem, v, [stop]).feasible]
    if not alone:
        return [], "outside every shift: no vehicle serves it and returns within shift and duration"
    return alone, ""


def _reachable(problem: RoutingProblem, vehicle: Vehicle, stop: Stop) -> bool:
    out = leg(problem, vehicle, vehicle.start_location, stop.location)
    back = leg(problem, vehicle, stop.location, vehicle.end_location)
    return all(math.isfinite(x) for x in (*out, *back))


def _earliest_arrival(problem: RoutingProblem, vehicle: Vehicle, stop: Stop) -> float:
    return vehicle.shift_start_s + leg(problem, vehicle, vehicle.start_location, stop.location)[1]
