"""What routed rounds showed of the hubs they opened, kept over the location-routing rounds.

A round that opens no hub shows nothing about hubs; pricing the next round from it alone would
make a hub's stock free and its shelf as large as its catchment's mean daily litres. So each
hub's stock cost per day, share of days a van came and shelf factor are remembered from every
routed round that opened it (the latest round wins), and a shop never opened gets the mean over
the hubs seen.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from pickup_net.domain import Scenario
from pickup_net.planning.priced import Located, Priced

MIN_SHELF_FACTOR = 1.0
"""A catchment's mean daily litres must fit on the shelf at least once (the day's pickups)."""


@dataclass
class HubObservations:
    """Per shop id: stock cost per day (holding and expected shortage), share of the horizon's
    days a van came, and shelf factor (litres the stock stage wanted on the shelf per litre of
    the catchment's mean daily demand)."""

    stock_per_day: dict[str, float] = field(default_factory=dict)
    visit_share: dict[str, float] = field(default_factory=dict)
    shelf_factor: dict[str, float] = field(default_factory=dict)

    def add(self, scenario: Scenario, located: Located, priced: Priced) -> None:
        """Remember what the routed hub choice `priced` showed of each hub it opened."""
        days = max(len(priced.days), 1)
        holding = {p.id: p.holding_cost for p in scenario.products}
        volume = {p.id: p.volume_liters for p in scenario.products}
        hubs = priced.hub_ids
        if not hubs:
            return
        shortage = priced.costs.shortage / days / len(hubs)
        stock = dict.fromkeys(hubs, shortage)
        visits = dict.fromkeys(hubs, 0)
        for day in priced.days:
            for line in day.stock:
                stock[line.shop_id] += line.closing_units * holding[line.product_id] / days
            for route in day.routes:
                for visit in route.visits:
                    if visit.kind == "replenish":
                        visits[visit.ref.id] += 1
        wanted = dict.fromkeys(hubs, 0.0)
        for line in priced.stock.lines:
            wanted[line.hub_id] += line.unconstrained_units * volume[line.product_id]
        for hub in priced.hubs:
            mean = sum(located.demand[c].liters_per_cycle for c in hub.customers)
            if mean > 0:
                self.shelf_factor[hub.shop_id] = max(MIN_SHELF_FACTOR, wanted[hub.shop_id] / mean)
        self.stock_per_day.update(stock)
        self.visit_share.update({hub: n / days for hub, n in visits.items()})

    def arrays(self, shop_ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Stock cost per day, visit share and shelf factor of each shop in `shop_ids` order;
        nothing seen yet: no stock cost, a visit every day, shelf factor 1."""
        return (
            _per_shop(self.stock_per_day, shop_ids, 0.0),
            _per_shop(self.visit_share, shop_ids, 1.0),
            _per_shop(self.shelf_factor, shop_ids, MIN_SHELF_FACTOR),
        )


def _per_shop(seen: dict[str, float], shop_ids: Sequence[str], empty: float) -> np.ndarray:
    """Each shop's observed value, the mean of those seen for the others, `empty` if none."""
    mean = sum(seen.values()) / len(seen) if seen else empty
    return np.array([seen.get(j, mean) for j in shop_ids], dtype=float)
