"""Certain reasons from the pre-solve screen."""

from __future__ import annotations

import numpy as np
import pytest
from routing.cases import HOUR, matrices, van

from pickup_net.routing import RoutingProblem, Stop, TimeWindow, solve_routing


def _problem(stop: Stop, unreachable: tuple[int, ...] = (), **vehicle: float) -> RoutingProblem:
    xy = np.array([[0.0, 0.0], [3000.0, 0.0], [0.0, 3000.0]])
    seconds, meters = matrices(xy, unreachable)
    ok = Stop("ok", "home", 1, 10.0, 1.0, 60)
    return RoutingProblem(["d", "a", "b"], seconds, meters, [van("v0", **vehicle)], [ok, stop])


@pytest.mark.parametrize(
    ("stop", "unreachable", "vehicle", "words"),
    [
        (Stop("x", "home", 2, 1.0, 1.0, 60), (2,), {}, "unreachable"),
        (Stop("x", "home", 2, 5000.0, 1.0, 60), (), {}, "large enough"),
        (Stop("x", "home", 2, 1.0, 1.0, 60, (TimeWindow(6 * HOUR, 7 * HOUR),)), (), {}, "close"),
        (Stop("x", "home", 2, 1.0, 1.0, 4 * HOUR), (), {"max_duration_s": 2 * HOUR}, "shift"),
    ],
)
def test_unservable_stop_gets_certain_reason(
    stop: Stop, unreachable: tuple[int, ...], vehicle: dict, words: str
) -> None:
    """A stop no vehicle can serve alone is unassigned with a certain, specific reason."""
    result = solve_routing(_problem(stop, unreachable, **vehicle), time_limit_s=0.3)
    (u,) = result.unassigned
    assert u.stop_id == "x" and u.certain and words in u.reason
    assert [v.stop_id for r in result.routes for v in r.visits] == ["ok"]


def test_validation_names_field_and_value() -> None:
    """Bad input is refused with the field and the bad value in the message."""
    with pytest.raises(ValueError, match=r"stops\[1\]\.priority: 7"):
        _problem(Stop("x", "home", 2, 1.0, 1.0, 60, priority=7))
