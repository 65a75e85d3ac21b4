"""Check that a scenario's points lie on its street extract (within `max_snap_m` of a street)."""

from pathlib import Path

from pickup_net.domain import Scenario
from pickup_net.io.osm_loader import load_street_network
from pickup_net.io.scenario_loader import ScenarioError
from pickup_net.network import Point
from pickup_net.network.snapping import SnapError, snap_points


def check_points_on_streets(scenario: Scenario, cache_dir: Path | None = None) -> None:
    """Raise `ScenarioError` naming every shop, depot or customer too far from the drivable streets.

    Does nothing for a scenario without a street file (straight-line distances are used).
    """
    if not scenario.streets_file:
        return
    network = load_street_network(Path(scenario.streets_file), cache_dir)
    groups = {
        "shops": [Point(s.id, s.lon, s.lat) for s in scenario.shops],
        "depots": [Point(d.id, d.lon, d.lat) for d in scenario.depots],
        "customers": list(
            {o.customer_id: Point(o.customer_id, o.lon, o.lat) for o in scenario.orders}.values()
        ),
    }
    problems = []
    for field, points in groups.items():
        try:
            snap_points(network.arrays("drive"), points, scenario.parameters.max_snap_m, field)
        except SnapError as error:
            problems.append(str(error))
    if problems:
        raise ScenarioError(problems)
