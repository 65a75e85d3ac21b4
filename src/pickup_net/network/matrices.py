"""Many-to-many travel-time and distance matrices over the streets, with scipy's Dijkstra."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from pickup_net.network.dijkstra_blocks import target_distances
from pickup_net.network.mode_graph import ModeGraph
from pickup_net.network.packed_weights import unpack
from pickup_net.network.search_graph import base_csr, direct_pairs, source_arcs, target_arcs
from pickup_net.network.snapping import Snapped, snap_points
from pickup_net.network.street_network import Point, StreetNetwork


@dataclass
class Matrices:
    """Travel seconds and metres from every source to every target, in the caller's ids.

    `seconds[i, j]` and `meters[i, j]` go from `ids[i]` to `target_ids[j]`; unreachable pairs
    are `np.inf` in both arrays and listed in `unreachable`. `snap_offset_m` gives each
    point's straight distance to its street (already included in the matrices).
    """

    ids: list[str]
    target_ids: list[str]
    seconds: np.ndarray
    meters: np.ndarray
    unreachable: list[tuple[str, str]] = field(default_factory=list)
    snap_offset_m: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def street_matrices(
    network: StreetNetwork,
    sources: Sequence[Point],
    targets: Sequence[Point] | None = None,
    mode: Literal["drive", "walk"] = "drive",
    max_snap_m: float = 500.0,
    workers: int = 1,
) -> Matrices:
    """Shortest travel times and their path lengths between points along the streets.

    Parameters
    ----------
    network
        The street network of the area.
    sources, targets
        Points with the caller's ids; `targets=None` means the square matrix of `sources`.
    mode
        "drive" (fastest van path with turn costs and one-way streets, seconds at the base
        speeds of the profile) or "walk" (shortest path on foot, both directions).
    max_snap_m
        Points farther than this from any street of the mode are input errors.
    workers
        Processes for the Dijkstra runs (forked: pass 1 in a daemon process or one that runs
        other threads).

    Returns
    -------
    Matrices
        Float64 arrays of shape (len(sources), len(targets)); each point's snap offset is
        added (metres, and seconds at the profile's access speed).

    Raises
    ------
    SnapError
        If any point is farther than `max_snap_m` from the streets.
    ValueError
        If an id repeats, a coordinate is invalid, or a shared id has two locations.
    """
    graph = network.arrays(mode)
    square = targets is None
    targets = sources if targets is None else targets
    src = snap_points(graph, sources, max_snap_m, "sources")
    tgt = src if square else snap_points(graph, targets, max_snap_m, "targets")
    offsets = _offsets(sources, targets, src.offset_m, tgt.offset_m)
    packed = _packed_matrix(graph, src, tgt, workers)
    seconds, meters = unpack(packed, graph.length_unit_m())
    if mode == "walk":
        seconds = meters / network.walk_speed_mps
    access = graph.offset_speed_mps
    meters += src.offset_m[:, None]
    meters += tgt.offset_m[None, :]
    seconds += (src.offset_m / access)[:, None]
    seconds += (tgt.offset_m / access)[None, :]
    same_place = _same_place(sources, targets)
    seconds[same_place] = 0.0
    meters[same_place] = 0.0
    source_ids = [p.id for p in sources]
    target_ids = [p.id for p in targets]
    bad_i, bad_j = np.nonzero(~np.isfinite(seconds))
    unreachable = [(source_ids[i], target_ids[j]) for i, j in zip(bad_i, bad_j, strict=True)]
    warnings = []
    if unreachable:
        warnings.append(
            f"network: {len(unreachable)} {mode} pairs have no path (first: "
            f"{unreachable[0][0]} -> {unreachable[0][1]}); they are inf in the matrices"
        )
    return Matrices(
        ids=source_ids,
        target_ids=target_ids,
        seconds=seconds,
        meters=meters,
        unreachable=unreachable,
        snap_offset_m=offsets,
        warnings=warnings,
    )


def _packed_matrix(graph: ModeGraph, src: Snapped, tgt: Snapped, workers: int) -> np.ndarray:
    """Packed (time, length) of the best path between every source and target point.

    Points at the same street position (customers of one building) share one Dijkstra run;
    walking is symmetric, so the runs start from the smaller side.
    """
    n_src = src.seg.shape[0]
    n_tgt = tgt.seg.shape[0]
    if graph.mode == "walk" and n_tgt < n_src:
        return _packed_matrix(graph, tgt, src, workers).T.copy()
    if not (n_src and n_tgt):
        return np.full((n_src, n_tgt), np.inf)
    src_keep, src_back = _distinct(src)
    tgt_keep, tgt_back = _distinct(tgt)
    if src_keep.shape[0] < n_src or tgt_keep.shape[0] < n_tgt:
        packed = _packed_matrix(graph, _take(src, src_keep), _take(tgt, tgt_keep), workers)
        return packed[np.ix_(src_back, tgt_back)]
    packed = target_distances(
        base_csr(graph), source_arcs(graph, src), n_src, target_arcs(graph, tgt), n_tgt, workers
    )
    i, j, direct = direct_pairs(graph, src, tgt)
    packed[i, j] = np.minimum(packed[i, j], direct)
    return packed


def _distinct(snapped: Snapped) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the distinct street positions, and each point's index among them."""
    keys = np.column_stack([snapped.seg.astype(np.float64), snapped.frac])
    _, keep, back = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    return keep, back.reshape(-1)


def _take(snapped: Snapped, index: np.ndarray) -> Snapped:
    """The snapped points at `index`."""
    return Snapped(
        snapped.seg[index], snapped.frac[index], snapped.offset_m[index], snapped.lonlat[index]
    )


def _offsets(
    sources: Sequence[Point],
    targets: Sequence[Point],
    src_offset_m: np.ndarray,
    tgt_offset_m: np.ndarray,
) -> dict[str, float]:
    """Snap offset per id; a shared id must name the same place in both lists."""
    offsets = {p.id: float(d) for p, d in zip(sources, src_offset_m, strict=True)}
    where = {p.id: (p.lon, p.lat) for p in sources}
    for k, (p, d) in enumerate(zip(targets, tgt_offset_m, strict=True)):
        if p.id in where and where[p.id] != (p.lon, p.lat):
            raise ValueError(
                f"targets[{k}].id: {p.id!r} is also a source at {where[p.id]}, not "
                f"({p.lon}, {p.lat})"
            )
        offsets[p.id] = float(d)
    return offsets


def _same_place(sources: Sequence[Point], targets: Sequence[Point]) -> np.ndarray:
    """Mask of pairs whose two points have identical coordinates (zero travel)."""
    mask = np.zeros((len(sources), len(targets)), dtype=bool)
    by_place: dict[tuple[float, float], list[int]] = {}
    for j, p in enumerate(targets):
        by_place.setdefault((p.lon, p.lat), []).append(j)
    for i, p in enumerate(sources):
        for j in by_place.get((p.lon, p.lat), ()):
            mask[i, j] = True
    return mask
