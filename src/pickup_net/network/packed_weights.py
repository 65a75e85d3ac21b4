"""Lexicographic (time, length) weights packed into exact float64 integers.

One Dijkstra run then yields both the travel time of the fastest path and that path's length
(ties broken by length): weight = time in centiseconds * 2**28 + length in length units. Both
parts are integers, so float64 sums stay exact below 2**53 (93 hours of driving); `unpack`
refuses anything above that. The length unit is the finest of 1 cm, 1 dm, 1 m and 10 m in
which the whole graph's length fits in 28 bits, so no path's length can spill into the time
part.
"""

from __future__ import annotations

import numpy as np

TIME_UNIT_S = 0.01
LENGTH_UNITS_M = (0.01, 0.1, 1.0, 10.0)
LENGTH_SCALE = float(2**28)
EXACT_LIMIT = float(2**53)


def length_unit_m(total_length_m: float) -> float:
    """The finest length unit in which a graph of this total length fits the packed range."""
    for unit in LENGTH_UNITS_M:
        if total_length_m / unit < LENGTH_SCALE:
            return unit
    raise OverflowError(f"a street graph of {total_length_m / 1000:.0f} km is too large to pack")


def pack(time_s: np.ndarray, length_m: np.ndarray, unit_m: float) -> np.ndarray:
    """Packed weights of arcs with these seconds and metres (each rounded to its unit)."""
    time_units = np.rint(np.asarray(time_s, dtype=np.float64) / TIME_UNIT_S)
    length_units = np.rint(np.asarray(length_m, dtype=np.float64) / unit_m)
    return time_units * LENGTH_SCALE + length_units


def unpack(packed: np.ndarray, unit_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Seconds and metres of packed path weights; `inf` stays `inf` in both."""
    finite = np.isfinite(packed)
    if finite.any() and packed[finite].max() >= EXACT_LIMIT:
        raise OverflowError("paths longer than 93 hours exceed the packed weight range")
    seconds = np.floor(packed / LENGTH_SCALE)
    meters = seconds * LENGTH_SCALE
    np.subtract(packed, meters, out=meters, where=finite)
    meters *= unit_m
    seconds *= TIME_UNIT_S
    return seconds, meters
