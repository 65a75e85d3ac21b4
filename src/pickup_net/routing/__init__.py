"""Routing stage: van routes over depots, hubs and homes, with timelines and reasons."""

from pickup_net.routing.problem import (
    PRIORITY_TIERS,
    TIER_FACTOR,
    FrozenRoute,
    RoutingProblem,
    Stop,
    TimeWindow,
    Vehicle,
)
from pickup_net.routing.replan import Changes, replan
from pickup_net.routing.result import Route, RoutingResult, StopVisit, Unassigned
from pickup_net.routing.solve import solve_routing
from pickup_net.routing.timeline import RouteCheck, check_route

__all__ = [
    "PRIORITY_TIERS",
    "TIER_FACTOR",
    "Changes",
    "FrozenRoute",
    "Route",
    "RouteCheck",
    "RoutingProblem",
    "RoutingResult",
    "Stop",
    "StopVisit",
    "TimeWindow",
    "Unassigned",
    "Vehicle",
    "check_route",
    "replan",
    "solve_routing",
]
