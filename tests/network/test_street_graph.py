"""Loading OSM files into drive and walk graphs: formats, clipping, access, turns."""

from __future__ import annotations

import bz2
import gzip
import pickle
from pathlib import Path

import numpy as np
import pytest
from network.osm_drafts import OsmDraft, grid_draft, node_id, offset_lonlat

from pickup_net.io.osm_loader import StreetDataWarning, load_street_network
from pickup_net.network import DriveProfile, Point, street_matrices


def test_compressed_files_load_the_same_network(tmp_path: Path) -> None:
    """.osm, .osm.gz and .osm.bz2 copies of one extract give identical graphs."""
    plain = grid_draft(3, 4, 100.0, {"v1": "-1"}).write(tmp_path / "grid.osm")
    data = plain.read_bytes()
    (tmp_path / "grid.osm.gz").write_bytes(gzip.compress(data))
    (tmp_path / "grid.osm.bz2").write_bytes(bz2.compress(data))
    stats = [
        load_street_network(tmp_path / name).stats
        for name in ("grid.osm", "grid.osm.gz", "grid.osm.bz2")
    ]
    assert stats[0]["drive_edges"] == stats[1]["drive_edges"] == stats[2]["drive_edges"] > 0


def test_clipped_extract_loads_with_a_warning(tmp_path: Path) -> None:
    """Ways that reference nodes missing from the file load, cut at the gap, with a warning."""
    draft = grid_draft(3, 3, 100.0)
    draft.ways.append((3000, [node_id(0, 0, 3), 999_001, 999_002], {"highway": "primary"}))
    draft.ways[0] = (draft.ways[0][0], [*draft.ways[0][1], 999_003], draft.ways[0][2])
    with pytest.warns(StreetDataWarning, match="clipped: 3 node references of 2"):
        network = load_street_network(draft.write(tmp_path / "clipped.osm"))
    assert network.stats["drive_missing_node_refs"] == 3
    assert any("clipped" in w for w in network.warnings)
    assert network.drive.number_of_nodes() == 9


def test_largest_strongly_connected_part_is_kept_and_reported(tmp_path: Path) -> None:
    """A one-way spur that cannot be left is dropped, and the warning says how much."""
    draft = grid_draft(3, 3, 100.0)
    spur_end = 900
    draft.nodes[spur_end] = (*offset_lonlat(300.0, 0.0), {})
    draft.ways.append(
        (3000, [node_id(0, 2, 3), spur_end], {"highway": "residential", "oneway": "yes"})
    )
    network = load_street_network(draft.write(tmp_path / "spur.osm"))
    assert spur_end not in network.drive
    assert network.stats["drive_dropped_edges"] == 1
    assert any("dropped 1 of" in w for w in network.warnings)


def test_access_rules_for_vans_and_walkers(tmp_path: Path) -> None:
    """Private roads close to vans, footways open only to walkers, motorways only to vans."""
    draft = grid_draft(2, 2, 100.0)
    a, b = node_id(0, 0, 2), node_id(1, 1, 2)
    extra = {
        3000: {"highway": "footway"},
        3001: {"highway": "residential", "access": "private"},
        3002: {"highway": "motorway"},
        3003: {"highway": "residential", "access": "destination"},
    }
    for k, (wid, tags) in enumerate(extra.items()):
        mid = 800 + k
        draft.nodes[mid] = (*offset_lonlat(50.0 + 10 * k, 50.0 + 5 * k), {})
        draft.ways.append((wid, [a, mid, b], tags))
        draft.ways.append((wid + 100, [b, mid], {"highway": "service"}))
    network = load_street_network(draft.write(tmp_path / "access.osm"))
    drive_ways = {d["way_id"] for *_, d in network.drive.edges(data=True)}
    walk_ways = {d["way_id"] for *_, d in network.walk.edges(data=True)}
    assert 3000 not in drive_ways and 3000 in walk_ways
    assert 3001 not in drive_ways
    assert 3002 not in walk_ways
    assert 3003 in drive_ways


def test_walkers_use_one_way_streets_both_ways(tmp_path: Path) -> None:
    """The walk graph ignores one-way tags: walking metres are symmetric."""
    network = load_street_network(grid_draft(3, 3, 100.0, {"h1": "yes"}).write(tmp_path / "g.osm"))
    points = [Point("a", *offset_lonlat(20.0, 100.0)), Point("b", *offset_lonlat(80.0, 100.0))]
    walk = street_matrices(network, points, mode="walk")
    drive = street_matrices(network, points, mode="drive")
    assert walk.meters[0, 1] == pytest.approx(60.0, abs=0.5)
    assert walk.meters[1, 0] == pytest.approx(60.0, abs=0.5)
    assert drive.meters[1, 0] > 300.0
    assert walk.seconds[0, 1] == pytest.approx(walk.meters[0, 1] / network.walk_speed_mps)


def _cross(tmp_path: Path, restriction: str | None, signal: bool = False) -> Path:
    """A four-way crossing of two two-way streets (ways 10 west-east, 20 south-north)."""
    draft = OsmDraft()
    coords = {1: (-200.0, 0.0), 2: (0.0, 0.0), 3: (200.0, 0.0), 4: (0.0, -200.0), 5: (0.0, 200.0)}
    for nid, (x, y) in coords.items():
        draft.nodes[nid] = (*offset_lonlat(x, y), {})
    if signal:
        draft.nodes[2] = (*draft.nodes[2][:2], {"highway": "traffic_signals"})
    draft.ways += [
        (10, [1, 2, 3], {"highway": "residential"}),
        (20, [4, 2, 5], {"highway": "residential"}),
    ]
    ring = [(6, (-200.0, 200.0)), (7, (200.0, 200.0)), (8, (200.0, -200.0)), (9, (-200.0, -200.0))]
    for nid, (x, y) in ring:
        draft.nodes[nid] = (*offset_lonlat(x, y), {})
    draft.ways.append((30, [1, 6, 5, 7, 3, 8, 4, 9, 1], {"highway": "residential"}))
    if restriction:
        draft.restrictions.append((1, restriction, 10, 2, 20))
    return draft.write(tmp_path / "cross.osm")


def test_turn_costs_follow_osrm_left_right_and_signals(tmp_path: Path) -> None:
    """Left turns cost more than right turns, straight on almost nothing; signals add 2 s."""
    west = Point("west", *offset_lonlat(-100.0, 0.0))
    targets = [
        Point("east", *offset_lonlat(100.0, 0.0)),
        Point("north", *offset_lonlat(0.0, 100.0)),
        Point("south", *offset_lonlat(0.0, -100.0)),
    ]
    plain = street_matrices(load_street_network(_cross(tmp_path, None)), [west], targets)
    straight, left, right = plain.seconds[0] - 200.0 / (25 / 3.6)
    assert straight == pytest.approx(0.0, abs=0.05)
    assert 1.5 < right < 3.0 and 6.0 < left < 8.5
    signal_net = load_street_network(_cross(tmp_path, None, signal=True))
    signalled = street_matrices(signal_net, [west], targets).seconds[0]
    np.testing.assert_allclose(signalled - plain.seconds[0], 2.0, atol=0.05)


def test_turn_restriction_forces_a_detour(tmp_path: Path) -> None:
    """A tagged no_left_turn makes the van go round the block; only_straight_on too."""
    west = Point("west", *offset_lonlat(-100.0, 0.0))
    north = Point("north", *offset_lonlat(0.0, 100.0))
    free = street_matrices(load_street_network(_cross(tmp_path, None)), [west], [north])
    banned = load_street_network(_cross(tmp_path, "no_left_turn"))
    assert banned.stats["drive_restrictions_applied"] == 1
    detour = street_matrices(banned, [west], [north])
    assert detour.seconds[0, 0] > free.seconds[0, 0] + 20.0
    only = load_street_network(_cross(tmp_path, "only_left_turn"))
    east = Point("east", *offset_lonlat(100.0, 0.0))
    forced = street_matrices(only, [west], [north, east])
    assert forced.seconds[0, 0] == pytest.approx(free.seconds[0, 0], abs=0.05)
    assert forced.seconds[0, 1] > 200.0 / (25 / 3.6) + 20.0


def test_network_pickles_with_identical_answers(grid_network) -> None:
    """A pickled and restored network (as shipped to Dask workers) answers identically."""
    points = [Point(f"p{i}", *offset_lonlat(15.0 + 37.0 * i, 120.0 * (i % 4))) for i in range(9)]
    before = street_matrices(grid_network, points)
    restored = pickle.loads(pickle.dumps(grid_network))
    after = street_matrices(restored, points)
    np.testing.assert_array_equal(before.seconds, after.seconds)
    assert restored.drive.number_of_edges() == grid_network.drive.number_of_edges()


def test_maxspeed_sets_speed_times_osrm_factor(tmp_path: Path) -> None:
    """A street tagged maxspeed=50 is driven at 40 km/h, OSRM's 0.8 factor."""
    path = grid_draft(2, 3, 200.0, maxspeed={"h0": "50"}).write(tmp_path / "fast.osm")
    network = load_street_network(path, drive_profile=DriveProfile())
    points = [Point("a", *offset_lonlat(50.0, 0.0)), Point("b", *offset_lonlat(150.0, 0.0))]
    result = street_matrices(network, points)
    assert result.seconds[0, 1] == pytest.approx(100.0 / (40 / 3.6), abs=0.05)


def test_bollards_block_vans_but_not_walkers_and_gates_cost_a_minute(tmp_path: Path) -> None:
    """A bollard cuts a street for vans (not for walkers); a gate adds OSRM's 60 s."""
    spacing = 400.0
    draft = grid_draft(3, 3, spacing)
    mid = 700
    draft.nodes[mid] = (*offset_lonlat(1.5 * spacing, spacing), {"barrier": "bollard"})
    row = draft.ways[1]
    draft.ways[1] = (row[0], [row[1][0], row[1][1], mid, row[1][2]], row[2])
    a = Point("a", *offset_lonlat(1.5 * spacing - 30.0, spacing))
    b = Point("b", *offset_lonlat(1.5 * spacing + 30.0, spacing))
    network = load_street_network(draft.write(tmp_path / "bollard.osm"))
    assert network.stats["drive_barrier_nodes"] == 1
    drive = street_matrices(network, [a, b])
    walk = street_matrices(network, [a, b], mode="walk")
    assert drive.meters[0, 1] > 2 * spacing
    assert walk.meters[0, 1] == pytest.approx(60.0, abs=1.0)
    draft.nodes[mid] = (*draft.nodes[mid][:2], {"barrier": "gate"})
    gated = street_matrices(load_street_network(draft.write(tmp_path / "gate.osm")), [a, b])
    assert gated.meters[0, 1] == pytest.approx(60.0, abs=1.0)
    assert gated.seconds[0, 1] == pytest.approx(gated.meters[0, 1] / (25 / 3.6) + 60.0, abs=0.1)
