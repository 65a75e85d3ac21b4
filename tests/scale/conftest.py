"""Scenarios for the scale tests: a tiny one for sweeps (straight lines, short limits) and a small
generated city on the bundled Fontibón extract for the area tests."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from distributed import Client

from pickup_net.domain import Depot, Parameters, Scenario, Shop
from pickup_net.io.osm_features import OsmFeatures, read_osm_features
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.scale import dask_client
from pickup_net.synth import Household, default_fleet, default_products, generate_orders
from pickup_net.synth.city import CitySettings, generate_city

CENTRE = (-74.13, 4.67)
EXTRACT = Path(__file__).parents[2] / "scenarios" / "fontibon" / "fontibon.osm.pbf"


def tiny_scenario(seed: int = 3, customers: int = 18, shops: int = 5) -> Scenario:
    """A seeded neighbourhood of about 1 km: shops, customers and three weeks of orders."""
    rng = np.random.default_rng(seed)
    spread = 0.008
    people = [
        Household(f"C{i:02d}", *(np.round(CENTRE + rng.uniform(-spread, spread, 2), 6)),
                 prefers_home=bool(i % 4 == 0), activity=float(rng.gamma(2.0, 0.5)))
        for i in range(customers)
    ]  # fmt: skip
    products = default_products()[:3]
    orders = generate_orders(people, {p.id: 0.15 for p in products}, date(2026, 10, 30), 21, rng)
    depot = Depot(id="D1", lon=CENTRE[0] - 0.01, lat=CENTRE[1] - 0.01)
    return Scenario(
        name="tiny",
        currency="COP",
        shops=[
            Shop(
                id=f"S{j}",
                lon=float(lon),
                lat=float(lat),
                storage_liters=300,
                max_pickups_per_day=40,
                handling_fee=1_000,
            )
            for j, (lon, lat) in enumerate(CENTRE + rng.uniform(-spread, spread, (shops, 2)))
        ],
        products=products,
        orders=orders,
        depots=[depot],
        vehicle_types=default_fleet(depot.id, vans=2),
        parameters=Parameters(
            plan_date=date(2026, 11, 19),
            hub_fixed_cost=2_000,
            home_delivery_cost=8_000,
            location_time_limit_s=1,
            routing_time_limit_s=1,
            routing_engine="ortools",
        ),
    )


@pytest.fixture(scope="session")
def tiny() -> Scenario:
    """The tiny scenario (shared: tests must not change it)."""
    return tiny_scenario()


@pytest.fixture
def tiny_scenario_file(tmp_path: Path, tiny: Scenario) -> Path:
    """The tiny scenario written as a YAML folder, as a sweep's base."""
    return write_scenario(tiny, tmp_path / "tiny")


@pytest.fixture(scope="session")
def local_client() -> Iterator[Client]:
    """One 2-worker LocalCluster for the session (workers pay the solver imports once)."""
    with dask_client(workers=2) as client:
        yield client


@pytest.fixture(scope="session")
def fontibon_features() -> OsmFeatures:
    """Shops and streets of the bundled extract (read once)."""
    return read_osm_features(EXTRACT)


@pytest.fixture(scope="session")
def small_city(fontibon_features: OsmFeatures) -> Scenario:
    """160 customers, 40 candidate shops (real and synthetic), two depots, straight lines."""
    settings = CitySettings(
        name="small city", customers=160, shops=40, history_days=21, customers_per_van=60,
        depots=2, seed=5,
    )  # fmt: skip
    parameters = Parameters(
        hub_fixed_cost=5_000, home_delivery_cost=8_000, location_time_limit_s=1,
        routing_time_limit_s=1,
        routing_engine="ortools",
    )  # fmt: skip
    return generate_city(fontibon_features, None, settings, parameters)


@pytest.fixture(scope="session")
def thread_client() -> Iterator[Client]:
    """A 2-worker LocalCluster of threads: this process already holds the solvers' imports."""
    with dask_client(workers=2, processes=False) as client:
        yield client
