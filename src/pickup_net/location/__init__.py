"""Location stage: which shops become hubs and who picks up where, with a proven bound.

Build a :class:`LocationProblem` (dense cost array with ``inf`` beyond walking reach, or a
``scipy.sparse`` CSR whose stored entries are the allowed pairs), then call
``solve_location(problem, time_limit_s=30.0)``; the :class:`LocationResult` carries the open hubs,
the assignment (``None`` = home delivery, with a reason), objective, lower bound, gap and
per-hub explanations. p-median is the special case ``home_cost = inf`` with ``n_hubs`` set.
``split_components`` cuts a problem into parts that share no allowed pair; ``solve_components``
solves them and reports one bound and gap for the whole (``combine`` does the totals alone).
"""

from pickup_net.location.components import (
    ComponentsResult,
    combine,
    solve_components,
    split_components,
)
from pickup_net.location.problem import LocationProblem
from pickup_net.location.result import LocationResult
from pickup_net.location.solve import solve_location

__all__ = [
    "ComponentsResult",
    "LocationProblem",
    "LocationResult",
    "combine",
    "solve_components",
    "solve_location",
    "split_components",
]
