"""The unconstrained quantity of one product at one hub: the newsvendor quantile, or the fewest
units whose expected fill rate reaches the target."""

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
