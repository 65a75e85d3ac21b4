"""Vans that reload at their depot, and stops with several windows in PyVRP."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from routing.cases import HOUR, assert_plan_valid, matrices, problems, van

from pickup_net.routing import RoutingProblem, Stop, TimeWindow, check_route, solve_routing


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_trips=3))
def test_ortools_reloads_keep_capacity_per_trip_and_the_shift(problem: RoutingProblem) -> None:
    """OR-Tools routes with reloads keep capacity on every trip and shift and duration over the
    day, as recomputed by the checker; their costs recompute."""
    assert_plan_valid(problem, solve_routing(problem, time_limit_s=0.3, engine="ortools"))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_trips=3))
def test_pyvrp_reloads_and_windows_keep_every_constraint(problem: RoutingProblem) -> None:
    """PyVRP routes with reloads and several windows per stop keep every constraint and their
    costs recompute."""
    assert_plan_valid(problem, solve_routing(problem, time_limit_s=0.3, engine="pyvrp"))


def _two_loads(max_trips: int) -> RoutingProblem:
    """One van of 130 L and four stops of 60 L: two trips serve them all, one trip only two."""
    xy = np.array([[0.0, 0.0], [2000.0, 0.0], [4000.0, 0.0], [0.0, 3000.0], [0.0, 5000.0]])
    seconds, meters = matrices(xy)
    stops = [Stop(f"s{i}", "replenish", i, 60.0, 20.0, 300) for i in range(1, 5)]
    vehicle = van("v0", capacity_liters=130.0, max_trips=max_trips, reload_s=600)
    return RoutingProblem([f"L{i}" for i in range(5)], seconds, meters, [vehicle], stops)


@pytest.mark.parametrize("engine", ["ortools", "pyvrp", "auto"])
def test_a_second_trip_serves_what_one_load_cannot(engine: str) -> None:
    """Four stops needing two loads of one van are all served with a reload, and not without."""
    with_reload = solve_routing(_two_loads(2), time_limit_s=0.5, engine=engine)  # type: ignore[arg-type]
    (route,) = with_reload.routes
    assert not with_reload.unassigned
    assert [t.number for t in route.trips] == [1, 2]
    assert all(t.load_liters == 120.0 for t in route.trips)
    assert route.trips[1].depart_s >= route.trips[0].return_s + 600
    assert_plan_valid(_two_loads(2), with_reload)
    one_trip = solve_routing(_two_loads(1), time_limit_s=0.5, engine=engine)  # type: ignore[arg-type]
    assert len(one_trip.unassigned) == 2
    assert_plan_valid(_two_loads(1), one_trip)


def test_checker_names_an_overloaded_trip_and_too_many_trips() -> None:
    """The checker flags a trip over capacity and more trips than the van may make."""
    problem = _two_loads(2)
    stops = problem.stops
    over = check_route(problem, problem.vehicles[0], stops, reloads=[1])
    assert any("trip 2: load 180 L" in v for v in over.violations)
    many = check_route(problem, problem.vehicles[0], stops, reloads=[1, 2, 3])
    assert any("4 trips exceed the 2 allowed" in v for v in many.violations)
    fine = check_route(problem, problem.vehicles[0], stops, reloads=[2])
    assert fine.feasible and [v.trip for v in fine.route.visits] == [1, 1, 2, 2]


def test_reloads_count_against_the_shift() -> None:
    """A reload that would end the day after the shift is not made: the stops it needs drop."""
    problem = _two_loads(2)
    short = van("v0", capacity_liters=130.0, max_trips=2, reload_s=4 * HOUR, shift_end_s=12 * HOUR)
    tight = RoutingProblem(problem.location_ids, problem.seconds, problem.meters, [short],
                           problem.stops)  # fmt: skip
    for engine in ("ortools", "pyvrp"):
        result = solve_routing(tight, time_limit_s=0.5, engine=engine)  # type: ignore[arg-type]
        assert len(result.unassigned) == 2
        assert_plan_valid(tight, result)


@pytest.mark.parametrize("priority", [0, 1])
def test_pyvrp_serves_a_stop_with_two_windows_in_one_of_them(priority: int) -> None:
    """PyVRP serves a shop open 9-10 and 12-13, reached only after 10, from 12 (not in the gap)."""
    xy = np.array([[0.0, 0.0], [8000.0, 0.0], [0.0, 3000.0]])
    seconds, meters = matrices(xy)
    windows = (TimeWindow(9 * HOUR, 10 * HOUR), TimeWindow(12 * HOUR, 13 * HOUR))
    stops = [
        Stop("shop", "replenish", 1, 10.0, 5.0, 300, windows, priority=priority),
        Stop("home", "home", 2, 5.0, 2.0, 120, (TimeWindow(10 * HOUR, 18 * HOUR),)),
    ]
    vehicle = van("v0", shift_start_s=10 * HOUR + 600)
    problem = RoutingProblem(["depot", "shop", "home"], seconds, meters, [vehicle], stops)
    result = solve_routing(problem, time_limit_s=0.5, engine="pyvrp")
    (route,) = result.routes
    assert route.engine == "pyvrp" and not result.unassigned
    visit = next(v for v in route.visits if v.stop_id == "shop")
    assert 12 * HOUR <= visit.start_s <= 13 * HOUR
    assert_plan_valid(problem, result)


def test_auto_runs_pyvrp_on_stops_with_several_windows() -> None:
    """The default engine runs PyVRP (not only OR-Tools) on a problem with two-window stops."""
    problem = _two_loads(2)
    windows = (TimeWindow(8 * HOUR, 10 * HOUR), TimeWindow(14 * HOUR, 17 * HOUR))
    stops = [Stop(s.id, s.kind, s.location, s.liters, s.kg, s.service_s, windows)
             for s in problem.stops]  # fmt: skip
    multi = RoutingProblem(problem.location_ids, problem.seconds, problem.meters,
                           problem.vehicles, stops)  # fmt: skip
    result = solve_routing(multi, time_limit_s=1.0)
    assert "pyvrp" in [run["engine"] for run in result.stats["engines_run"]]
    assert not result.unassigned
    assert_plan_valid(multi, result)
