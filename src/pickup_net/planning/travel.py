"""Travel times and distances between the plan's places: on streets, or straight lines."""

from collections.abc import Sequence

from pickup_net.domain import Budget, Parameters, Ref
from pickup_net.network import (
    Matrices,
    Point,
    StreetNetwork,
    route_geometry,
    straight_line_matrices,
    street_matrices,
)

Place = tuple[Ref, float, float]
"""A place to travel between: what it is, and its [lon, lat]."""
PARALLEL_MIN_SOURCES = 200
"""Below this many sources a matrix is computed in this process: starting workers costs more."""


class Travel:
    """Matrices and geometry between places, on the street network when there is one.

    Places are keyed by `Ref`; the network sees each as a point named `str(ref)`, and matrices
    come back in the order of the places given, so nothing is parsed back from names.
    """

    def __init__(
        self, parameters: Parameters, network: StreetNetwork | None, budget: Budget
    ) -> None:
        self.network = network
        self._workers = budget.processes if budget.start_method == "fork" else 1
        self.warnings: list[str] = list(network.warnings) if network is not None else []
        self._max_snap_m = parameters.max_snap_m
        self._circuity = parameters.circuity_factor
        self._speed_mps = parameters.fallback_speed_kmh / 3.6

    def matrices(
        self, sources: Sequence[Place], targets: Sequence[Place] | None, mode: str
    ) -> Matrices:
        """Seconds and metres from `sources` to `targets` (all sources when None)."""
        source_points = _points(sources)
        target_points = None if targets is None else _points(targets)
        if self.network is None:
            speed = self._speed_mps if mode == "drive" else None
            return straight_line_matrices(
                source_points, target_points, mode=mode, circuity=self._circuity, speed_mps=speed
            )
        workers = self._workers if len(sources) >= PARALLEL_MIN_SOURCES else 1
        return street_matrices(
            self.network,
            source_points,
            target_points,
            mode=mode,
            max_snap_m=self._max_snap_m,
            workers=workers,
        )

    def geometry(self, stops: Sequence[Place]) -> list[tuple[float, float]]:
        """The drivable line through `stops` in order; straight segments without streets."""
        if self.network is None:
            return [(lon, lat) for _, lon, lat in stops]
        return route_geometry(self.network, _points(stops))


def _points(places: Sequence[Place]) -> list[Point]:
    return [Point(str(ref), lon, lat) for ref, lon, lat in places]
