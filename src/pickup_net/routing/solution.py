"""What an engine returns: stop indices per vehicle, before the checker recomputes the routes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EngineRoute:
    """Stops (indices into ``problem.stops``) in visiting order on vehicle ``vehicle``.

    ``reloads`` are the positions in ``stops`` before which the van goes back to reload.
    """

    vehicle: int
    stops: list[int]
    depart_s: float | None = None
    reloads: tuple[int, ...] = ()


def trip_breaks(positions: Sequence[int], n_stops: int) -> tuple[int, ...]:
    """Reload positions that start a non-empty trip, sorted and without repeats."""
    return tuple(sorted({p for p in positions if 0 < p < n_stops}))


@dataclass(frozen=True)
class EngineSolution:
    """An engine's best routes, its own objective (scaled integer units) and statistics."""

    engine: str
    routes: list[EngineRoute]
    objective: float | None
    stats: dict[str, Any] = field(default_factory=dict)
