"""Archetti / DIMACS inventory routing instances (``.dat``) and their solution JSON files.

Arc costs are Euclidean distances rounded to the nearest integer, ``floor(d + 0.5)``; demand and
depot production are the same every period in these files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from pickup_net.inventory import Delivery, IRPProblem, IRPSolution


def read_irp(path: str | Path) -> IRPProblem:
    """Read an instance: ``N H Q m``, the depot line, then one line per customer."""
    path = Path(path)
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    nodes, periods, capacity, vehicles = (int(float(v)) for v in rows[0][:4])
    depot = [float(v) for v in rows[1]]
    customers = np.array([[float(v) for v in row[:8]] for row in rows[2 : 1 + nodes]])
    if customers.shape != (nodes - 1, 8):
        raise ValueError(f"{path}: expected {nodes - 1} customer lines of 8 fields")
    xy = np.vstack([depot[1:3], customers[:, 1:3]])
    euclid = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    return IRPProblem.constant_demand(
        customers[:, 6],
        periods,
        depot[4],
        distance=np.floor(euclid + 0.5).astype(np.int64),
        vehicles=vehicles,
        capacity=float(capacity),
        depot_initial=depot[3],
        depot_holding=depot[5],
        initial=customers[:, 3],
        max_level=customers[:, 4],
        min_level=customers[:, 5],
        holding=customers[:, 7],
        name=path.stem,
    )


def _number(value: float) -> float | int:
    """An integral quantity as an int, so files read ``65`` rather than ``65.0``."""
    return round(value) if abs(value - round(value)) < 1e-9 else value


def solution_json(name: str, solution: IRPSolution, cost: float) -> dict:
    """The solution as the JSON object of the benchmark README (periods 1..H, stops in order)."""
    routes = [
        {
            "period": t,
            "stops": [{"customer": s.customer, "quantity": _number(s.quantity)} for s in route],
        }
        for t, period in enumerate(solution.periods, start=1)
        for route in period
    ]
    return {"instance": name, "cost": round(cost, 2), "routes": routes}


def write_solution(path: str | Path, name: str, solution: IRPSolution, cost: float) -> None:
    """Write ``solution`` as JSON to ``path``."""
    Path(path).write_text(json.dumps(solution_json(name, solution, cost)) + "\n")


def read_solution(path: str | Path, periods: int) -> tuple[str, float, IRPSolution]:
    """Read a solution JSON file: instance name, stated cost and the routes per period."""
    data = json.loads(Path(path).read_text())
    per: list[list[tuple[Delivery, ...]]] = [[] for _ in range(periods)]
    for route in data["routes"]:
        t = int(route["period"])
        if not 1 <= t <= periods:
            raise ValueError(f"{path}: route in period {t}, outside 1..{periods}")
        stops = tuple(Delivery(int(s["customer"]), float(s["quantity"])) for s in route["stops"])
        per[t - 1].append(stops)
    solution = IRPSolution(tuple(tuple(p) for p in per))
    return str(data["instance"]), float(data["cost"]), solution
