"""Tiny named instances shared by the routing tests."""

from __future__ import annotations

import numpy as np
import pytest
from routing.cases import matrices, van

from pickup_net.routing import RoutingProblem, Stop


@pytest.fixture
def line_problem() -> RoutingProblem:
    """Depot at 0 and four shops on a line 2 km apart; one van."""
    xy = np.array([[0.0, 0.0], [2000.0, 0.0], [4000.0, 0.0], [6000.0, 0.0], [8000.0, 0.0]])
    seconds, meters = matrices(xy)
    stops = [Stop(f"s{i}", "replenish", i, 50.0, 20.0, 300) for i in range(1, 5)]
    return RoutingProblem([f"L{i}" for i in range(5)], seconds, meters, [van("v0")], stops)
