"""Planner-facing explanations: hub summaries and reasons for home delivery."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from pickup_net.location import LocationProblem, solve_location
from tests.location.conftest import small_problems

INF = np.inf


def test_home_reasons_name_the_cause() -> None:
    """Out of reach, declined-only, full hub and cheaper-at-home customers get distinct reasons."""
    problem = LocationProblem(
        customer_ids=["far", "declined", "big1", "big2", "cheap"],
        shop_ids=["hub", "declined_shop"],
        demand=np.array([1.0, 1.0, 3.0, 3.0, 1.0]),
        capacity=np.array([4.0, 4.0]),
        assign_cost=np.array(
            [[INF, INF], [INF, 1.0], [1.0, INF], [1.0, INF], [9.0, INF]],
        ),
        home_cost=np.array([5.0, 5.0, 50.0, 50.0, 2.0]),
        n_hubs=1,
        force_closed=frozenset({"declined_shop"}),
    )
    result = solve_location(problem, time_limit_s=5.0)
    assert result.open_shops == ["hub"]
    assert result.home_reasons["far"] == "no shop within walking reach"
    assert result.home_reasons["declined"] == "only declined shops within walking reach"
    full = [c for c in ("big1", "big2") if result.assignment[c] is None]
    assert len(full) == 1
    assert result.home_reasons[full[0]] == "capacity full"
    assert result.home_reasons["cheap"] == "cheaper by home delivery"
    assert set(result.home_reasons) == {c for c, s in result.assignment.items() if s is None}


def test_hub_explanation_reports_alternative_and_its_extra_cost() -> None:
    """A hub's explanation names the best replacement shop and what switching would cost."""
    problem = LocationProblem(
        customer_ids=["a", "b", "c"],
        shop_ids=["best", "second", "far"],
        demand=np.ones(3),
        capacity=np.full(3, INF),
        assign_cost=np.array([[1.0, 2.0, 9.0], [1.0, 3.0, 9.0], [1.0, 2.0, 9.0]]),
        home_cost=np.full(3, INF),
        n_hubs=1,
    )
    result = solve_location(problem, time_limit_s=5.0)
    hub = result.hub_explanations["best"]
    assert hub["customers"] == ["a", "b", "c"]
    assert hub["demand_served"] == [3.0]
    assert hub["assignment_cost"] == pytest.approx(3.0)
    assert hub["next_best_alternative"] == "second"
    assert hub["extra_cost_of_alternative"] == pytest.approx(4.0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_explanations_match_the_assignment(problem: LocationProblem) -> None:
    """Every open hub is explained, and its customers and demand are exactly those assigned."""
    try:
        result = solve_location(problem, time_limit_s=5.0)
    except ValueError:
        return
    assert set(result.hub_explanations) == set(result.open_shops)
    index = {c: i for i, c in enumerate(problem.customer_ids)}
    for shop, info in result.hub_explanations.items():
        members = [c for c, s in result.assignment.items() if s == shop]
        assert info["customers"] == members
        served = problem.demand[[index[c] for c in members]].sum(axis=0)
        assert info["demand_served"] == pytest.approx(list(served))
