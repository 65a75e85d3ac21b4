"""Snap points to the nearest street segment (not merely the nearest node)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from pickup_net.network.mode_graph import ModeGraph
from pickup_net.network.projection import to_metric_xy
from pickup_net.network.street_network import Point


class SnapError(ValueError):
    """Points lie farther from any street than `max_snap_m`; the message names each one."""


@dataclass(frozen=True)
class Snapped:
    """Where points meet the streets.

    `seg` is the segment index, `frac` the position along it in drawing order (0 at its first
    node, 1 at its last), `offset_m` the straight distance from the point to the street, and
    `lonlat` the point on the street.
    """

    seg: np.ndarray
    frac: np.ndarray
    offset_m: np.ndarray
    lonlat: np.ndarray


def validate_points(points: Sequence[Point], field: str) -> np.ndarray:
    """`[lon, lat]` array of the points; ValueError naming the field and value if one is bad."""
    seen: set[str] = set()
    for i, point in enumerate(points):
        if not isinstance(point.id, str) or not point.id:
            raise ValueError(f"{field}[{i}].id: {point.id!r} is not a non-empty string")
        if point.id in seen:
            raise ValueError(f"{field}[{i}].id: {point.id!r} appears more than once")
        seen.add(point.id)
        if not (math.isfinite(point.lon) and -180.0 <= point.lon <= 180.0):
            raise ValueError(f"{field}[{i}].lon: {point.lon!r} is not a longitude")
        if not (math.isfinite(point.lat) and -90.0 <= point.lat <= 90.0):
            raise ValueError(f"{field}[{i}].lat: {point.lat!r} is not a latitude")
    return np.array([(p.lon, p.lat) for p in points], dtype=np.float64).reshape(-1, 2)


def snap_points(
    graph: ModeGraph, points: Sequence[Point], max_snap_m: float, field: str = "points"
) -> Snapped:
    """Snap each point to the nearest straight piece of a street of the graph's mode.

    Raises
    ------
    SnapError
        If any point is more than `max_snap_m` metres from every street; the message lists
        every such point with its `[lon, lat]` and distance.
    """
    if not (math.isfinite(max_snap_m) and max_snap_m >= 0):
        raise ValueError(f"max_snap_m: {max_snap_m!r} is not a distance in metres")
    lonlat = validate_points(points, field)
    if graph.n_segments == 0 and lonlat.shape[0]:
        raise SnapError(f"{field}: the street file has no {graph.mode} streets to snap to")
    if lonlat.shape[0] == 0:
        empty = np.zeros(0)
        return Snapped(np.zeros(0, dtype=np.int64), empty, empty, np.zeros((0, 2)))
    xy = to_metric_xy(lonlat, graph.epsg)
    tree = graph.piece_tree()
    hit_index, _ = tree.query_nearest(shapely.points(xy), all_matches=False, return_distance=True)
    piece = hit_index[1][np.argsort(hit_index[0])]
    piece_seg, along, a, b = graph.piece_arrays()
    ab = b[piece] - a[piece]
    length_sq = np.einsum("ij,ij->i", ab, ab)
    t = np.einsum("ij,ij->i", xy - a[piece], ab) / np.where(length_sq > 0, length_sq, 1.0)
    t = np.clip(t, 0.0, 1.0)
    on_street = a[piece] + t[:, None] * ab
    offset_m = np.hypot(*(xy - on_street).T)
    far = np.flatnonzero(offset_m > max_snap_m)
    if far.size:
        details = "; ".join(
            f"{field} {points[i].id} ({points[i].lon:.6g}, {points[i].lat:.6g}) is "
            f"{offset_m[i]:.0f} m from the nearest {graph.mode} street"
            for i in far
        )
        raise SnapError(f"{details} (max_snap_m {max_snap_m:g})")
    seg = piece_seg[piece]
    seg_len = graph.segment_xy_len_m()[seg]
    frac = np.clip(
        (along[piece] + t * np.sqrt(length_sq)) / np.where(seg_len > 0, seg_len, 1.0), 0.0, 1.0
    )
    start = graph.piece_start_index()[piece]
    snapped = graph.seg_lonlat[start] + t[:, None] * (
        graph.seg_lonlat[start + 1] - graph.seg_lonlat[start]
    )
    return Snapped(seg.astype(np.int64), frac, offset_m, snapped)
