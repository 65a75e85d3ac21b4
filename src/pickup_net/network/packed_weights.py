"""Lexicographic (time, length) weights packed into exact float64 integers.

One Dijkstra run then yields both the travel time of the fastest path and that path's length
(ties broken by length): weight = time in centiseconds * 2**28 + length in decimetres. Both
parts are integers, so float64 sums stay exact below 2**53 (93 hours of driving at the
tie-breaking resolution); `unpack` refuses anything above that.
"""

from __future__ import annotations

import numpy as np

TIME_UNIT_S = 0.01
LENGTH_UNIT_M = 0.1
LENGTH_SCALE = float(2**28)
EXACT_LIMIT = float(2**53)


def pack(time_s: np.ndarray, length_m: np.ndarray) -> np.ndarray:
    """Packed weights of arcs with these seconds and metres (each rounded to its unit)."""
    time_units = np.rint(np.asarray(time_s, dtype=np.float64) / TIME_UNIT_S)
    length_units = np.rint(np.asarray(length_m, dtype=np.float64) / LENGTH_UNIT_M)
    return time_units * LENGTH_SCALE + length_units


def unpack(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seconds and metres of packed path weights; `inf` stays `inf` in both."""
    finite = np.isfinite(packed)
    if finite.any() and packed[finite].max() >= EXACT_LIMIT:
        raise OverflowError("paths longer than 93 hours exceed the packed weight range")
    seconds = np.floor(packed / LENGTH_SCALE)
    meters = seconds * LENGTH_SCALE
    np.subtract(packed, meters, out=meters, where=finite)
    meters *= LENGTH_UNIT_M
    seconds *= TIME_UNIT_S
    return seconds, meters
