"""OR-Tools routing engine: every constraint of the problem, matrices passed to the C++ side."""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from pickup_net.routing.compiled import CompiledModel, arc_cost, unit_time_cost
from pickup_net.routing.problem import FrozenRoute, RoutingProblem, sorted_windows
from pickup_net.routing.solution import EngineRoute, EngineSolution, trip_breaks

FIRST_SOLUTION = "LOCAL_CHEAPEST_INSERTION"
FIRST_SOLUTION_NO_TIME = "PATH_CHEAPEST_ARC"
RANK = "rank"
#: A search that ran this close to its time limit counts as stopped by the clock.
CLOCK_TOLERANCE_S = 0.02


def solve_ortools(
    problem: RoutingProblem,
    model: CompiledModel,
    time_limit_s: float,
    frozen: Sequence[FrozenRoute] = (),
    first_solution: str | None = None,
    first_only: bool = False,
    work: int | None = None,
) -> EngineSolution:
    """Solve with OR-Tools' routing library and guided local search within ``time_limit_s``.

    The search is deterministic, so it takes no seed. ``first_only`` stops at the first solution;
    ``work`` stops the search after that many solutions (OR-Tools' ``solution_limit``: each
    solution the local search accepts), so that the result does not depend on the clock unless
    the time limit, then a safety net, is hit first (``stats["stopped_by"]`` says which).
    """
    started = time.perf_counter()
    vehicles = problem.vehicles
    starts = [model.depot_node(v.start_location) for v in vehicles]
    ends = [model.depot_node(v.end_location) for v in vehicles]
    reload_of = [k for k, v in enumerate(vehicles) for _ in range(v.max_trips - 1)]
    model = with_reload_nodes(problem, model, reload_of)
    n_nodes = len(model.node_loc)
    first_reload = n_nodes - len(reload_of)
    manager = pywrapcp.RoutingIndexManager(n_nodes, len(vehicles), starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    cost_cb: dict[float, int] = {}
    for k, v in enumerate(vehicles):
        if v.cost_per_km not in cost_cb:
            cost_cb[v.cost_per_km] = routing.RegisterTransitMatrix(
                arc_cost(model, v.cost_per_km).tolist()
            )
        routing.SetArcCostEvaluatorOfVehicle(cost_cb[v.cost_per_km], k)
        routing.SetFixedCostOfVehicle(round(v.fixed_cost * model.cost_scale), k)
    _add_loads(routing, model, reloads=bool(reload_of))
    if model.has_time:
        _add_time(routing, manager, problem, model)
    for p in range(len(model.stop_index)):
        index = manager.NodeToIndex(model.stop_node(p))
        routing.AddDisjunction([index], int(model.penalty[p]))
        if len(model.allowed_vehicles[p]) < len(vehicles):
            _allow(routing, index, model.allowed_vehicles[p])
    for r, k in enumerate(reload_of):
        index = manager.NodeToIndex(first_reload + r)
        routing.AddDisjunction([index], 0)
        _allow(routing, index, [k])
    reload_nodes: dict[int, list[int]] = {}
    for r, k in enumerate(reload_of):
        reload_nodes.setdefault(k, []).append(first_reload + r)
    _freeze(routing, manager, problem, model, frozen, reload_nodes)
    params = pywrapcp.DefaultRoutingSearchParameters()
    strategy = first_solution or (FIRST_SOLUTION if model.has_time else FIRST_SOLUTION_NO_TIME)
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, strategy)
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    if first_only:
        params.solution_limit = 1
    elif work is not None:
        params.solution_limit = work
    remaining = max(0.1, time_limit_s - (time.perf_counter() - started))
    params.time_limit.FromMilliseconds(int(remaining * 1000))
    searched = time.perf_counter()
    assignment = routing.SolveWithParameters(params)
    clock_hit = time.perf_counter() - searched >= remaining - CLOCK_TOLERANCE_S
    routes: list[EngineRoute] = []
    objective = None
    if assignment is not None:
        objective = float(assignment.ObjectiveValue())
        time_dim = routing.GetDimensionOrDie("time") if model.has_time else None
        for k in range(len(vehicles)):
            index = routing.Start(k)
            depart = None
            if time_dim is not None:
                depart = assignment.Value(time_dim.CumulVar(index)) / model.time_scale
            stops: list[int] = []
            breaks: list[int] = []
            index = assignment.Value(routing.NextVar(index))
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                if node >= first_reload:
                    breaks.append(len(stops))
                else:
                    stops.append(model.stop_index[node - len(model.depot_locs)])
                index = assignment.Value(routing.NextVar(index))
            if stops:
                reloads = trip_breaks(breaks, len(stops))
                routes.append(EngineRoute(k, stops, depart_s=depart, reloads=reloads))
    return EngineSolution(
        engine="ortools",
        routes=routes,
        objective=objective,
        stats={
            "first_solution": strategy,
            "metaheuristic": "none (first solution only)" if first_only else "GUIDED_LOCAL_SEARCH",
            "status": int(routing.status()),
            "work": 1 if first_only else work,
            "stopped_by": "time" if clock_hit else ("work" if first_only or work else "search"),
            "seconds": time.perf_counter() - started,
        },
    )


def _allow(routing: pywrapcp.RoutingModel, index: int, vehicles: list[int]) -> None:
    """Restrict a stop to some vehicles (or none: dropped); the SWIG ``SetAllowedVehiclesForIndex``
    of this OR-Tools release rejects Python sequences."""
    routing.VehicleVar(index).SetValues([-1, *vehicles])


def with_reload_nodes(
    problem: RoutingProblem, model: CompiledModel, reload_of: Sequence[int]
) -> CompiledModel:
    """The model with one optional node per extra trip: a copy of its van's start depot whose
    service is the reload time and whose demand empties the van (``-capacity``)."""
    if not reload_of:
        return model
    depots = [model.depot_node(problem.vehicles[k].start_location) for k in reload_of]
    nodes = np.array([*range(len(model.node_loc)), *depots])
    sub = np.ix_(nodes, nodes)
    reload_units = [problem.vehicles[k].reload_s * model.time_scale for k in reload_of]
    return replace(
        model,
        node_loc=model.node_loc[nodes],
        distance=model.distance[sub],
        durations={f: d[sub] for f, d in model.durations.items()},
        service=np.concatenate([model.service, np.array(reload_units, np.int64)]),
        demand_liters=np.concatenate(
            [model.demand_liters, [-model.capacity_liters[k] for k in reload_of]]
        ).astype(np.int64),
        demand_kg=np.concatenate(
            [model.demand_kg, [-model.capacity_kg[k] for k in reload_of]]
        ).astype(np.int64),
    )


def _add_loads(routing: pywrapcp.RoutingModel, model: CompiledModel, reloads: bool) -> None:
    """One capacity dimension per load unit that any stop uses.

    A load's cumul is what the van delivered since it last loaded; with reloads, a slack up to the
    largest capacity lets a reload node (demand ``-capacity``) bring it back to any level >= 0.
    """
    for name, demand, caps in (
        ("liters", model.demand_liters, model.capacity_liters),
        ("kg", model.demand_kg, model.capacity_kg),
    ):
        if not (demand > 0).any():
            continue
        cb = routing.RegisterUnaryTransitVector(demand.tolist())
        slack = max(caps) if reloads else 0
        routing.AddDimensionWithVehicleCapacity(cb, slack, caps, True, name)


def _add_time(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    problem: RoutingProblem,
    model: CompiledModel,
) -> None:
    """Time: service plus travel per speed class; windows, shifts, duration and hourly cost."""
    transit: dict[float, int] = {}
    per_vehicle = []
    for v in problem.vehicles:
        if v.speed_factor not in transit:
            matrix = model.durations[v.speed_factor] + model.service[:, None]
            np.fill_diagonal(matrix, 0)
            transit[v.speed_factor] = routing.RegisterTransitMatrix(matrix.tolist())
        per_vehicle.append(transit[v.speed_factor])
    horizon = model.horizon
    routing.AddDimensionWithVehicleTransits(per_vehicle, horizon, horizon, False, "time")
    dim = routing.GetDimensionOrDie("time")
    ts = model.time_scale
    for p, stop_i in enumerate(model.stop_index):
        windows = sorted_windows(problem.stops[stop_i])
        if not windows:
            continue
        var = dim.CumulVar(manager.NodeToIndex(model.stop_node(p)))
        var.SetRange(windows[0].start_s * ts, min(windows[-1].end_s * ts, horizon))
        for a, b in itertools.pairwise(windows):
            var.RemoveInterval(a.end_s * ts + 1, b.start_s * ts - 1)
    for k, v in enumerate(problem.vehicles):
        dim.CumulVar(routing.Start(k)).SetRange(v.shift_start_s * ts, v.shift_end_s * ts)
        dim.CumulVar(routing.End(k)).SetRange(v.shift_start_s * ts, v.shift_end_s * ts)
        if v.max_duration_s is not None:
            dim.SetSpanUpperBoundForVehicle(v.max_duration_s * ts, k)
        coeff = unit_time_cost(model, v.cost_per_hour)
        if coeff > 0:
            dim.SetSpanCostCoefficientForVehicle(coeff, k)
        routing.AddVariableMaximizedByFinalizer(dim.CumulVar(routing.Start(k)))
        routing.AddVariableMinimizedByFinalizer(dim.CumulVar(routing.End(k)))


def _freeze(
    routing: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    problem: RoutingProblem,
    model: CompiledModel,
    frozen: Sequence[FrozenRoute],
    reload_nodes: dict[int, list[int]],
) -> None:
    """Frozen stops keep their vehicle and order; done ones stay first, back to back but for
    the reloads made between them (each through one of the van's reload nodes)."""
    if not frozen:
        return
    vehicle_of = {v.id: k for k, v in enumerate(problem.vehicles)}
    position = {problem.stops[i].id: p for p, i in enumerate(model.stop_index)}
    solver = routing.solver()
    routing.AddConstantDimension(1, len(model.node_loc) + 1, True, RANK)
    rank = routing.GetDimensionOrDie(RANK)
    for fr in frozen:
        k = vehicle_of[fr.vehicle_id]
        previous = routing.Start(k)
        spare = iter(reload_nodes.get(k, []))
        for n, stop_id in enumerate(fr.stop_ids):
            if stop_id not in position:
                continue
            index = manager.NodeToIndex(model.stop_node(position[stop_id]))
            if k not in model.allowed_vehicles[position[stop_id]]:
                continue
            _allow(routing, index, [k])
            reload = next(spare, None) if n < fr.done and n in fr.reloads else None
            if reload is not None:
                between = manager.NodeToIndex(reload)
                solver.Add(routing.NextVar(previous) == between)
                solver.Add(routing.NextVar(between) == index)
            elif n < fr.done:
                solver.Add(routing.NextVar(previous) == index)
            else:
                solver.Add(rank.CumulVar(previous) < rank.CumulVar(index))
            previous = index
