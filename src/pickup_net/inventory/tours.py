"""Single-vehicle tours through a set of customers: cheapest insertion, then 2-opt and or-opt."""

from __future__ import annotations

import numpy as np


def tour_cost(dist: np.ndarray, tour: list[int]) -> int:
    """Cost of depot → ``tour`` → depot."""
    if not tour:
        return 0
    path = np.array([0, *tour, 0])
    return int(dist[path[:-1], path[1:]].sum())


def cheapest_insertion(dist: np.ndarray, customers: list[int]) -> list[int]:
    """Tour grown from the customer farthest from the depot by cheapest insertion."""
    rest = sorted(customers, key=lambda c: -dist[0, c])
    if not rest:
        return []
    path = [0, rest.pop(0), 0]
    for c in sorted(rest, key=lambda c: -dist[0, c]):
        p = np.array(path)
        delta = dist[p[:-1], c] + dist[c, p[1:]] - dist[p[:-1], p[1:]]
        k = int(np.argmin(delta))
        path.insert(k + 1, c)
    return path[1:-1]


def _two_opt(dist: np.ndarray, path: list[int]) -> bool:
    """Apply the best improving 2-opt move of a symmetric matrix; True when one was found."""
    p = np.array(path)
    best, move = -1e-9, None
    for i in range(len(p) - 3):
        js = np.arange(i + 2, len(p) - 1)
        a, b = p[i], p[i + 1]
        delta = dist[a, p[js]] + dist[b, p[js + 1]] - dist[a, b] - dist[p[js], p[js + 1]]
        k = int(np.argmin(delta))
        if delta[k] < best:
            best, move = delta[k], (i, int(js[k]))
    if move is None:
        return False
    i, j = move
    path[i + 1 : j + 1] = path[i + 1 : j + 1][::-1]
    return True


def _or_opt(dist: np.ndarray, path: list[int]) -> bool:
    """Move one segment of 1-3 stops elsewhere (same direction); True when it improved."""
    for size in (1, 2, 3):
        for i in range(1, len(path) - size):
            seg = path[i : i + size]
            prev, nxt = path[i - 1], path[i + size]
            gain = dist[prev, seg[0]] + dist[seg[-1], nxt] - dist[prev, nxt]
            rest = np.array(path[:i] + path[i + size :])
            add = dist[rest[:-1], seg[0]] + dist[seg[-1], rest[1:]] - dist[rest[:-1], rest[1:]]
            k = int(np.argmin(add))
            if add[k] < gain - 1e-9:
                new = list(rest[: k + 1]) + seg + list(rest[k + 1 :])
                path[:] = [int(v) for v in new]
                return True
    return False


def improve(dist: np.ndarray, tour: list[int], symmetric: bool) -> list[int]:
    """Local optimum of ``tour`` under 2-opt (symmetric costs only) and or-opt."""
    path = [0, *tour, 0]
    while (symmetric and _two_opt(dist, path)) or _or_opt(dist, path):
        pass
    return [int(c) for c in path[1:-1]]
