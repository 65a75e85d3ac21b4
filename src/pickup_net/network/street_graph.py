"""Build drivable and walkable street graphs from parsed OSM elements."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pickup_net.network.mode_graph import ModeGraph
from pickup_net.network.osm_elements import OsmElements, OsmWay
from pickup_net.network.profiles import DriveProfile, WalkProfile
from pickup_net.network.projection import bearing_deg, haversine_m, to_metric_xy, utm_epsg
from pickup_net.network.street_network import StreetNetwork
from pickup_net.network.turns import roads_at_nodes, turn_arcs
from pickup_net.network.way_rules import (
    blocks_vans,
    drive_directions,
    drive_speeds_kmh,
    walkable,
)


@dataclass(frozen=True, slots=True)
class _Access:
    """How one way may be used: directions and speeds (km/h) in each."""

    forward: bool
    backward: bool
    forward_kmh: float
    backward_kmh: float


@dataclass(slots=True)
class _Piece:
    """A stretch of one way between two graph nodes."""

    way: OsmWay
    access: _Access
    node_ids: list[int]


def build_street_network(
    elements: OsmElements,
    drive_profile: DriveProfile | None = None,
    walk_profile: WalkProfile | None = None,
) -> StreetNetwork:
    """Build the drive and walk graphs of an extract.

    Parameters
    ----------
    elements
        Parsed OSM ways, node locations, node tags and turn restrictions.
    drive_profile, walk_profile
        Speeds, penalties and access rules; OSRM-like defaults when None.

    Returns
    -------
    StreetNetwork
        networkx DiGraphs (the model) and their compiled arrays, with warnings about clipped
        ways and about what was dropped outside the largest strongly connected component.

    Raises
    ------
    ValueError
        If the extract holds no drivable street.
    """
    drive_profile = drive_profile or DriveProfile()
    walk_profile = walk_profile or WalkProfile()
    drive_ways = []
    walk_ways = []
    for way in elements.ways:
        directions = drive_directions(way.tags, drive_profile)
        if directions is not None:
            fwd_kmh, bwd_kmh = drive_speeds_kmh(way.tags, drive_profile)
            drive_ways.append((way, _Access(*directions, fwd_kmh, bwd_kmh)))
        if walkable(way.tags, walk_profile):
            kmh = walk_profile.speed_mps * 3.6
            walk_ways.append((way, _Access(True, True, kmh, kmh)))
    if not drive_ways:
        raise ValueError("streets: the extract holds no drivable highway=* way")
    center = np.median(np.array(list(elements.node_lonlat.values())).reshape(-1, 2), axis=0)
    epsg = utm_epsg(float(center[0]), float(center[1]))
    warnings: list[str] = []
    stats: dict[str, object] = {
        "epsg": epsg,
        "drive_restrictions_unsupported": elements.skipped_restrictions,
    }
    drive, drive_graph = _build_mode(
        "drive", drive_ways, elements, epsg, drive_profile, walk_profile, warnings, stats
    )
    walk, walk_graph = _build_mode(
        "walk", walk_ways, elements, epsg, drive_profile, walk_profile, warnings, stats
    )
    all_lonlat = np.concatenate([drive.seg_lonlat, walk.seg_lonlat])
    bbox = (
        float(all_lonlat[:, 0].min()),
        float(all_lonlat[:, 1].min()),
        float(all_lonlat[:, 0].max()),
        float(all_lonlat[:, 1].max()),
    )
    return StreetNetwork(
        drive=drive_graph,
        walk=walk_graph,
        bbox_lonlat=bbox,
        warnings=warnings,
        stats=stats,
        drive_arrays=drive,
        walk_arrays=walk,
        walk_speed_mps=walk_profile.speed_mps,
    )


def _split_into_pieces(
    ways: list[tuple[OsmWay, _Access]],
    node_lonlat: dict[int, tuple[float, float]],
    blocked: set[int],
    split_at: set[int],
) -> tuple[list[_Piece], int, int, int]:
    """Cut ways at shared nodes, at `split_at` nodes, at clipped references and at barriers.

    No piece is a loop and no two pieces join the same two nodes.

    Returns the pieces, the number of missing node references, of ways that had some, and of
    two-node pieces dropped because another piece already joins the same two nodes.
    """
    runs: list[tuple[OsmWay, _Access, list[int]]] = []
    missing = 0
    clipped_ways = 0
    for way, access in ways:
        run: list[int] = []
        way_missing = 0
        for nid in way.node_ids:
            if nid in node_lonlat and nid not in blocked:
                run.append(nid)
                continue
            way_missing += nid not in blocked
            if len(run) >= 2:
                runs.append((way, access, run))
            run = []
        if len(run) >= 2:
            runs.append((way, access, run))
        missing += way_missing
        clipped_ways += way_missing > 0
    uses = Counter(nid for _, _, run in runs for nid in run)
    pending: list[_Piece] = []
    for way, access, run in runs:
        start = 0
        for i in range(1, len(run)):
            if i == len(run) - 1 or uses[run[i]] > 1 or run[i] in split_at:
                pending.append(_Piece(way, access, run[start : i + 1]))
                start = i
    pieces: list[_Piece] = []
    seen: set[tuple[int, int]] = set()
    dropped = 0
    while pending:
        piece = pending.pop()
        u, v = piece.node_ids[0], piece.node_ids[-1]
        key = (min(u, v), max(u, v))
        if u != v and key not in seen:
            seen.add(key)
            pieces.append(piece)
        elif len(piece.node_ids) >= 3:
            mid = len(piece.node_ids) // 2
            pending.append(_Piece(piece.way, piece.access, piece.node_ids[: mid + 1]))
            pending.append(_Piece(piece.way, piece.access, piece.node_ids[mid:]))
        else:
            dropped += 1
    return pieces, missing, clipped_ways, dropped


def _node_delay_s(tags: dict[str, str] | None, profile: DriveProfile) -> float:
    """Seconds a van loses passing a node: signals, stop and give-way signs, gates."""
    if not tags:
        return 0.0
    kind = tags.get("highway")
    if kind == "traffic_signals":
        return profile.traffic_signal_s
    if kind == "stop":
        return profile.stop_sign_s
    if kind == "give_way":
        return profile.give_way_s
    return profile.barrier_delay_s.get(tags.get("barrier", ""), 0.0)


def _build_mode(
    mode: str,
    ways: list[tuple[OsmWay, _Access]],
    elements: OsmElements,
    epsg: int,
    drive_profile: DriveProfile,
    walk_profile: WalkProfile,
    warnings: list[str],
    stats: dict[str, object],
) -> tuple[ModeGraph, nx.DiGraph]:
    """Compile one mode and keep its largest strongly connected part."""
    blocked = (
        {nid for nid, tags in elements.node_tags.items() if blocks_vans(tags, drive_profile)}
        if mode == "drive"
        else set()
    )
    delayed = (
        {nid for nid, tags in elements.node_tags.items() if _node_delay_s(tags, drive_profile)}
        if mode == "drive"
        else set()
    )
    pieces, missing, clipped_ways, dropped_parallel = _split_into_pieces(
        ways, elements.node_lonlat, blocked, delayed
    )
    if mode == "drive":
        on_streets = {nid for way, _ in ways for nid in way.node_ids if nid in blocked}
        stats["drive_barrier_nodes"] = len(on_streets)
    if missing and mode == "drive":
        warnings.append(
            f"streets: the extract is clipped: {missing} node references of {clipped_ways} "
            "drivable ways point outside the file; those ways were cut at the missing nodes"
        )
    stats[f"{mode}_missing_node_refs"] = missing
    stats[f"{mode}_parallel_pieces_dropped"] = dropped_parallel
    graph = _compile(mode, pieces, elements, epsg, drive_profile, walk_profile, stats)
    keep_largest = (
        drive_profile.keep_largest_component
        if mode == "drive"
        else walk_profile.keep_largest_component
    )
    if keep_largest and graph.n_edges:
        graph = _keep_largest_component(
            graph, pieces, elements, epsg, drive_profile, walk_profile, warnings, stats
        )
    stats[f"{mode}_nodes"] = int(graph.node_osm_id.shape[0])
    stats[f"{mode}_edges"] = graph.n_edges
    stats[f"{mode}_segments"] = graph.n_segments
    stats[f"{mode}_turn_arcs"] = int(graph.arc_from.shape[0])
    stats[f"{mode}_km"] = round(float(graph.edge_len_m.sum()) / 1000.0, 3)
    return graph, _to_networkx(graph)


def _keep_largest_component(
    graph: ModeGraph,
    pieces: list[_Piece],
    elements: OsmElements,
    epsg: int,
    drive_profile: DriveProfile,
    walk_profile: WalkProfile,
    warnings: list[str],
    stats: dict[str, object],
) -> ModeGraph:
    """Drop edges outside the largest strongly connected part (of turns, for driving)."""
    total_km = graph.edge_len_m.sum() / 1000.0
    total_edges = graph.n_edges
    for _ in range(5):
        keep_edge = _largest_component_edges(graph)
        if keep_edge.all():
            break
        keep_seg = np.zeros(graph.n_segments, dtype=bool)
        keep_seg[graph.edge_seg[keep_edge]] = True
        pruned = []
        for seg in np.flatnonzero(keep_seg):
            piece = pieces[seg]
            fwd, bwd = graph.seg_edge[seg]
            access = _Access(
                bool(fwd >= 0 and keep_edge[fwd]),
                bool(bwd >= 0 and keep_edge[bwd]),
                piece.access.forward_kmh,
                piece.access.backward_kmh,
            )
            pruned.append(_Piece(piece.way, access, piece.node_ids))
        pieces = pruned
        graph = _compile(graph.mode, pieces, elements, epsg, drive_profile, walk_profile, stats)
    dropped_edges = total_edges - graph.n_edges
    dropped_km = total_km - graph.edge_len_m.sum() / 1000.0
    stats[f"{graph.mode}_dropped_edges"] = int(dropped_edges)
    stats[f"{graph.mode}_dropped_km"] = round(float(dropped_km), 3)
    if dropped_edges:
        warnings.append(
            f"streets: kept the largest strongly connected {graph.mode} network; dropped "
            f"{dropped_edges} of {total_edges} directed edges ({dropped_km:.1f} of "
            f"{total_km:.1f} km) that cannot be both reached and left"
        )
    return graph


def _largest_component_edges(graph: ModeGraph) -> np.ndarray:
    """Mask of edges in the largest strongly connected component (turn graph for driving)."""
    if graph.mode == "drive":
        n = graph.n_edges
        adjacency = coo_matrix(
            (np.ones(graph.arc_from.shape[0]), (graph.arc_from, graph.arc_to)), shape=(n, n)
        ).tocsr()
        _, labels = connected_components(adjacency, directed=True, connection="strong")
        return labels == np.bincount(labels).argmax()
    n = graph.node_osm_id.shape[0]
    adjacency = coo_matrix(
        (np.ones(graph.n_edges), (graph.edge_u, graph.edge_v)), shape=(n, n)
    ).tocsr()
    _, labels = connected_components(adjacency, directed=True, connection="strong")
    best = np.bincount(labels).argmax()
    return (labels[graph.edge_u] == best) & (labels[graph.edge_v] == best)


def _compile(
    mode: str,
    pieces: list[_Piece],
    elements: OsmElements,
    epsg: int,
    drive_profile: DriveProfile,
    walk_profile: WalkProfile,
    stats: dict[str, object],
) -> ModeGraph:
    """Turn pieces into the flat arrays of a ModeGraph (edges, turns, shapes)."""
    node_index: dict[int, int] = {}
    for piece in pieces:
        for nid in (piece.node_ids[0], piece.node_ids[-1]):
            node_index.setdefault(nid, len(node_index))
    node_osm_id = np.fromiter(node_index, dtype=np.int64, count=len(node_index))
    node_lonlat = np.array([elements.node_lonlat[n] for n in node_index], dtype=np.float64)
    node_lonlat = node_lonlat.reshape(-1, 2)
    seg_sizes = np.array([len(p.node_ids) for p in pieces], dtype=np.int64)
    seg_ptr = np.concatenate([[0], np.cumsum(seg_sizes)])
    flat_ids = [nid for p in pieces for nid in p.node_ids]
    seg_lonlat = np.array([elements.node_lonlat[n] for n in flat_ids], dtype=np.float64)
    seg_lonlat = seg_lonlat.reshape(-1, 2)
    seg_xy = to_metric_xy(seg_lonlat, epsg)
    piece_len = haversine_m(seg_lonlat[:-1], seg_lonlat[1:])
    within = np.ones(seg_lonlat.shape[0] - 1, dtype=bool) if seg_lonlat.shape[0] else None
    if within is not None:
        within[seg_ptr[1:-1] - 1] = False
        piece_seg = np.repeat(np.arange(len(pieces)), seg_sizes - 1)
        seg_len_m = np.bincount(piece_seg, weights=piece_len[within], minlength=len(pieces))
    else:
        seg_len_m = np.zeros(0)
    seg_u = np.array([node_index[p.node_ids[0]] for p in pieces], dtype=np.int64)
    seg_v = np.array([node_index[p.node_ids[-1]] for p in pieces], dtype=np.int64)
    seg_edge = np.full((len(pieces), 2), -1, dtype=np.int64)
    edge_seg, edge_forward, edge_kmh = [], [], []
    for i, piece in enumerate(pieces):
        if piece.access.forward:
            seg_edge[i, 0] = len(edge_seg)
            edge_seg.append(i)
            edge_forward.append(True)
            edge_kmh.append(piece.access.forward_kmh)
        if piece.access.backward:
            seg_edge[i, 1] = len(edge_seg)
            edge_seg.append(i)
            edge_forward.append(False)
            edge_kmh.append(piece.access.backward_kmh)
    e_seg = np.asarray(edge_seg, dtype=np.int64)
    e_fwd = np.asarray(edge_forward, dtype=bool)
    e_len = seg_len_m[e_seg]
    e_time = e_len / (np.asarray(edge_kmh, dtype=np.float64) / 3.6)
    e_u = np.where(e_fwd, seg_u[e_seg], seg_v[e_seg])
    e_v = np.where(e_fwd, seg_v[e_seg], seg_u[e_seg])
    seg_way_id = np.array([p.way.id for p in pieces], dtype=np.int64)
    seg_highway = np.array([p.way.tags.get("highway", "") for p in pieces], dtype=object)
    empty_i = np.zeros(0, dtype=np.int64)
    arcs = (empty_i, empty_i, np.zeros(0))
    if mode == "drive":
        first = seg_ptr[:-1]
        last = seg_ptr[1:] - 1
        seg_head_bearing = bearing_deg(seg_lonlat[first], seg_lonlat[first + 1])
        seg_tail_bearing = bearing_deg(seg_lonlat[last - 1], seg_lonlat[last])
        bearing_out = np.where(
            e_fwd, seg_head_bearing[e_seg], (seg_tail_bearing[e_seg] + 180) % 360
        )
        bearing_in = np.where(e_fwd, seg_tail_bearing[e_seg], (seg_head_bearing[e_seg] + 180) % 360)
        node_delay = np.array(
            [_node_delay_s(elements.node_tags.get(n), drive_profile) for n in node_index]
        )
        *arcs, matched = turn_arcs(
            e_u,
            e_v,
            e_seg,
            seg_way_id[e_seg],
            bearing_in,
            bearing_out,
            roads_at_nodes(len(node_index), seg_u, seg_v),
            node_delay,
            node_osm_id,
            elements.restrictions,
            drive_profile,
        )
        stats["drive_restrictions_applied"] = matched
        stats["drive_restrictions_tagged"] = len(elements.restrictions)
    return ModeGraph(
        mode=mode,
        epsg=epsg,
        node_osm_id=node_osm_id,
        node_lonlat=node_lonlat,
        seg_ptr=seg_ptr,
        seg_lonlat=seg_lonlat,
        seg_xy=seg_xy,
        seg_len_m=seg_len_m,
        seg_way_id=seg_way_id,
        seg_highway=seg_highway,
        seg_u=seg_u,
        seg_v=seg_v,
        seg_edge=seg_edge,
        edge_seg=e_seg,
        edge_forward=e_fwd,
        edge_u=e_u,
        edge_v=e_v,
        edge_time_s=e_time,
        edge_len_m=e_len,
        arc_from=arcs[0],
        arc_to=arcs[1],
        arc_turn_s=arcs[2],
        offset_speed_mps=(
            drive_profile.snap_access_speed_mps if mode == "drive" else walk_profile.speed_mps
        ),
    )


def _to_networkx(graph: ModeGraph) -> nx.DiGraph:
    """The networkx model of a mode: OSM node ids, edges with length, time, way and shape."""
    g = nx.DiGraph(mode=graph.mode)
    for nid, (lon, lat) in zip(graph.node_osm_id.tolist(), graph.node_lonlat.tolist(), strict=True):
        g.add_node(nid, lon=lon, lat=lat)
    for e in range(graph.n_edges):
        seg = int(graph.edge_seg[e])
        shape = graph.segment_lonlat(seg)
        if not graph.edge_forward[e]:
            shape = shape[::-1]
        g.add_edge(
            int(graph.node_osm_id[graph.edge_u[e]]),
            int(graph.node_osm_id[graph.edge_v[e]]),
            length_m=float(graph.edge_len_m[e]),
            time_s=float(graph.edge_time_s[e]),
            way_id=int(graph.seg_way_id[seg]),
            highway=str(graph.seg_highway[seg]),
            geometry=[tuple(p) for p in shape.tolist()],
        )
    return g
