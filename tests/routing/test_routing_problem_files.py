"""Routing problems as JSON files: round trip and hostile files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from routing.cases import problems

from pickup_net.io.routing_problem_files import read_routing_problem, write_routing_problem
from pickup_net.routing import RoutingProblem


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(problems(max_trips=3))
def test_round_trip_keeps_the_problem(tmp_path: Path, problem: RoutingProblem) -> None:
    """Writing and reading a problem gives the same vehicles, stops and matrices (inf kept)."""
    path = tmp_path / "p.json"
    write_routing_problem(path, problem, "day")
    name, back = read_routing_problem(path)
    assert name == "day"
    assert back.vehicles == problem.vehicles and back.stops == problem.stops
    assert back.location_ids == problem.location_ids
    np.testing.assert_array_equal(back.seconds, problem.seconds)
    np.testing.assert_array_equal(back.meters, problem.meters)


def _document(tmp_path: Path, problem: RoutingProblem) -> dict:
    path = tmp_path / "p.json"
    write_routing_problem(path, problem)
    return json.loads(path.read_text())


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["vehicles"][0].update(max_trips=0), "vehicles.0.max_trips"),
        (lambda d: d["stops"][0].update(location=99), "stops[0].location: 99"),
        (lambda d: d["stops"][0].update(liters=-1), "stops.0.liters"),
        (lambda d: d["seconds"].pop(), "seconds: not a"),
        (lambda d: d.update(version=7), "version"),
        (lambda d: d["stops"][0].update(extra="x"), "stops.0.extra"),
    ],
)
def test_hostile_files_are_refused_naming_the_field(
    tmp_path: Path, line_problem: RoutingProblem, change, named: str
) -> None:
    """A bad count, index, amount, shape, version or unknown field is refused by name."""
    document = _document(tmp_path, line_problem)
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=named.replace("[", r"\[").replace(".", r"\.")):
        read_routing_problem(path)
