"""Check that a scenario's points lie on its street extract (within `max_snap_m` of a street)."""

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pickup_net.domain import Scenario
from pickup_net.domain.scenario import coordinate_hint, scenario_warnings
from pickup_net.io.osm_loader import StreetDataWarning, load_street_network
from pickup_net.io.scenario_loader import Locator, ScenarioError, load_located
from pickup_net.network import Point
from pickup_net.network.mode_graph import ModeGraph
from pickup_net.network.snapping import SnapError, snap_points

_ANY_DISTANCE_M = 1e9
"""A snapping limit no point on Earth exceeds: offsets are measured, then compared here."""
_MAX_FAR_REPORTED = 30


@dataclass(frozen=True)
class CheckedScenario:
    """A scenario `plan` accepts, and warnings (file and line named) about what looks unmeant."""

    scenario: Scenario
    warnings: list[str]


def check_scenario(path: Path, cache_dir: Path | None = None) -> CheckedScenario:
    """Load the scenario at `path` and check its points against its streets: everything `plan`
    would refuse, every problem naming file and line.

    Raises
    ------
    ScenarioError
        With one message per problem.
    """
    scenario, locate = load_located(path)
    street_notes = check_points_on_streets(scenario, cache_dir, locate)
    return CheckedScenario(scenario, [*street_notes, *locate(scenario_warnings(scenario))])


def check_points_on_streets(
    scenario: Scenario, cache_dir: Path | None = None, locate: Locator | None = None
) -> list[str]:
    """Raise `ScenarioError` naming every point the plan could not snap: a shop, depot or
    customer too far from the drivable streets, or a candidate shop or walking customer (at
    their latest order's position, as the plan takes it) too far from the walkable ones; with a
    hint when swapped or sign-flipped coordinates would lie on them.

    Returns what the street network dropped or clipped (as the plan will warn); nothing for a
    scenario without a street file (straight-line distances are used).
    """
    if not scenario.streets_file:
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StreetDataWarning)
            network = load_street_network(Path(scenario.streets_file), cache_dir)
    except (ValueError, OSError) as error:
        raise ScenarioError([str(error)]) from None
    limit = scenario.parameters.max_snap_m
    latest: dict[str, int] = {}
    for index, order in enumerate(scenario.orders):
        before = latest.get(order.customer_id)
        if before is None or order.timestamp >= scenario.orders[before].timestamp:
            latest[order.customer_id] = index
    shops = [(i, "shop", Point(s.id, s.lon, s.lat)) for i, s in enumerate(scenario.shops)]
    customers = [
        (i, "customer", Point(cid, scenario.orders[i].lon, scenario.orders[i].lat))
        for cid, i in latest.items()
    ]
    drive = {
        "shops": shops,
        "depots": [(i, "depot", Point(d.id, d.lon, d.lat)) for i, d in enumerate(scenario.depots)],
        "orders": customers,
    }
    walk = {
        "shops": [row for row in shops if scenario.shops[row[0]].is_candidate],
        "orders": [row for row in customers if scenario.orders[row[0]].delivery_mode != "home"],
    }
    problems: list[str] = []
    named: set[str] = set()
    for mode, groups in (("drive", drive), ("walk", walk)):
        graph = network.arrays(mode)
        for field, rows in groups.items():
            for message in _far_points(graph, field, rows, limit):
                row = message.split(":", 1)[0]
                if row not in named:
                    named.add(row)
                    problems.append(message)
    if problems:
        located = (locate or list)(problems[:_MAX_FAR_REPORTED])
        raise ScenarioError(located)
    return list(network.warnings)


def _far_points(
    graph: ModeGraph, field: str, rows: list[tuple[int, str, Point]], limit: float
) -> list[str]:
    """One message per point farther than `limit` from the streets, as `field[index]: ...`."""
    if not rows:
        return []
    try:
        offsets = snap_points(graph, [p for _, _, p in rows], _ANY_DISTANCE_M, field).offset_m
    except SnapError as error:
        return [str(error)]

    def near(lon: float, lat: float) -> bool:
        offset = snap_points(graph, [Point("hint", lon, lat)], _ANY_DISTANCE_M).offset_m
        return bool(offset[0] <= limit)

    problems = []
    for k in np.flatnonzero(offsets > limit)[:_MAX_FAR_REPORTED]:
        index, kind, point = rows[k]
        problems.append(
            f"{field}[{index}]: {kind} {point.id[:80]!r} at [{point.lon:.6g}, {point.lat:.6g}] "
            f"is {offsets[k]:,.0f} m from the nearest {graph.mode} street (max_snap_m "
            f"{limit:g}){coordinate_hint(point.lon, point.lat, near)}"
        )
    return problems
