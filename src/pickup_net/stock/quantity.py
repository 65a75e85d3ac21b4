"""The unconstrained quantity of one product at one hub: the newsvendor quantile, or the fewest
units whose expected fill rate reaches the target."""

from collections.abc import Sequence

import numpy as np

from pickup_net.forecast import CycleDemand
from pickup_net.stock.targets import StockTarget


def unconstrained_units(demand: CycleDemand, target: StockTarget) -> tuple[int, float]:
    """Units to hold if space were unlimited, and the probability level P(D <= units) they reach.

    Newsvendor: the smallest units with P(D <= units) >= critical ratio. Fill rate: the smallest
    units with 1 - E[(D - units)+] / E[D] >= target (this usually sits below the same quantile,
    since most demand is served even in cycles that run out).
    """
    if demand.mean <= 0:
        return 0, 1.0
    if target.rule == "newsvendor":
        units = int(demand.quantile(target.level))
    else:
        units = demand.units_for_fill_rate(target.level)
    return units, float(demand.cdf(units))


def hub_fill_rate_units(demands: Sequence[CycleDemand], target: float) -> list[int]:
    """Fewest units per product whose expected fill rate over all the hub's demand reaches `target`.

    Unit k of a product serves P(D >= k) expected units, so the fewest units take the units of
    largest P(D >= k) first, whatever the product: every product is stocked to the same stock-out
    risk of its last unit. A higher target extends the same sequence, so no line ever shrinks;
    and per hub rather than per product, the target is met without rounding every line up.
    """
    if not 0.0 < target < 1.0:
        raise ValueError(f"target: {target} must be in (0, 1)")
    total = sum(demand.mean for demand in demands)
    if total <= 0:
        return [0] * len(demands)
    gains, owners = [], []
    for index, demand in enumerate(demands):
        if demand.mean > 0:
            upper = int(demand.quantile(1 - (1 - target) * 1e-4)) + 2
            gain = 1.0 - demand.cdf(np.arange(upper))
            gains.append(gain)
            owners.append(np.full(upper, index))
    gain = np.concatenate(gains)
    owner = np.concatenate(owners)
    order = np.lexsort((owner, -gain))
    served = np.cumsum(gain[order])
    steps = min(int(np.searchsorted(served, target * total - 1e-9)) + 1, order.size)
    return np.bincount(owner[order[:steps]], minlength=len(demands)).tolist()
