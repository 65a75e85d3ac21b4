"""Integer model shared by the engines: nodes, scaled matrices, loads, penalties.

Nodes are the distinct depot locations first, then the servable stops. Times are in units of
``1 / time_scale`` s rounded up, loads in ``1 / load_scale`` litres or kg (demand rounded up,
capacity down) and money in ``1 / cost_scale`` units, so an engine's feasible route stays feasible
when recomputed in floating point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from pickup_net.routing.problem import TIER_FACTOR, RoutingProblem, Vehicle
from pickup_net.routing.screen import Screen

LOAD_SCALE = 1000
#: Stand-in for an unreachable arc inside the solvers (never a real cost or time).
UNREACHABLE = 10**9
_MAX_ARC_COST_UNITS = 1e8
_MAX_COST_SCALE = 1e6


@dataclass(frozen=True)
class CompiledModel:
    """Integer data of one routing problem, as every engine sees it."""

    depot_locs: list[int]
    stop_index: list[int]
    node_loc: np.ndarray
    time_scale: int
    cost_scale: float
    distance_scale: int
    distance: np.ndarray
    durations: dict[float, np.ndarray]
    service: np.ndarray
    demand_liters: np.ndarray
    demand_kg: np.ndarray
    capacity_liters: list[int]
    capacity_kg: list[int]
    penalty: np.ndarray
    allowed_vehicles: dict[int, list[int]]
    horizon: int
    has_time: bool

    def depot_node(self, location: int) -> int:
        """Node of a depot location."""
        return self.depot_locs.index(location)

    def stop_node(self, position: int) -> int:
        """Node of the ``position``-th servable stop."""
        return len(self.depot_locs) + position

    def scaling(self) -> dict[str, float]:
        """The integer scaling, stated in the result's stats."""
        return {
            "time_units_per_s": self.time_scale,
            "distance_units_per_m": self.distance_scale,
            "load_units_per_liter_or_kg": LOAD_SCALE,
            "cost_units_per_money": self.cost_scale,
        }


def compile_model(problem: RoutingProblem, screen: Screen) -> CompiledModel:
    """Scale a problem's servable part to integers."""
    depot_locs: list[int] = []
    for v in problem.vehicles:
        for loc in (v.start_location, v.end_location):
            if loc not in depot_locs:
                depot_locs.append(loc)
    stops = [problem.stops[i] for i in screen.servable]
    node_loc = np.array(depot_locs + [s.location for s in stops], dtype=np.int64)
    sub = np.ix_(node_loc, node_loc)
    meters = np.asarray(problem.meters, dtype=float)[sub]
    seconds = np.asarray(problem.seconds, dtype=float)[sub]
    finite = np.isfinite(meters) & np.isfinite(seconds)
    np.fill_diagonal(finite, True)
    speeds = sorted({v.speed_factor for v in problem.vehicles})
    time_scale = _unit_scale(seconds[finite], speeds)
    durations = {
        f: _ceil_units(np.where(finite, seconds, 0.0) * time_scale / f, finite) for f in speeds
    }
    distance_scale = _unit_scale(meters[finite], [1.0])
    rounded = np.rint(np.where(finite, meters, 0.0) * distance_scale)
    distance = np.where(finite, rounded, UNREACHABLE).astype(np.int64)
    cost_scale = _cost_scale(problem, meters[finite], seconds[finite])
    service = np.array([0] * len(depot_locs) + [s.service_s * time_scale for s in stops], np.int64)
    demand_l = np.array([0] * len(depot_locs) + [_ceil(s.liters) for s in stops], np.int64)
    demand_kg = np.array([0] * len(depot_locs) + [_ceil(s.kg) for s in stops], np.int64)
    windows_used = any(s.windows for s in stops)
    shifts_used = any(
        v.max_duration_s is not None
        or v.cost_per_hour > 0
        or v.shift_end_s - v.shift_start_s < 86_400
        for v in problem.vehicles
    )
    horizon = max([v.shift_end_s for v in problem.vehicles] + [1]) * time_scale
    model = CompiledModel(
        depot_locs=depot_locs,
        stop_index=list(screen.servable),
        node_loc=node_loc,
        time_scale=time_scale,
        cost_scale=cost_scale,
        distance_scale=distance_scale,
        distance=distance,
        durations=durations,
        service=service,
        demand_liters=demand_l,
        demand_kg=demand_kg,
        capacity_liters=[_floor(v.capacity_liters) for v in problem.vehicles],
        capacity_kg=[_floor(v.capacity_kg) for v in problem.vehicles],
        penalty=np.zeros(len(stops), np.int64),
        allowed_vehicles={p: screen.allowed_vehicles[i] for p, i in enumerate(screen.servable)},
        horizon=horizon,
        has_time=windows_used or shifts_used or not finite.all(),
    )
    return _with_penalties(problem, model)


def unit_distance_cost(model: CompiledModel, cost_per_km: float, cost_scale: float = 0) -> int:
    """Scaled cost of one distance unit at this cost per km (``cost_scale`` or the model's)."""
    scale = cost_scale or model.cost_scale
    return round(cost_per_km * scale / 1000.0 / model.distance_scale)


def arc_cost(model: CompiledModel, cost_per_km: float) -> np.ndarray:
    """Scaled distance cost of every arc for a vehicle with this cost per km."""
    return model.distance * unit_distance_cost(model, cost_per_km)


def unit_time_cost(model: CompiledModel, cost_per_hour: float, cost_scale: float = 0) -> int:
    """Scaled cost of one time unit at this cost per hour (``cost_scale`` or the model's)."""
    scale = cost_scale or model.cost_scale
    return round(cost_per_hour * scale / 3600.0 / model.time_scale)


def small_cost_scale(problem: RoutingProblem, model: CompiledModel) -> float:
    """Smallest power of ten giving every unit cost within 1% as an integer (PyVRP's penalties
    are tuned for small unit costs; 1 for benchmark instances, where cost is distance)."""
    units = [c / 1000.0 / model.distance_scale for c in (v.cost_per_km for v in problem.vehicles)]
    units += [c / 3600.0 / model.time_scale for c in (v.cost_per_hour for v in problem.vehicles)]
    units = [u for u in units if u > 0]
    scale = 1e-6
    while scale < model.cost_scale and any(
        abs(round(u * scale) - u * scale) > 0.01 * u * scale for u in units
    ):
        scale *= 10
    return min(scale, model.cost_scale)


def _with_penalties(problem: RoutingProblem, model: CompiledModel) -> CompiledModel:
    """Penalty per stop from its tier: ``TIER_FACTOR ** (3 - tier)`` times the dearest lone trip."""
    n_depots = len(model.depot_locs)
    nodes = np.arange(n_depots, len(model.node_loc))
    lone = np.full(len(nodes), np.inf)
    allowed = np.zeros((len(problem.vehicles), len(nodes)), dtype=bool)
    for p, ks in model.allowed_vehicles.items():
        allowed[ks, p] = True
    seen: set[Vehicle] = set()
    for v in problem.vehicles:
        key = replace(v, id="")
        if key in seen:
            continue
        seen.add(key)
        a, b = model.depot_node(v.start_location), model.depot_node(v.end_location)
        dist = model.distance[a, nodes] + model.distance[nodes, b]
        dur = (
            model.durations[v.speed_factor][a, nodes]
            + model.durations[v.speed_factor][nodes, b]
            + model.service[nodes]
        )
        cost = (
            v.fixed_cost * model.cost_scale
            + dist * unit_distance_cost(model, v.cost_per_km)
            + dur * unit_time_cost(model, v.cost_per_hour)
        )
        same = [j for j, w in enumerate(problem.vehicles) if replace(w, id="") == key]
        usable = allowed[same].any(axis=0)
        lone = np.where(usable, np.minimum(lone, cost), lone)
    finite = lone[np.isfinite(lone)]
    base = int(2 * finite.max()) + 1 if finite.size else 1
    tiers = [problem.stops[i].priority for i in model.stop_index]
    penalty = np.array([base * TIER_FACTOR ** (3 - t) for t in tiers], dtype=np.int64)
    return replace(model, penalty=penalty)


def _unit_scale(values: np.ndarray, speeds: list[float]) -> int:
    """1 when every value (divided by every speed) is whole, else 10 (tenths)."""
    for f in speeds:
        scaled = values / f
        if not np.allclose(scaled, np.rint(scaled), atol=1e-9):
            return 10
    return 1


def _ceil_units(values: np.ndarray, finite: np.ndarray) -> np.ndarray:
    rounded = np.ceil(values - 1e-6).astype(np.int64)
    return np.where(finite, rounded, UNREACHABLE)


def _floor(amount: float) -> int:
    return math.floor(amount * LOAD_SCALE + 1e-6)


def _ceil(amount: float) -> int:
    return math.ceil(amount * LOAD_SCALE - 1e-6)


def _cost_scale(problem: RoutingProblem, meters: np.ndarray, seconds: np.ndarray) -> float:
    """Power of ten that keeps the dearest arc near ``1e8`` units (precision without overflow)."""
    per_km = max([v.cost_per_km for v in problem.vehicles] + [0.0])
    per_h = max([v.cost_per_hour / v.speed_factor for v in problem.vehicles] + [0.0])
    fixed = max([v.fixed_cost for v in problem.vehicles] + [0.0])
    arc = float(meters.max(initial=0.0)) * per_km / 1000.0
    arc += float(seconds.max(initial=0.0)) * per_h / 3600.0
    dearest = max(arc, fixed, 1e-9)
    return float(min(10 ** math.floor(math.log10(_MAX_ARC_COST_UNITS / dearest)), _MAX_COST_SCALE))
