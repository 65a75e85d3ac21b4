"""Route geometry, the straight-line fallback, the disk cache and the matrix command."""

from __future__ import annotations

import glob
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from network.osm_drafts import offset_lonlat
from typer.testing import CliRunner

from pickup_net.cli import app
from pickup_net.io.network_cache import cached_street_matrices, network_key
from pickup_net.io.osm_loader import load_street_network
from pickup_net.network import (
    DriveProfile,
    Point,
    WalkProfile,
    route_geometry,
    straight_line_matrices,
    street_matrices,
)
from pickup_net.network.packed_weights import pack, unpack
from pickup_net.network.projection import haversine_m

REPO = Path(__file__).resolve().parents[2]


def _line_length_m(coords: list[tuple[float, float]]) -> float:
    """Great-circle length of a polyline."""
    array = np.asarray(coords)
    return float(haversine_m(array[:-1], array[1:]).sum())


@settings(max_examples=15, deadline=None)
@given(
    places=st.lists(
        st.tuples(st.floats(-20.0, 380.0), st.floats(-20.0, 380.0)), min_size=2, max_size=5
    )
)
def test_route_geometry_runs_from_first_to_last_stop_along_streets(grid_network, places) -> None:
    """The line starts and ends exactly at the stops and is as long as the matrix path."""
    stops = [Point(f"s{i}", *offset_lonlat(x, y)) for i, (x, y) in enumerate(places)]
    coords = route_geometry(grid_network, stops)
    assert coords[0] == (stops[0].lon, stops[0].lat)
    assert coords[-1] == (stops[-1].lon, stops[-1].lat)
    result = street_matrices(grid_network, stops, workers=1)
    expected = sum(result.meters[i, i + 1] for i in range(len(stops) - 1))
    assert _line_length_m(coords) == pytest.approx(expected, rel=0.01, abs=1.0)


def test_route_geometry_on_bundled_extract() -> None:
    """On a bundled scenario extract a depot-to-depot tour starts and ends at the depot."""
    extracts = sorted(glob.glob(str(REPO / "scenarios" / "*" / "*.osm.pbf")))
    if not extracts:
        pytest.skip("no scenarios/*/*.osm.pbf extract is bundled yet")
    network = load_street_network(Path(extracts[0]))
    west, south, east, north = network.bbox_lonlat
    nodes = list(network.drive.nodes(data=True))
    picks = [nodes[k * len(nodes) // 4][1] for k in range(4)]
    stops = [Point(f"s{i}", d["lon"], d["lat"]) for i, d in enumerate(picks)]
    stops.append(Point("back", stops[0].lon, stops[0].lat))
    coords = route_geometry(network, stops)
    assert coords[0] == coords[-1] == (stops[0].lon, stops[0].lat)
    assert all(west <= lon <= east and south <= lat <= north for lon, lat in coords)
    assert len(coords) > len(stops)


def test_single_stop_geometry_is_a_point_line(grid_network) -> None:
    """One stop gives a two-point line at that stop."""
    stop = Point("only", *offset_lonlat(50.0, 0.0))
    assert route_geometry(grid_network, [stop]) == [(stop.lon, stop.lat)] * 2


@settings(max_examples=30, deadline=None)
@given(
    coords=st.lists(
        st.tuples(st.floats(-74.2, -74.0), st.floats(4.5, 4.8)), min_size=1, max_size=6
    ),
    circuity=st.floats(1.0, 2.0),
    speed=st.floats(1.0, 30.0),
)
def test_straight_line_fallback(coords, circuity, speed) -> None:
    """Fallback metres are great-circle distance times circuity; seconds are metres / speed."""
    points = [Point(f"p{i}", lon, lat) for i, (lon, lat) in enumerate(coords)]
    result = straight_line_matrices(points, circuity=circuity, speed_mps=speed)
    a = np.array(coords)
    for i in range(len(points)):
        crow = haversine_m(np.repeat(a[i : i + 1], len(a), axis=0), a)
        np.testing.assert_allclose(result.meters[i], crow * circuity, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(result.seconds, result.meters / speed)
    assert "straight lines" in result.warnings[0]


def test_straight_line_rejects_bad_circuity() -> None:
    """A circuity below 1 is a named input error."""
    with pytest.raises(ValueError, match=r"circuity: 0\.5"):
        straight_line_matrices([Point("a", 0.0, 0.0)], circuity=0.5)


def test_cache_returns_the_same_network_and_matrices(grid_file: Path, tmp_path: Path) -> None:
    """A second load comes from the cache; changed bytes or profiles change the key."""
    cache = tmp_path / "cache"
    first = load_street_network(grid_file, cache)
    assert len(list(cache.glob("*.network.pkl"))) == 1
    second = load_street_network(grid_file, cache)
    assert second.content_key == first.content_key
    assert second.stats == first.stats
    slower = DriveProfile(speeds_kmh={"residential": 10.0})
    assert network_key(grid_file, slower, WalkProfile()) != first.content_key
    points = [Point(f"p{i}", *offset_lonlat(20.0 + 50 * i, 0.0)) for i in range(5)]
    fresh = cached_street_matrices(second, points, cache_dir=cache)
    cached = cached_street_matrices(second, points, cache_dir=cache)
    assert len(list(cache.glob("*.matrix.npz"))) == 1
    np.testing.assert_array_equal(fresh.seconds, cached.seconds)
    assert cached.ids == [p.id for p in points]
    grid_file.write_text(grid_file.read_text().replace('"residential"', '"tertiary"'))
    load_street_network(grid_file, cache)
    assert len(list(cache.glob("*.network.pkl"))) == 2


def test_matrix_command_writes_npz(grid_file: Path, tmp_path: Path) -> None:
    """`pickup-net matrix` writes ids, seconds and metres in the CSV's order."""
    csv_path = tmp_path / "points.csv"
    rows = ["id,lon,lat"] + [
        f"shop-{i},{lon},{lat}"
        for i, (lon, lat) in enumerate(offset_lonlat(30.0 * i, 120.0) for i in range(4))
    ]
    csv_path.write_text("\n".join(rows) + "\n")
    out = tmp_path / "matrix.npz"
    result = CliRunner().invoke(
        app, ["matrix", str(grid_file), str(csv_path), "--out", str(out), "--mode", "walk"]
    )
    assert result.exit_code == 0, result.output
    with np.load(out) as arrays:
        assert list(arrays["ids"]) == [f"shop-{i}" for i in range(4)]
        assert arrays["seconds"].shape == arrays["meters"].shape == (4, 4)
        assert arrays["meters"][0, 3] == pytest.approx(90.0, abs=1.0)
        assert math.isclose(arrays["meters"][1, 1], 0.0)


def test_matrix_command_names_a_far_point(grid_file: Path, tmp_path: Path) -> None:
    """A point too far from the streets fails the command with its id in the message."""
    csv_path = tmp_path / "points.csv"
    lon, lat = offset_lonlat(0.0, -2000.0)
    csv_path.write_text(f"id,lon,lat\nfar-away,{lon},{lat}\n")
    result = CliRunner().invoke(
        app, ["matrix", str(grid_file), str(csv_path), "--out", str(tmp_path / "m.npz")]
    )
    assert result.exit_code == 2
    assert "far-away" in result.output


def test_cache_key_is_stable_across_processes(grid_file: Path) -> None:
    """The content key does not depend on the interpreter's hash seed (sets in profiles)."""
    code = (
        "import sys; from pathlib import Path; "
        "from pickup_net.io.network_cache import network_key; "
        "from pickup_net.network import DriveProfile, WalkProfile; "
        "print(network_key(Path(sys.argv[1]), DriveProfile(), WalkProfile()))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code, str(grid_file)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(keys) == 1


def test_packed_weights_refuse_overflow() -> None:
    """Path weights beyond the exact float range raise instead of returning wrong numbers."""
    seconds, meters = unpack(pack(np.array([3600.0 * 90]), np.array([2.5e6]), 0.1), 0.1)
    assert seconds[0] == pytest.approx(324_000.0) and meters[0] == pytest.approx(2.5e6)
    with pytest.raises(OverflowError):
        unpack(pack(np.array([3600.0 * 100]), np.array([0.0]), 0.1), 0.1)
