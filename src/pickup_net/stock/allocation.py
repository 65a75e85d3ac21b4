"""Share a hub's storage litres (and pickup capacity) between products to maximise expected profit.

Unit k of a product is worth ``cu * P(D >= k) - co * P(D < k)`` (stock-out cost avoided minus
holding cost risked), which falls with k, so the problem is a separable concave knapsack. A
Lagrange multiplier (shadow price per litre) is found by bisection: at price lam each product keeps
the units worth at least ``lam * volume``. A second multiplier per unit does the same for the
pickup capacity, then the space left by the price steps is filled greedily by value per litre.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pickup_net.forecast import CycleDemand

BISECTION_STEPS = 60


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
    """Units per item, and the shadow prices of a litre and of a unit (0 when not binding)."""

    units: list[int]
    price_per_liter: float
    price_per_unit: float


def allocate(items: list[AllocationItem], storage_liters: float, max_units: float) -> Allocation:
    """Units per item within `storage_liters` and `max_units`, each at most its cap."""
    caps = np.array([item.cap_units for item in items], dtype=int)
    volume = np.array([item.volume_liters for item in items], dtype=float)
    if caps @ volume <= storage_liters + 1e-9 and caps.sum() <= max_units:
        return Allocation(caps.tolist(), 0.0, 0.0)
    values = [_unit_values(item) for item in items]
    price_liter = _bisect(
        lambda p: _units(values, p * volume) @ volume > storage_liters, values, volume
    )
    units = _units(values, price_liter * volume)
    price_unit = 0.0
    if units.sum() > max_units:
        price_unit = _bisect(
            lambda p: _units(values, price_liter * volume + p).sum() > max_units,
            values,
            np.ones_like(volume),
        )
        units = _units(values, price_liter * volume + price_unit)
    units = _fill_greedily(units, values, volume, storage_liters, max_units)
    return Allocation(units.tolist(), price_liter, price_unit)


def _unit_values(item: AllocationItem) -> np.ndarray:
    """Expected profit of the 1st, 2nd, ... `cap`-th unit (non-increasing)."""
    below = item.demand.cdf(np.arange(item.cap_units))
    cost = item.underage_cost + item.overage_cost
    return item.underage_cost - cost * below


def _units(values: list[np.ndarray], threshold: np.ndarray) -> np.ndarray:
    """Per item, how many units are worth at least the item's threshold."""
    return np.array(
        [
            np.searchsorted(-value, -limit, side="right")
            for value, limit in zip(values, threshold, strict=True)
        ],
        dtype=int,
    )


def _bisect(
    too_much: Callable[[float], bool], values: list[np.ndarray], weight: np.ndarray
) -> float:
    """The smallest price (per unit of `weight`) at which `too_much(price)` is false."""
    highest = max(
        (value[0] / w for value, w in zip(values, weight, strict=True) if value.size), default=0.0
    )
    low, high = 0.0, max(highest, 0.0) + 1.0
    for _ in range(BISECTION_STEPS):
        middle = (low + high) / 2
        if too_much(middle):
            low = middle
        else:
            high = middle
    return high


def _fill_greedily(
    units: np.ndarray,
    values: list[np.ndarray],
    volume: np.ndarray,
    storage_liters: float,
    max_units: float,
) -> np.ndarray:
    """Add the next unit of best value per litre while it fits both limits and is under its cap."""
    units = units.copy()
    free_liters = storage_liters - units @ volume
    free_units = max_units - units.sum()
    while free_units >= 1:
        best, best_ratio = -1, -np.inf
        for index, value in enumerate(values):
            if units[index] < value.size and volume[index] <= free_liters + 1e-9:
                ratio = value[units[index]] / volume[index]
                if ratio > best_ratio:
                    best, best_ratio = index, ratio
        if best < 0:
            break
        units[best] += 1
        free_liters -= volume[best]
        free_units -= 1
    return units
