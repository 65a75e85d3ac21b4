"""VRPLIB reading and writing around the routing stage (tiny files written by the test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pickup_net.io.vrplib_files import (
    read_solution_cost,
    read_vrplib,
    result_routes,
    routes_cost,
    write_solution,
)
from pickup_net.routing import solve_routing

CVRP = """NAME : cross
TYPE : CVRP
DIMENSION : 5
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 0 10
3 10 0
4 0 -10
5 -10 0
DEMAND_SECTION
1 0
2 6
3 6
4 4
5 4
DEPOT_SECTION
1
-1
EOF
"""

VRPTW = """NAME : tinytw
TYPE : VRPTW
DIMENSION : 4
VEHICLES : 3
CAPACITY : 100
SERVICE_TIME : 5
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
4 -3 -4
DEMAND_SECTION
1 0
2 10
3 10
4 10
TIME_WINDOW_SECTION
1 0 100
2 0 20
3 30 40
4 0 12
DEPOT_SECTION
1
-1
EOF
"""


@pytest.mark.parametrize(("text", "convention"), [(CVRP, "round"), (VRPTW, "dimacs")])
def test_solution_round_trip_recomputes_cost(tmp_path: Path, text: str, convention: str) -> None:
    """A solved VRPLIB instance serves every customer once and its written cost reads back."""
    path = tmp_path / "inst.vrp"
    path.write_text(text)
    instance = read_vrplib(path)
    assert instance.convention == convention
    result = solve_routing(instance.problem, time_limit_s=0.5)
    routes = result_routes(result)
    n = len(instance.problem.location_ids) - 1
    assert sorted(c for r in routes for c in r) == list(range(1, n + 1))
    cost = routes_cost(instance, routes)
    assert cost == pytest.approx(result.cost, abs=0.05)
    write_solution(tmp_path / "inst.sol", routes, cost)
    assert read_solution_cost(tmp_path / "inst.sol") == cost


def test_cvrp_optimum_on_a_cross(tmp_path: Path) -> None:
    """Four customers on a cross, capacity 10: two routes of 10 + 14 + 10 (rounded distances)."""
    path = tmp_path / "cross.vrp"
    path.write_text(CVRP)
    instance = read_vrplib(path)
    result = solve_routing(instance.problem, time_limit_s=0.5)
    assert routes_cost(instance, result_routes(result)) == 68
