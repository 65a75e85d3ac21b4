"""Re-planning with done and fixed stops."""

from __future__ import annotations

import numpy as np
from routing.cases import assert_plan_valid, matrices, van

from pickup_net.routing import Changes, RoutingProblem, Stop, replan, solve_routing


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
