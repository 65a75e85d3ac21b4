"""Typed output of the routing stage: routes with stop timelines, unassigned stops with reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pickup_net.domain.timeline import VisitTimeline


class StopVisit(VisitTimeline):
    """One stop on a route, by the problem's stop and location ids, with its timeline."""

    stop_id: str
    location_id: str


@dataclass(frozen=True)
class Trip:
    """One load of a van: leaves its depot at ``depart_s`` loaded, back at ``return_s``."""

    number: int
    depart_s: float
    return_s: float
    stops: int
    load_liters: float
    load_kg: float


@dataclass(frozen=True)
class Route:
    """A vehicle's day from its start depot back to its end depot, in one or more trips.

    ``load_liters`` and ``load_kg`` are the day's total; each of ``trips`` holds its own load.
    """

    vehicle_id: str
    engine: str
    depart_s: float
    return_s: float
    visits: list[StopVisit]
    distance_m: float
    duration_s: float
    cost: float
    load_liters: float
    load_kg: float
    return_distance_m: float
    return_travel_s: float
    trips: list[Trip] = field(default_factory=list)


@dataclass(frozen=True)
class Unassigned:
    """A stop left out, with its reason; ``certain`` is False for the post-solve heuristic."""

    stop_id: str
    reason: str
    certain: bool


@dataclass(frozen=True)
class RoutingResult:
    """Routes, unassigned stops and solver statistics; ``cost`` is the sum of route costs."""

    routes: list[Route]
    unassigned: list[Unassigned]
    cost: float
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def distance_m(self) -> float:
        """Total distance driven."""
        return sum(r.distance_m for r in self.routes)
