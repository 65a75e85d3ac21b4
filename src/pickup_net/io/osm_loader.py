"""Read OpenStreetMap extracts (.osm.pbf, .osm, .osm.xml, .osm.gz, .osm.bz2) as street networks."""

from __future__ import annotations

import warnings
from pathlib import Path

import osmium
from osmium.filter import KeyFilter, TagFilter
from osmium.osm import NODE, RELATION, WAY

from pickup_net.network import StreetNetwork, build_street_network
from pickup_net.network.osm_elements import OsmElements, OsmWay, TurnRestriction
from pickup_net.network.profiles import DriveProfile, WalkProfile

SUFFIXES = (
    ".osm.pbf",
    ".pbf",
    ".osm",
    ".osm.xml",
    ".xml",
    ".osm.gz",
    ".osm.bz2",
    ".xml.gz",
    ".xml.bz2",
)
_NODE_KEYS = ("highway", "barrier")
_RESTRICTION_KEYS = (
    "restriction:motorcar",
    "restriction:motor_vehicle",
    "restriction:vehicle",
    "restriction",
)
_EXEMPT = {"motorcar", "motor_vehicle", "vehicle"}


class StreetDataWarning(UserWarning):
    """An extract loaded, but with gaps the plan should mention (clipped ways, dropped parts)."""


def read_osm_elements(path: Path) -> OsmElements:
    """Parse the street-relevant ways, node locations, node tags and turn restrictions.

    Ways whose nodes lie outside a clipped extract keep their other nodes; the builder cuts
    them at the gaps.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"streets: {path.name} does not exist")
    problem = osm_file_problem(path)
    if problem is not None:
        raise ValueError(problem)
    try:
        return _read_elements(path)
    except (RuntimeError, osmium.InvalidLocationError) as error:
        raise ValueError(_not_osm(path.name, str(error))) from None


def osm_file_problem(path: Path, name: str | None = None) -> str | None:
    """Why `path` is not an OSM extract (its suffix, or a header osmium cannot read), or None;
    the message names the file as `name` (default: its file name)."""
    name = name or path.name
    if not path.name.lower().endswith(SUFFIXES):
        return _not_osm(name, f"expected one of {', '.join(SUFFIXES)}")
    try:
        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        try:
            reader.header()
        finally:
            reader.close()
    except RuntimeError as error:
        return _not_osm(name, str(error))
    return None


def _not_osm(name: str, detail: str) -> str:
    return f"streets: {name} is not an OSM extract ({detail[:200]})"


def _read_elements(path: Path) -> OsmElements:
    """Parse the street-relevant elements of an extract whose header osmium read."""
    elements = OsmElements()
    processor = (
        osmium.FileProcessor(str(path))
        .with_locations()
        .with_filter(KeyFilter(*_NODE_KEYS).enable_for(NODE))
        .with_filter(KeyFilter("highway").enable_for(WAY))
        .with_filter(TagFilter(("type", "restriction")).enable_for(RELATION))
    )
    node_lonlat = elements.node_lonlat
    for obj in processor:
        if obj.is_way():
            ids = []
            for ref in obj.nodes:
                ids.append(ref.ref)
                if ref.location.valid():
                    node_lonlat[ref.ref] = (ref.location.lon, ref.location.lat)
            elements.ways.append(OsmWay(obj.id, tuple(ids), dict(obj.tags)))
        elif obj.is_node():
            elements.node_tags[obj.id] = dict(obj.tags)
        elif obj.is_relation():
            restriction = _restriction(obj)
            if restriction is None:
                elements.skipped_restrictions += 1
            elif restriction is not False:
                elements.restrictions.append(restriction)
    return elements


def _restriction(relation: osmium.osm.Relation) -> TurnRestriction | bool | None:
    """The motor-vehicle turn restriction of a relation; False if not for cars, None if unusable."""
    tags = relation.tags
    value = next((tags[k] for k in _RESTRICTION_KEYS if k in tags), None)
    if value is None:
        return False
    if _EXEMPT & set(tags.get("except", "").split(";")):
        return False
    kind = value.split("_")[0]
    if kind not in ("no", "only"):
        return None
    roles: dict[str, list[tuple[str, int]]] = {}
    for member in relation.members:
        roles.setdefault(member.role, []).append((member.type, member.ref))
    from_, via, to = roles.get("from", []), roles.get("via", []), roles.get("to", [])
    if len(from_) != 1 or len(via) != 1 or len(to) != 1 or via[0][0] != "n":
        return None
    if from_[0][0] != "w" or to[0][0] != "w":
        return None
    return TurnRestriction(kind, from_[0][1], via[0][1], to[0][1])


def load_street_network(
    path: Path,
    cache_dir: Path | None = None,
    drive_profile: DriveProfile | None = None,
    walk_profile: WalkProfile | None = None,
) -> StreetNetwork:
    """Load an OSM extract as a StreetNetwork, from the disk cache when it has this content.

    Parameters
    ----------
    path
        An `.osm.pbf`, `.osm`, `.osm.xml`, `.osm.gz` or `.osm.bz2` file.
    cache_dir
        Folder of cached networks keyed by a hash of the file's bytes and the profiles; no
        caching when None.
    drive_profile, walk_profile
        Speeds and access rules; OSRM-like defaults when None.

    Returns
    -------
    StreetNetwork
        With `warnings` naming what was clipped or dropped (each also issued as a
        `StreetDataWarning`).
    """
    from pickup_net.io.network_cache import NetworkCache, network_key

    drive_profile = drive_profile or DriveProfile()
    walk_profile = walk_profile or WalkProfile()
    key = network_key(Path(path), drive_profile, walk_profile)
    cache = NetworkCache(cache_dir) if cache_dir is not None else None
    network = cache.load_network(key) if cache is not None else None
    if network is None:
        network = build_street_network(read_osm_elements(Path(path)), drive_profile, walk_profile)
        network.content_key = key
        network.stats["source_file"] = Path(path).name
        if cache is not None:
            cache.save_network(key, network)
    for message in network.warnings:
        warnings.warn(message, StreetDataWarning, stacklevel=2)
    return network
