"""Assigning customers to a given set of open hubs: nearest hub, or capacity-aware regret rule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pickup_net.location._instance import Instance

HOME = -1  # index used for "home delivery" in assignment arrays


@dataclass(frozen=True)
class Nearest:
    """Best and second-best option of each customer among open shops and home delivery."""

    d1: np.ndarray  # (n,) cost of the best option
    phi1: np.ndarray  # (n,) shop index of the best option, HOME for home delivery
    d2: np.ndarray  # (n,) cost of the second-best option (inf if none)


def nearest_two(inst: Instance, is_open: np.ndarray) -> Nearest:
    """Best and second-best open option per customer (ties prefer a shop over home)."""
    pos = inst.positions_of(is_open)
    rows = inst.row[pos]
    d1s = np.full(inst.n, np.inf)
    d2s = np.full(inst.n, np.inf)
    phi = np.full(inst.n, HOME, dtype=np.int64)
    if pos.size:
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        first_rows = rows[starts]
        d1s[first_rows] = inst.cost[pos[starts]]
        phi[first_rows] = inst.shop[pos[starts]]
        second = starts + 1
        ok = second < pos.size
        ok[ok] = rows[second[ok]] == first_rows[ok]
        d2s[first_rows[ok]] = inst.cost[pos[second[ok]]]
    home_best = inst.home < d1s
    d1 = np.where(home_best, inst.home, d1s)
    d2 = np.where(home_best, d1s, np.minimum(d2s, inst.home))
    phi1 = np.where(home_best, HOME, phi)
    return Nearest(d1=d1, phi1=phi1, d2=d2)


def open_cost(inst: Instance, is_open: np.ndarray) -> float:
    """Total fixed cost of the open shops."""
    return float(inst.fixed[is_open].sum())


def assign_uncapacitated(inst: Instance, is_open: np.ndarray) -> tuple[np.ndarray, float]:
    """Each customer to its cheapest open option; returns (assignment, objective)."""
    near = nearest_two(inst, is_open)
    return near.phi1, float(near.d1.sum()) + open_cost(inst, is_open)


def assign_capacitated(
    inst: Instance, is_open: np.ndarray, seed: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Regret-ordered greedy assignment under capacities, then improving shifts.

    Returns (assignment, objective); objective is inf when some customer that must be assigned
    finds no open shop with room. ``seed`` (a shop per customer, HOME for none) is placed first
    where it is open and has room (see :func:`capacitated_score`).
    """
    phi, unplaced, total = capacitated_score(inst, is_open, seed)
    return phi, (np.inf if unplaced else total)


def capacitated_score(
    inst: Instance, is_open: np.ndarray, seed: np.ndarray | None = None
) -> tuple[np.ndarray, int, float]:
    """Regret assignment; returns (assignment, customers left unplaced, cost of the placed).

    With a ``seed`` (e.g. the customers each open shop's Lagrangian knapsack takes, the classic
    Lagrangian heuristic) those customers are placed first and only the rest by regret.
    """
    near = nearest_two(inst, is_open)
    with np.errstate(invalid="ignore"):
        regret = np.nan_to_num(near.d2 - near.d1, nan=0.0)
    order = np.lexsort((near.d1, -np.nan_to_num(regret, posinf=1e300)))
    residual = inst.capacity.copy()
    residual[~inst.binding] = np.inf
    phi = np.full(inst.n, HOME, dtype=np.int64)
    cost = np.full(inst.n, np.inf)
    opened = is_open[inst.shop]
    unplaced = 0
    if seed is not None:
        _place_seed(inst, opened, seed, phi, cost, residual)
    for i in order:
        if phi[i] != HOME:
            continue
        lo, hi = inst.indptr[i], inst.indptr[i + 1]
        d = inst.demand[i]
        placed = False
        for e in range(lo, hi):
            j = inst.shop[e]
            c = inst.cost[e]
            if c >= inst.home[i]:
                break
            if opened[e] and np.all(residual[j] >= d - 1e-9):
                residual[j] -= d
                phi[i], cost[i] = j, c
                placed = True
                break
        if not placed:
            if np.isinf(inst.home[i]):
                unplaced += 1
            cost[i] = inst.home[i]
    _improve_shifts(inst, opened, phi, cost, residual)
    placed_cost = float(cost[np.isfinite(cost)].sum())
    return phi, int(np.isinf(cost).sum()), placed_cost + open_cost(inst, is_open)


def _place_seed(
    inst: Instance,
    opened: np.ndarray,
    seed: np.ndarray,
    phi: np.ndarray,
    cost: np.ndarray,
    residual: np.ndarray,
) -> None:
    """Place each seeded customer at its seed shop when that pair exists, is open, beats home
    delivery and the shop has room."""
    seeded = np.flatnonzero(seed >= 0)
    for i in seeded:
        lo, hi = inst.indptr[i], inst.indptr[i + 1]
        hit = lo + np.flatnonzero(inst.shop[lo:hi] == seed[i])
        if hit.size == 0 or not opened[hit[0]] or inst.cost[hit[0]] >= inst.home[i]:
            continue
        j, d = seed[i], inst.demand[i]
        if np.all(residual[j] >= d - 1e-9):
            residual[j] -= d
            phi[i], cost[i] = j, inst.cost[hit[0]]


def _improve_shifts(
    inst: Instance,
    opened: np.ndarray,
    phi: np.ndarray,
    cost: np.ndarray,
    residual: np.ndarray,
) -> None:
    """Move single customers to cheaper open shops with room until no move improves."""
    improved = True
    while improved:
        improved = False
        for i in range(inst.n):
            d = inst.demand[i]
            for e in range(inst.indptr[i], inst.indptr[i + 1]):
                c = inst.cost[e]
                if c >= cost[i] - 1e-12:
                    break
                j = inst.shop[e]
                if opened[e] and j != phi[i] and np.all(residual[j] >= d - 1e-9):
                    if phi[i] != HOME:
                        residual[phi[i]] += d
                    residual[j] -= d
                    phi[i], cost[i] = j, c
                    improved = True
                    break
            if cost[i] > inst.home[i]:
                if phi[i] != HOME:
                    residual[phi[i]] += d
                phi[i], cost[i] = HOME, inst.home[i]
                improved = True


def assign(
    inst: Instance, is_open: np.ndarray, seed: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Assignment and objective for an open set, capacity-aware when capacities can bind (then
    starting from ``seed``, a shop per customer or HOME, where it fits)."""
    if inst.capacitated:
        return assign_capacitated(inst, is_open, seed)
    return assign_uncapacitated(inst, is_open)
