"""What an engine returns: stop indices per vehicle, before the checker recomputes the routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EngineRoute:
    """Stops (indices into ``problem.stops``) in visiting order on vehicle ``vehicle``."""

    vehicle: int
    stops: list[int]
    depart_s: float | None = None


@dataclass(frozen=True)
class EngineSolution:
    """An engine's best routes, its own objective (scaled integer units) and statistics."""

    engine: str
    routes: list[EngineRoute]
    objective: float | None
    stats: dict[str, Any] = field(default_factory=dict)
