"""The street network of one area: the networkx model plus its compiled arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import networkx as nx

from pickup_net.network.mode_graph import ModeGraph


class Point(NamedTuple):
    """A located thing (depot, shop, customer) with the caller's id, in `[lon, lat]` order."""

    id: str
    lon: float
    lat: float


@dataclass
class StreetNetwork:
    """Drive and walk graphs of one extract.

    `drive` and `walk` are networkx DiGraphs keyed by OSM node id, each edge carrying
    `length_m`, `time_s` (driving it at its speed), `way_id`, `highway` and `geometry`
    (`[lon, lat]` tuples). `drive_arrays` and `walk_arrays` are the same graphs as flat arrays
    for the compiled shortest-path code; the drive arrays also hold the turn arcs, whose costs
    include turn penalties and node delays (signals, stop signs, gates). `warnings` says what
    the extract lacked or what was dropped; `stats` gives sizes. The whole object pickles (for
    Dask workers).
    """

    drive: nx.DiGraph
    walk: nx.DiGraph
    bbox_lonlat: tuple[float, float, float, float]
    warnings: list[str]
    stats: dict[str, object]
    drive_arrays: ModeGraph
    walk_arrays: ModeGraph
    walk_speed_mps: float
    content_key: str = field(default="")

    def arrays(self, mode: str) -> ModeGraph:
        """The compiled graph of a mode ("drive" or "walk")."""
        if mode == "drive":
            return self.drive_arrays
        if mode == "walk":
            return self.walk_arrays
        raise ValueError(f"mode: {mode!r} is not 'drive' or 'walk'")
