"""Shared helpers of the routing tests: matrices, a typical van, hypothesis strategies, checks."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import strategies as st

from pickup_net.routing import (
    RoutingProblem,
    RoutingResult,
    Stop,
    TimeWindow,
    Vehicle,
    check_route,
)

HOUR = 3600


def matrices(xy: np.ndarray, unreachable: tuple[int, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Metres (straight line x 1.3) and seconds (8 m/s) between points; ``inf`` to/from some."""
    meters = 1.3 * np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    seconds = meters / 8.0
    for i in unreachable:
        for m in (meters, seconds):
            m[i, :] = np.inf
            m[:, i] = np.inf
            m[i, i] = 0.0
    return seconds, meters


def van(vid: str, depot: int = 0, **kwargs: float) -> Vehicle:
    """A van with a day shift 08-18 and typical costs."""
    base = dict(
        id=vid,
        type_id="van",
        start_location=depot,
        end_location=depot,
        capacity_liters=1000.0,
        capacity_kg=500.0,
        fixed_cost=30.0,
        cost_per_km=0.4,
        cost_per_hour=20.0,
        shift_start_s=8 * HOUR,
        shift_end_s=18 * HOUR,
    )
    base.update(kwargs)
    return Vehicle(**base)  # type: ignore[arg-type]


@st.composite
def windows(draw: st.DrawFn) -> tuple[TimeWindow, ...]:
    """No window, one window, or two windows with a gap (a shop open 9-13 and 16-20)."""
    kind = draw(st.sampled_from(["none", "one", "two"]))
    if kind == "none":
        return ()
    a = draw(st.integers(7 * HOUR, 15 * HOUR))
    b = a + draw(st.integers(15 * 60, 3 * HOUR))
    if kind == "one":
        return (TimeWindow(a, b),)
    c = b + draw(st.integers(30 * 60, 3 * HOUR))
    return (TimeWindow(a, b), TimeWindow(c, c + draw(st.integers(15 * 60, 3 * HOUR))))


@st.composite
def problems(draw: st.DrawFn, max_windows: int = 2, max_trips: int = 1) -> RoutingProblem:
    """Small rich instances: two depots, mixed fleet, windows, tiers, maybe an unreachable spot;
    vans that may reload up to ``max_trips`` trips."""
    n_loc = draw(st.integers(4, 10))
    seed = draw(st.integers(0, 2**31 - 1))
    xy = np.random.default_rng(seed).uniform(0, 15_000, (n_loc, 2))
    unreachable = (n_loc - 1,) if draw(st.booleans()) else ()
    seconds, meters = matrices(xy, unreachable)
    n_veh = draw(st.integers(1, 3))
    vehicles = [
        van(
            f"v{k}",
            depot=k % 2,
            capacity_liters=draw(st.sampled_from([150.0, 400.0, 1000.0])),
            capacity_kg=draw(st.sampled_from([80.0, 300.0])),
            fixed_cost=draw(st.sampled_from([0.0, 25.0])),
            cost_per_km=draw(st.sampled_from([0.3, 0.6])),
            cost_per_hour=draw(st.sampled_from([0.0, 18.0])),
            speed_factor=draw(st.sampled_from([0.8, 1.0, 1.25])),
            shift_start_s=draw(st.sampled_from([7 * HOUR, 9 * HOUR])),
            shift_end_s=draw(st.sampled_from([13 * HOUR, 19 * HOUR])),
            max_duration_s=draw(st.sampled_from([None, 3 * HOUR, 6 * HOUR])),
            max_trips=draw(st.integers(1, max_trips)),
            reload_s=draw(st.sampled_from([0, 600, 1800])),
        )
        for k in range(n_veh)
    ]
    stops = []
    for i in range(draw(st.integers(1, 9))):
        ws = draw(windows())
        stops.append(
            Stop(
                id=f"s{i}",
                kind=draw(st.sampled_from(["replenish", "home"])),
                location=draw(st.integers(2, n_loc - 1)),
                liters=draw(st.sampled_from([5.0, 40.0, 120.0, 2000.0])),
                kg=draw(st.sampled_from([1.0, 20.0, 60.0])),
                service_s=draw(st.sampled_from([0, 120, 600])),
                windows=ws[:max_windows],
                priority=draw(st.integers(0, 3)),
            )
        )
    return RoutingProblem(
        location_ids=[f"L{i}" for i in range(n_loc)],
        seconds=seconds,
        meters=meters,
        vehicles=vehicles,
        stops=stops,
    )


TOL = 1e-6


def assert_plan_valid(problem: RoutingProblem, result: RoutingResult) -> None:
    """Every route keeps loads (per trip), windows, shift, duration and its trip limit; costs add
    up when recomputed here; every stop accounted for."""
    stops = {s.id: s for s in problem.stops}
    vehicles = {v.id: v for v in problem.vehicles}
    routed = [v.stop_id for r in result.routes for v in r.visits]
    dropped = [u.stop_id for u in result.unassigned]
    assert sorted(routed + dropped) == sorted(stops)
    assert all(u.reason for u in result.unassigned)
    assert len({r.vehicle_id for r in result.routes}) == len(result.routes)
    for route in result.routes:
        v = vehicles[route.vehicle_id]
        numbers = [visit.trip for visit in route.visits]
        assert numbers == sorted(numbers) and set(numbers) == set(range(1, max(numbers) + 1))
        assert max(numbers) <= v.max_trips
        for trip in set(numbers):
            on_trip = [stops[x.stop_id] for x in route.visits if x.trip == trip]
            assert sum(s.liters for s in on_trip) <= v.capacity_liters + TOL
            assert sum(s.kg for s in on_trip) <= v.capacity_kg + TOL
        assert route.depart_s >= v.shift_start_s - TOL
        assert route.return_s <= v.shift_end_s + TOL
        if v.max_duration_s is not None:
            assert route.duration_s <= v.max_duration_s + TOL
        t, loc, trip, path = route.depart_s, v.start_location, 1, [v.start_location]
        for visit in route.visits:
            stop = stops[visit.stop_id]
            if visit.trip != trip:
                t += problem.seconds[loc, v.start_location] / v.speed_factor + v.reload_s
                loc, trip = v.start_location, visit.trip
                path.append(loc)
            travel = problem.seconds[loc, stop.location] / v.speed_factor
            assert math.isclose(visit.arrival_s, t + travel, abs_tol=TOL)
            assert visit.start_s >= visit.arrival_s - TOL
            if stop.windows:
                assert any(w.start_s - TOL <= visit.start_s <= w.end_s + TOL for w in stop.windows)
            assert math.isclose(visit.end_s, visit.start_s + stop.service_s, abs_tol=TOL)
            t, loc = visit.end_s, stop.location
            path.append(loc)
        back = problem.seconds[loc, v.end_location] / v.speed_factor
        assert math.isclose(route.return_s, t + back, abs_tol=TOL)
        km = sum(problem.meters[a, b] for a, b in itertools.pairwise([*path, v.end_location]))
        hours = (route.return_s - route.depart_s) / HOUR
        expected = v.fixed_cost + v.cost_per_km * km / 1000 + v.cost_per_hour * hours
        assert math.isclose(route.cost, expected, rel_tol=1e-9, abs_tol=1e-6)
        starts = [n for n, x in enumerate(route.visits) if n and x.trip != route.visits[n - 1].trip]
        check = check_route(
            problem, v, [stops[x.stop_id] for x in route.visits], "", route.depart_s, starts
        )
        assert check.feasible, check.violations
    assert math.isclose(result.cost, sum(r.cost for r in result.routes), abs_tol=1e-6)
