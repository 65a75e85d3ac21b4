"""Re-planning with done and fixed stops."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from routing.cases import assert_plan_valid, matrices, van

from pickup_net.routing import (
    Changes,
    FrozenRoute,
    RoutingProblem,
    Stop,
    TimeWindow,
    replan,
    solve_routing,
)

HOUR = 3600


def _problem() -> RoutingProblem:
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 8000, (12, 2))
    seconds, meters = matrices(xy)
    stops = [Stop(f"s{i}", "home", i, 40.0, 5.0, 120) for i in range(2, 12)]
    vehicles = [van("v0", capacity_liters=240.0), van("v1", depot=1, capacity_liters=240.0)]
    return RoutingProblem([f"L{i}" for i in range(12)], seconds, meters, vehicles, stops)


def test_frozen_stops_keep_vehicle_and_order() -> None:
    """Done stops stay first in order; fixed ones keep vehicle and relative order; changes apply."""
    problem = _problem()
    current = solve_routing(problem, time_limit_s=0.3, engine="ortools")
    route = max(current.routes, key=lambda r: len(r.visits))
    ids = [v.stop_id for v in route.visits]
    fixed = frozenset(ids[-2:])
    removed = next(v.stop_id for r in current.routes if r is not route for v in r.visits)
    changes = Changes(
        done={route.vehicle_id: 2},
        fixed_stop_ids=fixed,
        removed_stop_ids=frozenset({removed}),
        new_stops=(Stop("new", "home", 3, 10.0, 1.0, 60),),
    )
    changed, result = replan(problem, current, changes, time_limit_s=0.3)
    after = next(r for r in result.routes if r.vehicle_id == route.vehicle_id)
    new_ids = [v.stop_id for v in after.visits]
    assert new_ids[:2] == ids[:2]
    assert [i for i in new_ids if i in fixed] == [i for i in ids if i in fixed]
    assert removed not in {v.stop_id for r in result.routes for v in r.visits}
    assert "new" in {v.stop_id for r in result.routes for v in r.visits}
    assert_plan_valid(changed, result)


def test_broken_vehicle_hands_over_its_undone_stops() -> None:
    """A broken van leaves the fleet; its done stops leave the plan and the rest are re-planned."""
    problem = _problem()
    current = solve_routing(problem, time_limit_s=0.3, engine="ortools")
    route = current.routes[0]
    ids = [v.stop_id for v in route.visits]
    changes = Changes(done={route.vehicle_id: 1}, broken_vehicle_ids=frozenset({route.vehicle_id}))
    changed, result = replan(problem, current, changes, time_limit_s=0.3)
    assert route.vehicle_id not in {r.vehicle_id for r in result.routes}
    assert ids[0] not in {s.id for s in changed.stops}
    assert_plan_valid(changed, result)


def _windowed(problem: RoutingProblem) -> RoutingProblem:
    """``s2`` only in the morning and ``s3`` only in the afternoon: ``s3`` before ``s2`` fails."""
    stops = [
        replace(s, windows=(TimeWindow(9 * HOUR, 10 * HOUR),)) if s.id == "s2" else s
        for s in problem.stops
    ]
    stops = [
        replace(s, windows=(TimeWindow(14 * HOUR, 15 * HOUR),)) if s.id == "s3" else s
        for s in stops
    ]
    return replace(problem, stops=stops)


def test_contradictory_fixed_order_releases_the_stop_that_breaks_it() -> None:
    """A fixed order no van can drive keeps its feasible part and releases the rest, with why."""
    problem = _windowed(_problem())
    frozen = [FrozenRoute("v0", ("s4", "s3", "s2"))]
    result = solve_routing(problem, time_limit_s=0.5, frozen=frozen)
    on_v0 = next(r for r in result.routes if r.vehicle_id == "v0")
    ids = [v.stop_id for v in on_v0.visits]
    assert ids.index("s4") < ids.index("s3")
    assert set(result.stats["released_frozen"]) == {"s2"}
    assert "window" in result.stats["released_frozen"]["s2"]
    assert "s2" in {v.stop_id for r in result.routes for v in r.visits}
    assert_plan_valid(problem, result)


@pytest.mark.parametrize(
    ("frozen", "message"),
    [
        ([FrozenRoute("v0", ("s3", "s2"), done=2)], r"frozen\[0\]\.done: .*'v0'.*window"),
        (
            [FrozenRoute("v0", ("s4",)), FrozenRoute("v0", ("s5",))],
            r"frozen\[1\]\.vehicle_id: 'v0' is frozen twice",
        ),
        ([FrozenRoute("v9", ("s4",))], r"frozen\[0\]\.vehicle_id: 'v9' is not a vehicle"),
        ([FrozenRoute("v0", ("zz",))], r"frozen\[0\]\.stop_ids: 'zz' is not a stop"),
    ],
)
def test_contradictory_frozen_routes_are_named(frozen: list[FrozenRoute], message: str) -> None:
    """Done stops are history: an order they cannot have been driven in is an input error."""
    with pytest.raises(ValueError, match=message):
        solve_routing(_windowed(_problem()), time_limit_s=0.3, frozen=frozen)


def test_done_stops_across_a_reload_stay_done_with_their_reload() -> None:
    """Re-planning after a van reloaded keeps its done stops, and the reload between them."""
    xy = np.array([[0.0, 0.0], [2000.0, 0.0], [4000.0, 0.0], [0.0, 3000.0], [0.0, 5000.0]])
    seconds, meters = matrices(xy)
    stops = [Stop(f"s{i}", "replenish", i, 60.0, 20.0, 300) for i in range(1, 5)]
    vehicle = van("v0", capacity_liters=130.0, max_trips=3, reload_s=600)
    problem = RoutingProblem([f"L{i}" for i in range(5)], seconds, meters, [vehicle], stops)
    current = solve_routing(problem, time_limit_s=0.5, engine="ortools")
    (route,) = current.routes
    ids = [v.stop_id for v in route.visits]
    assert [v.trip for v in route.visits] == [1, 1, 2, 2]
    new = Stop("new", "home", 1, 5.0, 1.0, 60)
    changed, result = replan(
        problem, current, Changes(done={"v0": 3}, new_stops=(new,)), time_limit_s=0.5
    )
    (after,) = result.routes
    assert [v.stop_id for v in after.visits][:3] == ids[:3]
    assert [v.trip for v in after.visits][:3] == [1, 1, 2]
    assert not result.unassigned
    assert_plan_valid(changed, result)
