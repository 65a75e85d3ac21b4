"""Place customers on real residential streets, uniformly by street length, with a seeded RNG."""

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from pyproj import Geod

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Household:
    """A generated household: where it lives, whether it prefers home delivery, how much it
    orders (`activity`); its orders make it a customer of the history."""

    id: str
    lon: float
    lat: float
    prefers_home: bool
    activity: float


def place_customers(
    streets: list[list[tuple[float, float]]],
    n: int,
    rng: np.random.Generator,
    bbox: tuple[float, float, float, float] | None = None,
    home_share: float = 0.25,
) -> list[Household]:
    """Draw `n` customers on the given street polylines, optionally inside `bbox` (lon/lat).

    Each customer gets a gamma-distributed activity factor (mean 1) so that demand is uneven
    across households, and prefers home delivery with probability `home_share`.
    """
    segments = _segments(streets, bbox)
    if len(segments) == 0:
        raise ValueError("no residential street inside the area to place customers on")
    lengths = segments[:, 4]
    chosen = rng.choice(len(segments), size=n, p=lengths / lengths.sum())
    share = rng.random(n)
    lon = segments[chosen, 0] + share * (segments[chosen, 2] - segments[chosen, 0])
    lat = segments[chosen, 1] + share * (segments[chosen, 3] - segments[chosen, 1])
    prefers_home = rng.random(n) < home_share
    activity = rng.gamma(2.0, 0.5, n)
    width = len(str(n))
    return [
        Household(f"C{i + 1:0{width}d}", round(lon[i], 7), round(lat[i], 7), bool(prefers_home[i]),
                 float(activity[i]))
        for i in range(n)
    ]  # fmt: skip


def _segments(
    streets: list[list[tuple[float, float]]], bbox: tuple[float, float, float, float] | None
) -> np.ndarray:
    """Rows of (lon1, lat1, lon2, lat2, length_m) for every street segment inside `bbox`."""
    rows = []
    for line in streets:
        for (x1, y1), (x2, y2) in pairwise(line):
            if bbox is None or all(
                bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3] for x, y in ((x1, y1), (x2, y2))
            ):
                rows.append((x1, y1, x2, y2))
    if not rows:
        return np.empty((0, 5))
    array = np.array(rows)
    _, _, length_m = _GEOD.inv(array[:, 0], array[:, 1], array[:, 2], array[:, 3])
    keep = length_m > 0
    return np.column_stack([array[keep], length_m[keep]])
