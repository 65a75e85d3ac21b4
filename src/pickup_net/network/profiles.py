"""Travel profiles: which ways a van or a walker may use and how fast, after OSRM's profiles.

The drive defaults follow OSRM's `car.lua` (the reference planners compare us to): per-class
speeds, tagged `maxspeed` times 0.8, surface caps, 2 s per traffic signal or stop sign, 1 s per
give-way sign, a sigmoid turn cost of at most 7.5 s biased against turns across traffic, 2 s more
for those, and 20 s for a U-turn (allowed at dead ends only). Bollards and other barriers
close a street to vans; gates cost 60 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CAR_SPEEDS_KMH: dict[str, float] = {
    "motorway": 90.0,
    "motorway_link": 45.0,
    "trunk": 85.0,
    "trunk_link": 40.0,
    "primary": 65.0,
    "primary_link": 30.0,
    "secondary": 55.0,
    "secondary_link": 25.0,
    "tertiary": 40.0,
    "tertiary_link": 20.0,
    "unclassified": 25.0,
    "residential": 25.0,
    "living_street": 10.0,
    "service": 15.0,
}

SURFACE_SPEEDS_KMH: dict[str, float] = {
    "cement": 80.0,
    "compacted": 80.0,
    "fine_gravel": 80.0,
    "paving_stones": 60.0,
    "metal": 60.0,
    "bricks": 60.0,
    "grass": 40.0,
    "wood": 40.0,
    "sett": 40.0,
    "grass_paver": 40.0,
    "gravel": 40.0,
    "unpaved": 40.0,
    "ground": 40.0,
    "dirt": 40.0,
    "pebblestone": 40.0,
    "cobblestone": 30.0,
    "clay": 30.0,
    "earth": 20.0,
    "stone": 20.0,
    "rocky": 20.0,
    "sand": 20.0,
    "mud": 10.0,
}

MAXSPEED_ZONES_KMH: dict[str, float] = {
    "urban": 50.0,
    "rural": 90.0,
    "trunk": 110.0,
    "motorway": 130.0,
    "living_street": 10.0,
    "none": 140.0,
    "walk": 7.0,
}

WALK_HIGHWAYS: frozenset[str] = frozenset(
    {
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "road",
        "living_street",
        "service",
        "track",
        "path",
        "footway",
        "pedestrian",
        "steps",
        "cycleway",
        "corridor",
        "bridleway",
        "platform",
        "trunk",
        "trunk_link",
    }
)


@dataclass(frozen=True)
class DriveProfile:
    """How a delivery van uses streets; the defaults mirror OSRM's car profile.

    Vans may enter streets signed for destination, delivery, customers or residents only
    (they deliver there); `no`, `private` and vehicle classes other than cars are closed.
    """

    speeds_kmh: dict[str, float] = field(default_factory=lambda: dict(CAR_SPEEDS_KMH))
    maxspeed_factor: float = 0.8
    surface_speeds_kmh: dict[str, float] = field(default_factory=lambda: dict(SURFACE_SPEEDS_KMH))
    traffic_signal_s: float = 2.0
    stop_sign_s: float = 2.0
    give_way_s: float = 1.0
    turn_penalty_s: float = 7.5
    turn_bias: float = 1.075
    oncoming_turn_s: float = 2.0
    u_turn_s: float = 20.0
    left_hand_traffic: bool = False
    closed_access: frozenset[str] = frozenset(
        {
            "no",
            "private",
            "agricultural",
            "forestry",
            "emergency",
            "psv",
            "bus",
            "taxi",
            "foot",
            "bicycle",
            "military",
            "official",
            "permit",
            "restricted",
        }
    )
    excluded_service: frozenset[str] = frozenset(
        {"parking_aisle", "driveway", "emergency_access", "drive-through"}
    )
    passable_barriers: frozenset[str] = frozenset(
        {
            "cattle_grid",
            "border_control",
            "toll_booth",
            "sally_port",
            "no",
            "entrance",
            "height_restrictor",
            "arch",
        }
    )
    barrier_delay_s: dict[str, float] = field(
        default_factory=lambda: {"gate": 60.0, "lift_gate": 60.0}
    )
    snap_access_speed_mps: float = 5.0 / 3.6
    keep_largest_component: bool = True

    def cache_key(self) -> str:
        """A stable text of every setting, for content-hash cache keys."""
        return _stable_text(self.__dict__)


@dataclass(frozen=True)
class WalkProfile:
    """How a customer walks: both directions on footways, paths and streets, never motorways."""

    highways: frozenset[str] = WALK_HIGHWAYS
    speed_mps: float = 5.0 / 3.6
    closed_access: frozenset[str] = frozenset({"no", "private"})
    keep_largest_component: bool = True

    def cache_key(self) -> str:
        """A stable text of every setting, for content-hash cache keys."""
        return _stable_text(self.__dict__)


def _stable_text(value: object) -> str:
    """Text of a settings value that does not depend on hash seeds or insertion order."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{_stable_text(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, frozenset | set):
        return "{" + ",".join(sorted(repr(v) for v in value)) + "}"
    return repr(value)
