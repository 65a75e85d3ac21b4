"""Street matrices on generated grids, checked against networkx on the same graph."""

from __future__ import annotations

import tempfile
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from network.osm_drafts import grid_draft, offset_lonlat

from pickup_net.io.osm_loader import load_street_network
from pickup_net.network import DriveProfile, Point, SnapError, StreetNetwork, street_matrices

NO_TURN_COSTS = DriveProfile(turn_penalty_s=0.0, oncoming_turn_s=0.0, u_turn_s=0.0)
STREETS = [f"h{r}" for r in range(5)] + [f"v{c}" for c in range(5)]


def _network(draft, profile: DriveProfile = NO_TURN_COSTS) -> StreetNetwork:
    """Write a draft to a temporary .osm file and load it."""
    with tempfile.TemporaryDirectory() as folder:
        return load_street_network(draft.write(Path(folder) / "grid.osm"), drive_profile=profile)


def _place(
    network: StreetNetwork, picks: list[tuple[int, float]], mode: str = "drive"
) -> list[tuple]:
    """Points at fraction t along chosen street pieces: (id, u, v, t, lon, lat), u < v.

    Fractions are rounded to 0.001 so that two points are either clearly apart or the same.
    """
    g = network.drive if mode == "drive" else network.walk
    pieces = sorted({(min(u, v), max(u, v)) for u, v in g.edges})
    placed = []
    for k, (index, fraction) in enumerate(picks):
        t = round(fraction, 3)
        u, v = pieces[index % len(pieces)]
        a = np.array([g.nodes[u]["lon"], g.nodes[u]["lat"]])
        b = np.array([g.nodes[v]["lon"], g.nodes[v]["lat"]])
        lon, lat = a + t * (b - a)
        placed.append((f"p{k}", u, v, t, float(lon), float(lat)))
    return placed


def _reference(
    network: StreetNetwork, placed: list[tuple], weight: str, mode: str = "drive"
) -> np.ndarray:
    """networkx Dijkstra from virtual source nodes to virtual target nodes on each piece."""
    g = network.drive if mode == "drive" else network.walk
    h = nx.DiGraph()
    h.add_weighted_edges_from(((u, v, d[weight]) for u, v, d in g.edges(data=True)), "w")
    for pid, u, v, t, *_ in placed:
        if g.has_edge(u, v):
            h.add_edge(("s", pid), v, w=(1 - t) * g[u][v][weight])
            h.add_edge(u, ("t", pid), w=t * g[u][v][weight])
        if g.has_edge(v, u):
            h.add_edge(("s", pid), u, w=t * g[v][u][weight])
            h.add_edge(v, ("t", pid), w=(1 - t) * g[v][u][weight])
    for pid, u, v, t, *_ in placed:
        for qid, u2, v2, t2, *_ in placed:
            if (u, v) != (u2, v2):
                continue
            options = []
            if g.has_edge(u, v) and t2 >= t:
                options.append((t2 - t) * g[u][v][weight])
            if g.has_edge(v, u) and t2 <= t:
                options.append((t - t2) * g[v][u][weight])
            if options:
                h.add_edge(("s", pid), ("t", qid), w=min(options))
    out = np.full((len(placed), len(placed)), np.inf)
    for i, (pid, *_) in enumerate(placed):
        lengths = nx.single_source_dijkstra_path_length(h, ("s", pid), weight="w")
        for j, (qid, *_) in enumerate(placed):
            out[i, j] = 0.0 if i == j else lengths.get(("t", qid), np.inf)
    return out


grid_args = st.tuples(
    st.integers(2, 5),
    st.integers(2, 5),
    st.floats(40.0, 250.0),
    st.dictionaries(st.sampled_from(STREETS), st.sampled_from(["yes", "-1"]), max_size=4),
)
picks_args = st.lists(
    st.tuples(st.integers(0, 1000), st.floats(0.05, 0.95)), min_size=1, max_size=8
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grid_args, picks=picks_args)
def test_drive_matrix_equals_networkx(grid, picks) -> None:
    """Drive seconds and metres equal networkx shortest paths on the same one-way grid."""
    rows, cols, spacing, oneway = grid
    network = _network(grid_draft(rows, cols, spacing, oneway))
    placed = _place(network, picks)
    points = [Point(pid, lon, lat) for pid, *_, lon, lat in placed]
    result = street_matrices(network, points, workers=1)
    np.testing.assert_allclose(result.seconds, _reference(network, placed, "time_s"), atol=0.05)
    np.testing.assert_allclose(result.meters, _reference(network, placed, "length_m"), atol=0.3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=grid_args,
    speeds=st.dictionaries(st.sampled_from(STREETS), st.sampled_from(["20", "30", "50", "60"])),
    picks=picks_args,
)
def test_drive_seconds_with_mixed_speeds_equal_networkx(grid, speeds, picks) -> None:
    """With per-street maxspeed tags the fastest times still equal networkx's."""
    rows, cols, spacing, oneway = grid
    network = _network(grid_draft(rows, cols, spacing, oneway, speeds))
    placed = _place(network, picks)
    points = [Point(pid, lon, lat) for pid, *_, lon, lat in placed]
    result = street_matrices(network, points, workers=1)
    np.testing.assert_allclose(result.seconds, _reference(network, placed, "time_s"), atol=0.05)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grid_args, picks=picks_args)
def test_walk_matrix_equals_networkx(grid, picks) -> None:
    """Walking metres equal networkx shortest paths on the walk graph, one-way tags ignored."""
    rows, cols, spacing, oneway = grid
    network = _network(grid_draft(rows, cols, spacing, oneway))
    placed = _place(network, picks, "walk")
    points = [Point(pid, lon, lat) for pid, *_, lon, lat in placed]
    result = street_matrices(network, points, mode="walk", workers=1)
    expected = _reference(network, placed, "length_m", "walk")
    np.testing.assert_allclose(result.meters, expected, atol=0.3)
    np.testing.assert_allclose(result.meters, result.meters.T, atol=0.3)


def test_parallel_blocks_equal_serial() -> None:
    """Forked Dijkstra blocks give exactly the serial answer."""
    network = _network(grid_draft(5, 5, 120.0, {"h2": "yes", "v1": "-1"}))
    placed = _place(network, [(k * 7, 0.1 + 0.8 * ((k * 37) % 11) / 11) for k in range(40)])
    points = [Point(pid, lon, lat) for pid, *_, lon, lat in placed]
    serial = street_matrices(network, points, workers=1)
    parallel = street_matrices(network, points, workers=2)
    np.testing.assert_array_equal(serial.seconds, parallel.seconds)
    np.testing.assert_array_equal(serial.meters, parallel.meters)


@settings(max_examples=20, deadline=None)
@given(spacing=st.floats(60.0, 200.0), a=st.floats(0.05, 0.45), b=st.floats(0.55, 0.95))
def test_one_way_street_makes_matrix_asymmetric(spacing, a, b) -> None:
    """Along a one-way street the downstream trip is direct and the way back goes around."""
    network = _network(grid_draft(3, 3, spacing, {"h1": "yes"}))
    up = Point("up", *offset_lonlat(a * spacing, spacing))
    down = Point("down", *offset_lonlat(b * spacing, spacing))
    result = street_matrices(network, [up, down], workers=1)
    speed_mps = 25.0 / 3.6
    assert result.meters[0, 1] == pytest.approx((b - a) * spacing, abs=0.5)
    assert result.seconds[0, 1] == pytest.approx((b - a) * spacing / speed_mps, abs=0.1)
    assert result.seconds[1, 0] > result.seconds[0, 1] + 2 * spacing / speed_mps - 0.1


@settings(max_examples=20, deadline=None)
@given(off_a=st.floats(0.0, 120.0), off_b=st.floats(0.0, 120.0), x=st.floats(0.1, 0.9))
def test_snap_offsets_are_added(off_a, off_b, x) -> None:
    """Points beside the street cost their distance to it, in metres and access seconds."""
    network = _network(grid_draft(2, 4, 150.0))
    on_a = Point("a", *offset_lonlat(x * 150.0, 0.0))
    on_b = Point("b", *offset_lonlat(300.0 + x * 150.0, 0.0))
    beside_a = Point("a", *offset_lonlat(x * 150.0, -off_a))
    beside_b = Point("b", *offset_lonlat(300.0 + x * 150.0, -off_b))
    on = street_matrices(network, [on_a, on_b], workers=1)
    beside = street_matrices(network, [beside_a, beside_b], workers=1)
    assert beside.snap_offset_m["a"] == pytest.approx(off_a, abs=0.3)
    assert beside.meters[0, 1] == pytest.approx(on.meters[0, 1] + off_a + off_b, abs=0.6)
    access = NO_TURN_COSTS.snap_access_speed_mps
    extra_s = (off_a + off_b) / access
    assert beside.seconds[0, 1] == pytest.approx(on.seconds[0, 1] + extra_s, abs=0.5)


def test_unreachable_point_is_reported() -> None:
    """A point on a separate street island is inf in both arrays and listed by id."""
    draft = grid_draft(3, 3, 100.0)
    island = grid_draft(2, 2, 100.0)
    for nid, (lon, lat, tags) in island.nodes.items():
        draft.nodes[nid + 500] = (lon + 0.02, lat, tags)
    draft.ways += [(wid + 5000, [n + 500 for n in refs], tags) for wid, refs, tags in island.ways]
    profile = DriveProfile(keep_largest_component=False)
    network = _network(draft, profile)
    main = Point("main", *offset_lonlat(50.0, 0.0))
    lonlat = offset_lonlat(50.0, 0.0)
    far = Point("island", lonlat[0] + 0.02, lonlat[1])
    result = street_matrices(network, [main, far], workers=1)
    assert set(result.unreachable) == {("main", "island"), ("island", "main")}
    assert np.isinf(result.seconds[0, 1]) and np.isinf(result.meters[1, 0])
    assert np.isfinite(result.seconds[0, 0]) and result.warnings


def test_far_point_is_an_input_error_naming_it() -> None:
    """A point beyond max_snap_m raises SnapError naming the point, place and distance."""
    network = _network(grid_draft(2, 2, 100.0))
    near = Point("near", *offset_lonlat(50.0, 0.0))
    far = Point("c17", *offset_lonlat(50.0, -800.0))
    with pytest.raises(SnapError, match=r"c17 \(-74\.\d+, 4\.\d+\) is 80\d m .*max_snap_m 500"):
        street_matrices(network, [near, far])


def test_duplicate_ids_and_bad_coordinates_are_rejected() -> None:
    """Validation names the list, index and value."""
    network = _network(grid_draft(2, 2, 100.0))
    p = Point("a", *offset_lonlat(50.0, 0.0))
    with pytest.raises(ValueError, match=r"sources\[1\]\.id: 'a' appears more than once"):
        street_matrices(network, [p, p])
    with pytest.raises(ValueError, match=r"sources\[0\]\.lon: 190\.0 is not a longitude"):
        street_matrices(network, [Point("x", 190.0, 4.6)])


def test_rectangular_matrix_echoes_ids() -> None:
    """Sources and targets keep the caller's ids and order; shape is sources x targets."""
    network = _network(grid_draft(3, 3, 100.0))
    sources = [Point(f"s{i}", *offset_lonlat(20.0 + 30 * i, 0.0)) for i in range(3)]
    targets = [Point("t-b", *offset_lonlat(200.0, 150.0)), Point("t-a", *offset_lonlat(0, 70))]
    result = street_matrices(network, sources, targets, workers=1)
    assert result.ids == ["s0", "s1", "s2"] and result.target_ids == ["t-b", "t-a"]
    assert result.seconds.shape == (3, 2) and result.meters.shape == (3, 2)
    assert (result.seconds > 0).all()


@settings(max_examples=15, deadline=None)
@given(copies=st.lists(st.integers(0, 3), min_size=2, max_size=10))
def test_points_at_one_place_share_rows_and_columns(copies) -> None:
    """Several ids at the same street position get identical rows and columns."""
    network = _network(grid_draft(3, 3, 100.0, {"v1": "yes"}))
    places = [
        offset_lonlat(30.0, 0.0),
        offset_lonlat(100.0, 60.0),
        offset_lonlat(170.0, 200.0),
        offset_lonlat(200.0, 45.0),
    ]
    points = [Point(f"id{k}", *places[c]) for k, c in enumerate(copies)]
    result = street_matrices(network, points, workers=1)
    distinct = street_matrices(network, [Point(f"place{c}", *places[c]) for c in range(4)])
    expected = distinct.seconds[np.ix_(copies, copies)]
    np.testing.assert_allclose(result.seconds, expected, atol=1e-9)
