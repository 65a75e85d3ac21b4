"""PyVRP engine (hybrid genetic search) for the problems its constraint set covers."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pyvrp

from pickup_net.routing.compiled import (
    UNREACHABLE,
    CompiledModel,
    small_cost_scale,
    unit_distance_cost,
    unit_time_cost,
)
from pickup_net.routing.problem import FrozenRoute, RoutingProblem, Stop, Vehicle, sorted_windows
from pickup_net.routing.solution import EngineRoute, EngineSolution, trip_breaks
from pickup_net.routing.timeline import TIME_TOL_S, check_route

_NO_LIMIT = np.iinfo(np.int64).max


def pyvrp_fits(problem: RoutingProblem, frozen: Sequence[FrozenRoute] = ()) -> str | None:
    """None when PyVRP covers the problem, else the constraint it lacks.

    Several windows per stop become a mutually exclusive group of one client per window, and
    reloads PyVRP's reload depots; frozen stops (fixed vehicle and order) have no counterpart.
    """
    if frozen:
        return "frozen stops"
    return None


def solve_pyvrp(
    problem: RoutingProblem,
    model: CompiledModel,
    time_limit_s: float,
    seed: int = 0,
    initial: Sequence[EngineRoute] = (),
    work: int | None = None,
) -> EngineSolution:
    """Solve with PyVRP within ``time_limit_s``, starting from ``initial`` routes when given.

    ``work`` stops the search after that many iterations (as ``pyvrp.stop.MaxIterations``), so
    that the result depends only on the problem, the seed and ``work`` unless the time limit,
    then a safety net, is hit first (``stats["stopped_by"]`` says which). The caller checks
    ``pyvrp_fits`` first.
    """
    started = time.perf_counter()
    speeds = sorted(model.durations)
    groups = _vehicle_groups(problem.vehicles)
    dims = [
        (demand, caps)
        for demand, caps in (
            (model.demand_liters, model.capacity_liters),
            (model.demand_kg, model.capacity_kg),
        )
        if demand.any()
    ]
    scale = small_cost_scale(problem, model)
    clients, client_groups, position = _clients(problem, model, [d for d, _ in dims], scale)
    depots = [pyvrp.Depot(location=d) for d in range(len(model.depot_locs))]
    vehicle_types = []
    for members in groups:
        v = problem.vehicles[members[0]]
        reload: dict[str, Any] = {}
        if v.max_trips > 1:
            depot = model.depot_node(v.start_location)
            depots.append(
                pyvrp.Depot(location=depot, service_duration=v.reload_s * model.time_scale)
            )
            reload = {"reload_depots": [len(depots) - 1], "max_reloads": v.max_trips - 1}
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=len(members),
                capacity=[caps[members[0]] for _, caps in dims],
                start_depot=model.depot_node(v.start_location),
                end_depot=model.depot_node(v.end_location),
                fixed_cost=round(v.fixed_cost * scale),
                **_shift(model, v),
                unit_distance_cost=unit_distance_cost(model, v.cost_per_km, scale),
                unit_duration_cost=unit_time_cost(model, v.cost_per_hour, scale),
                profile=speeds.index(v.speed_factor),
                **reload,
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
        groups=client_groups,
    )
    stop = _Stop(started + time_limit_s, work)
    start = _initial_solution(problem, data, model, groups, initial, position) if initial else None
    result = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False, initial_solution=start)
    best = result.best
    routes: list[EngineRoute] = []
    if best.is_feasible():
        used = [0] * len(groups)
        for route in best.routes():
            t = route.vehicle_type()
            vehicle = groups[t][used[t]]
            used[t] += 1
            stops: list[int] = []
            breaks: list[int] = []
            for activity in list(route)[1:-1]:
                if activity.is_client():
                    stops.append(model.stop_index[position[activity.idx]])
                else:
                    breaks.append(len(stops))
            depart = route.start_time() / model.time_scale
            reloads = trip_breaks(breaks, len(stops))
            routes.append(EngineRoute(vehicle, stops, depart_s=depart, reloads=reloads))
    return EngineSolution(
        engine="pyvrp",
        routes=routes,
        objective=float(result.cost()) if best.is_feasible() else None,
        stats={
            "cost_units_per_money": scale,
            "iterations": result.num_iterations,
            "work": work,
            "stopped_by": "time" if stop.clock_hit else ("work" if work else "search"),
            "initial_solution": "ortools" if initial else "pyvrp",
            "feasible": best.is_feasible(),
            "clients_per_stop": len(clients) / max(1, len(model.stop_index)),
            "seconds": time.perf_counter() - started,
        },
    )


def _clients(
    problem: RoutingProblem, model: CompiledModel, demands: Sequence[np.ndarray], scale: float
) -> tuple[list[pyvrp.Client], list[pyvrp.ClientGroup], list[int]]:
    """One client per window of each servable stop, with the stop position of each client.

    A stop with several windows is a mutually exclusive group (required for tier 0), so PyVRP
    serves it once within one of its windows; optional stops carry their drop penalty as prize.
    """
    ts = model.time_scale
    ratio = scale / model.cost_scale
    clients: list[pyvrp.Client] = []
    client_groups: list[pyvrp.ClientGroup] = []
    position: list[int] = []
    for p, stop_i in enumerate(model.stop_index):
        stop = problem.stops[stop_i]
        node = model.stop_node(p)
        windows = sorted_windows(stop) or (None,)
        grouped = len(windows) > 1
        members = []
        for w in windows:
            members.append(len(clients))
            position.append(p)
            clients.append(
                pyvrp.Client(
                    location=node,
                    delivery=[int(d[node]) for d in demands],
                    service_duration=int(model.service[node]),
                    tw_early=w.start_s * ts if w else 0,
                    tw_late=w.end_s * ts if w else _NO_LIMIT,
                    prize=0 if stop.priority == 0 else round(model.penalty[p] * ratio),
                    required=stop.priority == 0 and not grouped,
                    group=len(client_groups) if grouped else None,
                    name=stop.id[:64],
                )
            )
        if grouped:
            client_groups.append(pyvrp.ClientGroup(members, required=stop.priority == 0))
    return clients, client_groups, position


def _initial_solution(
    problem: RoutingProblem,
    data: pyvrp.ProblemData,
    model: CompiledModel,
    groups: list[list[int]],
    initial: Sequence[EngineRoute],
    position: Sequence[int],
) -> pyvrp.Solution:
    """Another engine's routes as a PyVRP solution: each stop as the client of the window it is
    served in (as the checker times it), a reload as a visit to the type's reload depot."""
    first_client: dict[int, int] = {}
    for client, stop_p in enumerate(position):
        first_client.setdefault(model.stop_index[stop_p], client)
    type_of = {k: t for t, members in enumerate(groups) for k in members}
    routes = []
    for r in initial:
        if not r.stops:
            continue
        vehicle = problem.vehicles[r.vehicle]
        stops = [problem.stops[i] for i in r.stops]
        timed = check_route(problem, vehicle, stops, "", r.depart_s, r.reloads).route.visits
        vtype = data.vehicle_type(type_of[r.vehicle])
        visits: list[pyvrp.Activity] = []
        for n, (stop_i, visit) in enumerate(zip(r.stops, timed, strict=True)):
            if n in r.reloads and vtype.reload_depots:
                depot = vtype.reload_depots[0]
                visits.append(pyvrp.Activity(pyvrp.ActivityType.DEPOT, depot))
            window = _window_index(problem.stops[stop_i], visit.start_s)
            client = first_client[stop_i] + window
            visits.append(pyvrp.Activity(pyvrp.ActivityType.CLIENT, client))
        routes.append(pyvrp.Route(data, visits, type_of[r.vehicle]))
    return pyvrp.Solution(data, routes)


def _window_index(stop: Stop, start_s: float) -> int:
    windows = sorted_windows(stop)
    for n, w in enumerate(windows):
        if start_s <= w.end_s + TIME_TOL_S:
            return n
    return max(0, len(windows) - 1)


class _Stop:
    """Stop after ``iterations`` (when given) or at a wall-clock instant, whichever comes first;
    unlike ``MaxRuntime`` the deadline also counts PyVRP's start-up."""

    def __init__(self, deadline: float, iterations: int | None) -> None:
        self.deadline = deadline
        self.iterations = iterations
        self.calls = 0
        self.clock_hit = False

    def __call__(self, best_cost: float) -> bool:
        """True once the iterations are spent or the deadline has passed."""
        if self.iterations is not None and self.calls >= self.iterations:
            return True
        self.calls += 1
        self.clock_hit = time.perf_counter() >= self.deadline
        return self.clock_hit


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
