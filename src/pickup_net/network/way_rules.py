"""Tag rules: whether a way is open to vans or walkers, in which directions, and how fast."""

from __future__ import annotations

import re

from pickup_net.network.profiles import MAXSPEED_ZONES_KMH, DriveProfile, WalkProfile

_ACCESS_KEYS_DRIVE = ("motorcar", "motor_vehicle", "vehicle", "access")
_MPH_TO_KMH = 1.609344
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")


def drive_directions(tags: dict[str, str], profile: DriveProfile) -> tuple[bool, bool] | None:
    """Directions (forward, backward) a van may drive along the way, or None if closed."""
    highway = tags.get("highway", "")
    if highway not in profile.speeds_kmh or tags.get("area") == "yes":
        return None
    if highway == "service" and tags.get("service") in profile.excluded_service:
        return None
    for key in _ACCESS_KEYS_DRIVE:
        value = tags.get(key)
        if value is not None:
            if value.split(";")[0] in profile.closed_access:
                return None
            break
    oneway = tags.get("oneway:motor_vehicle", tags.get("oneway", ""))
    if oneway in ("yes", "true", "1"):
        return True, False
    if oneway in ("-1", "reverse"):
        return False, True
    if oneway in ("reversible", "alternating"):
        return None
    implied = highway == "motorway" or tags.get("junction") in ("roundabout", "circular")
    if implied and oneway != "no":
        return True, False
    return True, True


def parse_maxspeed_kmh(value: str | None) -> float | None:
    """Km/h of a `maxspeed` value such as "50", "30 mph", "CO:urban" or "none"; None if unknown."""
    if not value:
        return None
    first = value.split(";")[0].strip()
    match = _NUMBER.match(first)
    if match:
        speed = float(match.group(1))
        return speed * _MPH_TO_KMH if match.group(2) == "mph" else speed
    zone = first.split(":")[-1].lower()
    return MAXSPEED_ZONES_KMH.get(zone)


def drive_speeds_kmh(tags: dict[str, str], profile: DriveProfile) -> tuple[float, float]:
    """Forward and backward van speed: tagged maxspeed times the factor, else the class default."""
    base = profile.speeds_kmh[tags["highway"]]
    speeds = []
    for suffix in (":forward", ":backward"):
        tagged = parse_maxspeed_kmh(tags.get("maxspeed" + suffix) or tags.get("maxspeed"))
        speed = tagged * profile.maxspeed_factor if tagged else base
        surface_cap = profile.surface_speeds_kmh.get(tags.get("surface", ""))
        if surface_cap is not None:
            speed = min(speed, surface_cap)
        speeds.append(max(speed, 1.0))
    return speeds[0], speeds[1]


def walkable(tags: dict[str, str], profile: WalkProfile) -> bool:
    """Whether a walker may use the way (in both directions)."""
    highway = tags.get("highway", "")
    foot = tags.get("foot")
    if foot in ("yes", "designated", "permissive"):
        return highway not in ("motorway", "motorway_link")
    if foot is not None and foot in profile.closed_access:
        return False
    if highway not in profile.highways:
        return False
    if tags.get("access") in profile.closed_access:
        return False
    return tags.get("sidewalk") != "separate" or highway not in ("trunk", "trunk_link", "primary")


def blocks_vans(tags: dict[str, str] | None, profile: DriveProfile) -> bool:
    """Whether a node's tags stop a van (a bollard, a closed access tag), as OSRM's car does."""
    if not tags:
        return False
    for key in _ACCESS_KEYS_DRIVE:
        value = tags.get(key)
        if value is not None:
            return value.split(";")[0] in profile.closed_access
    barrier = tags.get("barrier")
    if barrier is None or barrier in profile.passable_barriers:
        return False
    if barrier in profile.barrier_delay_s or tags.get("bollard") == "rising":
        return False
    if tags.get("kerb") in ("lowered", "flush"):
        return False
    return not (barrier == "kerb" and tags.get("highway") == "crossing")
