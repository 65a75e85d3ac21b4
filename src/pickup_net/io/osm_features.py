"""Read what a scenario generator needs from an OSM extract: corner shops and street lines."""

from dataclasses import dataclass, field
from pathlib import Path

import osmium

CORNER_SHOP_TYPES = frozenset(
    {
        "convenience", "supermarket", "kiosk", "greengrocer", "bakery", "butcher", "general",
        "variety_store", "beverages", "alcohol", "deli", "dairy", "frozen_food", "chemist",
        "newsagent", "pastry", "confectionery", "seafood", "tobacco",
    }
)  # fmt: skip
RESIDENTIAL_HIGHWAYS = frozenset({"residential", "living_street", "unclassified"})
MAJOR_HIGHWAYS = frozenset({"primary", "secondary", "tertiary", "trunk"})


@dataclass(frozen=True)
class OsmShop:
    """A real shop from the extract; ways are represented by the mean of their node positions."""

    osm_id: str
    name: str
    shop_type: str
    lon: float
    lat: float
    opening_hours: str


@dataclass
class OsmFeatures:
    """Corner shops and street polylines ([lon, lat] lists) found in one extract."""

    shops: list[OsmShop] = field(default_factory=list)
    residential_streets: list[list[tuple[float, float]]] = field(default_factory=list)
    major_streets: list[list[tuple[float, float]]] = field(default_factory=list)


def read_osm_features(path: Path) -> OsmFeatures:
    """Collect corner shops and residential/major street polylines from `path`.

    Ways that reference nodes missing from a clipped extract keep their known nodes.
    """
    features = OsmFeatures()
    processor = (
        osmium.FileProcessor(str(path))
        .with_locations()
        .with_filter(osmium.filter.KeyFilter("shop", "highway"))
    )
    for obj in processor:
        if obj.is_relation():
            continue
        tags = obj.tags
        shop_type = tags.get("shop")
        if shop_type in CORNER_SHOP_TYPES:
            position = _position(obj)
            if position is not None:
                features.shops.append(
                    OsmShop(
                        osm_id=f"{'n' if obj.is_node() else 'w'}{obj.id}",
                        name=tags.get("name", ""),
                        shop_type=shop_type,
                        lon=position[0],
                        lat=position[1],
                        opening_hours=tags.get("opening_hours", ""),
                    )
                )
        if obj.is_way():
            highway = tags.get("highway")
            line = _way_coords(obj)
            if len(line) < 2:
                continue
            if highway in RESIDENTIAL_HIGHWAYS:
                features.residential_streets.append(line)
            elif highway in MAJOR_HIGHWAYS:
                features.major_streets.append(line)
    return features


def _way_coords(way: osmium.osm.Way) -> list[tuple[float, float]]:
    return [(node.lon, node.lat) for node in way.nodes if node.location.valid()]


def _position(obj: osmium.osm.OSMObject) -> tuple[float, float] | None:
    if obj.is_node():
        return (obj.location.lon, obj.location.lat) if obj.location.valid() else None
    coords = _way_coords(obj)
    if not coords:
        return None
    return (sum(c[0] for c in coords) / len(coords), sum(c[1] for c in coords) / len(coords))
