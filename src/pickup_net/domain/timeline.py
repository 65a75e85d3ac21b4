"""The timeline of one stop on a van's route, shared by the routing result and the plan."""

from pydantic import BaseModel, ConfigDict, Field


class VisitTimeline(BaseModel):
    """When a van reaches a stop and what it carries: seconds since midnight of the day, the
    load left after the stop, the leg from the previous stop (the depot after a reload), and
    the trip (1, 2, ...) of the van's day it is on."""

    model_config = ConfigDict(frozen=True)

    arrival_s: float
    wait_s: float
    start_s: float
    end_s: float
    load_liters: float
    load_kg: float
    distance_m: float
    travel_s: float
    trip: int = Field(1, ge=1, description="The van's trip (1, 2, ...): it reloads between trips.")
