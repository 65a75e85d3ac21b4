"""Typed input of the routing stage: vehicles, stops with windows and priority tiers, matrices."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

#: Priority tiers of optional stops. Dropping one stop of tier ``t`` costs ``TIER_FACTOR`` times
#: as much as dropping one stop of tier ``t + 1``, so higher tiers are dropped first.
PRIORITY_TIERS: dict[int, str] = {
    0: "must serve (dropped only when no feasible plan serves it)",
    1: "normal",
    2: "flexible",
    3: "drop first",
}
TIER_FACTOR = 10
#: Most trips one van may make in a day (each extra trip is a node per van in OR-Tools' model).
MAX_TRIPS = 10


@dataclass(frozen=True)
class TimeWindow:
    """Interval of allowed service start, in seconds since midnight of the plan date."""

    start_s: int
    end_s: int

    def __post_init__(self) -> None:
        if self.end_s < self.start_s:
            raise ValueError(f"TimeWindow.end_s: {self.end_s} is before start_s {self.start_s}")


@dataclass(frozen=True)
class Vehicle:
    """One van: depots (matrix indices), capacities, costs, speed and shift.

    With ``max_trips`` above 1 the van may go back to its start depot between stops, spend
    ``reload_s`` there reloading, and go out again: capacities hold on each trip, the shift and
    ``max_duration_s`` over the whole day, and the fixed cost is paid once.
    """

    id: str
    type_id: str
    start_location: int
    end_location: int
    capacity_liters: float
    capacity_kg: float
    fixed_cost: float
    cost_per_km: float
    cost_per_hour: float
    speed_factor: float = 1.0
    shift_start_s: int = 0
    shift_end_s: int = 86_400
    max_duration_s: int | None = None
    max_trips: int = 1
    reload_s: int = 0


@dataclass(frozen=True)
class Stop:
    """A delivery: replenishment of a hub or a home delivery, with windows and a priority tier."""

    id: str
    kind: Literal["replenish", "home"]
    location: int
    liters: float
    kg: float
    service_s: int
    windows: tuple[TimeWindow, ...] = ()
    priority: int = 1


@dataclass(frozen=True)
class FrozenRoute:
    """Stops that keep vehicle ``vehicle_id`` and their relative order when re-planning.

    The first ``done`` of them are already driven: they stay the route's first stops, back to back
    but for the reloads the van made before the done stops at positions ``reloads``.
    """

    vehicle_id: str
    stop_ids: tuple[str, ...]
    done: int = 0
    reloads: tuple[int, ...] = ()


@dataclass(frozen=True)
class RoutingProblem:
    """A routing instance; matrices are (n_loc, n_loc) floats with ``np.inf`` for unreachable."""

    location_ids: list[str]
    seconds: np.ndarray
    meters: np.ndarray
    vehicles: list[Vehicle]
    stops: list[Stop]

    def __post_init__(self) -> None:
        validate(self)


_VEHICLE_AMOUNTS = ("capacity_liters", "capacity_kg", "fixed_cost", "cost_per_km", "cost_per_hour")


def validate(problem: RoutingProblem) -> None:
    """Raise ``ValueError`` naming the field and the bad value of the first problem found."""
    n_loc = len(problem.location_ids)
    for name in ("seconds", "meters"):
        matrix = np.asarray(getattr(problem, name))
        if matrix.shape != (n_loc, n_loc):
            raise ValueError(f"{name}: shape {matrix.shape} is not ({n_loc}, {n_loc})")
        if np.isnan(matrix).any() or (matrix < 0).any():
            raise ValueError(f"{name}: holds NaN or negative values")
    _unique("vehicles", [v.id for v in problem.vehicles])
    _unique("stops", [s.id for s in problem.stops])
    for i, v in enumerate(problem.vehicles):
        for attr in ("start_location", "end_location"):
            loc = getattr(v, attr)
            if not 0 <= loc < n_loc:
                raise ValueError(f"vehicles[{i}].{attr}: {loc} is not a location index")
        for attr in _VEHICLE_AMOUNTS:
            value = getattr(v, attr)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"vehicles[{i}].{attr}: {value} is not a finite value >= 0")
        if not v.speed_factor > 0:
            raise ValueError(f"vehicles[{i}].speed_factor: {v.speed_factor} is not > 0")
        if v.shift_end_s < v.shift_start_s:
            raise ValueError(f"vehicles[{i}].shift_end_s: {v.shift_end_s} is before shift_start_s")
        if v.max_duration_s is not None and v.max_duration_s < 0:
            raise ValueError(f"vehicles[{i}].max_duration_s: {v.max_duration_s} is negative")
        if not 1 <= v.max_trips <= MAX_TRIPS:
            raise ValueError(f"vehicles[{i}].max_trips: {v.max_trips} is not in 1..{MAX_TRIPS}")
        if v.reload_s < 0:
            raise ValueError(f"vehicles[{i}].reload_s: {v.reload_s} is negative")
    for i, s in enumerate(problem.stops):
        if not 0 <= s.location < n_loc:
            raise ValueError(f"stops[{i}].location: {s.location} is not a location index")
        for attr in ("liters", "kg", "service_s"):
            value = getattr(s, attr)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"stops[{i}].{attr}: {value} is not a finite value >= 0")
        if s.priority not in PRIORITY_TIERS:
            tiers = list(PRIORITY_TIERS)
            raise ValueError(f"stops[{i}].priority: {s.priority} is not one of {tiers}")
        if s.kind not in ("replenish", "home"):
            raise ValueError(f"stops[{i}].kind: {s.kind!r} is not 'replenish' or 'home'")
        ordered = sorted(s.windows, key=lambda w: w.start_s)
        for a, b in itertools.pairwise(ordered):
            if b.start_s <= a.end_s:
                raise ValueError(f"stops[{i}].windows: {a} and {b} overlap; merge them")


def _unique(name: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            raise ValueError(f"{name}[{i}].id: {item!r} is not unique")
        seen.add(item)


def sorted_windows(stop: Stop) -> tuple[TimeWindow, ...]:
    """Windows of a stop in time order."""
    return tuple(sorted(stop.windows, key=lambda w: w.start_s))
