"""VRPLIB files (CVRP and VRPTW) to and from the routing stage, read with the ``vrplib`` package.

Costs follow each family's convention: CVRPLIB X rounds distances to the nearest integer,
Solomon / Gehring-Homberger (DIMACS) truncates them to one decimal; travel times equal distances.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import vrplib

from pickup_net.routing import RoutingProblem, RoutingResult, Stop, TimeWindow, Vehicle

#: Vehicles offered for a CVRP instance: this many times the lower bound on routes, plus two.
CVRP_FLEET_FACTOR = 1.15
#: Shift end for instances without time windows: far beyond any route.
_OPEN_SHIFT_S = 2**31 - 1


@dataclass(frozen=True)
class VrplibInstance:
    """A VRPLIB instance as a routing problem, with its family's rounding convention."""

    name: str
    problem: RoutingProblem
    convention: str
    distance: np.ndarray


def read_vrplib(path: str | Path) -> VrplibInstance:
    """Read a CVRP or VRPTW instance into a ``RoutingProblem`` (node ``i`` has id ``str(i)``)."""
    data = vrplib.read_instance(str(path))
    raw = np.asarray(data["edge_weight"], dtype=float)
    has_tw = "time_window" in data
    if has_tw:
        distance = np.floor(raw * 10 + 1e-9) / 10
        convention = "dimacs"
    else:
        distance = np.rint(raw)
        convention = "round"
    n = distance.shape[0]
    depots = [int(d) for d in np.atleast_1d(data["depot"])]
    if depots != [0]:
        raise ValueError(f"{path}: DEPOT_SECTION {depots} is not the single first node")
    demand = np.asarray(data["demand"], dtype=float)
    capacity = float(np.atleast_1d(data["capacity"])[0])
    service = np.broadcast_to(np.asarray(data.get("service_time", 0), dtype=float), (n,))
    if has_tw:
        tw = np.asarray(data["time_window"], dtype=float)
        shift = (int(tw[0, 0]), int(tw[0, 1]))
    else:
        shift = (0, _OPEN_SHIFT_S)
    n_vehicles = int(data.get("vehicles") or _cvrp_fleet(demand, capacity))
    vehicles = [
        Vehicle(
            id=f"v{k + 1}",
            type_id="vrplib",
            start_location=0,
            end_location=0,
            capacity_liters=capacity,
            capacity_kg=0.0,
            fixed_cost=0.0,
            cost_per_km=1000.0,
            cost_per_hour=0.0,
            shift_start_s=shift[0],
            shift_end_s=shift[1],
        )
        for k in range(n_vehicles)
    ]
    stops = [
        Stop(
            id=str(i),
            kind="home",
            location=i,
            liters=float(demand[i]),
            kg=0.0,
            service_s=int(service[i]),
            windows=(TimeWindow(int(tw[i, 0]), int(tw[i, 1])),) if has_tw else (),
            priority=0,
        )
        for i in range(1, n)
    ]
    problem = RoutingProblem(
        location_ids=[str(i) for i in range(n)],
        seconds=distance.copy(),
        meters=distance.copy(),
        vehicles=vehicles,
        stops=stops,
    )
    return VrplibInstance(Path(path).stem, problem, convention, distance)


def _cvrp_fleet(demand: np.ndarray, capacity: float) -> int:
    return math.ceil(CVRP_FLEET_FACTOR * math.ceil(demand.sum() / capacity)) + 2


def routes_cost(instance: VrplibInstance, routes: list[list[int]]) -> float:
    """Cost of routes (lists of customer nodes) in the instance's convention."""
    total = 0.0
    for route in routes:
        path = [0, *route, 0]
        total += sum(instance.distance[a, b] for a, b in itertools.pairwise(path))
    return round(total, 1) if instance.convention == "dimacs" else float(round(total))


def result_routes(result: RoutingResult) -> list[list[int]]:
    """Customer nodes of each route of a result on a VRPLIB problem."""
    return [[int(v.stop_id) for v in r.visits] for r in result.routes]


def write_solution(path: str | Path, routes: list[list[int]], cost: float) -> None:
    """Write a VRPLIB solution file (``Route #k: ...`` lines and ``Cost N``)."""
    lines = [f"Route #{k + 1}: {' '.join(map(str, r))}" for k, r in enumerate(routes) if r]
    text = f"{cost:.1f}" if cost != int(cost) else f"{int(cost)}"
    Path(path).write_text("\n".join([*lines, f"Cost {text}"]) + "\n")


def read_solution_cost(path: str | Path) -> float | None:
    """The ``Cost`` of a VRPLIB solution file, or None when it has none."""
    for line in Path(path).read_text().splitlines():
        if line.strip().lower().startswith("cost"):
            return float(line.split()[-1])
    return None
