"""Travel times and distances between the scenario's points: on streets, or straight lines."""

from collections.abc import Sequence
from pathlib import Path

from pickup_net.domain import Scenario
from pickup_net.io.osm_loader import load_street_network
from pickup_net.network import (
    Matrices,
    Point,
    StreetNetwork,
    route_geometry,
    straight_line_matrices,
    street_matrices,
)


class Travel:
    """Matrices and geometry for one scenario, from its street file when it has one."""

    def __init__(self, scenario: Scenario, cache_dir: Path | None = None) -> None:
        params = scenario.parameters
        self.network: StreetNetwork | None = None
        self.warnings: list[str] = []
        self._max_snap_m = params.max_snap_m
        self._circuity = params.circuity_factor
        self._speed_mps = params.fallback_speed_kmh / 3.6
        if scenario.streets_file:
            self.network = load_street_network(Path(scenario.streets_file), cache_dir)
            self.warnings += self.network.warnings

    def matrices(
        self, sources: Sequence[Point], targets: Sequence[Point] | None, mode: str
    ) -> Matrices:
        """Seconds and metres from `sources` to `targets` (all sources when None)."""
        if self.network is None:
            speed = self._speed_mps if mode == "drive" else None
            return straight_line_matrices(
                sources, targets, mode=mode, circuity=self._circuity, speed_mps=speed
            )
        return street_matrices(
            self.network, sources, targets, mode=mode, max_snap_m=self._max_snap_m
        )

    def geometry(self, stops: Sequence[Point]) -> list[tuple[float, float]]:
        """The drivable line through `stops` in order; straight segments without streets."""
        if self.network is None:
            return [(p.lon, p.lat) for p in stops]
        return route_geometry(self.network, stops)
