"""Recompute a route's timeline, loads and cost from the problem alone: the independent checker."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pickup_net.routing.problem import RoutingProblem, Stop, Vehicle, sorted_windows
from pickup_net.routing.result import Route, StopVisit, Trip
from pickup_net.routing.solution import trip_breaks

#: Tolerance for loads compared with capacities (floating point sums).
LOAD_TOL = 1e-6
#: Tolerance in seconds for time comparisons (engines round travel times up, never down).
TIME_TOL_S = 1e-6


@dataclass(frozen=True)
class RouteCheck:
    """A recomputed route and the constraints it breaks (empty when feasible)."""

    route: Route
    violations: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        """True when the route keeps every constraint."""
        return not self.violations


def leg(problem: RoutingProblem, vehicle: Vehicle, a: int, b: int) -> tuple[float, float]:
    """Metres and seconds of the drive from location ``a`` to ``b`` with this vehicle."""
    return float(problem.meters[a, b]), float(problem.seconds[a, b]) / vehicle.speed_factor


def route_cost(vehicle: Vehicle, distance_m: float, duration_s: float) -> float:
    """Fixed cost plus cost per km and per hour of driving and working time."""
    return (
        vehicle.fixed_cost
        + vehicle.cost_per_km * distance_m / 1000.0
        + vehicle.cost_per_hour * duration_s / 3600.0
    )


def check_route(
    problem: RoutingProblem,
    vehicle: Vehicle,
    stops: Sequence[Stop],
    engine: str = "",
    depart_s: float | None = None,
    reloads: Sequence[int] = (),
) -> RouteCheck:
    """Schedule ``stops`` in order on ``vehicle`` and list every broken constraint.

    Before each position in ``reloads`` the van drives back to its start depot and reloads for
    ``vehicle.reload_s``. The departure is the shortest-duration feasible one among the shift start
    and ``depart_s`` (proposed by an engine), each delayed as far as the delay only removes waiting.
    """
    breaks = trip_breaks(reloads, len(stops))
    candidates = [float(vehicle.shift_start_s)]
    if depart_s is not None and depart_s > vehicle.shift_start_s:
        candidates.append(float(depart_s))
    best: RouteCheck | None = None
    for start in candidates:
        first = _forward(problem, vehicle, stops, engine, start, breaks)
        check = _forward(problem, vehicle, stops, engine, start + _delay(first, stops), breaks)
        if best is None or (len(check.violations), check.route.duration_s) < (
            len(best.violations),
            best.route.duration_s,
        ):
            best = check
    assert best is not None
    return best


def _delay(check: RouteCheck, stops: Sequence[Stop]) -> float:
    """Largest departure delay that only removes waiting and keeps every service in its window."""
    waited = 0.0
    delay = math.inf
    for visit, stop in zip(check.route.visits, stops, strict=True):
        waited += visit.wait_s
        window_end = _window_end(stop, visit.start_s)
        delay = min(delay, waited + window_end - visit.start_s)
    delay = min(delay, waited)
    return max(0.0, delay) if math.isfinite(delay) else 0.0


def _window_end(stop: Stop, start_s: float) -> float:
    for w in sorted_windows(stop):
        if w.start_s - TIME_TOL_S <= start_s <= w.end_s + TIME_TOL_S:
            return float(w.end_s)
    return math.inf


def _trips(stops: Sequence[Stop], breaks: Sequence[int]) -> list[Sequence[Stop]]:
    bounds = [0, *breaks, len(stops)]
    return [stops[a:b] for a, b in itertools.pairwise(bounds)]


def _forward(
    problem: RoutingProblem,
    vehicle: Vehicle,
    stops: Sequence[Stop],
    engine: str,
    depart_s: float,
    breaks: Sequence[int],
) -> RouteCheck:
    violations: list[str] = []
    trips = _trips(stops, breaks)
    if len(trips) > vehicle.max_trips:
        violations.append(f"{len(trips)} trips exceed the {vehicle.max_trips} allowed")
    t = depart_s
    loc = vehicle.start_location
    distance = 0.0
    visits: list[StopVisit] = []
    summaries: list[Trip] = []
    for number, trip in enumerate(trips, start=1):
        if number > 1:
            m, s = leg(problem, vehicle, loc, vehicle.start_location)
            if not (math.isfinite(m) and math.isfinite(s)):
                where = problem.location_ids[loc]
                violations.append(f"depot unreachable for a reload from {where}")
            distance += m
            summaries[-1] = replace(summaries[-1], return_s=t + s)
            t, loc = t + s + vehicle.reload_s, vehicle.start_location
        load_l = sum(s.liters for s in trip)
        load_kg = sum(s.kg for s in trip)
        if load_l > vehicle.capacity_liters + LOAD_TOL:
            violations.append(
                f"trip {number}: load {load_l:g} L exceeds capacity {vehicle.capacity_liters:g} L"
            )
        if load_kg > vehicle.capacity_kg + LOAD_TOL:
            violations.append(
                f"trip {number}: load {load_kg:g} kg exceeds capacity {vehicle.capacity_kg:g} kg"
            )
        summaries.append(Trip(number, t, t, len(trip), load_l, load_kg))
        for stop in trip:
            m, s = leg(problem, vehicle, loc, stop.location)
            if not (math.isfinite(m) and math.isfinite(s)):
                violations.append(f"{stop.id}: unreachable from {problem.location_ids[loc]}")
            arrival = t + s
            start = arrival
            windows = sorted_windows(stop)
            if windows:
                usable = [w for w in windows if w.end_s + TIME_TOL_S >= arrival]
                if usable:
                    start = max(arrival, float(usable[0].start_s))
                else:
                    violations.append(
                        f"{stop.id}: arrives at {arrival:.0f} s after its last window"
                    )
            end = start + stop.service_s
            load_l -= stop.liters
            load_kg -= stop.kg
            distance += m
            visits.append(
                StopVisit(
                    stop_id=stop.id,
                    location_id=problem.location_ids[stop.location],
                    arrival_s=arrival,
                    wait_s=start - arrival,
                    start_s=start,
                    end_s=end,
                    load_liters=max(load_l, 0.0),
                    load_kg=max(load_kg, 0.0),
                    distance_m=m,
                    travel_s=s,
                    trip=number,
                )
            )
            t, loc = end, stop.location
    m, s = leg(problem, vehicle, loc, vehicle.end_location)
    if not (math.isfinite(m) and math.isfinite(s)):
        violations.append(f"end depot unreachable from {problem.location_ids[loc]}")
    distance += m
    return_s = t + s
    if summaries:
        summaries[-1] = replace(summaries[-1], return_s=return_s)
    duration = return_s - depart_s
    if return_s > vehicle.shift_end_s + TIME_TOL_S:
        violations.append(f"returns at {return_s:.0f} s after shift end {vehicle.shift_end_s} s")
    if vehicle.max_duration_s is not None and duration > vehicle.max_duration_s + TIME_TOL_S:
        violations.append(f"duration {duration:.0f} s exceeds {vehicle.max_duration_s} s")
    route = Route(
        vehicle_id=vehicle.id,
        engine=engine,
        depart_s=depart_s,
        return_s=return_s,
        visits=visits,
        distance_m=distance,
        duration_s=duration,
        cost=route_cost(vehicle, distance, duration),
        load_liters=sum(trip.load_liters for trip in summaries),
        load_kg=sum(trip.load_kg for trip in summaries),
        return_distance_m=m,
        return_travel_s=s,
        trips=summaries,
    )
    return RouteCheck(route=route, violations=tuple(violations))
