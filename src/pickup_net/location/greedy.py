"""Greedy construction of an open set: add the hub that saves most, lazily re-evaluated."""

from __future__ import annotations

import heapq

import numpy as np

from pickup_net.location._instance import Instance


def uncovered_penalty(inst: Instance) -> float:
    """A cost larger than any solution's, standing in for 'no option yet' during construction."""
    finite_home = inst.home[np.isfinite(inst.home)]
    return 1.0 + float(inst.cost.sum() + finite_home.sum() + inst.fixed.sum())


def greedy_open(inst: Instance) -> np.ndarray:
    """Lazy greedy add (gains only shrink as hubs open) until p hubs, or while opening pays."""
    penalty = uncovered_penalty(inst)
    is_open = inst.forced_open.copy()
    d1 = np.where(np.isinf(inst.home), penalty, inst.home)
    if is_open.any():
        first = _first_open_cost(inst, is_open)
        d1 = np.minimum(d1, first)
    col_order = np.argsort(inst.shop, kind="stable")
    col_ptr = np.zeros(inst.m + 1, dtype=np.int64)
    np.cumsum(np.bincount(inst.shop, minlength=inst.m), out=col_ptr[1:])
    col_rows, col_cost = inst.row[col_order], inst.cost[col_order]

    def gain(j: int) -> float:
        lo, hi = col_ptr[j], col_ptr[j + 1]
        saved = np.maximum(0.0, d1[col_rows[lo:hi]] - col_cost[lo:hi]).sum()
        return float(saved - inst.fixed[j])

    candidates = np.flatnonzero(~is_open & ~inst.forced_closed)
    heap = [(-gain(int(j)), int(j)) for j in candidates]
    heapq.heapify(heap)
    target = inst.p
    while heap and (target is None or int(is_open.sum()) < target):
        _, j = heapq.heappop(heap)
        g = gain(j)
        if heap and g < -heap[0][0] - 1e-12:
            heapq.heappush(heap, (-g, j))
            continue
        if target is None and g <= 0:
            break
        is_open[j] = True
        lo, hi = col_ptr[j], col_ptr[j + 1]
        rows = col_rows[lo:hi]
        d1[rows] = np.minimum(d1[rows], col_cost[lo:hi])
    return is_open


def _first_open_cost(inst: Instance, is_open: np.ndarray) -> np.ndarray:
    """Cost of each customer's cheapest open shop (inf if none)."""
    pos = np.flatnonzero(is_open[inst.shop])
    best = np.full(inst.n, np.inf)
    np.minimum.at(best, inst.row[pos], inst.cost[pos])
    return best
