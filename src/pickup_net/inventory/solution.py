"""Typed IRP solution: per period a list of routes, each an ordered list of deliveries."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Delivery:
    """``quantity`` units brought to customer ``customer`` (1..n)."""

    customer: int
    quantity: float


Route = tuple[Delivery, ...]


@dataclass(frozen=True)
class IRPSolution:
    """``periods[t]`` holds the routes driven in period ``t + 1``, stops in visiting order."""

    periods: tuple[tuple[Route, ...], ...]

    def delivered(self, n: int) -> list[list[float]]:
        """Units delivered per customer (row ``i - 1``) and period."""
        out = [[0.0] * len(self.periods) for _ in range(n)]
        for t, routes in enumerate(self.periods):
            for route in routes:
                for stop in route:
                    if 1 <= stop.customer <= n:
                        out[stop.customer - 1][t] += stop.quantity
        return out
