"""Location stage: which shops become hubs and who picks up where, with a proven bound."""

from pickup_net.location.problem import LocationProblem
from pickup_net.location.result import LocationResult
from pickup_net.location.solve import solve_location

__all__ = ["LocationProblem", "LocationResult", "solve_location"]
