"""Share a hub's storage litres and pickup capacity between products to maximise expected profit.

Unit k of a product is worth ``cu * P(D >= k) - co * P(D < k)`` (stock-out cost avoided minus
holding cost risked), which falls with k, so the problem is a separable concave knapsack. A
Lagrange multiplier (shadow price per litre) is found by bisection: at price lam each product keeps
the units worth at least ``lam * volume``. The pickup capacity bounds the units handed out: unit k
is collected with probability P(D >= k), so a second multiplier charges each unit for its expected
pickups when the expected hand-outs would exceed the capacity (only when the catchment's demand
exceeds what the shop can hand out). Space left by the price steps is then filled greedily.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pickup_net.forecast import CycleDemand

BISECTION_STEPS = 60
TOLERANCE = 1e-9


@dataclass(frozen=True)
class AllocationItem:
    """One product at one hub: its demand, unit volume, costs and unconstrained units (the cap)."""

    demand: CycleDemand
    volume_liters: float
    underage_cost: float
    overage_cost: float
    cap_units: int


@dataclass(frozen=True)
class Allocation:
    """Units per item, which limits bind, and their shadow prices (0 when not binding)."""

    units: list[int]
    storage_binds: bool
    pickups_bind: bool
    price_per_liter: float
    price_per_pickup: float


@dataclass(frozen=True)
class _Units:
    """Per unit of one item (1st, 2nd, ...): expected profit and probability it is picked up."""

    value: np.ndarray
    pickup: np.ndarray


def allocate(items: list[AllocationItem], storage_liters: float, max_pickups: float) -> Allocation:
    """Units per item within `storage_liters` and `max_pickups` expected hand-outs, each capped."""
    volume = np.array([item.volume_liters for item in items], dtype=float)
    units = [_unit_table(item) for item in items]
    caps = np.array([item.cap_units for item in items], dtype=int)

    def liters(counts: np.ndarray) -> float:
        """Litres taken by `counts` units."""
        return float(counts @ volume)

    def pickups(counts: np.ndarray) -> float:
        """Units expected to be handed out from `counts` units."""
        return sum(float(u.pickup[:n].sum()) for u, n in zip(units, counts, strict=True))

    if liters(caps) <= storage_liters + TOLERANCE and pickups(caps) <= max_pickups + TOLERANCE:
        return Allocation(caps.tolist(), False, False, 0.0, 0.0)
    price_liter = 0.0
    counts = caps
    if liters(caps) > storage_liters + TOLERANCE:
        highest = max(
            (u.value[0] / v for u, v in zip(units, volume, strict=True) if u.value.size),
            default=0.0,
        )
        price_liter = _bisect(
            lambda p: liters(_kept(units, p * volume, 0.0)) > storage_liters, highest
        )
        counts = _kept(units, price_liter * volume, 0.0)
    price_pickup = 0.0
    if pickups(counts) > max_pickups + TOLERANCE:
        highest = max(
            (abs(u.value[0]) / max(u.pickup[0], TOLERANCE) for u in units if u.value.size),
            default=0.0,
        )
        price_pickup = _bisect(
            lambda p: pickups(_kept(units, price_liter * volume, p)) > max_pickups, highest
        )
        counts = _kept(units, price_liter * volume, price_pickup)
    counts = _fill_greedily(
        counts, units, volume, storage_liters - liters(counts), max_pickups - pickups(counts)
    )
    free_liters = storage_liters - liters(counts)
    short = counts < caps
    storage_binds = bool(np.any(short & (volume > free_liters + TOLERANCE)))
    pickups_bind = bool(short.any()) and max_pickups - pickups(counts) < 1.0
    return Allocation(
        counts.tolist(),
        storage_binds,
        pickups_bind,
        price_liter if storage_binds else 0.0,
        price_pickup if pickups_bind else 0.0,
    )


def _unit_table(item: AllocationItem) -> _Units:
    """Expected profit and pickup probability of the 1st, 2nd, ... `cap`-th unit."""
    below = item.demand.cdf(np.arange(item.cap_units))
    cost = item.underage_cost + item.overage_cost
    return _Units(item.underage_cost - cost * below, 1.0 - below)


def _kept(units: list[_Units], liter_charge: np.ndarray, pickup_price: float) -> np.ndarray:
    """Per item, the leading units whose profit covers their space and pickup charges."""
    counts = []
    for unit, charge in zip(units, liter_charge, strict=True):
        worth = unit.value - pickup_price * unit.pickup >= charge
        counts.append(int(np.argmin(worth)) if not worth.all() else worth.size)
    return np.array(counts, dtype=int)


def _bisect(too_much: Callable[[float], bool], highest: float) -> float:
    """The smallest price in [0, highest + 1] at which `too_much(price)` is false."""
    low, high = 0.0, max(highest, 0.0) + 1.0
    for _ in range(BISECTION_STEPS):
        middle = (low + high) / 2
        if too_much(middle):
            low = middle
        else:
            high = middle
    return high


def _fill_greedily(
    counts: np.ndarray,
    units: list[_Units],
    volume: np.ndarray,
    free_liters: float,
    free_pickups: float,
) -> np.ndarray:
    """Add the next unit of best value per litre while it fits both limits and is under its cap."""
    counts = counts.copy()
    while True:
        best, best_ratio = -1, -np.inf
        for index, unit in enumerate(units):
            n = counts[index]
            if (
                n < unit.value.size
                and volume[index] <= free_liters + TOLERANCE
                and unit.pickup[n] <= free_pickups + TOLERANCE
            ):
                ratio = unit.value[n] / volume[index]
                if ratio > best_ratio:
                    best, best_ratio = index, ratio
        if best < 0:
            return counts
        free_liters -= volume[best]
        free_pickups -= units[best].pickup[counts[best]]
        counts[best] += 1
