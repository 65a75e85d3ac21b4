"""The fallback when a scenario has no street file: straight lines times a circuity factor.

`DEFAULT_CIRCUITY` is the street-to-crow-flight distance ratio. Walking uses 1.3: shortest
street paths are 1.2-1.4 times the straight line in published national samples (Ballou,
Rahardja and Sakai 2002), and our walk matrix on the Bogotá Fontibón extract gives a median of
1.31-1.35. Driving uses 1.5: the fastest van path also detours around one-way streets and onto
faster roads (median 1.58 on the same extract, pairs over 1 km). Drive speed defaults to
25 km/h, an urban van average with stops and signals; walking to 5 km/h, as in OSRM's foot
profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from pickup_net.network.matrices import Matrices
from pickup_net.network.projection import haversine_m
from pickup_net.network.snapping import validate_points
from pickup_net.network.street_network import Point

DEFAULT_CIRCUITY: dict[str, float] = {"drive": 1.5, "walk": 1.3}
DEFAULT_SPEED_MPS: dict[str, float] = {"drive": 25.0 / 3.6, "walk": 5.0 / 3.6}


def straight_line_matrices(
    sources: Sequence[Point],
    targets: Sequence[Point] | None = None,
    mode: Literal["drive", "walk"] = "drive",
    circuity: float | None = None,
    speed_mps: float | None = None,
) -> Matrices:
    """Great-circle distance times `circuity`, and that over `speed_mps`, between points.

    Parameters
    ----------
    sources, targets
        Points with the caller's ids; `targets=None` means the square matrix of `sources`.
    mode
        "drive" or "walk"; picks the default speed.
    circuity
        Street distance per straight-line metre (at least 1); `DEFAULT_CIRCUITY[mode]` when
        None.
    speed_mps
        Travel speed; `DEFAULT_SPEED_MPS[mode]` when None.

    Returns
    -------
    Matrices
        With a warning in `.warnings` saying that no streets were used.
    """
    if mode not in DEFAULT_SPEED_MPS:
        raise ValueError(f"mode: {mode!r} is not 'drive' or 'walk'")
    circuity = DEFAULT_CIRCUITY[mode] if circuity is None else circuity
    if not (np.isfinite(circuity) and circuity >= 1.0):
        raise ValueError(f"circuity: {circuity!r} is not a number of at least 1")
    speed = DEFAULT_SPEED_MPS[mode] if speed_mps is None else speed_mps
    if not (np.isfinite(speed) and speed > 0):
        raise ValueError(f"speed_mps: {speed_mps!r} is not a positive speed")
    targets = sources if targets is None else targets
    a = validate_points(sources, "sources")
    b = validate_points(targets, "targets")
    rows = np.repeat(a, b.shape[0], axis=0)
    cols = np.tile(b, (a.shape[0], 1))
    meters = (haversine_m(rows, cols) * circuity).reshape(a.shape[0], b.shape[0])
    warning = (
        f"network: no street file, so {mode} distances are straight lines times circuity "
        f"{circuity:g} and times assume {speed * 3.6:.1f} km/h"
    )
    return Matrices(
        ids=[p.id for p in sources],
        target_ids=[p.id for p in targets],
        seconds=meters / speed,
        meters=meters,
        unreachable=[],
        snap_offset_m={**{p.id: 0.0 for p in sources}, **{p.id: 0.0 for p in targets}},
        warnings=[warning],
    )
