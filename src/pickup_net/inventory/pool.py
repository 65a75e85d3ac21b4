"""Route pool: the best known tour of every customer set, and candidate routes around a solution."""

from __future__ import annotations

import numpy as np

from pickup_net.inventory.tours import cheapest_insertion, improve, tour_cost
from pickup_net.inventory.vrp import route_period

Key = tuple[int, ...]


class TourBook:
    """Best known tour per customer set; cheap tours on offer, stronger ones on ``polish``."""

    def __init__(self, dist: np.ndarray) -> None:
        self.dist = dist
        self.symmetric = bool(np.array_equal(dist, dist.T))
        self.tours: dict[Key, tuple[list[int], int]] = {}
        self.polished: set[Key] = set()

    def offer(self, tour: list[int]) -> Key:
        """Record ``tour`` if it is the cheapest known for its customers; return their key."""
        key = tuple(sorted(tour))
        cost = tour_cost(self.dist, tour)
        if key not in self.tours or cost < self.tours[key][1]:
            self.tours[key] = (list(tour), cost)
        return key

    def get(self, key: Key) -> tuple[list[int], int]:
        """Tour and cost of ``key``, built by cheapest insertion and local search when new."""
        if key not in self.tours:
            self.offer(improve(self.dist, cheapest_insertion(self.dist, list(key)), self.symmetric))
        return self.tours[key]

    def polish(self, key: Key, seed: int, max_iterations: int, time_limit_s: float) -> None:
        """Improve the tour of ``key`` by local search and a one-vehicle PyVRP run, once."""
        if key in self.polished:
            return
        self.polished.add(key)
        tour, _ = self.get(key)
        self.offer(improve(self.dist, tour, self.symmetric))
        if len(key) > 3:
            ones = dict.fromkeys(key, 1.0)
            routes = route_period(self.dist, ones, len(key), 1, seed, max_iterations, time_limit_s)
            if routes and len(routes) == 1:
                self.offer(improve(self.dist, routes[0], self.symmetric))


def _insertions(dist: np.ndarray, tour: list[int], others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Cheapest insertion position and added cost of each customer of ``others`` into ``tour``."""
    path = np.array([0, *tour, 0])
    delta = (
        dist[path[:-1, None], others[None, :]]
        + dist[others[None, :], path[1:, None]]
        - dist[path[:-1], path[1:]][:, None]
    )
    return delta.argmin(axis=0), delta.min(axis=0)


def _inserted(dist: np.ndarray, tour: list[int], others: np.ndarray, width: int) -> list[list[int]]:
    """``tour`` with each of its ``width`` cheapest insertions from ``others``."""
    if not others.size or width <= 0:
        return []
    pos, added = _insertions(dist, tour, others)
    order = np.argsort(added, kind="stable")[:width]
    return [[*tour[: pos[k]], int(others[k]), *tour[pos[k] :]] for k in order]


def neighbours(
    book: TourBook, current: list[list[Key]], n: int, width: int, swaps: int = 0
) -> set[tuple[int, Key]]:
    """(period, customer set) one edit away from the routes of ``current`` in their period.

    Each route minus one customer, plus one of its ``width`` cheapest insertions, split in two
    along its tour, and merged with another route of its period; also each route with one
    customer replaced by one of the ``swaps`` cheapest insertions into the rest.
    """
    dist = book.dist
    out: set[tuple[int, Key]] = set()
    for t, routes in enumerate(current):
        for key in routes:
            tour, _ = book.get(key)
            others = np.array([j for j in range(1, n + 1) if j not in set(key)], dtype=int)
            out.add((t, key))
            if len(tour) > 1:
                for pos in range(len(tour)):
                    rest = tour[:pos] + tour[pos + 1 :]
                    out.add((t, book.offer(rest)))
                    out.update((t, book.offer(v)) for v in _inserted(dist, rest, others, swaps))
                cut = len(tour) // 2
                out.add((t, book.offer(tour[:cut])))
                out.add((t, book.offer(tour[cut:])))
            out.update((t, book.offer(v)) for v in _inserted(dist, tour, others, width))
        for a in range(len(routes)):
            for b in range(a + 1, len(routes)):
                out.add((t, book.offer(book.get(routes[a])[0] + book.get(routes[b])[0])))
    return out
