"""The independent checker: every rule it enforces, and the cost convention."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from pickup_net.inventory import Delivery, IRPProblem, IRPSolution, cost, violations

d = Delivery


def test_readme_optimum_is_feasible_and_costs_1373_41(readme_problem, readme_optimum):
    """The README's optimal solution breaks no rule and costs 1302 + 71.41 = 1373.41."""
    assert violations(readme_problem, readme_optimum) == []
    split = cost(readme_problem, readme_optimum)
    assert split.routing == 1302
    assert split.holding == pytest.approx(71.41, abs=1e-9)
    assert split.total == pytest.approx(1373.41, abs=1e-9)


def test_stock_out_is_rejected(readme_problem):
    """Skipping customer 1's delivery leaves it below its minimum level in period 2."""
    solution = IRPSolution(((), ((d(3, 116),), (d(4, 48), d(2, 35), d(5, 22))), ()))
    errors = violations(readme_problem, solution)
    assert any("customer 1 stock-out" in e for e in errors)


def test_route_over_capacity_is_rejected(readme_problem):
    """One route carrying 221 units breaks the capacity of 144."""
    route = (d(3, 116), d(4, 48), d(2, 35), d(5, 22))
    solution = IRPSolution((((d(1, 65),),), (route,), ()))
    errors = violations(readme_problem, solution)
    assert errors == ["period 2 route 1: load 221 > capacity 144"]


def test_level_above_maximum_is_rejected(readme_problem):
    """Bringing customer 1 to 196 units breaks its maximum level of 195."""
    solution = IRPSolution((((d(1, 66),),), ((d(3, 116),), (d(4, 48), d(2, 35), d(5, 22))), ()))
    errors = violations(readme_problem, solution)
    assert errors == ["period 1: customer 1 at 196 after delivery > max level 195"]


def test_negative_depot_stock_is_rejected(readme_problem, readme_optimum):
    """With no initial depot stock and no production the first delivery overdraws the depot."""
    dry = dataclasses.replace(
        readme_problem, depot_initial=0.0, depot_production=np.zeros(readme_problem.periods)
    )
    errors = violations(dry, readme_optimum)
    assert "period 1: depot stock -65 < 0" in errors


def test_too_many_routes_are_rejected(readme_problem):
    """Three routes in one period break the fleet of two vans."""
    period2 = ((d(3, 116),), (d(4, 48), d(2, 35)), (d(5, 22),))
    solution = IRPSolution((((d(1, 65),),), period2, ()))
    assert violations(readme_problem, solution) == ["period 2: 3 routes > 2 vehicles"]


def test_second_visit_in_a_period_is_rejected(readme_problem):
    """Customer 3 served by both routes of period 2 is a double visit."""
    period2 = ((d(3, 100),), (d(4, 48), d(2, 35), d(5, 22), d(3, 16)))
    solution = IRPSolution((((d(1, 65),),), period2, ()))
    assert violations(readme_problem, solution) == ["period 2: customer 3 visited twice"]


def test_unknown_customer_negative_quantity_and_wrong_horizon_are_rejected(readme_problem):
    """A stop at customer 9, a negative delivery and a two-period plan are all reported."""
    bad = IRPSolution((((d(9, 1),),), ((d(2, -1),),), ()))
    errors = violations(readme_problem, bad)
    assert "period 1 route 1: unknown customer 9" in errors
    assert "period 2: customer 2 gets -1 < 0" in errors
    assert violations(readme_problem, IRPSolution(((), ()))) == [
        "solution has 2 periods, problem 3"
    ]


def test_cost_charges_end_levels_of_depot_and_customers(readme_problem):
    """An empty plan costs only holding: depot and customer end levels over periods 1..H."""
    empty = IRPSolution(((), (), ()))
    p: IRPProblem = readme_problem
    depot = sum(p.depot_initial + (t + 1) * p.depot_production[0] for t in range(3))
    customers = sum(
        p.holding[i] * (p.initial[i] - (t + 1) * p.demand[i, 0])
        for i in range(p.n)
        for t in range(3)
    )
    split = cost(p, empty)
    assert split.routing == 0
    assert split.holding == pytest.approx(p.depot_holding * depot + customers)


def test_problem_rejects_inconsistent_shapes(readme_problem):
    """A demand array of the wrong shape is refused with the field named."""
    with pytest.raises(ValueError, match="demand: shape"):
        dataclasses.replace(readme_problem, demand=np.zeros((5, 2)))
