"""The location problem: candidate shops, demand points and what ties them (typed, validated)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class LocationProblem:
    """A capacitated, single-sourcing facility-location problem with a home-delivery fallback.

    Parameters
    ----------
    customer_ids
        Demand points (customers or zones); echoed in the result.
    shop_ids
        Candidate hubs; echoed in the result.
    demand
        ``(n_customers, n_dims)`` usage of each capacity dimension, ``>= 0``
        (e.g. dim 0 = expected pickups/day, dim 1 = stock litres). A 1-D array means one dimension.
    capacity
        ``(n_shops, n_dims)`` capacity per shop and dimension, ``> 0`` (``np.inf`` = unlimited).
    assign_cost
        Cost of serving customer ``i`` at shop ``j``. Either a dense ``(n_customers, n_shops)``
        array where ``np.inf`` marks a pair that is not allowed (beyond walking reach), or a
        ``scipy.sparse`` matrix (CSR preferred) whose *stored* entries are exactly the allowed
        pairs with their (finite, possibly zero) costs; pairs not stored are not allowed.
    home_cost
        ``(n_customers,)`` cost of home delivery instead; ``np.inf``: the customer must be served
        at a hub.
    fixed_cost
        ``(n_shops,)`` cost of opening a hub; ``None`` means zero (then set ``n_hubs``).
    n_hubs
        Exact number of hubs (p-median style) when set.
    force_open
        Shop ids that must stay open (existing hubs).
    force_closed
        Shop ids that must stay closed (shops that declined).

    Raises
    ------
    ValueError
        When a field has the wrong shape or a bad value; the message names both.
    """

    customer_ids: list[str]
    shop_ids: list[str]
    demand: np.ndarray
    capacity: np.ndarray
    assign_cost: np.ndarray | sp.sparray | sp.spmatrix
    home_cost: np.ndarray
    fixed_cost: np.ndarray | None = None
    n_hubs: int | None = None
    force_open: frozenset[str] = frozenset()
    force_closed: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        """Coerce arrays to float and check shapes, signs and ids."""
        n, m = len(self.customer_ids), len(self.shop_ids)
        _check_ids("customer_ids", self.customer_ids)
        _check_ids("shop_ids", self.shop_ids)
        if m == 0:
            raise ValueError("shop_ids: at least one candidate shop is needed, got 0")
        demand = np.asarray(self.demand, dtype=np.float64)
        if demand.ndim == 1:
            demand = demand[:, None]
        capacity = np.asarray(self.capacity, dtype=np.float64)
        if capacity.ndim == 1:
            capacity = capacity[:, None]
        _check_shape("demand", demand, (n, demand.shape[1] if demand.ndim == 2 else -1))
        _check_shape("capacity", capacity, (m, demand.shape[1]))
        _check_values("demand", demand, lambda a: np.isfinite(a) & (a >= 0), "finite and >= 0")
        _check_values("capacity", capacity, lambda a: ~np.isnan(a) & (a > 0), "> 0")
        object.__setattr__(self, "demand", demand)
        object.__setattr__(self, "capacity", capacity)

        if sp.issparse(self.assign_cost):
            cost = sp.csr_array(self.assign_cost, dtype=np.float64)
            cost.sum_duplicates()
            if cost.shape != (n, m):
                raise ValueError(
                    f"assign_cost: shape {cost.shape} != (n_customers, n_shops) {(n, m)}"
                )
            _check_values(
                "assign_cost", cost.data, lambda a: np.isfinite(a) & (a >= 0), "finite >= 0"
            )
        else:
            cost = np.asarray(self.assign_cost, dtype=np.float64)
            _check_shape("assign_cost", cost, (n, m))
            _check_values("assign_cost", cost, lambda a: (a >= 0) & ~np.isnan(a), ">= 0 or inf")
        object.__setattr__(self, "assign_cost", cost)

        home = np.asarray(self.home_cost, dtype=np.float64)
        _check_shape("home_cost", home, (n,))
        _check_values("home_cost", home, lambda a: (a >= 0) & ~np.isnan(a), ">= 0 or inf")
        object.__setattr__(self, "home_cost", home)

        if self.fixed_cost is not None:
            fixed = np.asarray(self.fixed_cost, dtype=np.float64)
            _check_shape("fixed_cost", fixed, (m,))
            _check_values("fixed_cost", fixed, lambda a: np.isfinite(a) & (a >= 0), "finite >= 0")
            object.__setattr__(self, "fixed_cost", fixed)

        known = set(self.shop_ids)
        for name in ("force_open", "force_closed"):
            ids = frozenset(getattr(self, name))
            unknown = sorted(ids - known)
            if unknown:
                raise ValueError(f"{name}: unknown shop ids {unknown[:5]}")
            object.__setattr__(self, name, ids)
        both = sorted(self.force_open & self.force_closed)
        if both:
            raise ValueError(f"force_open/force_closed: shops {both[:5]} are in both")

        if self.n_hubs is not None:
            p = self.n_hubs
            if isinstance(p, bool) or not isinstance(p, int | np.integer) or p < 1:
                raise ValueError(f"n_hubs: {p!r} is not a positive integer")
            if p > m - len(self.force_closed):
                raise ValueError(
                    f"n_hubs: {p} exceeds the {m - len(self.force_closed)} shops not forced closed"
                )
            if len(self.force_open) > p:
                raise ValueError(
                    f"n_hubs: {p} is fewer than the {len(self.force_open)} forced open"
                )
            object.__setattr__(self, "n_hubs", int(p))
        self._check_reachable()

    @property
    def n_customers(self) -> int:
        """Number of demand points."""
        return len(self.customer_ids)

    @property
    def n_shops(self) -> int:
        """Number of candidate shops."""
        return len(self.shop_ids)

    def _check_reachable(self) -> None:
        """Refuse customers that must be assigned but have no allowed shop left open-able."""
        closed = np.isin(np.asarray(self.shop_ids, dtype=object), list(self.force_closed))
        if sp.issparse(self.assign_cost):
            cost = self.assign_cost
            allowed = np.zeros(self.n_customers, dtype=bool)
            rows = np.repeat(np.arange(self.n_customers), np.diff(cost.indptr))
            allowed[rows[~closed[cost.indices]]] = True
        else:
            allowed = np.isfinite(self.assign_cost[:, ~closed]).any(axis=1)
        stuck = np.flatnonzero(~allowed & np.isinf(self.home_cost))
        if stuck.size:
            ids = [self.customer_ids[i] for i in stuck[:5]]
            raise ValueError(
                f"home_cost: customers {ids} have home_cost inf but no allowed shop within reach"
            )


def _check_ids(field: str, ids: list[str]) -> None:
    """Ids must be unique strings."""
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dup = next(x for x in ids if x in seen or seen.add(x))
        raise ValueError(f"{field}: duplicate id {dup!r}")


def _check_shape(field: str, array: np.ndarray, shape: tuple[int, ...]) -> None:
    """Raise naming the field when the array shape is not the expected one."""
    if array.shape != shape:
        raise ValueError(f"{field}: shape {array.shape} != expected {shape}")


def _check_values(
    field: str, array: np.ndarray, ok: Callable[[np.ndarray], np.ndarray], what: str
) -> None:
    """Raise naming the field, the first bad position and value."""
    good = ok(array)
    if not np.all(good):
        pos = np.unravel_index(int(np.flatnonzero(~good.ravel())[0]), array.shape)
        index = ", ".join(str(int(x)) for x in pos)
        raise ValueError(f"{field}[{index}]: {float(array[pos])} is not {what}")
