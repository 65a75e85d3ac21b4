"""Drop generated customers that the drivable network cannot serve (far from its streets)."""

from pickup_net.domain import Scenario
from pickup_net.network import Point, StreetNetwork
from pickup_net.network.snapping import snap_points

EARTH_CIRCUMFERENCE_M = 40_075_000.0
"""No point is farther than this from any street: snapping with it never refuses a point."""


def keep_customers_near_streets(
    scenario: Scenario, network: StreetNetwork, max_offset_m: float = 100.0
) -> Scenario:
    """The scenario without the orders of customers more than `max_offset_m` from a drive street.

    Residential ways cut off from the main drivable component (gated streets, clipped edges)
    would otherwise put customers out of every van's reach.
    """
    points = list(
        {o.customer_id: Point(o.customer_id, o.lon, o.lat) for o in scenario.orders}.values()
    )
    snapped = snap_points(
        network.arrays("drive"), points, max_snap_m=EARTH_CIRCUMFERENCE_M, field="customers"
    )
    far = {
        p.id for p, offset in zip(points, snapped.offset_m, strict=True) if offset > max_offset_m
    }
    return scenario.model_copy(
        update={"orders": [o for o in scenario.orders if o.customer_id not in far]}
    )
