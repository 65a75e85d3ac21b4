"""Independent checker and cost of an IRP solution, written from the rules, not from the solver."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from pickup_net.inventory.problem import IRPProblem
from pickup_net.inventory.solution import IRPSolution

#: Slack allowed on every quantity comparison (quantities may come out of an LP).
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Cost:
    """Total cost split into routing (arc costs) and holding (end-of-period levels t = 1..H)."""

    routing: float
    holding: float

    @property
    def total(self) -> float:
        """Routing plus holding."""
        return self.routing + self.holding


def violations(problem: IRPProblem, solution: IRPSolution) -> list[str]:
    """Every broken rule of ``solution``, one message each (empty when feasible)."""
    errors: list[str] = []
    n, eps = problem.n, TOLERANCE
    if len(solution.periods) != problem.periods:
        return [f"solution has {len(solution.periods)} periods, problem {problem.periods}"]
    for t, routes in enumerate(solution.periods, start=1):
        if len(routes) > problem.vehicles:
            errors.append(f"period {t}: {len(routes)} routes > {problem.vehicles} vehicles")
        seen: set[int] = set()
        for k, route in enumerate(routes, start=1):
            load = sum(stop.quantity for stop in route)
            if load > problem.capacity + eps:
                errors.append(
                    f"period {t} route {k}: load {load:g} > capacity {problem.capacity:g}"
                )
            for stop in route:
                if not 1 <= stop.customer <= n:
                    errors.append(f"period {t} route {k}: unknown customer {stop.customer}")
                    continue
                if stop.quantity < -eps:
                    errors.append(
                        f"period {t}: customer {stop.customer} gets {stop.quantity:g} < 0"
                    )
                if stop.customer in seen:
                    errors.append(f"period {t}: customer {stop.customer} visited twice")
                seen.add(stop.customer)
    delivered = solution.delivered(n)
    for i in range(n):
        level = float(problem.initial[i])
        for t in range(problem.periods):
            level += delivered[i][t]
            if level > problem.max_level[i] + eps:
                errors.append(
                    f"period {t + 1}: customer {i + 1} at {level:g} after delivery "
                    f"> max level {problem.max_level[i]:g}"
                )
            level -= problem.demand[i, t]
            if level < problem.min_level[i] - eps:
                errors.append(
                    f"period {t + 1}: customer {i + 1} stock-out, {level:g} after demand "
                    f"< min level {problem.min_level[i]:g}"
                )
    depot = float(problem.depot_initial)
    for t in range(problem.periods):
        depot += problem.depot_production[t] - sum(row[t] for row in delivered)
        if depot < -eps:
            errors.append(f"period {t + 1}: depot stock {depot:g} < 0")
    return errors


def cost(problem: IRPProblem, solution: IRPSolution) -> Cost:
    """Routing cost depot → stops → depot plus holding on end-of-period levels, depot included."""
    dist = problem.distance
    routing = 0.0
    for routes in solution.periods:
        for route in routes:
            path = [0, *(stop.customer for stop in route), 0]
            routing += sum(float(dist[a, b]) for a, b in itertools.pairwise(path))
    delivered = solution.delivered(problem.n)
    holding = 0.0
    depot = float(problem.depot_initial)
    for t in range(problem.periods):
        depot += float(problem.depot_production[t]) - sum(row[t] for row in delivered)
        holding += float(problem.depot_holding) * depot
    for i in range(problem.n):
        level = float(problem.initial[i])
        for t in range(problem.periods):
            level += delivered[i][t] - float(problem.demand[i, t])
            holding += float(problem.holding[i]) * level
    return Cost(routing=routing, holding=holding)
