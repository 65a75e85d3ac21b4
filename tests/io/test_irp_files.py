"""Archetti / DIMACS ``.dat`` instances and solution JSON files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pickup_net.inventory import Delivery, IRPSolution, cost, violations
from pickup_net.io.irp_files import read_irp, read_solution, solution_json, write_solution

INSTANCE = Path(__file__).parents[1] / "inventory" / "data" / "S_abs1n5_2_L3.dat"
OPTIMUM = IRPSolution(
    (
        ((Delivery(1, 65),),),
        ((Delivery(3, 116),), (Delivery(4, 48), Delivery(2, 35), Delivery(5, 22))),
        (),
    )
)


def test_read_irp_header_depot_customers_and_rounded_distances():
    """The file's header, depot and customer lines land in the right fields; arcs round half up."""
    p = read_irp(INSTANCE)
    assert (p.name, p.n, p.periods, p.capacity, p.vehicles) == ("S_abs1n5_2_L3", 5, 3, 144, 2)
    assert (p.depot_initial, p.depot_holding) == (510, 0.03)
    assert p.depot_production.tolist() == [193, 193, 193]
    assert p.initial.tolist() == [130, 70, 58, 48, 11]
    assert p.max_level.tolist() == [195, 105, 116, 72, 22]
    assert p.demand[:, 0].tolist() == [65, 35, 58, 24, 11]
    assert p.holding.tolist() == [0.02, 0.03, 0.03, 0.02, 0.02]
    assert p.distance[0, 1] == 85  # sqrt(18^2 + 83^2) = 84.93
    assert p.distance[0, 3] == 17  # sqrt(6^2 + 16^2) = 17.09
    assert (p.distance == p.distance.T).all()


def test_solution_json_matches_the_readme_format(tmp_path):
    """The optimum is written as the README shows it: periods from 1, integer quantities."""
    path = tmp_path / "S_abs1n5_2_L3.json"
    write_solution(path, "S_abs1n5_2_L3", OPTIMUM, 1373.41)
    data = json.loads(path.read_text())
    assert data["instance"] == "S_abs1n5_2_L3"
    assert data["cost"] == 1373.41
    assert data["routes"][0] == {"period": 1, "stops": [{"customer": 1, "quantity": 65}]}
    assert [r["period"] for r in data["routes"]] == [1, 2, 2]
    assert solution_json("x", OPTIMUM, 1.0)["routes"] == data["routes"]


def test_solution_round_trip_is_exact(tmp_path):
    """A written solution reads back to the same routes, and the checker prices it 1373.41."""
    path = tmp_path / "s.json"
    write_solution(path, "S_abs1n5_2_L3", OPTIMUM, 1373.41)
    name, stated, solution = read_solution(path, periods=3)
    assert (name, stated, solution) == ("S_abs1n5_2_L3", 1373.41, OPTIMUM)
    problem = read_irp(INSTANCE)
    assert violations(problem, solution) == []
    assert cost(problem, solution).total == pytest.approx(1373.41)


def test_read_solution_rejects_a_period_outside_the_horizon(tmp_path):
    """A route in period 4 of a 3-period instance is an error naming the period."""
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"instance": "x", "cost": 0, "routes": [{"period": 4, "stops": []}]})
    )
    with pytest.raises(ValueError, match="period 4"):
        read_solution(path, periods=3)
