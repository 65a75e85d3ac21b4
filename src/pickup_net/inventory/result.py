"""Typed output of the inventory routing stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pickup_net.inventory.solution import IRPSolution


@dataclass(frozen=True)
class IRPResult:
    """Best solution found, its cost split, a lower bound when one is proven, and statistics."""

    solution: IRPSolution
    cost: float
    routing_cost: float
    holding_cost: float
    lower_bound: float | None
    seconds: float
    method: str
    stats: dict[str, Any] = field(default_factory=dict)
