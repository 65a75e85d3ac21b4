"""The one scenario generator: seeded, inside its box, real shops first, fleet as asked."""

from datetime import timedelta
from pathlib import Path

import pytest
from builders import BUNDLED

from pickup_net.domain import Parameters
from pickup_net.io.osm_features import OsmFeatures, read_osm_features
from pickup_net.synth.city import CitySettings, generate_city

BOX = (-74.150, 4.665, -74.125, 4.685)


@pytest.fixture(scope="module")
def features() -> OsmFeatures:
    """Shops and streets of the bundled Fontibón extract."""
    return read_osm_features(BUNDLED / "fontibon.osm.pbf")


def _settings(**changes: object) -> CitySettings:
    base = {"name": "t", "bbox": BOX, "customers": 80, "history_days": 14, "seed": 3}
    return CitySettings(**{**base, **changes})


def test_same_seed_same_scenario_and_another_seed_another(features: OsmFeatures) -> None:
    """Generation is reproducible from its seed, and the seed matters."""
    one = generate_city(features, None, _settings(shops=None, vans=2), Parameters())
    again = generate_city(features, None, _settings(shops=None, vans=2), Parameters())
    other = generate_city(features, None, _settings(shops=None, vans=2, seed=4), Parameters())
    assert one.model_dump() == again.model_dump()
    assert one.orders != other.orders


def test_real_shops_only_unless_more_are_asked_for(features: OsmFeatures) -> None:
    """shops=None keeps the real shops in the box; a larger count adds synthetic ones in it."""
    real = generate_city(features, None, _settings(shops=None, vans=1), Parameters())
    assert real.shops and not any(shop.synthetic for shop in real.shops)
    more = generate_city(features, None, _settings(shops=len(real.shops) + 25), Parameters())
    assert len(more.shops) == len(real.shops) + 25
    assert sum(shop.synthetic for shop in more.shops) == 25
    west, south, east, north = BOX
    assert all(west <= s.lon <= east and south <= s.lat <= north for s in more.shops)


def test_customers_history_depots_and_fleet_follow_the_settings(features: OsmFeatures) -> None:
    """Orders lie in the box and the history window; depots and vans per depot as asked."""
    settings = _settings(shops=None, vans=3, depots=2)
    scenario = generate_city(features, Path("x.osm.pbf"), settings, Parameters())
    west, south, east, north = BOX
    first = settings.last_day - timedelta(days=settings.history_days - 1)
    assert all(west <= o.lon <= east and south <= o.lat <= north for o in scenario.orders)
    assert all(first <= o.timestamp.date() <= settings.last_day for o in scenario.orders)
    assert scenario.plan_date == settings.last_day
    assert [d.id for d in scenario.depots] == ["D1", "D2"]
    per_depot = {d.id: 0 for d in scenario.depots}
    for vehicle in scenario.vehicle_types:
        per_depot[vehicle.depot_id] += vehicle.count
    assert len(set(per_depot.values())) == 1 and all(per_depot.values())
    assert scenario.streets_file == "x.osm.pbf"
