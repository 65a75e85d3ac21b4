"""The inventory-routing schedule MIP (HiGHS): on which days the vans visit each hub and how many
units of each product every visit brings, for all the remaining days of the horizon at once.

Minimises estimated routing (a price per hub visit and day, see `visit_prices`) + holding (on each
day's expected closing stock) + expected lost sales + a heavy penalty per unit of cover missing,
under: the maximum-level policy (a visit brings 0..ceiling minus on hand, within storage), one van
trip per visit, and each day's van capacity left after its home deliveries (every van's trips
together). The cover is the fill-rate target over the cumulative demand: what is on hand plus
everything delivered up to day t must reach the level that serves the demand from the first day
through t at the target (its uncertainty grows with the days, unlike a sum of daily levels).
Stock is carried over with the expected demand of each day, so a day whose demand exceeds what
the vans can bring that day is stocked on the days before it.
"""

from dataclasses import dataclass

import numpy as np

from pickup_net.inventory.highs import INF, MipModel, solve_mip

MAX_NODES = 2000
"""Branch-and-bound nodes per solve: the deterministic work limit that keeps plans reproducible."""
SAFETY_NET_S = 20.0
"""Wall-clock guard of one solve; only a far slower machine than expected reaches it."""
COVER_PENALTY_FACTOR = 10.0
"""A unit of cover missing costs this many times the dearest visit: only missing van capacity,
storage or delivery days leave a hub short of it."""


@dataclass(frozen=True)
class ScheduleProblem:
    """Hubs (h), products (p) and the remaining days (t) of a horizon, as arrays.

    `mean`, `cover` and `ceiling` have shape (h, p, t): expected demand, the units that on hand plus
    the deliveries up to that day must reach (fill-rate level of the demand from the first day
    through that day) and the most a visit may leave on the shelf.
    `visit_cost` and `possible` have shape (h, t); `opening` (h, p) is on hand at the start.
    """

    hub_ids: list[str]
    product_ids: list[str]
    liters: np.ndarray
    kg: np.ndarray
    holding: np.ndarray
    stockout: np.ndarray
    opening: np.ndarray
    mean: np.ndarray
    cover: np.ndarray
    ceiling: np.ndarray
    storage_liters: np.ndarray
    visit_cost: np.ndarray
    possible: np.ndarray
    day_liters: np.ndarray
    day_kg: np.ndarray
    trip_liters: float
    trip_kg: float

    @property
    def shape(self) -> tuple[int, int, int]:
        """(hubs, products, days)."""
        return self.mean.shape  # type: ignore[return-value]


def solve_schedule(problem: ScheduleProblem, seed: int = 0) -> np.ndarray:
    """Whole units delivered per hub, product and day (shape (h, p, t)); all zero when HiGHS
    finds no feasible schedule (the cover is soft, so only broken inputs get there)."""
    n_h, n_p, n_t = problem.shape
    size = n_h * n_p * n_t
    # columns: deliveries from 0, closing stock, cover missing, lost sales, visits
    i0, z0, u0, y0 = size, 2 * size, 3 * size, 4 * size
    model = MipModel.empty(y0 + n_h * n_t)

    def at(h: int, p: int, t: int) -> int:
        return (h * n_p + p) * n_t + t

    def visit(h: int, t: int) -> int:
        return y0 + h * n_t + t

    can = problem.possible.astype(bool)
    top = np.maximum(problem.ceiling, problem.opening[:, :, None])
    big = top.max(initial=0.0) + problem.mean.sum(axis=2).max(initial=0.0) + 1.0
    cover_cost = COVER_PENALTY_FACTOR * max(1.0, float(problem.visit_cost.max(initial=0.0)))
    for h in range(n_h):
        for t in range(n_t):
            y = visit(h, t)
            model.cost[y] = float(problem.visit_cost[h, t]) if can[h, t] else 0.0
            model.upper[y] = 1.0 if can[h, t] else 0.0
            model.integer[y] = True
            loads = []
            for p in range(n_p):
                q, i = at(h, p, t), at(h, p, t)
                model.upper[q] = float(problem.ceiling[h, p, t]) if can[h, t] else 0.0
                model.integer[q] = True
                model.cost[i0 + i] = float(problem.holding[p])
                model.cost[z0 + i] = cover_cost
                model.cost[u0 + i] = float(problem.stockout[p])
                model.upper[u0 + i] = float(problem.mean[h, p, t])
                before = [(i0 + at(h, p, t - 1), 1.0)] if t else []
                start = 0.0 if t else float(problem.opening[h, p])
                # closing = opening + delivered + lost sales - expected demand
                model.add_row(
                    [(i0 + i, 1.0), (q, -1.0), (u0 + i, -1.0)] + [(c, -v) for c, v in before],
                    start - float(problem.mean[h, p, t]),
                    start - float(problem.mean[h, p, t]),
                )
                delivered = [(at(h, p, s), 1.0) for s in range(t + 1)]
                model.add_row(
                    [*delivered, (z0 + i, 1.0)],
                    float(problem.cover[h, p, t] - problem.opening[h, p]),
                    INF,
                )
                if can[h, t]:
                    model.add_row([(q, 1.0), (y, -float(problem.ceiling[h, p, t]))], -INF, 0.0)
                    model.add_row(
                        [(q, 1.0), (y, big), *before],
                        -INF,
                        float(problem.ceiling[h, p, t]) + big - start,
                    )
                loads.append((p, q, before, start))
            if can[h, t]:
                _trip_rows(model, problem, h, y, loads)
    for t in range(n_t):
        for weights, limit in ((problem.liters, problem.day_liters), (problem.kg, problem.day_kg)):
            entries = [
                (at(h, p, t), float(weights[p]))
                for h in range(n_h)
                for p in range(n_p)
                if can[h, t] and weights[p] > 0
            ]
            if entries:
                model.add_row(entries, -INF, max(0.0, float(limit[t])))
    answer = solve_mip(model, SAFETY_NET_S, seed, max_nodes=MAX_NODES)
    if answer is None:
        return np.zeros((n_h, n_p, n_t), dtype=np.int64)
    units = np.rint(answer.x[:size]).astype(np.int64).reshape(n_h, n_p, n_t)
    return np.where(can[:, None, :], units, 0)


def _trip_rows(
    model: MipModel,
    problem: ScheduleProblem,
    h: int,
    y: int,
    loads: list[tuple[int, int, list[tuple[int, float]], float]],
) -> None:
    """One visit fits one van trip (litres and kilograms), and the shelf after it fits storage."""
    liters = [(q, float(problem.liters[p])) for p, q, _, _ in loads]
    kg = [(q, float(problem.kg[p])) for p, q, _, _ in loads]
    model.add_row([*liters, (y, -problem.trip_liters)], -INF, 0.0)
    model.add_row([*kg, (y, -problem.trip_kg)], -INF, 0.0)
    held = sum(float(problem.liters[p]) * start for p, _, _, start in loads)
    shelf = liters + [
        (c, float(problem.liters[p]) * v) for p, _, before, _ in loads for c, v in before
    ]
    room = float(problem.storage_liters[h])
    top = np.maximum(problem.ceiling[h].max(axis=1), problem.opening[h]) + problem.mean[h].sum(1)
    big = room + float(problem.liters @ top) + 1.0
    model.add_row([*shelf, (y, big)], -INF, room + big - held)
