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
REL_GAP = 0.005
"""Relative optimality gap at which a solve stops (half a percent of the estimated cost)."""
SAFETY_NET_S = 20.0
"""Wall-clock guard of one solve; only a far slower machine than expected reaches it."""
COVER_PENALTY_FACTOR = 10.0
"""A unit of cover missing costs this many times the dearest visit: only missing van capacity,
storage or delivery days leave a hub short of it."""


@dataclass(frozen=True)
class ScheduleProblem:
    """Hubs (h), products (p) and the remaining days (t) of a horizon, as arrays.

    `mean` and `cover` have shape (h, p, t): expected demand, and the units that on hand plus the
    deliveries up to that day must reach (fill-rate level of the demand from the first day
    through that day). `ceiling` (h, p) is the most a visit may leave on the shelf (the maximum
    level of the policy; a shelf above it from the start may stay there, but gets nothing).
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
    finds no feasible schedule (the cover is soft, so only broken inputs get there). Visits are
    binary, quantities continuous (far faster to branch on), then rounded (`_whole_units`)."""
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
    # the shelf never rises above max(opening, ceiling), so the maximum level holds as
    # on hand + delivered <= that bound every day, with no big-M: a tight model
    top = np.maximum(problem.ceiling, problem.opening)
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
                # no visit brings more than the ceiling allows, nor more than the whole cover
                # still needs: the tightest link between a visit and its quantities
                room = max(
                    0.0,
                    min(
                        float(problem.ceiling[h, p] - problem.opening[h, p] * (t == 0)),
                        float(problem.cover[h, p, -1] - problem.opening[h, p]),
                    ),
                )
                model.upper[q] = room if can[h, t] else 0.0
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
                    model.add_row([(q, 1.0), (y, -room)], -INF, 0.0)
                    if before:
                        model.add_row([(q, 1.0), *before], -INF, float(top[h, p]))
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
    answer = solve_mip(model, SAFETY_NET_S, seed, max_nodes=MAX_NODES, rel_gap=REL_GAP)
    if answer is None:
        return np.zeros((n_h, n_p, n_t), dtype=np.int64)
    quantities = np.where(can[:, None, :], answer.x[:size].reshape(n_h, n_p, n_t), 0.0)
    return _whole_units(problem, np.maximum(quantities, 0.0))


def _whole_units(problem: ScheduleProblem, quantities: np.ndarray) -> np.ndarray:
    """Quantities rounded to whole units: to the nearest, except where that would break a trip,
    the storage after the visit or the day's vans (rounded down there, which always fits)."""
    nearest = np.floor(quantities + 0.5 - 1e-9)
    down = np.floor(quantities + 1e-9)
    units = nearest.copy()
    n_h, _, n_t = quantities.shape
    shelf = problem.opening.astype(float).copy()
    for t in range(n_t):
        for h in range(n_h):
            after = shelf[h] + units[h, :, t]
            held = float(problem.liters @ shelf[h])
            room = max(float(problem.storage_liters[h]), float(problem.liters @ problem.opening[h]))
            if (
                problem.liters @ units[h, :, t] > problem.trip_liters + 1e-6
                or problem.kg @ units[h, :, t] > problem.trip_kg + 1e-6
                or (units[h, :, t].any() and problem.liters @ after > max(room, held) + 1e-6)
                or (after > np.maximum(problem.ceiling[h], shelf[h]) + 1e-6).any()
            ):
                units[h, :, t] = down[h, :, t]
        loads = [(problem.liters, problem.day_liters[t]), (problem.kg, problem.day_kg[t])]
        if any((units[:, :, t] @ w).sum() > max(0.0, limit) + 1e-6 for w, limit in loads):
            units[:, :, t] = down[:, :, t]
        shelf = np.maximum(0.0, shelf + units[:, :, t] - problem.mean[:, :, t])
    return units.astype(np.int64)


def _trip_rows(
    model: MipModel,
    problem: ScheduleProblem,
    h: int,
    y: int,
    loads: list[tuple[int, int, list[tuple[int, float]], float]],
) -> None:
    """One visit fits one van trip (litres and kilograms), and the shelf after it fits storage
    (or the opening stock's litres, when these are above it)."""
    liters = [(q, float(problem.liters[p])) for p, q, _, _ in loads]
    kg = [(q, float(problem.kg[p])) for p, q, _, _ in loads]
    model.add_row([*liters, (y, -problem.trip_liters)], -INF, 0.0)
    model.add_row([*kg, (y, -problem.trip_kg)], -INF, 0.0)
    held = sum(float(problem.liters[p]) * start for p, _, _, start in loads)
    shelf = liters + [
        (c, float(problem.liters[p]) * v) for p, _, before, _ in loads for c, v in before
    ]
    room = float(problem.storage_liters[h])
    model.add_row(shelf, -INF, max(room, float(problem.liters @ problem.opening[h])) - held)
