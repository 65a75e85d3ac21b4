"""Location stage: which shops become hubs and who picks up where, with a proven bound.

Build a :class:`LocationProblem` (dense cost array with ``inf`` beyond walking reach, or a
``scipy.sparse`` CSR whose stored entries are the allowed pairs), then call
``solve_location(problem, time_limit_s=30.0)``; the :class:`LocationResult` carries the open hubs,
the assignment (``None`` = home delivery, with a reason), objective, lower bound, gap and
per-hub explanations. p-median is the special case ``home_cost = inf`` with ``n_hubs`` set.
"""

from pickup_net.location.problem import LocationProblem
from pickup_net.location.result import LocationResult
from pickup_net.location.solve import solve_location

__all__ = ["LocationProblem", "LocationResult", "solve_location"]
