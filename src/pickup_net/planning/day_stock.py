"""A day's stock movement per hub and product: what the van brought, what is expected to be
picked up from it, and what stays on the shelf."""

from collections.abc import Mapping, Sequence

from pickup_net.domain import DayStock, StockLine
from pickup_net.forecast import CycleDemand, zero_demand


def day_stock(
    lines: Sequence[StockLine],
    demand: Mapping[str, Mapping[str, CycleDemand]],
    opening: Mapping[tuple[str, str], float],
    visited: set[str],
) -> tuple[list[DayStock], dict[str, float]]:
    """Each stock line's day: the delivery reaches only hubs a van visits; expected pickups are
    E[min(demand, on hand)]; also the expected units short per product.

    `demand` is hub -> product -> that day's demand; `opening` (hub, product) -> units on hand.
    """
    rows, short = [], {}
    for line in lines:
        start = opening.get((line.hub_id, line.product_id), 0.0)
        delivered = float(line.units) if line.hub_id in visited else 0.0
        on_hand = start + delivered
        law = demand[line.hub_id].get(line.product_id) or zero_demand()
        missing = law.expected_shortfall(on_hand)
        picked = max(0.0, law.mean - missing)
        short[line.product_id] = short.get(line.product_id, 0.0) + missing
        rows.append(
            DayStock(
                shop_id=line.hub_id,
                product_id=line.product_id,
                opening_units=round(start, 4),
                delivered_units=round(delivered, 4),
                expected_pickups=round(picked, 4),
                closing_units=round(on_hand - picked, 4),
            )
        )
    return rows, short
