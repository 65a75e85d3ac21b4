"""Metric coordinates: the UTM zone of an area, and great-circle lengths in metres."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyproj

EARTH_RADIUS_M = 6_371_008.8


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 UTM zone holding `[lon, lat]`."""
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


@lru_cache(maxsize=16)
def _transformer(epsg: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(4326, epsg, always_xy=True)


def to_metric_xy(lonlat: np.ndarray, epsg: int) -> np.ndarray:
    """Project an (n, 2) array of `[lon, lat]` to (n, 2) metres in the given CRS."""
    lonlat = np.asarray(lonlat, dtype=np.float64).reshape(-1, 2)
    x, y = _transformer(epsg).transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])


def haversine_m(lonlat_a: np.ndarray, lonlat_b: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres between rows of two (n, 2) `[lon, lat]` arrays."""
    a = np.radians(np.asarray(lonlat_a, dtype=np.float64).reshape(-1, 2))
    b = np.radians(np.asarray(lonlat_b, dtype=np.float64).reshape(-1, 2))
    dlon = b[:, 0] - a[:, 0]
    dlat = b[:, 1] - a[:, 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(a[:, 1]) * np.cos(b[:, 1]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def bearing_deg(lonlat_a: np.ndarray, lonlat_b: np.ndarray) -> np.ndarray:
    """Initial compass bearing in degrees (0 = north, clockwise) from rows of a to rows of b."""
    a = np.radians(np.asarray(lonlat_a, dtype=np.float64).reshape(-1, 2))
    b = np.radians(np.asarray(lonlat_b, dtype=np.float64).reshape(-1, 2))
    dlon = b[:, 0] - a[:, 0]
    x = np.sin(dlon) * np.cos(b[:, 1])
    y = np.cos(a[:, 1]) * np.sin(b[:, 1]) - np.sin(a[:, 1]) * np.cos(b[:, 1]) * np.cos(dlon)
    return np.degrees(np.arctan2(x, y)) % 360.0
