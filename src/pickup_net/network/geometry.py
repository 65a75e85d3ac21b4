"""Street geometry of a route: the line along the drivable streets through its stops in order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy.sparse.csgraph import dijkstra

from pickup_net.network.mode_graph import ModeGraph
from pickup_net.network.search_graph import (
    direct_pairs,
    n_base_nodes,
    search_csr,
    target_arcs,
)
from pickup_net.network.snapping import Snapped, snap_points
from pickup_net.network.street_network import Point, StreetNetwork


def route_geometry(
    network: StreetNetwork, stops: Sequence[Point], max_snap_m: float = 500.0
) -> list[tuple[float, float]]:
    """LineString coordinates `[lon, lat]` along the fastest drive path through the stops.

    Parameters
    ----------
    network
        The street network of the area.
    stops
        Stops in visiting order; the same place may appear more than once (a depot at both
        ends), under distinct or equal ids.
    max_snap_m
        Stops farther than this from any drivable street are input errors.

    Returns
    -------
    list of (lon, lat)
        Starts exactly at the first stop and ends exactly at the last, passing each stop's
        point on the street; a single stop gives a two-point line of zero length.

    Raises
    ------
    SnapError
        If a stop is too far from the streets.
    ValueError
        If `stops` is empty or a leg has no drive path.
    """
    if not stops:
        raise ValueError("stops: a route needs at least one stop")
    graph = network.drive_arrays
    repeats = Counter(p.id for p in stops)
    unique = [
        Point(p.id if repeats[p.id] == 1 else f"{p.id}#{i}", p.lon, p.lat)
        for i, p in enumerate(stops)
    ]
    snapped = snap_points(graph, unique, max_snap_m, "stops")
    coords: list[tuple[float, float]] = [(stops[0].lon, stops[0].lat)]
    if len(stops) > 1:
        csr = search_csr(graph, _subset(snapped, np.arange(len(stops) - 1)))
        n_base = n_base_nodes(graph)
        dist, pred = dijkstra(
            csr,
            directed=True,
            indices=n_base + np.arange(len(stops) - 1),
            return_predecessors=True,
        )
        for leg in range(len(stops) - 1):
            if (stops[leg].lon, stops[leg].lat) == (stops[leg + 1].lon, stops[leg + 1].lat):
                continue
            a = _subset(snapped, np.array([leg]))
            b = _subset(snapped, np.array([leg + 1]))
            origin = n_base + leg
            coords.extend(_leg(graph, a, b, dist[leg], pred[leg], origin, stops[leg : leg + 2]))
            coords.append((stops[leg + 1].lon, stops[leg + 1].lat))
    else:
        coords.append((stops[0].lon, stops[0].lat))
    return _dedupe(coords) if len(stops) > 1 else coords


def _subset(snapped: Snapped, index: np.ndarray) -> Snapped:
    """The snapped points at `index`."""
    return Snapped(
        snapped.seg[index], snapped.frac[index], snapped.offset_m[index], snapped.lonlat[index]
    )


def _leg(
    graph: ModeGraph,
    a: Snapped,
    b: Snapped,
    dist: np.ndarray,
    pred: np.ndarray,
    origin: int,
    ends: Sequence[Point],
) -> list[tuple[float, float]]:
    """Points on the streets from stop a's street point to stop b's street point."""
    nodes, _, weights = target_arcs(graph, b)
    via = dist[nodes] + weights
    best = int(np.argmin(via))
    _, _, direct = direct_pairs(graph, a, b)
    start = tuple(a.lonlat[0])
    end = tuple(b.lonlat[0])
    seg_a, frac_a = int(a.seg[0]), float(a.frac[0])
    seg_b, frac_b = int(b.seg[0]), float(b.frac[0])
    if direct.size and direct[0] <= via[best]:
        return [start, *_sub_shape(graph, seg_a, frac_a, frac_b), end]
    if not np.isfinite(via[best]):
        raise ValueError(f"stops: no drive path from {ends[0].id} to {ends[1].id}")
    chain = [int(nodes[best])]
    while pred[chain[-1]] != origin:
        chain.append(int(pred[chain[-1]]))
    chain.reverse()
    first_tail = graph.edge_u[chain[0]]
    fwd = graph.seg_edge[seg_a, 0]
    own_end = 1.0 if fwd >= 0 and graph.edge_v[fwd] == first_tail else 0.0
    points = [start, *_sub_shape(graph, seg_a, frac_a, own_end)]
    for edge in chain[:-1]:
        seg = int(graph.edge_seg[edge])
        forward = bool(graph.edge_forward[edge])
        points.extend(_sub_shape(graph, seg, 0.0 if forward else 1.0, 1.0 if forward else 0.0))
    last = chain[-1]
    points.extend(_sub_shape(graph, seg_b, 0.0 if graph.edge_forward[last] else 1.0, frac_b))
    points.append(end)
    return points


def _sub_shape(graph: ModeGraph, seg: int, frac_from: float, frac_to: float) -> list[tuple]:
    """The segment's shape between two fractions of its length, in travel order."""
    xy = graph.seg_xy[graph.seg_ptr[seg] : graph.seg_ptr[seg + 1]]
    lonlat = graph.segment_lonlat(seg)
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    pos = cum / cum[-1] if cum[-1] > 0 else np.linspace(0.0, 1.0, cum.shape[0])
    lo, hi = sorted((frac_from, frac_to))
    inside = np.flatnonzero((pos > lo) & (pos < hi))
    at = [
        np.array([np.interp(f, pos, lonlat[:, 0]), np.interp(f, pos, lonlat[:, 1])])
        for f in (lo, hi)
    ]
    shape = [at[0], *lonlat[inside], at[1]]
    if frac_from > frac_to:
        shape.reverse()
    return [(float(p[0]), float(p[1])) for p in shape]


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop consecutive repeats of the same coordinate."""
    out = [coords[0]]
    for point in coords[1:]:
        if point != out[-1]:
            out.append(point)
    if len(out) == 1:
        out.append(out[0])
    return out
