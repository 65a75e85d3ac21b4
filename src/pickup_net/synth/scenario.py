"""Assemble a whole generated scenario over a real OSM extract (real shops, generated demand)."""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from pickup_net.domain import Depot, Parameters, Scenario
from pickup_net.io.osm_features import OsmFeatures
from pickup_net.synth.catalogue import BASE_RATE_PER_CUSTOMER_DAY, default_fleet, default_products
from pickup_net.synth.customers import place_customers
from pickup_net.synth.orders import generate_orders
from pickup_net.synth.shops import shops_from_osm


@dataclass(frozen=True)
class GeneratorSettings:
    """What to generate: area, sizes, history length and the seed."""

    name: str
    bbox: tuple[float, float, float, float]
    customers: int = 600
    history_days: int = 84
    last_day: date = date(2026, 11, 20)
    vans: int = 4
    home_share: float = 0.25
    currency: str = "COP"
    seed: int = 7


def generate_scenario(
    features: OsmFeatures, streets_file: Path, settings: GeneratorSettings, parameters: Parameters
) -> Scenario:
    """Build a scenario: real shops inside the box, generated customers and orders, a depot on a
    major road at the box's south-west edge, and the default catalogue and fleet.

    The last generated day is the plan date: its orders are the day's bookings to deliver.
    """
    rng = np.random.default_rng(settings.seed)
    west, south, east, north = settings.bbox
    inside = [s for s in features.shops if west <= s.lon <= east and south <= s.lat <= north]
    customers = place_customers(
        features.residential_streets, settings.customers, rng, settings.bbox, settings.home_share
    )
    start = settings.last_day - timedelta(days=settings.history_days - 1)
    orders = generate_orders(
        customers, BASE_RATE_PER_CUSTOMER_DAY, start, settings.history_days, rng
    )
    depot = _edge_depot(features, settings.bbox)
    return Scenario(
        name=settings.name,
        currency=settings.currency,
        shops=shops_from_osm(inside),
        products=default_products(),
        orders=orders,
        depots=[depot],
        vehicle_types=default_fleet(depot.id, settings.vans),
        parameters=parameters.model_copy(update={"plan_date": settings.last_day}),
        streets_file=str(streets_file),
    )


def _edge_depot(features: OsmFeatures, bbox: tuple[float, float, float, float]) -> Depot:
    """A depot on the major-road vertex inside the box nearest to its south-west corner."""
    west, south, east, north = bbox
    points = np.array(
        [
            point
            for line in features.major_streets
            for point in line
            if west <= point[0] <= east and south <= point[1] <= north
        ]
    )
    if len(points) == 0:
        raise ValueError("no major road inside the area for the depot")
    nearest = points[np.argmin(np.hypot(points[:, 0] - west, points[:, 1] - south))]
    return Depot(id="D1", name="Depot", lon=round(nearest[0], 7), lat=round(nearest[1], 7))
