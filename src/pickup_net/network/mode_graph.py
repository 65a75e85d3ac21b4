"""The compiled form of one travel mode's street graph: flat numpy arrays, cheap to pickle."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from pickup_net.network.packed_weights import length_unit_m


@dataclass
class ModeGraph:
    """Streets of one mode as arrays.

    A *segment* is a stretch of one OSM way between two graph nodes, with its shape; it has a
    forward edge (along the way's drawing order) and/or a backward edge. Drive graphs also hold
    turn arcs between edges (edge-based routing, so turn costs and restrictions are exact);
    walk graphs route node to node.
    """

    mode: str
    epsg: int
    node_osm_id: np.ndarray
    node_lonlat: np.ndarray
    seg_ptr: np.ndarray
    seg_lonlat: np.ndarray
    seg_xy: np.ndarray
    seg_len_m: np.ndarray
    seg_way_id: np.ndarray
    seg_highway: np.ndarray
    seg_u: np.ndarray
    seg_v: np.ndarray
    seg_edge: np.ndarray
    edge_seg: np.ndarray
    edge_forward: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_time_s: np.ndarray
    edge_len_m: np.ndarray
    arc_from: np.ndarray
    arc_to: np.ndarray
    arc_turn_s: np.ndarray
    offset_speed_mps: float
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the arrays only; search trees and matrices are rebuilt on demand."""
        state = dict(self.__dict__)
        state["_cache"] = {}
        return state

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return int(self.edge_seg.shape[0])

    @property
    def n_segments(self) -> int:
        """Number of segments (a two-way street counts once)."""
        return int(self.seg_len_m.shape[0])

    def length_unit_m(self) -> float:
        """Length unit of this graph's packed weights (see `packed_weights`)."""
        if "length_unit" not in self._cache:
            self._cache["length_unit"] = length_unit_m(float(self.edge_len_m.sum()))
        return self._cache["length_unit"]

    def segment_lonlat(self, seg: int) -> np.ndarray:
        """The `[lon, lat]` shape of one segment, in drawing order."""
        return self.seg_lonlat[self.seg_ptr[seg] : self.seg_ptr[seg + 1]]

    def piece_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Straight pieces of all segments: owning segment, metres along it, start and end xy."""
        if "pieces" not in self._cache:
            counts = np.diff(self.seg_ptr) - 1
            piece_seg = np.repeat(np.arange(self.n_segments), counts)
            starts = self.piece_start_index()
            a = self.seg_xy[starts]
            b = self.seg_xy[starts + 1]
            piece_len = np.hypot(*(b - a).T)
            cum = np.cumsum(piece_len)
            seg_first = np.concatenate([[0], np.cumsum(counts)[:-1]])
            before = cum - piece_len
            along = before - before[seg_first][piece_seg]
            self._cache["pieces"] = (piece_seg, along, a, b)
        return self._cache["pieces"]

    def piece_start_index(self) -> np.ndarray:
        """Index into `seg_lonlat` of the first point of every straight piece."""
        if "piece_start" not in self._cache:
            boundaries = self.seg_ptr[1:-1] - 1
            everything = np.arange(self.seg_lonlat.shape[0] - 1)
            self._cache["piece_start"] = np.delete(everything, boundaries)
        return self._cache["piece_start"]

    def segment_xy_len_m(self) -> np.ndarray:
        """Projected length of every segment, the denominator of snapped fractions."""
        if "seg_xy_len" not in self._cache:
            piece_seg, _, a, b = self.piece_arrays()
            self._cache["seg_xy_len"] = np.bincount(
                piece_seg, weights=np.hypot(*(b - a).T), minlength=self.n_segments
            )
        return self._cache["seg_xy_len"]

    def piece_tree(self) -> shapely.STRtree:
        """An R-tree over the straight pieces, built once per process."""
        if "tree" not in self._cache:
            _, _, a, b = self.piece_arrays()
            lines = shapely.linestrings(np.stack([a, b], axis=1))
            self._cache["tree"] = shapely.STRtree(lines)
        return self._cache["tree"]
