"""Compiled arrays of a location problem: allowed pairs sorted by cost, masks and flags."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from pickup_net.location.problem import LocationProblem


@dataclass(frozen=True)
class Instance:
    """Index-based view of a problem; allowed pairs in CSR by customer, each row sorted by cost."""

    n: int
    m: int
    indptr: np.ndarray  # (n + 1,) row pointers into shop / cost
    shop: np.ndarray  # (nnz,) shop index of each allowed pair
    cost: np.ndarray  # (nnz,) assignment cost, rows ascending
    row: np.ndarray  # (nnz,) customer index of each pair
    home: np.ndarray  # (n,) home-delivery cost, inf = must be assigned
    demand: np.ndarray  # (n, d)
    capacity: np.ndarray  # (m, d)
    fixed: np.ndarray  # (m,)
    p: int | None
    forced_open: np.ndarray  # (m,) bool
    forced_closed: np.ndarray  # (m,) bool
    binding: np.ndarray  # (m,) bool: capacity can bind at this shop
    integral: bool  # all costs integers: bounds may be rounded up

    @property
    def capacitated(self) -> bool:
        """Whether any capacity can bind."""
        return bool(self.binding.any())

    @property
    def nnz(self) -> int:
        """Number of allowed (customer, shop) pairs."""
        return int(self.shop.size)

    @cached_property
    def _sort_key(self) -> tuple[float, np.ndarray]:
        """Row-major sort key of the pairs (row * span + cost), increasing along the arrays."""
        span = float(self.cost.max(initial=0.0)) + 1.0
        return span, self.row * span + self.cost

    @cached_property
    def _columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Pair positions grouped by shop: (column pointers, positions)."""
        order = np.argsort(self.shop, kind="stable")
        ptr = np.zeros(self.m + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.shop, minlength=self.m), out=ptr[1:])
        return ptr, order

    def positions_of(self, is_open: np.ndarray) -> np.ndarray:
        """Positions of the pairs whose shop is open, in row-major (customer, cost) order."""
        ptr, order = self._columns
        shops = np.flatnonzero(is_open)
        counts = ptr[shops + 1] - ptr[shops]
        if int(counts.sum()) * 8 > self.nnz:
            return np.flatnonzero(is_open[self.shop])
        offsets = np.repeat(ptr[shops] - np.cumsum(counts) + counts, counts)
        return np.sort(order[np.arange(int(counts.sum())) + offsets])

    def cheaper_than(self, threshold: np.ndarray) -> np.ndarray:
        """Positions of the pairs with ``cost < threshold[customer]`` (a prefix of each row)."""
        span, key = self._sort_key
        target = np.arange(self.n) * span + np.clip(threshold, 0.0, span - 0.5)
        ends = np.searchsorted(key, target, side="left")
        starts = self.indptr[:-1]
        counts = np.maximum(ends - starts, 0)
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
        return np.arange(int(counts.sum())) + offsets

    def by_shop(self) -> sp.csc_array:
        """Allowed pairs as a CSC matrix (customer x shop) whose data are pair positions + 1."""
        positions = np.arange(1, self.nnz + 1, dtype=np.int64)
        return sp.csc_array((positions, (self.row, self.shop)), shape=(self.n, self.m))


def compile_problem(problem: LocationProblem) -> Instance:
    """Turn a validated problem into sorted index arrays, dropping forced-closed shops' pairs."""
    n, m = problem.n_customers, problem.n_shops
    index = {s: j for j, s in enumerate(problem.shop_ids)}
    forced_open = np.zeros(m, dtype=bool)
    forced_open[[index[s] for s in problem.force_open]] = True
    forced_closed = np.zeros(m, dtype=bool)
    forced_closed[[index[s] for s in problem.force_closed]] = True

    if sp.issparse(problem.assign_cost):
        csr = sp.csr_array(problem.assign_cost)
        row = np.repeat(np.arange(n), np.diff(csr.indptr))
        shop, cost = csr.indices.astype(np.int64), csr.data.astype(np.float64)
    else:
        row, shop = np.nonzero(np.isfinite(problem.assign_cost))
        cost = problem.assign_cost[row, shop]
    keep = ~forced_closed[shop]
    row, shop, cost = row[keep], shop[keep], cost[keep]
    order = np.lexsort((shop, cost, row))
    row, shop, cost = row[order].astype(np.int64), shop[order].astype(np.int64), cost[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=n), out=indptr[1:])

    demand, capacity = problem.demand, problem.capacity
    load = np.zeros((m, demand.shape[1]))
    for k in range(demand.shape[1]):
        load[:, k] = np.bincount(shop, weights=demand[row, k], minlength=m)
    binding = (load > capacity + 1e-9).any(axis=1)
    fixed = np.zeros(m) if problem.fixed_cost is None else problem.fixed_cost
    finite_home = problem.home_cost[np.isfinite(problem.home_cost)]
    integral = all(np.all(a == np.round(a)) for a in (cost, finite_home, fixed))
    return Instance(
        n=n,
        m=m,
        indptr=indptr,
        shop=shop,
        cost=cost,
        row=row,
        home=problem.home_cost,
        demand=demand,
        capacity=capacity,
        fixed=fixed,
        p=problem.n_hubs,
        forced_open=forced_open,
        forced_closed=forced_closed,
        binding=binding,
        integral=bool(integral),
    )


def restrict(inst: Instance, fixed_open: np.ndarray, fixed_closed: np.ndarray) -> Instance:
    """The instance with shops fixed open / closed, dropping pairs that can no longer matter.

    Pairs of closed shops go. Without binding capacities an always-open shop acts like home
    delivery: each customer's home cost becomes its cheapest fixed-open option and every pair at
    or above that ceiling goes (the objective of every open set is unchanged).
    """
    home = inst.home
    keep = ~fixed_closed[inst.shop]
    if not inst.capacitated:
        pos = np.flatnonzero(fixed_open[inst.shop])
        ceiling = inst.home.copy()
        np.minimum.at(ceiling, inst.row[pos], inst.cost[pos])
        home = ceiling
        keep &= inst.cost < ceiling[inst.row]
    row = inst.row[keep]
    indptr = np.zeros(inst.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=inst.n), out=indptr[1:])
    return replace(
        inst,
        indptr=indptr,
        shop=inst.shop[keep],
        cost=inst.cost[keep],
        row=row,
        home=home,
        forced_open=fixed_open.copy(),
        forced_closed=fixed_closed.copy(),
    )


def keep_pairs(inst: Instance, keep: np.ndarray) -> Instance:
    """The instance with only the allowed pairs marked in `keep` (order and flags unchanged)."""
    row = inst.row[keep]
    indptr = np.zeros(inst.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=inst.n), out=indptr[1:])
    return replace(inst, indptr=indptr, shop=inst.shop[keep], cost=inst.cost[keep], row=row)
