"""Typed input of the inventory routing stage: depot, customers with stock limits, fleet."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class IRPProblem:
    """A multi-vehicle inventory routing problem under the maximum-level policy.

    Node 0 of ``distance`` is the depot, node ``i`` (1..n) customer ``i``; per-customer arrays have
    length n (customer ``i`` at position ``i - 1``); ``demand`` has shape (n, periods) and
    ``depot_production`` length ``periods``. Levels are end-of-period levels; a delivery arrives
    before that period's demand.
    """

    distance: np.ndarray
    periods: int
    vehicles: int
    capacity: float
    depot_initial: float
    depot_production: np.ndarray
    depot_holding: float
    initial: np.ndarray
    max_level: np.ndarray
    min_level: np.ndarray
    demand: np.ndarray
    holding: np.ndarray
    name: str = ""

    def __post_init__(self) -> None:
        n = self.n
        if self.distance.shape != (n + 1, n + 1):
            raise ValueError(f"distance: shape {self.distance.shape} is not ({n + 1}, {n + 1})")
        if self.periods < 1 or self.vehicles < 1:
            raise ValueError(f"periods {self.periods} and vehicles {self.vehicles} must be >= 1")
        if self.capacity <= 0:
            raise ValueError(f"capacity: {self.capacity} is not positive")
        if self.demand.shape != (n, self.periods):
            raise ValueError(f"demand: shape {self.demand.shape} is not ({n}, {self.periods})")
        if self.depot_production.shape != (self.periods,):
            raise ValueError(f"depot_production: shape {self.depot_production.shape}")
        for field in ("max_level", "min_level", "holding"):
            if getattr(self, field).shape != (n,):
                raise ValueError(f"{field}: shape {getattr(self, field).shape} is not ({n},)")
        if np.any(self.distance < 0) or not np.all(np.isfinite(self.distance)):
            raise ValueError("distance: every arc cost must be finite and >= 0")
        bad = np.flatnonzero(self.min_level > self.max_level)
        if bad.size:
            raise ValueError(f"customer {bad[0] + 1}: min_level above max_level")

    @property
    def n(self) -> int:
        """Number of customers."""
        return int(self.initial.shape[0])

    @classmethod
    def constant_demand(
        cls, demand_per_period: np.ndarray, periods: int, production: float, **fields: object
    ) -> IRPProblem:
        """Build a problem whose demand and depot production are the same every period."""
        demand = np.repeat(np.asarray(demand_per_period, dtype=float)[:, None], periods, axis=1)
        prod = np.full(periods, float(production))
        return cls(demand=demand, periods=periods, depot_production=prod, **fields)  # type: ignore[arg-type]
