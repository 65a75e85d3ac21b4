"""The one scenario generator over a real OSM extract, from a neighbourhood to a whole city.

Real corner shops of the extract are the first candidates; when a target count exceeds them,
synthetic candidate shops (``synthetic: true``) are placed on real streets, uniformly by street
length. Customers live on real residential streets; orders, catalogue and fleet come from the
same seeded generators as the bundled scenario. Depots sit on major-road vertices nearest to the
area's corners (south-west first), and every depot gets the default fleet, sized to the
customers unless a number of vans is given.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from pickup_net.domain import Depot, Parameters, Scenario, Shop, VehicleType
from pickup_net.io.osm_features import OsmFeatures
from pickup_net.synth.catalogue import BASE_RATE_PER_CUSTOMER_DAY, default_fleet, default_products
from pickup_net.synth.customers import place_customers
from pickup_net.synth.orders import generate_orders
from pickup_net.synth.shops import shops_from_osm, synthetic_shops

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class CitySettings:
    """What to generate. `bbox` (west, south, east, north) defaults to the extract's dense core:
    the 2nd..98th percentile of its residential street vertices. `shops` None keeps every real
    shop in the box (none synthetic); `vans` None sizes each depot's vans by `customers_per_van`.
    """

    name: str
    customers: int = 20_000
    shops: int | None = 2_000
    history_days: int = 56
    last_day: date = date(2026, 11, 20)
    customers_per_van: int = 500
    vans: int | None = None
    depots: int = 1
    home_share: float = 0.25
    currency: str = "COP"
    seed: int = 11
    bbox: Bbox | None = None


def generate_city(
    features: OsmFeatures, streets_file: Path | None, settings: CitySettings, parameters: Parameters
) -> Scenario:
    """Build a city scenario from the shops and streets of one extract.

    Parameters
    ----------
    features
        Shops and streets read by `read_osm_features` from `streets_file`.
    streets_file
        The extract the scenario plans on; None plans on straight lines.
    settings
        Sizes, area, history and seed.
    parameters
        Planning parameters; `plan_date` becomes the last generated day.

    Raises
    ------
    ValueError
        When the area holds no residential street or no major road.
    """
    rng = np.random.default_rng(settings.seed)
    bbox = settings.bbox or dense_core(features)
    customers = place_customers(
        features.residential_streets, settings.customers, rng, bbox, settings.home_share
    )
    start = settings.last_day - timedelta(days=settings.history_days - 1)
    orders = generate_orders(
        customers, BASE_RATE_PER_CUSTOMER_DAY, start, settings.history_days, rng
    )
    depots = _corner_depots(features, bbox, settings.depots)
    vans = settings.vans or max(
        1, math.ceil(settings.customers / settings.customers_per_van / len(depots))
    )
    return Scenario(
        name=settings.name,
        currency=settings.currency,
        shops=city_shops(features, bbox, settings.shops, rng),
        products=default_products(),
        orders=orders,
        depots=depots,
        vehicle_types=_fleet(depots, vans),
        parameters=parameters.model_copy(update={"plan_date": settings.last_day}),
        streets_file=str(streets_file) if streets_file else None,
    )


def city_shops(
    features: OsmFeatures, bbox: Bbox, target: int | None, rng: np.random.Generator
) -> list[Shop]:
    """`target` candidate shops: the real ones inside `bbox` (a seeded sample when there are
    more), then synthetic ones on real streets inside `bbox`; every real one when None."""
    west, south, east, north = bbox
    real = [s for s in features.shops if west <= s.lon <= east and south <= s.lat <= north]
    if target is None:
        return shops_from_osm(real)
    if len(real) > target:
        keep = np.sort(rng.choice(len(real), size=target, replace=False))
        real = [real[i] for i in keep]
    shops = shops_from_osm(real)
    missing = target - len(shops)
    if missing > 0:
        streets = features.residential_streets + features.major_streets
        spots = place_customers(streets, missing, rng, bbox, home_share=0.0)
        shops += synthetic_shops([(c.lon, c.lat) for c in spots], rng)
    return shops


def dense_core(features: OsmFeatures) -> Bbox:
    """The 2nd..98th percentile box of the residential street vertices (drops stray edges)."""
    points = np.array([p for line in features.residential_streets for p in line])
    if len(points) == 0:
        raise ValueError("the extract has no residential street to place customers on")
    low = np.percentile(points, 2, axis=0)
    high = np.percentile(points, 98, axis=0)
    return (float(low[0]), float(low[1]), float(high[0]), float(high[1]))


def _corner_depots(features: OsmFeatures, bbox: Bbox, count: int) -> list[Depot]:
    """Depots on the major-road vertices nearest to the corners SW, NE, NW, SE (then repeating)."""
    west, south, east, north = bbox
    points = np.array(
        [p for line in features.major_streets for p in line
         if west <= p[0] <= east and south <= p[1] <= north]
    )  # fmt: skip
    if len(points) == 0:
        raise ValueError("no major road inside the area for a depot")
    corners = [(west, south), (east, north), (west, north), (east, south)]
    depots: list[Depot] = []
    taken: set[int] = set()
    for i in range(count):
        cx, cy = corners[i % len(corners)]
        order = np.argsort(np.hypot(points[:, 0] - cx, points[:, 1] - cy))
        pick = next(int(j) for j in order if int(j) not in taken)
        taken.add(pick)
        lon, lat = points[pick]
        name = "Depot" if count == 1 else f"Depot {i + 1}"
        depots.append(Depot(id=f"D{i + 1}", name=name, lon=round(float(lon), 7),
                            lat=round(float(lat), 7)))  # fmt: skip
    return depots


def _fleet(depots: list[Depot], vans: int) -> list[VehicleType]:
    """The default fleet at every depot; type ids get the depot id when there are several."""
    if len(depots) == 1:
        return default_fleet(depots[0].id, vans)
    return [
        vehicle.model_copy(update={"id": f"{vehicle.id}-{depot.id}"})
        for depot in depots
        for vehicle in default_fleet(depot.id, vans)
    ]
