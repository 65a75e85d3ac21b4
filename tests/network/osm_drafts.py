"""Tiny OpenStreetMap files written on the fly: street grids with known shortest paths."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

LON0 = -74.10
LAT0 = 4.65
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))


@dataclass
class OsmDraft:
    """Nodes, ways and restriction relations to write as an .osm XML file."""

    nodes: dict[int, tuple[float, float, dict[str, str]]] = field(default_factory=dict)
    ways: list[tuple[int, list[int], dict[str, str]]] = field(default_factory=list)
    restrictions: list[tuple[int, str, int, int, int]] = field(default_factory=list)

    def write(self, path: Path) -> Path:
        """Write the draft as OSM XML and return the path."""
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
        for nid, (lon, lat, tags) in sorted(self.nodes.items()):
            body = "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
            lines.append(f'<node id="{nid}" lat="{lat:.9f}" lon="{lon:.9f}">{body}</node>')
        for wid, refs, tags in self.ways:
            body = "".join(f'<nd ref="{r}"/>' for r in refs)
            body += "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
            lines.append(f'<way id="{wid}">{body}</way>')
        for rid, kind, from_way, via, to_way in self.restrictions:
            lines.append(
                f'<relation id="{rid}"><member type="way" ref="{from_way}" role="from"/>'
                f'<member type="node" ref="{via}" role="via"/>'
                f'<member type="way" ref="{to_way}" role="to"/>'
                f'<tag k="type" v="restriction"/><tag k="restriction" v="{kind}"/></relation>'
            )
        lines.append("</osm>")
        path.write_text("\n".join(lines), encoding="utf-8")
        return path


def offset_lonlat(x_m: float, y_m: float) -> tuple[float, float]:
    """`[lon, lat]` of a point x metres east and y metres north of the grid origin."""
    return LON0 + x_m / M_PER_DEG_LON, LAT0 + y_m / M_PER_DEG_LAT


def node_id(row: int, col: int, cols: int) -> int:
    """Node id of a grid intersection."""
    return 1 + row * cols + col


def grid_draft(
    rows: int,
    cols: int,
    spacing_m: float,
    oneway: dict[str, str] | None = None,
    maxspeed: dict[str, str] | None = None,
) -> OsmDraft:
    """A rows x cols street grid; streets are "h<row>" (west to east) and "v<col>" (south to
    north), each one OSM way, with optional `oneway` and `maxspeed` tags per street name."""
    oneway = oneway or {}
    maxspeed = maxspeed or {}
    draft = OsmDraft()
    for r in range(rows):
        for c in range(cols):
            draft.nodes[node_id(r, c, cols)] = (*offset_lonlat(c * spacing_m, r * spacing_m), {})
    for r in range(rows):
        draft.ways.append(
            (
                1000 + r,
                [node_id(r, c, cols) for c in range(cols)],
                _street_tags(f"h{r}", oneway, maxspeed),
            )
        )
    for c in range(cols):
        draft.ways.append(
            (
                2000 + c,
                [node_id(r, c, cols) for r in range(rows)],
                _street_tags(f"v{c}", oneway, maxspeed),
            )
        )
    return draft


def _street_tags(name: str, oneway: dict[str, str], maxspeed: dict[str, str]) -> dict[str, str]:
    """Tags of one grid street."""
    tags = {"highway": "residential", "name": name}
    if name in oneway:
        tags["oneway"] = oneway[name]
    if name in maxspeed:
        tags["maxspeed"] = maxspeed[name]
    return tags
