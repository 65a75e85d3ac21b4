"""Visit days chosen by one PyVRP run: each customer's single visit is a group of alternatives.

A customer that can be served by one delivery for the rest of the horizon gets one optional
client per feasible day (quantity: what the rest of the horizon needs), grouped so that exactly one
is visited; the others keep the visits of the "rest of horizon" policy. Each day has its own depot
and vans; arcs between days are prohibitive. Holding costs of an alternative (customer levels,
less the depot stock it relieves) are added to the arcs entering it, in cents.
"""

from __future__ import annotations

import numpy as np
from pyvrp import Model
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from pickup_net.inventory.problem import IRPProblem

#: Money to integer arc costs: cents.
SCALE = 100


def _alternatives(problem: IRPProblem, i: int) -> list[tuple[int, float, float]]:
    """(day, quantity, holding) of each single delivery that serves customer ``i`` to the end."""
    demand = problem.demand[i]
    out = []
    level = float(problem.initial[i])
    for t in range(problem.periods):
        need = float(problem.min_level[i] + demand[t:].sum() - level)
        if need > 1e-9 and level + need <= problem.max_level[i] + 1e-9:
            levels = level + need - np.cumsum(demand[t:])
            holding = problem.holding[i] * levels.sum()
            relief = problem.depot_holding * need * (problem.periods - t)
            out.append((t, need, float(holding - relief)))
        level -= demand[t]
        if level < problem.min_level[i] - 1e-9:
            break
    return out


def single_visit_routes(
    problem: IRPProblem, fallback: np.ndarray, seed: int, max_iterations: int, time_limit_s: float
) -> list[tuple[int, list[int]]] | None:
    """(day, tour) of routes choosing the day of each single-visit customer; ``fallback`` holds
    deliveries (customers × days) used for the customers that need more than one visit."""
    n, periods = problem.n, problem.periods
    model = Model()
    depots = []
    for _ in range(periods):
        loc = model.add_location(x=0, y=0)
        depots.append((loc, model.add_depot(loc)))
    for t in range(periods):
        model.add_vehicle_type(
            num_available=problem.vehicles,
            capacity=[int(problem.capacity)],
            start_depot=depots[t][1],
            end_depot=depots[t][1],
        )
    nodes: list[tuple[int, int, float]] = []
    for i in range(n):
        options = _alternatives(problem, i)
        if options:
            group = model.add_client_group(required=True)
            for t, q, holding in options:
                loc = model.add_location(x=0, y=0)
                model.add_client(
                    loc, delivery=[int(np.ceil(q - 1e-6))], required=False, group=group
                )
                nodes.append((i + 1, t, holding))
        else:
            for t in np.flatnonzero(fallback[i] > 1e-9):
                loc = model.add_location(x=0, y=0)
                model.add_client(loc, delivery=[int(np.ceil(fallback[i, t] - 1e-6))])
                nodes.append((i + 1, int(t), 0.0))
    if not nodes:
        return []
    offset = min(h for _, _, h in nodes)
    dist = problem.distance
    big = int(SCALE * (dist.max() * (n + 2) + 1))
    locations = model.locations
    point = [(0, t, 0.0) for t in range(periods)] + nodes
    for a, (ca, ta, _) in enumerate(point):
        for b, (cb, tb, hb) in enumerate(point):
            if a == b:
                continue
            cost = big if ta != tb else SCALE * int(dist[ca, cb])
            if b >= periods and ta == tb:
                cost += round(SCALE * (hb - offset))
            model.add_edge(locations[a], locations[b], distance=cost)
    stop = MultipleCriteria([MaxIterations(max_iterations), MaxRuntime(max(0.01, time_limit_s))])
    result = model.solve(stop=stop, seed=seed, display=False)
    if not result.best.is_feasible():
        return None
    routes = []
    for route in result.best.routes():
        tour = [nodes[a.idx][0] for a in route if a.is_client()]
        day = {nodes[a.idx][1] for a in route if a.is_client()}
        if tour and len(day) == 1:
            routes.append((day.pop(), tour))
    return routes
