"""Properties of ``solve_routing`` on generated and tiny named instances."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from hypothesis import HealthCheck, given, settings
from routing.cases import HOUR, assert_plan_valid, matrices, problems, van

from pickup_net.routing import (
    RoutingProblem,
    Stop,
    TimeWindow,
    solve_routing,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_ortools_routes_are_feasible_and_costs_recompute(problem: RoutingProblem) -> None:
    """OR-Tools routes keep every constraint and their costs equal the recomputed ones."""
    assert_plan_valid(problem, solve_routing(problem, time_limit_s=0.3, engine="ortools"))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_windows=1))
def test_pyvrp_routes_are_feasible_and_costs_recompute(problem: RoutingProblem) -> None:
    """PyVRP routes (single windows) keep every constraint and their costs recompute."""
    assert_plan_valid(problem, solve_routing(problem, time_limit_s=0.3, engine="pyvrp"))


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_auto_routes_are_feasible_and_name_their_engine(problem: RoutingProblem) -> None:
    """The default engine returns a valid plan and records the engine of every route."""
    result = solve_routing(problem, time_limit_s=0.5)
    assert_plan_valid(problem, result)
    assert all(r.engine in ("ortools", "pyvrp") for r in result.routes)
    assert result.stats["integer_scaling"]["time_units_per_s"] in (1, 10)


def test_two_windows_never_serve_in_the_gap() -> None:
    """A shop open 9-10 and 12-13, reached after 10, is served from 12, not in the gap."""
    xy = np.array([[0.0, 0.0], [8000.0, 0.0]])
    seconds, meters = matrices(xy)
    stop = Stop(
        "shop",
        "replenish",
        1,
        10.0,
        5.0,
        300,
        (TimeWindow(9 * HOUR, 10 * HOUR), TimeWindow(12 * HOUR, 13 * HOUR)),
    )
    vehicle = van("v0", shift_start_s=10 * HOUR + 600)
    problem = RoutingProblem(["depot", "shop"], seconds, meters, [vehicle], [stop])
    result = solve_routing(problem, time_limit_s=0.3, engine="ortools")
    visit = result.routes[0].visits[0]
    assert 12 * HOUR <= visit.start_s <= 13 * HOUR
    assert_plan_valid(problem, result)


def test_route_timeline_reports_waiting_and_loads(line_problem: RoutingProblem) -> None:
    """Visits carry arrival, service times, legs and the load left after each stop."""
    result = solve_routing(line_problem, time_limit_s=0.3, engine="ortools")
    (route,) = result.routes
    assert [v.load_liters for v in route.visits] == [150.0, 100.0, 50.0, 0.0]
    assert route.load_liters == 200.0
    assert all(v.distance_m > 0 and v.travel_s > 0 for v in route.visits)
    assert_plan_valid(line_problem, result)


def test_higher_tier_is_dropped_first() -> None:
    """When only one of two stops fits, the stop of tier 3 is dropped and tier 0 is served."""
    xy = np.array([[0.0, 0.0], [1000.0, 0.0], [0.0, 1000.0]])
    seconds, meters = matrices(xy)
    stops = [
        Stop("low", "home", 1, 80.0, 1.0, 60, priority=3),
        Stop("must", "home", 2, 80.0, 1.0, 60, priority=0),
    ]
    problem = RoutingProblem(
        ["d", "a", "b"], seconds, meters, [van("v0", capacity_liters=100.0)], stops
    )
    result = solve_routing(problem, time_limit_s=0.3, engine="ortools")
    assert [v.stop_id for v in result.routes[0].visits] == ["must"]
    (dropped,) = result.unassigned
    assert dropped.stop_id == "low" and not dropped.certain
    assert "capacity" in dropped.reason


def test_infeasible_problem_returns_a_partial_plan() -> None:
    """Must-serve stops beyond the fleet's capacity give the best partial plan with reasons."""
    xy = np.array([[0.0, 0.0], [1000.0, 0.0], [0.0, 1000.0], [700.0, 700.0]])
    seconds, meters = matrices(xy)
    stops = [Stop(f"s{i}", "home", i, 60.0, 1.0, 60, priority=0) for i in (1, 2, 3)]
    problem = RoutingProblem(
        ["d", "a", "b", "c"], seconds, meters, [van("v0", capacity_liters=130.0)], stops
    )
    result = solve_routing(problem, time_limit_s=0.3)
    assert len(result.routes[0].visits) == 2
    assert len(result.unassigned) == 1 and result.unassigned[0].reason
    assert_plan_valid(problem, result)


def test_auto_from_a_threaded_process(line_problem: RoutingProblem) -> None:
    """The default engine also works from a worker thread (second process spawned, not forked)."""
    with ThreadPoolExecutor(max_workers=1) as threads:
        result = threads.submit(solve_routing, line_problem, 1.0).result()
    assert_plan_valid(line_problem, result)
    assert len(result.stats["engines_run"]) == 3
