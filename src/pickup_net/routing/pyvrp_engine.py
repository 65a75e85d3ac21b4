"""PyVRP engine (hybrid genetic search) for the problems its constraint set covers."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pyvrp

from pickup_net.routing.compiled import (
    UNREACHABLE,
    CompiledModel,
    small_cost_scale,
    unit_distance_cost,
    unit_time_cost,
)
from pickup_net.routing.problem import FrozenRoute, RoutingProblem, Vehicle, sorted_windows
from pickup_net.routing.solution import EngineRoute, EngineSolution

_NO_LIMIT = np.iinfo(np.int64).max


def pyvrp_fits(problem: RoutingProblem, frozen: Sequence[FrozenRoute] = ()) -> str | None:
    """None when PyVRP covers the problem, else the constraint it lacks."""
    if frozen:
        return "frozen stops"
    if any(len(s.windows) > 1 for s in problem.stops):
        return "several time windows per stop"
    return None


def solve_pyvrp(
    problem: RoutingProblem,
    model: CompiledModel,
    time_limit_s: float,
    seed: int = 0,
    initial: Sequence[EngineRoute] = (),
) -> EngineSolution:
    """Solve with PyVRP within ``time_limit_s``, starting from ``initial`` routes when given.

    The caller checks ``pyvrp_fits`` first.
    """
    started = time.perf_counter()
    n_depots = len(model.depot_locs)
    speeds = sorted(model.durations)
    groups = _vehicle_groups(problem.vehicles)
    ts = model.time_scale
    dims = [
        (demand, caps)
        for demand, caps in (
            (model.demand_liters, model.capacity_liters),
            (model.demand_kg, model.capacity_kg),
        )
        if demand.any()
    ]
    demands = [d for d, _ in dims]
    capacities = [c for _, c in dims]
    scale = small_cost_scale(problem, model)
    ratio = scale / model.cost_scale
    clients = []
    for p, stop_i in enumerate(model.stop_index):
        stop = problem.stops[stop_i]
        windows = sorted_windows(stop)
        node = model.stop_node(p)
        clients.append(
            pyvrp.Client(
                location=node,
                delivery=[int(d[node]) for d in demands],
                service_duration=int(model.service[node]),
                tw_early=windows[0].start_s * ts if windows else 0,
                tw_late=windows[0].end_s * ts if windows else _NO_LIMIT,
                prize=0 if stop.priority == 0 else round(model.penalty[p] * ratio),
                required=stop.priority == 0,
            )
        )
    depots = [pyvrp.Depot(location=d) for d in range(n_depots)]
    vehicle_types = []
    for members in groups:
        v = problem.vehicles[members[0]]
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=len(members),
                capacity=[caps[members[0]] for caps in capacities],
                start_depot=model.depot_node(v.start_location),
                end_depot=model.depot_node(v.end_location),
                fixed_cost=round(v.fixed_cost * scale),
                **_shift(model, v),
                unit_distance_cost=unit_distance_cost(model, v.cost_per_km, scale),
                unit_duration_cost=unit_time_cost(model, v.cost_per_hour, scale),
                profile=speeds.index(v.speed_factor),
                name=v.type_id,
            )
        )
    locations = [pyvrp.Location(x=0.0, y=0.0) for _ in model.node_loc]
    data = pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=[_distance_matrix(model) for _ in speeds],
        duration_matrices=[_duration_matrix(model, f) for f in speeds],
    )
    stop = _Deadline(started + time_limit_s)
    start = _initial_solution(data, model, groups, initial) if initial else None
    result = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False, initial_solution=start)
    best = result.best
    routes: list[EngineRoute] = []
    if best.is_feasible():
        used = [0] * len(groups)
        for route in best.routes():
            t = route.vehicle_type()
            vehicle = groups[t][used[t]]
            used[t] += 1
            stops = [model.stop_index[a.idx] for a in route if a.is_client()]
            depart = route.start_time() / ts
            routes.append(EngineRoute(vehicle=vehicle, stops=stops, depart_s=depart))
    return EngineSolution(
        engine="pyvrp",
        routes=routes,
        objective=float(result.cost()) if best.is_feasible() else None,
        stats={
            "cost_units_per_money": scale,
            "iterations": result.num_iterations,
            "initial_solution": "ortools" if initial else "pyvrp",
            "feasible": best.is_feasible(),
            "seconds": time.perf_counter() - started,
        },
    )


def _initial_solution(
    data: pyvrp.ProblemData,
    model: CompiledModel,
    groups: list[list[int]],
    initial: Sequence[EngineRoute],
) -> pyvrp.Solution:
    """Another engine's routes as a PyVRP solution (clients are numbered by stop position)."""
    position = {stop_i: p for p, stop_i in enumerate(model.stop_index)}
    type_of = {k: t for t, members in enumerate(groups) for k in members}
    routes = [
        pyvrp.Route(data, [position[i] for i in r.stops], type_of[r.vehicle])
        for r in initial
        if r.stops
    ]
    return pyvrp.Solution(data, routes)


class _Deadline:
    """Stop at a wall-clock instant; unlike ``MaxRuntime`` it also counts PyVRP's start-up."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, best_cost: float) -> bool:
        """True once the deadline has passed."""
        return time.perf_counter() >= self.deadline


def _shift(model: CompiledModel, vehicle: Vehicle) -> dict[str, int]:
    """Shift window and maximum duration, left out when the problem has no time constraints."""
    if not model.has_time:
        return {}
    ts = model.time_scale
    max_s = vehicle.max_duration_s
    return {
        "tw_early": vehicle.shift_start_s * ts,
        "tw_late": vehicle.shift_end_s * ts,
        "shift_duration": max_s * ts if max_s is not None else _NO_LIMIT,
    }


def _vehicle_groups(vehicles: list[Vehicle]) -> list[list[int]]:
    """Vehicles identical but for their id, in first-seen order."""
    groups: dict[Vehicle, list[int]] = {}
    for k, v in enumerate(vehicles):
        key = replace(v, id="")
        groups.setdefault(key, []).append(k)
    return list(groups.values())


def _distance_matrix(model: CompiledModel) -> np.ndarray:
    return np.ascontiguousarray(model.distance, dtype=np.int64)


def _duration_matrix(model: CompiledModel, speed: float) -> np.ndarray:
    matrix = np.minimum(model.durations[speed], UNREACHABLE).astype(np.int64)
    np.fill_diagonal(matrix, 0)
    return np.ascontiguousarray(matrix)
