"""Rebuild the bundled Fontibón scenario from its OSM extract (seeded: the same files every time).

Run: `.venv/bin/python scenarios/build_fontibon.py`. Real: streets and shops (OpenStreetMap).
Generated: customers, order history, catalogue, fleet and the depot's choice (see README).
"""

from pathlib import Path

from pickup_net.domain import Parameters
from pickup_net.io.osm_features import read_osm_features
from pickup_net.io.osm_loader import load_street_network
from pickup_net.io.scenario_writer import write_scenario
from pickup_net.synth.city import CitySettings, generate_city
from pickup_net.synth.street_filter import keep_customers_near_streets

HERE = Path(__file__).parent / "fontibon"
STREETS = HERE / "fontibon.osm.pbf"
SETTINGS = CitySettings(
    name="Bogotá Fontibón",
    bbox=(-74.163, 4.660, -74.105, 4.690),
    customers=600,  # about 3% fall off the drivable network and are dropped
    shops=None,
    history_days=84,
    vans=4,
    seed=7,
)
PARAMETERS = Parameters(
    max_walk_m=600,
    service_level=0.95,
    hub_fixed_cost=8_000,
    walk_cost_per_km=2_000,
    location_time_limit_s=20,
    routing_time_limit_s=20,
    search_work=1250,
)


def main() -> None:
    """Write `scenarios/fontibon/scenario.yaml` and its tables."""
    features = read_osm_features(STREETS)
    scenario = generate_city(features, STREETS, SETTINGS, PARAMETERS)
    scenario = keep_customers_near_streets(scenario, load_street_network(STREETS))
    path = write_scenario(scenario, HERE)
    customers = len({order.customer_id for order in scenario.orders})
    print(
        f"wrote {path}: {len(scenario.shops)} shops, {customers} customers, "
        f"{len(scenario.orders)} orders"
    )


if __name__ == "__main__":
    main()
