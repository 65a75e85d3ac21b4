"""One period's deliveries routed as a capacitated VRP with PyVRP (its routes feed the MIP pool)."""

from __future__ import annotations

import math

import numpy as np
from pyvrp import Model
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria


def route_period(
    dist: np.ndarray,
    deliveries: dict[int, float],
    capacity: float,
    vehicles: int,
    seed: int,
    max_iterations: int,
    time_limit_s: float,
) -> list[list[int]] | None:
    """Routes (customer lists in order) serving ``deliveries`` with at most ``vehicles`` vans."""
    customers = [i for i, q in deliveries.items() if q > 1e-9]
    if not customers:
        return []
    model = Model()
    nodes = [0, *customers]
    locations = [model.add_location(x=0, y=0) for _ in nodes]
    model.add_depot(locations[0])
    model.add_vehicle_type(num_available=vehicles, capacity=[int(capacity)])
    for i, loc in zip(customers, locations[1:], strict=True):
        model.add_client(loc, delivery=[math.ceil(deliveries[i] - 1e-6)])
    for a, frm in zip(nodes, locations, strict=True):
        for b, to in zip(nodes, locations, strict=True):
            model.add_edge(frm, to, distance=int(dist[a, b]))
    stop = MultipleCriteria([MaxIterations(max_iterations), MaxRuntime(max(0.01, time_limit_s))])
    result = model.solve(stop=stop, seed=seed, display=False)
    if not result.best.is_feasible():
        return None
    return [[customers[a.idx] for a in route if a.is_client()] for route in result.best.routes()]
