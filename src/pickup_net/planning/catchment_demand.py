"""Split zone forecasts over customers, and find the zone shares of each hub's catchment."""

from collections import defaultdict
from collections.abc import Sequence

from pickup_net.domain import Product
from pickup_net.forecast import DemandForecast
from pickup_net.location import LocationResult
from pickup_net.planning.history import Customer
from pickup_net.planning.hub_choice import CustomerDemand


def customer_demand(
    products: Sequence[Product], people: Sequence[Customer], forecast: DemandForecast
) -> dict[str, CustomerDemand]:
    """Each customer's share of its zone's forecast (by its share of the zone's history)."""
    volume = {p.id: p.volume_liters for p in products}
    table = forecast.table
    per_zone = defaultdict(lambda: (0.0, 0.0))
    for row in table.itertuples(index=False):
        units, liters = per_zone[row.zone_id]
        per_zone[row.zone_id] = (
            units + row.mean_per_day,
            liters + row.cycle_mean * volume[row.product_id],
        )
    zone_units = defaultdict(float)
    for c in people:
        zone_units[c.zone_id] += c.units
    result = {}
    for c in people:
        share = c.units / zone_units[c.zone_id] if zone_units[c.zone_id] > 0 else 0.0
        units, liters = per_zone.get(c.zone_id, (0.0, 0.0))
        units_per_order = c.units / c.orders if c.orders else 1.0
        result[c.id] = CustomerDemand(
            units_per_day=units * share,
            pickups_per_day=units * share / units_per_order,
            liters_per_cycle=liters * share,
        )
    return result


def catchment_zones(
    people: Sequence[Customer], location: LocationResult
) -> dict[str, dict[str, float]]:
    """Hub id -> {zone id: share of the zone's history served by the hub}.

    Units are summed per hub and zone before dividing, so a zone served by one hub has share
    exactly 1 (no rounding drift above it).
    """
    zone_units: dict[str, float] = defaultdict(float)
    hub_units: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for c in people:
        zone_units[c.zone_id] += c.units
        hub = location.assignment.get(c.id)
        if hub is not None:
            hub_units[hub][c.zone_id] += c.units
    shares: dict[str, dict[str, float]] = defaultdict(dict)
    for hub, zones in hub_units.items():
        for zone, units in zones.items():
            if zone_units[zone] > 0:
                shares[hub][zone] = min(1.0, units / zone_units[zone])
    return shares
