"""Generate an intermittent, weekly-seasonal order history for generated customers.

Each customer orders product p on a day with probability
`base_rate[p] * activity * weekday_factor[weekday] * trend(day)`; an order holds
`1 + Poisson(0.3)` units. Demand per customer and product is therefore sparse (most days zero),
higher on Fridays and Saturdays and lowest on Sundays, as parcel demand at corner shops is.
"""

from datetime import date, datetime, timedelta

import numpy as np

from pickup_net.domain import Order
from pickup_net.synth.customers import Household

WEEKDAY_FACTOR = (1.0, 0.95, 0.95, 1.05, 1.25, 1.3, 0.5)
"""Relative order rate Monday..Sunday."""


def generate_orders(
    customers: list[Household],
    base_rate: dict[str, float],
    start: date,
    days: int,
    rng: np.random.Generator,
    growth_per_year: float = 0.05,
) -> list[Order]:
    """Return the orders of `customers` for `days` days from `start`, ids `O000001`..."""
    product_ids = list(base_rate)
    rates = np.array([base_rate[p] for p in product_ids])
    activity = np.array([c.activity for c in customers])
    orders: list[Order] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        factor = WEEKDAY_FACTOR[day.weekday()] * (1 + growth_per_year) ** (offset / 365)
        probability = np.clip(np.outer(activity, rates) * factor, 0, 1)
        hits = np.argwhere(rng.random(probability.shape) < probability)
        quantities = 1 + rng.poisson(0.3, len(hits))
        seconds = rng.integers(7 * 3600, 22 * 3600, len(hits))
        for (ci, pi), quantity, second in zip(hits, quantities, seconds, strict=True):
            customer = customers[ci]
            orders.append(
                Order(
                    id=f"O{len(orders) + 1:06d}",
                    timestamp=datetime.combine(day, datetime.min.time())
                    + timedelta(seconds=int(second)),
                    customer_id=customer.id,
                    lon=customer.lon,
                    lat=customer.lat,
                    product_id=product_ids[pi],
                    quantity=int(quantity),
                    delivery_mode="home" if customer.prefers_home else "pickup",
                )
            )
    return orders
