"""Vertex substitution: best-improvement swap / add / drop of hubs, evaluated for all pairs at once.

The profit of swapping open hub ``r`` for closed shop ``f`` splits into a gain of ``f``, a loss of
``r`` and a sparse correction ``extra(r, f)`` over the customers ``r`` serves (the fast
interchange of Whitaker, as organised by Resende and Werneck), so one pass costs a few sparse
products over the allowed pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from pickup_net.location._instance import Instance
from pickup_net.location.assign import HOME, capacitated_score, nearest_two
from pickup_net.location.limit import SearchLimit


def improve_uncapacitated(inst: Instance, is_open: np.ndarray, limit: SearchLimit) -> np.ndarray:
    """Apply the best improving swap (or add / drop without a hub count) until none improves;
    one step of `limit` per move."""
    is_open = is_open.copy()
    tol = 0.5 if inst.integral else 1e-9 * max(1.0, float(inst.cost.max(initial=1.0)))
    while limit.go():
        move = _best_move(inst, is_open)
        if move is None or move[2] <= tol:
            break
        r, f, _ = move
        if r >= 0:
            is_open[r] = False
        if f >= 0:
            is_open[f] = True
    return is_open


@dataclass(frozen=True)
class SwapProfits:
    """Parts of every move's profit: ``gain[f] + drop[r] + extra[r, f]`` (valid when covered)."""

    gain: np.ndarray  # (m,) saving of opening f (minus its fixed cost); -inf if not addable
    drop: np.ndarray  # (m,) fixed cost saved minus loss of closing r; -inf if not removable
    stuck: np.ndarray  # (m,) customers of r with no other option
    extra: sp.csr_array  # (m, m) correction for customers of r that f would serve
    covered: sp.csr_array  # (m, m) stuck customers of r that f covers

    def profit(self, r: int, f: int) -> float:
        """Exact profit of swapping open r for closed f (-inf if it strands a customer)."""
        if int(self.covered[r, f]) != int(self.stuck[r]):
            return -np.inf
        return float(self.gain[f] + self.drop[r] + self.extra[r, f])

    def best_for(self, r: int) -> tuple[int, float]:
        """Best replacement shop for open hub r and the profit of that swap."""
        row = slice(self.extra.indptr[r], self.extra.indptr[r + 1])
        cols = self.extra.indices[row]
        best_f, best = -1, -np.inf
        if cols.size:
            cov = self.covered.data[row]
            value = self.gain[cols] + self.drop[r] + self.extra.data[row]
            value = np.where(cov == self.stuck[r], value, -np.inf)
            k = int(np.argmax(value))
            best_f, best = int(cols[k]), float(value[k])
        if self.stuck[r] == 0:
            f = int(np.argmax(self.gain))
            if np.isfinite(self.gain[f]):
                value = self.profit(r, f)
                if value > best:
                    best_f, best = f, value
        return best_f, best


@dataclass(frozen=True)
class _Parts:
    """Raw move-profit parts: per-shop gain / drop / stuck and the per-pair corrections."""

    gain: np.ndarray
    drop: np.ndarray
    stuck: np.ndarray
    rr: np.ndarray  # open hub whose customer a correction concerns
    ef: np.ndarray  # shop that would take the customer over
    value: np.ndarray  # correction to the swap profit
    inf_row: np.ndarray  # the customer has no other option than rr


def _parts(inst: Instance, is_open: np.ndarray) -> _Parts | None:
    """Move-profit parts from an open set (None if some customer has no option)."""
    near = nearest_two(inst, is_open)
    if np.isinf(near.d1).any():
        return None
    d1, phi1, d2 = near.d1, near.phi1, near.d2
    pos = inst.cheaper_than(d2)
    rows, shops, cost = inst.row[pos], inst.shop[pos], inst.cost[pos]
    m = inst.m
    addable = ~is_open & ~inst.forced_closed
    removable = is_open & ~inst.forced_open

    gain = np.bincount(shops, weights=np.maximum(0.0, d1[rows] - cost), minlength=m)
    gain = np.where(addable, gain - inst.fixed, -np.inf)
    served = phi1 != HOME
    finite2 = np.isfinite(d2)
    sel = served & finite2
    loss = np.bincount(phi1[sel], weights=(d2 - d1)[sel], minlength=m)
    stuck = np.bincount(phi1[served & ~finite2], minlength=m)
    drop = np.where(removable, inst.fixed - loss, -np.inf)

    e = np.flatnonzero(served[rows] & addable[shops])
    er, ec = rows[e], cost[e]
    inf_row = ~finite2[er]
    second = np.where(inf_row, 0.0, d2[er])
    value = np.where(
        inf_row,
        np.minimum(0.0, d1[er] - ec),
        np.maximum(0.0, second - ec) - np.maximum(0.0, d1[er] - ec),
    )
    keep = inf_row | (value != 0.0)
    return _Parts(gain, drop, stuck, phi1[er[keep]], shops[e][keep], value[keep], inf_row[keep])


def swap_profits(inst: Instance, is_open: np.ndarray) -> SwapProfits | None:
    """Profit parts of all swaps, adds and drops from an open set (None if it is infeasible)."""
    parts = _parts(inst, is_open)
    if parts is None:
        return None
    m = inst.m
    data = parts.value + 1j * parts.inf_row
    both = sp.csr_array(sp.coo_array((data, (parts.rr, parts.ef)), shape=(m, m)))
    both.sum_duplicates()
    extra = sp.csr_array((both.data.real, both.indices, both.indptr), shape=(m, m))
    covered = sp.csr_array((np.rint(both.data.imag), both.indices, both.indptr), shape=(m, m))
    return SwapProfits(parts.gain, parts.drop, parts.stuck, extra, covered)


_DENSE_MOVES = 4_000_000  # open hubs x shops up to which move profits are tabulated densely


def _best_move(inst: Instance, is_open: np.ndarray) -> tuple[int, int, float] | None:
    """Best (removed hub or -1, added shop or -1, profit) over all swaps, adds and drops."""
    opened = np.flatnonzero(is_open)
    if opened.size * inst.m > _DENSE_MOVES:
        return _best_move_sparse(inst, is_open)
    parts = _parts(inst, is_open)
    if parts is None:
        return None
    m = inst.m
    slot = np.full(m, -1)
    slot[opened] = np.arange(opened.size)
    key = slot[parts.rr] * m + parts.ef
    size = opened.size * m
    extra = np.bincount(key, weights=parts.value, minlength=size).reshape(opened.size, m)
    covered = np.bincount(key, weights=parts.inf_row, minlength=size).reshape(opened.size, m)
    stuck = parts.stuck[opened][:, None]
    profit = parts.gain[None, :] + parts.drop[opened][:, None] + extra
    profit = np.where(np.rint(covered) == stuck, profit, -np.inf)
    best: tuple[int, int, float] | None = None
    k = int(np.argmax(profit)) if profit.size else 0
    if profit.size and np.isfinite(profit.flat[k]):
        best = (int(opened[k // m]), int(k % m), float(profit.flat[k]))
    if inst.p is None:
        best = _best_add_or_drop(parts.gain, np.where(parts.stuck == 0, parts.drop, -np.inf), best)
    return best


def _best_add_or_drop(
    gain: np.ndarray, ok_drop: np.ndarray, best: tuple[int, int, float] | None
) -> tuple[int, int, float] | None:
    """Better of ``best`` and the best single add or drop."""
    f = int(np.argmax(gain))
    if np.isfinite(gain[f]) and (best is None or gain[f] > best[2]):
        best = (-1, f, float(gain[f]))
    r = int(np.argmax(ok_drop))
    if np.isfinite(ok_drop[r]) and (best is None or ok_drop[r] > best[2]):
        best = (r, -1, float(ok_drop[r]))
    return best


def _best_move_sparse(inst: Instance, is_open: np.ndarray) -> tuple[int, int, float] | None:
    """Best move with the pair corrections kept sparse (many open hubs and shops)."""
    parts = swap_profits(inst, is_open)
    if parts is None:
        return None
    gain, stuck = parts.gain, parts.stuck
    ok_drop = np.where(stuck == 0, parts.drop, -np.inf)
    best: tuple[int, int, float] | None = None
    if inst.p is None:
        best = _best_add_or_drop(gain, ok_drop, best)
    ex = parts.extra.tocoo()
    if ex.nnz:
        cov = parts.covered.data
        profit = gain[ex.col] + parts.drop[ex.row] + ex.data
        profit = np.where(cov == stuck[ex.row], profit, -np.inf)
        k = int(np.argmax(profit))
        if np.isfinite(profit[k]) and (best is None or profit[k] > best[2]):
            best = (int(ex.row[k]), int(ex.col[k]), float(profit[k]))
    f = int(np.argmax(gain))
    r = int(np.argmax(ok_drop))
    if np.isfinite(gain[f] + ok_drop[r]):
        exact = parts.profit(r, f)
        if best is None or exact > best[2]:
            best = (r, f, exact)
    return best


def improve_capacitated(inst: Instance, is_open: np.ndarray, limit: SearchLimit) -> np.ndarray:
    """First-improvement swap (and add / drop without a hub count) scored by regret assignment;
    one step of `limit` per move scored."""
    is_open = is_open.copy()
    _, unplaced, total = capacitated_score(inst, is_open)
    best = (unplaced, total)
    improved = True
    while improved:
        improved = False
        opened = np.flatnonzero(is_open & ~inst.forced_open)
        closed = np.flatnonzero(~is_open & ~inst.forced_closed)
        moves: list[tuple[int, int]] = [(r, f) for r in opened for f in closed]
        if inst.p is None:
            moves += [(-1, f) for f in closed] + [(r, -1) for r in opened]
        for r, f in moves:
            if not limit.go():
                return is_open
            trial = is_open.copy()
            if r >= 0:
                trial[r] = False
            if f >= 0:
                trial[f] = True
            _, unplaced, total = capacitated_score(inst, trial)
            if (unplaced, total) < (best[0], best[1] - 1e-9):
                is_open, best, improved = trial, (unplaced, total), True
                break
    return is_open


def iterated_local_search(
    inst: Instance, is_open: np.ndarray, limit: SearchLimit, seed: int, max_failures: int = 60
) -> np.ndarray:
    """Perturb the best open set with a few random swaps, re-optimise, keep it when cheaper.

    Stops when ``limit`` is spent (one step per kick and per move) or after ``max_failures``
    kicks in a row that found nothing better.

    Each kick closes a random hub and opens a shop near the customers it served, so that
    vertex substitution repairs the kick quickly.
    """
    rng = np.random.default_rng(seed)
    best = is_open.copy()
    best_cost = float(nearest_two(inst, best).d1.sum() + inst.fixed[best].sum())
    failures = 0
    while failures < max_failures and limit.go():
        trial = best.copy()
        removable = np.flatnonzero(trial & ~inst.forced_open)
        if removable.size == 0:
            break
        phi1 = nearest_two(inst, trial).phi1
        kicks = rng.choice(
            removable, size=min(int(rng.integers(1, 4)), removable.size), replace=False
        )
        for r in kicks:
            served = np.flatnonzero(phi1 == r)[:30]
            near = np.concatenate(
                [
                    inst.shop[inst.indptr[c] : min(inst.indptr[c] + 6, inst.indptr[c + 1])]
                    for c in served
                ]
                + [np.empty(0, dtype=np.int64)]
            )
            near = near[~trial[near] & ~inst.forced_closed[near]]
            if inst.p is not None or rng.random() < 0.5:
                trial[r] = False
            if near.size:
                trial[int(rng.choice(near))] = True
            elif inst.p is not None:
                trial[r] = True
        trial = improve_uncapacitated(inst, trial, limit)
        cost = float(nearest_two(inst, trial).d1.sum() + inst.fixed[trial].sum())
        if cost < best_cost - 1e-9 * max(1.0, abs(best_cost)):
            best, best_cost, failures = trial, cost, 0
        else:
            failures += 1
    return best
