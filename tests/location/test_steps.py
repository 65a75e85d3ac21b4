"""A step limit makes the location search deterministic; a clock that cuts it is reported."""

import numpy as np
import pytest

from pickup_net.location import LocationProblem, LocationResult, solve_location


def _problem(capacitated: bool) -> LocationProblem:
    """A mid-size problem (200 customers, 60 shops) no search proves optimal in a few steps."""
    rng = np.random.default_rng(7)
    customers, shops = rng.uniform(0, 1000, (200, 2)), rng.uniform(0, 1000, (60, 2))
    cost = np.sqrt(((customers[:, None] - shops[None]) ** 2).sum(axis=2))
    return LocationProblem(
        customer_ids=[f"c{i}" for i in range(200)],
        shop_ids=[f"s{j}" for j in range(60)],
        demand=rng.integers(1, 4, 200).astype(float),
        capacity=np.full(60, 25.0 if capacitated else np.inf),
        assign_cost=cost,
        home_cost=np.full(200, 400.0),
        fixed_cost=rng.uniform(500, 2000, 60),
    )


def _answer(result: LocationResult) -> tuple:
    """Everything of a result but its timing."""
    return (
        result.open_shops,
        result.assignment,
        result.objective,
        result.lower_bound,
        result.method,
        result.steps,
    )


@pytest.mark.parametrize("capacitated", [False, True])
def test_steps_give_the_same_result_whatever_the_time_limit(capacitated: bool) -> None:
    """Equal steps give an equal result under a short and a long time limit (a safety net)."""
    problem = _problem(capacitated)
    short = solve_location(problem, time_limit_s=30.0, seed=2, steps=20)
    long = solve_location(problem, time_limit_s=300.0, seed=2, steps=20)
    assert _answer(short) == _answer(long)
    assert not short.clock_hit and short.steps > 0
    assert not short.proven_optimal  # the steps, not the search's end, stopped it


def test_a_clock_that_cuts_a_counted_search_is_reported() -> None:
    """A time limit far shorter than the steps need stops the search and sets clock_hit."""
    result = solve_location(_problem(False), time_limit_s=1e-6, steps=10**9)
    assert result.clock_hit
