"""Turn real OSM corner shops into candidate hubs, and add synthetic ones on real streets."""

import numpy as np

from pickup_net.domain import Shop
from pickup_net.domain.opening_hours import OpeningHoursError, parse_opening_hours
from pickup_net.io.osm_features import OsmShop

# shop type -> (storage litres, max pickups per day, default opening hours, handling fee)
_PROFILE = {
    "supermarket": (1_500, 120, "Mo-Sa 07:00-21:00; Su 08:00-18:00", 1_500),
    "convenience": (400, 50, "Mo-Sa 07:00-21:00; Su 08:00-14:00", 1_200),
    "kiosk": (120, 20, "Mo-Sa 07:00-19:00", 1_000),
    "bakery": (250, 30, "Mo-Sa 06:00-20:00; Su 07:00-13:00", 1_200),
}
_DEFAULT = (250, 30, "Mo-Sa 08:00-13:00,15:00-20:00", 1_200)


def shops_from_osm(osm_shops: list[OsmShop]) -> list[Shop]:
    """Candidate hubs from real shops: real name, position and hours (when the OSM tag parses).

    Storage, daily pickup capacity and handling fee are documented per-type estimates.
    """
    shops = []
    for osm_shop in osm_shops:
        storage, pickups, hours, fee = _PROFILE.get(osm_shop.shop_type, _DEFAULT)
        shops.append(
            Shop(
                id=osm_shop.osm_id,
                name=osm_shop.name or f"{osm_shop.shop_type} {osm_shop.osm_id}",
                lon=round(osm_shop.lon, 7),
                lat=round(osm_shop.lat, 7),
                storage_liters=storage,
                max_pickups_per_day=pickups,
                opening_hours=_usable_hours(osm_shop.opening_hours) or hours,
                handling_fee=fee,
                shop_type=osm_shop.shop_type,
            )
        )
    return shops


def synthetic_shops(
    points: list[tuple[float, float]], rng: np.random.Generator, prefix: str = "S"
) -> list[Shop]:
    """Candidate hubs at the given street points, marked `synthetic`, with convenience profiles."""
    types = rng.choice(list(_PROFILE), size=len(points), p=[0.1, 0.5, 0.2, 0.2])
    width = len(str(len(points)))
    shops = []
    for i, ((lon, lat), shop_type) in enumerate(zip(points, types, strict=True)):
        storage, pickups, hours, fee = _PROFILE[str(shop_type)]
        shops.append(
            Shop(
                id=f"{prefix}{i + 1:0{width}d}",
                name=f"synthetic {shop_type} {i + 1}",
                lon=round(lon, 7),
                lat=round(lat, 7),
                storage_liters=storage,
                max_pickups_per_day=pickups,
                opening_hours=hours,
                handling_fee=fee,
                synthetic=True,
                shop_type=str(shop_type),
            )
        )
    return shops


def _usable_hours(text: str) -> str | None:
    """The OSM tag when our parser understands it, else None (the type default applies)."""
    if not text:
        return None
    try:
        parse_opening_hours(text)
    except OpeningHoursError:
        return None
    return text
