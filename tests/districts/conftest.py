"""A small generated city on the bundled Fontibón extract, shared by the district tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from pickup_net.batch import dask_client
from pickup_net.io.osm_features import OsmFeatures, read_osm_features
from pickup_net.models import Parameters, Scenario
from pickup_net.synth.city import CitySettings, generate_city

EXTRACT = Path(__file__).parents[2] / "scenarios" / "fontibon" / "fontibon.osm.pbf"


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
