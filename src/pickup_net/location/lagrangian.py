"""Lagrangian relaxation of the assignment constraints: lower bounds, hub fixing, candidate hubs.

Relaxing ``sum_j x_ij + home_i = 1`` with multipliers ``lambda_i`` splits the problem by shop: each
shop's value is its fixed cost plus the cheapest set of customers it could serve at reduced cost
``c_ij - lambda_i`` within its capacity (a knapsack: solved exactly by dynamic programming for small
integral demands, else bounded by its fractional relaxation, taking the best single dimension).
The bound is improved by subgradient steps (Polyak step size, halved when stalling). Given a
``stall_window`` the run also stops once that many steps closed less than ``STALL_PROGRESS`` of the
gap still open to the incumbent: its measured rate would not close the gap, so the time is better
spent by the phases after it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from pickup_net.location._instance import Instance
from pickup_net.location.assign import HOME
from pickup_net.location.limit import SearchLimit

_DP_MAX_CELLS = 2_000_000  # largest (binding shops x capacity) table solved exactly per customer
_STALL = 20  # subgradient steps without progress before the step size is halved
_PARALLEL_PAIRS = 200_000  # binding pairs from which the shops' knapsacks run on threads
_THREADS = 4  # most threads the knapsacks of one relaxation use
#: Share of the open gap the last ``stall_window`` steps must close for the run to go on.
STALL_PROGRESS = 0.01


@dataclass
class LagrangianOutcome:
    """Best bound found, the hubs it fixes, and how many subgradient steps it took."""

    lower_bound: float
    fixed_open: np.ndarray
    fixed_closed: np.ndarray
    iterations: int
    multipliers: np.ndarray
    shop_values: np.ndarray = field(repr=False)
    chosen: np.ndarray = field(repr=False)  # open set of the relaxation at the best multipliers
    raw_bound: float = -np.inf  # best bound before capping by the incumbent
    candidates: list[np.ndarray] = field(default_factory=list, repr=False)  # best open sets
    pair_bounds: np.ndarray | None = field(default=None, repr=False)  # (nnz,) see pair_bounds


def fixing_tolerance(inst: Instance, upper_bound: float) -> float:
    """Slack below the incumbent that still excludes only solutions no better than it."""
    if inst.integral:
        return 1.0 - 1e-6
    return 1e-9 * max(1.0, abs(upper_bound))


def lagrangian_bound(
    inst: Instance,
    upper_bound: float,
    start_costs: np.ndarray,
    limit: SearchLimit,
    on_open_set: Callable[[np.ndarray, np.ndarray | None], float],
    max_iterations: int = 3000,
    alpha: float = 2.0,
    stall_window: int | None = None,
    want_pair_bounds: bool = False,
) -> LagrangianOutcome:
    """Subgradient optimisation of the Lagrangian dual; fixes hubs against ``upper_bound``.

    Bounds computed after fixing hold for solutions cheaper than the incumbent, so the returned
    bound is capped by the final incumbent cost (then it holds for every solution).

    ``on_open_set`` is offered the open set of the relaxation from time to time, with the shop
    whose knapsack alone takes each customer (HOME if none or several; None without capacities),
    and returns the cost of the solution it repaired from them (the incumbent may improve while
    bounding). With
    ``want_pair_bounds`` the outcome also carries, per allowed pair, a bound on every solution
    that uses it (see :func:`pair_bounds`).
    """
    lam = start_costs.copy()
    fin = np.isfinite(lam)
    lam[~fin] = inst.cost.max(initial=0.0) + 1.0
    knap = _Knapsacks(inst)
    fixed_open = inst.forced_open.copy()
    fixed_closed = inst.forced_closed.copy()
    best_lb, best_lam, best_rho = -np.inf, lam.copy(), np.zeros(inst.m)
    best_y = fixed_open.copy()
    stall, it = 0, 0
    tried: set[bytes] = set()
    seen: dict[bytes, tuple[float, np.ndarray]] = {}
    history: list[float] = []
    while it < max_iterations and (limit.go() or it == 0):
        it += 1
        if knap.dims:
            pos = None
            reduced = inst.cost - lam[inst.row]
            rho, take = knap.shop_values(reduced)
        else:
            pos = inst.cheaper_than(lam)
            reduced = inst.cost[pos] - lam[inst.row[pos]]
            rho = np.bincount(inst.shop[pos], weights=reduced, minlength=inst.m)
        rho = rho + inst.fixed
        y = _choose(inst, rho, fixed_open, fixed_closed)
        home_take = inst.home < lam
        bound = float(lam.sum() + np.minimum(0.0, inst.home - lam).sum() + rho[y].sum())
        if not np.isfinite(best_lb) or bound > best_lb + 1e-9 * max(1.0, abs(best_lb)):
            best_lb, best_lam, best_rho, best_y, stall = bound, lam.copy(), rho.copy(), y, 0
        else:
            stall += 1
            if stall >= _STALL:
                alpha, stall = alpha / 2.0, 0
        key = np.packbits(y).tobytes()
        if key not in seen or seen[key][0] < bound:
            seen[key] = (bound, y)
        if key not in tried and (it % 5 == 1 or stall == 0):
            tried.add(key)
            seed = None if pos is not None else _knapsack_seed(inst, take, y)
            upper_bound = min(upper_bound, on_open_set(y, seed))
        tol = fixing_tolerance(inst, upper_bound)
        _fix(inst, bound, rho, y, upper_bound - tol, fixed_open, fixed_closed)
        if best_lb >= upper_bound - tol or alpha < 1e-5:
            break
        history.append(best_lb)
        if stall_window is not None and _stalled(history, stall_window, upper_bound):
            break
        if pos is None:
            served = np.bincount(inst.row, weights=(take * y[inst.shop]), minlength=inst.n)
        else:
            served = np.bincount(inst.row[pos], weights=y[inst.shop[pos]], minlength=inst.n)
        grad = 1.0 - home_take - served
        norm = float((grad * grad).sum())  # not BLAS: its threads spin against the knapsacks'
        if norm == 0.0:
            break
        target = upper_bound if np.isfinite(upper_bound) else bound + 0.1 * abs(bound) + 1.0
        step = alpha * max(target - bound, 1e-6 * max(1.0, abs(bound))) / norm
        lam = lam + step * grad
    pairs = None
    if want_pair_bounds and np.isfinite(best_lb):
        pairs = pair_bounds(inst, knap, best_lam, fixed_open, fixed_closed)
    return LagrangianOutcome(
        pair_bounds=pairs,
        lower_bound=min(best_lb, upper_bound),
        fixed_open=fixed_open,
        fixed_closed=fixed_closed,
        iterations=it,
        multipliers=best_lam,
        shop_values=best_rho,
        chosen=best_y,
        candidates=[y for _, y in sorted(seen.values(), key=lambda t: -t[0])[:8]],
        raw_bound=best_lb,
    )


def pair_bounds(
    inst: Instance,
    knap: _Knapsacks,
    lam: np.ndarray,
    fixed_open: np.ndarray,
    fixed_closed: np.ndarray,
) -> np.ndarray:
    """Lower bound, at multipliers `lam`, on every solution that assigns pair e (per pair).

    Forcing customer i to shop j opens j and makes j's knapsack take i: j's value becomes at
    least ``c_ij - lam_i`` plus its best knapsack in the capacity left after i (exact tables), and
    never less than its free value plus ``max(0, c_ij - lam_i)``. The other hubs keep the
    relaxation's best choice given the fixed ones (the dearest free chosen hub makes room for j
    under a hub count). Like hub fixing, it holds for solutions cheaper than the incumbent the
    fixing used; a pair whose bound reaches the incumbent cannot be in a better solution.
    """
    reduced = inst.cost - lam[inst.row]
    if knap.dims:
        rho, _ = knap.shop_values(reduced)
    else:
        rho = np.bincount(inst.shop, weights=np.minimum(reduced, 0.0), minlength=inst.m)
    value = rho + inst.fixed
    y = _choose(inst, value, fixed_open, fixed_closed)
    bound = float(lam.sum() + np.minimum(0.0, inst.home - lam).sum() + value[y].sum())
    forced = knap.forced_values(reduced, rho) + inst.fixed[inst.shop]
    if inst.p is None:
        make_room = 0.0
    else:
        free_chosen = y & ~fixed_open
        make_room = value[free_chosen].max() if free_chosen.any() else np.inf
    chosen = y[inst.shop]
    out = np.where(chosen, bound - value[inst.shop], bound) + forced
    if np.isfinite(make_room):
        out[~chosen] -= make_room
    else:
        out[~chosen] = np.inf  # every hub is fixed: no room for another
    out[fixed_closed[inst.shop]] = np.inf
    return out


def _knapsack_seed(inst: Instance, take: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per customer, the one open shop whose knapsack takes it (HOME if none or several)."""
    taken = np.flatnonzero((take > 0.5) & y[inst.shop])
    count = np.bincount(inst.row[taken], minlength=inst.n)
    alone = taken[count[inst.row[taken]] == 1]
    seed = np.full(inst.n, HOME, dtype=np.int64)
    seed[inst.row[alone]] = inst.shop[alone]
    return seed


def _shop_ratio_key(shops: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """One float sort key ordering pairs by shop, then by value per unit of weight, weightless
    pairs first: a single argsort is about three times as fast as a two-key lexsort, and pairs
    whose ratios tie within the key's precision give the same fractional knapsack value in any
    order."""
    weighed = w > 0
    ratio = np.where(weighed, v / np.where(weighed, w, 1.0), 0.0)
    low = float(ratio.min(initial=0.0))
    span = float(ratio.max(initial=0.0)) - low
    scaled = (ratio - low) / span if span > 0 else np.zeros_like(ratio)
    return shops * 4.0 + np.where(weighed, 1.0 + scaled, 0.0)


def _stalled(history: list[float], window: int, upper_bound: float) -> bool:
    """Whether the last `window` steps closed less than STALL_PROGRESS of the gap left open."""
    if len(history) <= window or not np.isfinite(upper_bound):
        return False
    progress = history[-1] - history[-1 - window]
    return progress < STALL_PROGRESS * (upper_bound - history[-1])


def _choose(
    inst: Instance, rho: np.ndarray, fixed_open: np.ndarray, fixed_closed: np.ndarray
) -> np.ndarray:
    """Open set minimising the relaxation: forced ones, then the p cheapest (or all negative)."""
    y = fixed_open.copy()
    free = np.flatnonzero(~fixed_open & ~fixed_closed)
    if inst.p is None:
        y[free[rho[free] < 0]] = True
    else:
        need = inst.p - int(fixed_open.sum())
        if need > 0:
            part = np.argpartition(rho[free], need - 1)[:need] if need < free.size else slice(None)
            y[free[part]] = True
    return y


def _fix(
    inst: Instance,
    bound: float,
    rho: np.ndarray,
    y: np.ndarray,
    threshold: float,
    fixed_open: np.ndarray,
    fixed_closed: np.ndarray,
) -> None:
    """Close (open) shops whose opening (closing) lifts the bound above ``threshold``."""
    free = ~fixed_open & ~fixed_closed
    chosen_free = y & free
    other_free = ~y & free
    if inst.p is None:
        open_penalty = np.maximum(rho, 0.0)
        close_penalty = np.maximum(-rho, 0.0)
    else:
        last_in = rho[chosen_free].max() if chosen_free.any() else np.inf
        first_out = rho[other_free].min() if other_free.any() else np.inf
        open_penalty = rho - last_in
        close_penalty = first_out - rho
    fixed_closed |= other_free & (bound + open_penalty > threshold)
    fixed_open |= chosen_free & (bound + close_penalty > threshold)


def _shop_blocks(
    inst: Instance, binding_pair: np.ndarray, threads: int, min_pairs: int = _PARALLEL_PAIRS
) -> list[np.ndarray]:
    """The binding pairs split into one mask per thread by blocks of shops (each shop's knapsack
    is independent of the others), or one mask below `min_pairs` binding pairs (no gain)."""
    if threads < 2 or int(binding_pair.sum()) < min_pairs:
        return [binding_pair]
    block = np.minimum(inst.shop * threads // max(1, inst.m), threads - 1)
    return [binding_pair & (block == b) for b in range(threads)]


@cache
def _pool() -> ThreadPoolExecutor:
    """The threads the shops' knapsack blocks run on."""
    return ThreadPoolExecutor(max_workers=_THREADS, thread_name_prefix="knapsack")


class _Knapsacks:
    """Per-shop values of the relaxed problem: plain sums, or knapsacks where capacity binds."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.binding_pair = inst.binding[inst.shop]
        demand = inst.demand[inst.row]
        self.dims = [
            k
            for k in range(inst.demand.shape[1])
            if np.any(demand[self.binding_pair, k] > 0)
            and np.any(inst.capacity[inst.binding, k] < np.inf)
        ]
        self.exact = {k: self._dp_fits(k) for k in self.dims}
        self.blocks = _shop_blocks(inst, self.binding_pair, min(_THREADS, os.cpu_count() or 1))

    def _dp_fits(self, k: int) -> bool:
        """Small integral demands and capacities: the 0-1 knapsack is solved exactly."""
        inst = self.inst
        cap = inst.capacity[inst.binding, k]
        dem = inst.demand[:, k]
        if not (np.all(dem == np.round(dem)) and np.all(np.isfinite(cap))):
            return False
        cells = int(inst.binding.sum()) * (int(cap.max()) + 1)
        return cells <= _DP_MAX_CELLS and cells * inst.n <= 50 * _DP_MAX_CELLS

    def shop_values(self, reduced: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Value of each shop and the (possibly fractional) pairs it takes."""
        inst = self.inst
        neg = reduced < 0
        take = neg.astype(np.float64)
        rho = np.bincount(inst.shop, weights=np.where(neg, reduced, 0.0), minlength=inst.m)
        if not self.dims:
            return rho, take
        best = np.full(inst.m, -np.inf)
        best_take = take.copy()
        for k in self.dims:
            if self.exact[k]:
                value, chosen = self._dp(reduced, k)
            else:
                value, chosen = self._fractional(reduced, k)
            better = value > best
            best = np.where(better, value, best)
            pair_better = better[inst.shop] & self.binding_pair
            best_take[pair_better] = chosen[pair_better]
        rho = np.where(inst.binding, best, rho)
        take = np.where(self.binding_pair, best_take, take)
        return rho, take

    def forced_values(self, reduced: np.ndarray, rho: np.ndarray) -> np.ndarray:
        """Per pair: a lower bound on its shop's knapsack value when the pair must be taken."""
        inst = self.inst
        out = rho[inst.shop] + np.maximum(reduced, 0.0)
        for k in self.dims:
            if not self.exact[k]:
                continue
            _, _, table, local = self._dp(reduced, k, with_table=True)
            binding = np.flatnonzero(self.binding_pair)
            shops = inst.shop[binding]
            room = inst.capacity[shops, k] - inst.demand[inst.row[binding], k]
            fits = room >= 0
            value = np.full(binding.size, np.inf)
            value[fits] = reduced[binding[fits]] + table[local[shops[fits]], room[fits].astype(int)]
            out[binding] = np.maximum(out[binding], value)
        return out

    def _fractional(self, reduced: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Fractional knapsack per binding shop in dimension k (a valid lower bound); on large
        instances the shops' blocks are solved side by side on threads (sorting frees the GIL)."""
        if len(self.blocks) == 1:
            return self._fractional_block(reduced, k, self.blocks[0])
        parts = list(_pool().map(lambda b: self._fractional_block(reduced, k, b), self.blocks))
        return sum(p[0] for p in parts), sum(p[1] for p in parts)

    def _fractional_block(
        self, reduced: np.ndarray, k: int, block: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The fractional knapsacks of the shops whose binding pairs are `block` (a pair mask)."""
        inst = self.inst
        e = np.flatnonzero(block & (reduced < 0))
        w = inst.demand[inst.row[e], k]
        v = reduced[e]
        order = np.argsort(_shop_ratio_key(inst.shop[e], v, w))
        e, w, v, shops = e[order], w[order], v[order], inst.shop[e][order]
        cum = np.cumsum(w)
        starts = (
            np.flatnonzero(np.r_[True, shops[1:] != shops[:-1]]) if e.size else np.array([], int)
        )
        base = np.zeros(e.size)
        if e.size:
            base = np.repeat(cum[starts] - w[starts], np.diff(np.r_[starts, e.size]))
        before = cum - w - base
        cap = inst.capacity[shops, k]
        frac = np.clip((cap - before) / np.where(w > 0, w, 1.0), 0.0, 1.0)
        frac = np.where(w > 0, frac, 1.0)
        value = np.bincount(shops, weights=frac * v, minlength=inst.m)
        chosen = np.zeros(inst.nnz)
        chosen[e] = frac
        return value, chosen

    def _dp(self, reduced: np.ndarray, k: int, with_table: bool = False) -> tuple:
        """Exact 0-1 knapsack per binding shop in dimension k, by DP over customers; with
        `with_table` also the table (best value within each capacity) and the shops' rows in it."""
        inst = self.inst
        shops = np.flatnonzero(inst.binding)
        local = np.full(inst.m, -1)
        local[shops] = np.arange(shops.size)
        caps = inst.capacity[shops, k].astype(np.int64)
        width = int(caps.max()) + 1
        dp = np.zeros((shops.size, width))
        steps: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        mask = self.binding_pair & (reduced < 0)
        for i in range(inst.n):
            lo, hi = inst.indptr[i], inst.indptr[i + 1]
            e = lo + np.flatnonzero(mask[lo:hi])
            if e.size == 0:
                continue
            rows = local[inst.shop[e]]
            w = int(inst.demand[i, k])
            if w >= width:
                continue
            v = reduced[e][:, None]
            if w == 0:
                dp[rows] += v
                took = np.ones((rows.size, width), dtype=bool)
            else:
                cand = dp[rows, : width - w] + v
                took = np.zeros((rows.size, width), dtype=bool)
                took[:, w:] = cand < dp[rows, w:]
                dp[rows, w:] = np.where(took[:, w:], cand, dp[rows, w:])
            steps.append((w, e, rows, took))
        value = np.zeros(inst.m)
        value[shops] = dp[np.arange(shops.size), caps]
        if with_table:
            return value, None, dp, local
        chosen = np.zeros(inst.nnz)
        left = caps.copy()
        for w, e, rows, took in reversed(steps):
            t = took[np.arange(rows.size), left[rows]]
            chosen[e[t]] = 1.0
            left[rows[t]] -= w
        return value, chosen
