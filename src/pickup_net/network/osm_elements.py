"""Parsed OpenStreetMap elements: the plain data a street graph is built from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class OsmWay:
    """One `highway=*` way: its id, its node ids in order and its tags."""

    id: int
    node_ids: tuple[int, ...]
    tags: dict[str, str]


@dataclass(frozen=True, slots=True)
class TurnRestriction:
    """A `type=restriction` relation with a via node, for motor vehicles.

    `kind` is "no" (this turn is forbidden) or "only" (every other turn from `from_way` at
    `via_node` is forbidden).
    """

    kind: str
    from_way: int
    via_node: int
    to_way: int


@dataclass(slots=True)
class OsmElements:
    """The street-relevant content of one OSM extract.

    `node_lonlat` holds the `[lon, lat]` of every node that a way references and the file
    contains; `node_tags` only the nodes that carry tags the profiles use (signals, stops,
    barriers). Ways are kept as given: a node id missing from `node_lonlat` marks a reference
    that the extract clipped away.
    """

    node_lonlat: dict[int, tuple[float, float]] = field(default_factory=dict)
    node_tags: dict[int, dict[str, str]] = field(default_factory=dict)
    ways: list[OsmWay] = field(default_factory=list)
    restrictions: list[TurnRestriction] = field(default_factory=list)
    skipped_restrictions: int = 0
