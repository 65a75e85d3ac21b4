"""A work limit makes routing deterministic: equal routes from one or two processes, any run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from routing.cases import matrices, problems, van

from pickup_net.routing import RoutingProblem, RoutingResult, Stop, solve_routing


def _routes(result: RoutingResult) -> list[tuple[str, str, list[str], int]]:
    """Each route's van, engine, stop ids in order and number of trips."""
    return [
        (r.vehicle_id, r.engine, [v.stop_id for v in r.visits], len(r.trips)) for r in result.routes
    ]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(max_windows=2, max_trips=2), work=st.integers(1, 40))
def test_auto_with_work_gives_equal_routes_from_one_or_two_processes(
    problem: RoutingProblem, work: int
) -> None:
    """`auto` bounded by work finds the same routes, cost and reasons with one or two processes."""
    one = solve_routing(problem, time_limit_s=60, seed=3, engine="auto", processes=1, work=work)
    two = solve_routing(problem, time_limit_s=60, seed=3, engine="auto", processes=2, work=work)
    assert _routes(one) == _routes(two)
    assert one.routes == two.routes and one.cost == two.cost
    assert [(u.stop_id, u.reason) for u in one.unassigned] == [
        (u.stop_id, u.reason) for u in two.unassigned
    ]
    assert not one.stats["time_limit_hit"] and not two.stats["time_limit_hit"]


def _ring(n: int) -> RoutingProblem:
    """`n` stops scattered around one depot, served by two vans without time windows."""
    rng = np.random.default_rng(n)
    xy = rng.uniform(0, 8000, (n + 1, 2))
    meters, seconds = matrices(xy)
    return RoutingProblem(
        location_ids=[f"L{i}" for i in range(n + 1)],
        seconds=seconds,
        meters=meters,
        vehicles=[van("v1"), van("v2")],
        stops=[
            Stop(id=f"s{i}", kind="home", location=i, liters=5.0, kg=2.0, service_s=60)
            for i in range(1, n + 1)
        ],
    )


@pytest.mark.parametrize("engine", ["ortools", "pyvrp"])
def test_each_engine_stops_on_its_work_not_the_clock(engine: str) -> None:
    """With work, a search stops after exactly that many steps and says so; equal runs agree."""
    problem = _ring(40)
    runs = [solve_routing(problem, 60, seed=1, engine=engine, work=25) for _ in range(2)]
    assert _routes(runs[0]) == _routes(runs[1])
    [search] = runs[0].stats["engines_run"]
    assert search["stopped_by"] == "work" and search["work"] == 25
    if engine == "pyvrp":
        assert search["iterations"] == 25
    assert runs[0].stats["work"] == 25 and not runs[0].stats["time_limit_hit"]


def test_a_time_limit_hit_under_work_is_reported() -> None:
    """A safety net shorter than the work needs stops the search and the result says so."""
    result = solve_routing(_ring(60), 0.3, seed=1, engine="pyvrp", work=10_000_000)
    assert result.stats["time_limit_hit"]
    assert result.stats["engines_run"][0]["stopped_by"] == "time"
